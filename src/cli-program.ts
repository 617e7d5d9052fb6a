// commander, and the program it reads the command line with: loaded only for a command line that
// is not plain (plain-args.ts): --help, --version, a list of domains, a message, a mistake.
// Loading and setting it up cost ~10 ms of CPU before a check's first query (issue 7).
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import type { CliIo } from './cli.ts';
import { DNS_DEFAULTS } from './dns/defaults.ts';
import { SESSION_DEFAULTS } from './dns/session.ts';
import { ARRAY_OPTIONS, DEFAULT_JOBS, DEMO_DEFAULT_DOMAIN, FAIL_ON_LEVELS, FORMATS, type RawOptions } from './parse-options.ts';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

// Repeatable options start empty without a default, so that --help shows no "(default: [])".
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

const HELP_AFTER = `
Exit codes:
  0    the forwarded mail is expected to reach the inbox (with --fail-on fail: at-risk too)
  1    it is at risk or will be lost (see --fail-on), or the From domain does not exist
  2    bad usage or input (one line on stderr, nothing on stdout)
  3    no verdict: DNS trouble or --deadline left the outcome open
  4    internal error (a bug; run with --debug)
  5    the output could not be written (stdout closed, disk full)
  130  interrupted (Ctrl-C)
  A batch exits with its worst domain: 4 > 3 > 2 > 1 > 0 (2: a line that is not a domain).

Examples:
  fwdcheck --demo                                   try it on the demo zone shipped with fwdcheck
  fwdcheck bank.example --relay 203.0.113.7         will mail from bank.example survive my forward?
  fwdcheck uni.example --relay 198.51.100.25 --relay microsoft365,srs=company.example --relay gmail
  fwdcheck bank.example --relay list@lists.example --relay 203.0.113.7,srs=fwd.example,modify=footer,arc
  fwdcheck --message received.eml --relay list@lists.example
  fwdcheck example.com --zone dns/example.com.zone --fail-on fail --json   (CI, before publishing a zone)
  fwdcheck example.com --zone dns/example.com.zone --format markdown       (a pull-request comment)
  fwdcheck --domains-file senders.txt --relay 203.0.113.7 --format ndjson > reports.ndjson
  fwdcheck bank.example --to all                    Gmail, Outlook.com, Yahoo, iCloud and Proton

JSON: schema version 1, described by the JSON Schema shipped as fwdcheck/schema.`;

const buildProgram = (io: Pick<CliIo, 'stderr'>, pending: string[]) =>
  new Command('fwdcheck')
    .description('Predict whether mail From DOMAIN, forwarded through relays to Gmail, reaches the inbox; explain why, and what to do instead.')
    .usage('[options] <domain...>')
    .argument('[domains...]', 'the From domain of the mail to check (example.com); several make a batch; with --message, taken from the message when left out')
    .optionsGroup('What to check:')
    .option('--domains-file <file>', 'check the domains listed in FILE, one per line (# comments, blank lines ignored); - for stdin')
    .option('--shard <K/N>', 'check only the K-th of N parts of the domains (stable by domain name), to split a list across machines')
    .option('--jobs <n>', `domains checked at once in a batch (default: ${DEFAULT_JOBS})`)
    .option('--message <file.eml>', 'a real message as the sender sent it (with its DKIM-Signature fields); "-" reads standard input')
    .option('--selector <s>', 'DKIM selector to probe; repeatable (default: the provider\'s and a list of common selectors)', collect)
    .option('--dkim-domain <d>', 'a further domain the mail is signed with (d=), probed beside DOMAIN and its parents; repeatable', collect)
    .option('--to <receiver>', 'also predict this mailbox: gmail, outlook, yahoo, icloud, proton, or all; repeatable (the verdict and exit code stay Gmail\'s)', collect)
    .option('--mailbox <address>', 'the forwarded mailbox: its IMAP/POP3/submission servers are looked up (RFC 6186) for the fetch-instead advice')
    .optionsGroup('The path:')
    .option(
      '--relay <spec>',
      'a forwarding hop; repeat for each, in order (default: an address your SPF does not list). SPEC is an IP, or a preset (gmail, microsoft365, list, postfix) optionally @IP or @DOMAIN, followed by ,srs=DOMAIN ,nosrs ,modify=subject+footer+reencode+headers ,arc ,noarc ,helo=NAME',
      collect,
    )
    .option('--mail-from <addr>', 'envelope sender (MAIL FROM); <> for the null sender (default: postmaster@DOMAIN)')
    .option('--helo <name>', 'the name the relay gives in HELO/EHLO (default: forwarder.invalid)')
    .optionsGroup('DNS:')
    .option('--zone <file>', 'answer the names under this RFC 1035 zone file\'s origin from it, the rest from the DNS; repeatable', collect)
    .option('--offline', 'with --zone: no network at all; names outside the zone files are reported as not checked')
    .option('--demo', `the demo zone shipped with fwdcheck, offline (domain: ${DEMO_DEFAULT_DOMAIN} unless given)`)
    .option('--resolver <host[:port]>', 'DNS server to ask instead of the system\'s name servers')
    .option('--timeout <ms>', `time given to each DNS query, retransmissions included (default: ${DNS_DEFAULTS.timeoutMs})`)
    .option('--deadline <ms>', `time given to the whole check; past it, the verdict is unknown (default: ${DNS_DEFAULTS.deadlineMs})`)
    .option('--concurrency <n>', `DNS queries in flight at once, for the whole run (default: ${SESSION_DEFAULTS.concurrency}; a batch: ${SESSION_DEFAULTS.batchConcurrencyLoopback} when every DNS server is a loopback address or --offline, else ${SESSION_DEFAULTS.batchConcurrency})`)
    .optionsGroup('Output:')
    .option('--json', 'the JSON report (schema version 1) on stdout; same as --format json. Several domains: one document { schemaVersion, reports, errors, summary }')
    .option('--verbose', "the human report with raw records, finding codes, references and Gmail's full reply")
    .addOption(
      new Option('--format <format>', 'text; json; ndjson (one report per line, as each domain finishes); markdown (short, for a pull-request comment)').choices(FORMATS),
    )
    .addOption(new Option('--fail-on <level>', 'exit 1 from this verdict up (default: at-risk)').choices(FAIL_ON_LEVELS))
    .option('--no-color', 'no colours (also NO_COLOR=1, or when stdout is not a terminal; FORCE_COLOR forces them)')
    .option('--debug', 'internal state in the JSON (under "debug"), stack traces and the DNS query trace on stderr')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .exitOverride()
    .configureOutput({
      // help and version text are written by run(), which waits for the write to succeed
      writeOut: (s) => pending.push(s),
      writeErr: (s) => io.stderr.write(s),
      // errors are printed by run(), as one line (with commander's "Did you mean" on it)
      outputError: () => {},
    })
    .addHelpText('after', HELP_AFTER);

/** The command line by commander: its words, or 'done' once --help or --version has been written to `pending`. Throws CommanderError on a mistake. */
export const readWithCommander = (argv: readonly string[], io: Pick<CliIo, 'stderr'>, pending: string[]): { args: string[]; raw: RawOptions } | 'done' => {
  const program = buildProgram(io, pending);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')) return 'done';
    throw err;
  }
  const raw = program.opts<RawOptions>();
  for (const key of ARRAY_OPTIONS) raw[key] ??= [];
  return { args: program.args, raw };
};

/** commander's message for a mistake on the command line, or null when `err` is something else. */
export const commanderMistake = (err: unknown): string | null => (err instanceof CommanderError ? err.message : null);
