// The command line: flags -> options -> check -> render -> exit code. The only module that
// writes to the terminal or decides the exit code, and it does so in one place each.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Chalk } from 'chalk';
import { Command, CommanderError, Option } from 'commander';
import type { Ora } from 'ora';
import { check, type CheckOptions } from './check.ts';
import { systemClock, type Clock } from './clock.ts';
import { createDnsClient, type DnsClient } from './dns/client.ts';
import { ZoneSyntaxError } from './dns/parse-zone.ts';
import { DNS_DEFAULTS } from './dns/defaults.ts';
import { openUpstream } from './dns/open.ts';
import { SESSION_DEFAULTS } from './dns/session.ts';
import type { UpstreamResolver } from './dns/types.ts';
import { ZoneFileError } from './dns/zone-resolver.ts';
import { colorLevel, parseConcurrency, parseDeadline, parseDomain, parseFailOn, parseHelo, parseMailFrom, parseResolver, parseSelector, parseTimeout, parseTo, UsageError, type FailOn } from './options.ts';
import { renderMarkdown } from './contract/render-markdown.ts';
import { toV1 } from './contract/to-v1.ts';
import { parseRelaySpec } from './simulate/hops.ts';
import { looksLikeMessage, messageFacts } from './simulate/message.ts';
import { readMessage } from './read-message.ts';
import { renderJson } from './report/render-json.ts';
import { renderTable } from './report/render-table.ts';
import type { Report } from './report/types.ts';

/** Exit codes: the contract of DESIGN.md, plus 4 for a bug. */
export const EXIT = { ok: 0, atRiskOrFail: 1, usage: 2, dns: 3, internal: 4 } as const;

export interface CliIo {
  /** Standard input, for --message - (read to its end). */
  stdin?: NodeJS.ReadableStream;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  stdoutIsTTY: boolean;
  columns: number;
  clock: Clock;
}

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const collect = (value: string, previous: string[]) => [...previous, value];

/** The demo zone shipped in the package (fixtures/zones/demo.zone), beside src/ and dist/. */
export const DEMO_ZONE = fileURLToPath(new URL('../fixtures/zones/demo.zone', import.meta.url));
const DEMO_DEFAULT_DOMAIN = 'bank.example';

/** Errors are one line on stderr, whatever text they quote. */
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

interface RawOptions {
  relay: string[];
  message?: string;
  mailbox?: string;
  mailFrom?: string;
  helo?: string;
  selector: string[];
  dkimDomain: string[];
  to: string[];
  zone: string[];
  demo?: boolean;
  resolver?: string;
  timeout: string;
  offline?: boolean;
  concurrency: string;
  deadline: string;
  json?: boolean;
  format?: string;
  failOn: string;
  color: boolean;
  debug?: boolean;
}

const buildProgram = (io: CliIo) =>
  new Command('fwdcheck')
    .description('Predict whether mail From DOMAIN, forwarded through a relay to Gmail, reaches the inbox; explain why, and what to do instead.')
    .argument('[domain]', 'the From domain of the mail to check (example.com); with --message, taken from the message when left out')
    .option(
      '--relay <spec>',
      'a forwarding hop; repeat for each, in order (default: an address your SPF does not list). SPEC is an IP, or a preset (gmail, microsoft365, list, postfix) optionally @IP or @DOMAIN, followed by ,srs=DOMAIN ,nosrs ,modify=subject+footer+reencode+headers ,arc ,noarc ,helo=NAME',
      collect,
      [],
    )
    .option('--message <file.eml>', 'a real message as the sender sent it (with its DKIM-Signature fields); "-" reads standard input')
    .option('--mailbox <address>', 'the forwarded mailbox: its IMAP/POP3/submission servers are looked up (RFC 6186) for the fetch-instead advice')
    .option('--mail-from <addr>', 'envelope sender (MAIL FROM); <> for the null sender (default: postmaster@DOMAIN)')
    .option('--helo <name>', 'the name the relay gives in HELO/EHLO')
    .option('--selector <s>', 'DKIM selector to probe; repeatable (default: a list of common selectors)', collect, [])
    .option('--dkim-domain <d>', 'a further domain the mail is signed with (d=), probed beside DOMAIN and its parents; repeatable', collect, [])
    .option('--to <receiver>', 'also predict this mailbox: gmail, outlook, yahoo, icloud, proton, or all; repeatable (the verdict and exit code stay Gmail\'s)', collect, [])
    .option('--zone <file>', 'answer the names under this RFC 1035 zone file\'s origin from it, the rest from the DNS; repeatable', collect, [])
    .option('--offline', 'with --zone: no network at all; names outside the zone files are reported as not checked')
    .option('--demo', `check against the demo zone shipped with fwdcheck (offline; domain: ${DEMO_DEFAULT_DOMAIN} unless given)`)
    .option('--resolver <host[:port]>', 'DNS server to ask instead of the system\'s name servers')
    .option('--timeout <ms>', 'time given to each DNS query, retransmissions included', String(DNS_DEFAULTS.timeoutMs))
    .option('--deadline <ms>', 'time given to the whole check; past it, the verdict is unknown', String(DNS_DEFAULTS.deadlineMs))
    .option('--concurrency <n>', 'DNS queries in flight at once', String(SESSION_DEFAULTS.concurrency))
    .option('--json', 'print the JSON report (schema version 1) on stdout; same as --format json')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']))
    .addOption(new Option('--fail-on <level>', 'exit 1 from this verdict up').choices(['at-risk', 'fail']).default('at-risk'))
    .option('--no-color', 'no colours (also NO_COLOR=1, or when stdout is not a terminal)')
    .option('--debug', 'stack traces and the DNS query trace on stderr')
    .version(version, '-V, --version')
    .helpOption('-h, --help')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // errors are printed by run(), as one line
      outputError: () => {},
    })
    .addHelpText(
      'after',
      `
Exit codes:
  0  the forwarded mail is expected to reach the inbox
  1  it is at risk or will fail (see --fail-on), or the domain does not exist
  2  bad usage or input
  3  DNS trouble prevented a verdict
  4  internal error (a bug; run with --debug)

Examples:
  fwdcheck bank.example --relay 203.0.113.7
  fwdcheck uni.example --relay 198.51.100.25 --relay microsoft365,srs=company.example --relay gmail
  fwdcheck bank.example --relay list@lists.example --relay 203.0.113.7,srs=fwd.example,modify=footer,arc
  fwdcheck --message received.eml --relay list@lists.example
  fwdcheck example.com --json --fail-on fail
  fwdcheck bank.example --to all
  fwdcheck example.com --zone example.com.zone --selector s2048`,
    );

interface Parsed {
  domain: string | null;
  messageFile: string | null;
  check: CheckOptions;
  zones: string[];
  resolver?: ReturnType<typeof parseResolver>;
  offline: boolean;
  timeoutMs: number;
  deadlineMs: number;
  concurrency: number;
  format: 'text' | 'json' | 'markdown';
  failOn: FailOn;
  color: boolean;
  debug: boolean;
}

const formatOf = (raw: RawOptions): Parsed['format'] => {
  if (raw.json && raw.format !== undefined && raw.format !== 'json') throw new UsageError(`--json and --format ${raw.format} cannot be combined`);
  if (raw.json) return 'json';
  return raw.format === 'json' || raw.format === 'markdown' ? raw.format : 'text';
};

const parseMailbox = (input: string): string => {
  const value = input.trim().replace(/^<(.*)>$/, '$1');
  const at = value.lastIndexOf('@');
  if (at <= 0 || /[\s<>]/.test(value.slice(0, at))) throw new UsageError(`invalid --mailbox "${input}": expected an address, local-part@domain`);
  return `${value.slice(0, at)}@${parseDomain(value.slice(at + 1), '--mailbox domain')}`;
};

const validate = (domainArg: string | undefined, raw: RawOptions): Parsed => {
  if (raw.demo) {
    if (raw.zone.length || raw.resolver) throw new UsageError('--demo uses the demo zone: it cannot be combined with --zone or --resolver');
    raw.zone = [DEMO_ZONE];
    raw.offline = true;
    if (raw.message === undefined) domainArg ??= DEMO_DEFAULT_DOMAIN;
  }
  if (raw.offline && raw.zone.length === 0) throw new UsageError('--offline needs --zone: without zone files there is nothing to answer from');
  if (raw.offline && raw.resolver) throw new UsageError('--offline and --resolver cannot be combined: --offline asks no server');
  // parsed here for the usage errors; the core takes the specs as typed
  for (const r of raw.relay) parseRelaySpec(r);
  const check: CheckOptions = {
    relays: raw.relay.map((r) => r.trim()),
    selectors: raw.selector.map(parseSelector),
    dkimDomains: raw.dkimDomain.map((d) => parseDomain(d, '--dkim-domain')),
    receivers: parseTo(raw.to),
  };
  if (raw.mailFrom !== undefined) check.mailFrom = parseMailFrom(raw.mailFrom);
  if (raw.mailbox !== undefined) check.mailbox = parseMailbox(raw.mailbox);
  if (domainArg === undefined && raw.message === undefined) throw new UsageError('missing the domain to check (for example: fwdcheck example.com; or try fwdcheck --demo)');
  if (raw.helo !== undefined) check.helo = parseHelo(raw.helo);
  const parsed: Parsed = {
    domain: domainArg === undefined ? null : parseDomain(domainArg),
    messageFile: raw.message ?? null,
    check,
    zones: raw.zone,
    offline: raw.offline === true,
    timeoutMs: parseTimeout(raw.timeout),
    deadlineMs: parseDeadline(raw.deadline),
    concurrency: parseConcurrency(raw.concurrency),
    format: formatOf(raw),
    failOn: parseFailOn(raw.failOn),
    color: raw.color,
    debug: raw.debug === true,
  };
  if (raw.resolver !== undefined) parsed.resolver = parseResolver(raw.resolver);
  return parsed;
};

export const exitCodeFor = (report: Report, failOn: FailOn): number => {
  switch (report.verdict) {
    case 'pass':
      return EXIT.ok;
    case 'at-risk':
      return failOn === 'at-risk' ? EXIT.atRiskOrFail : EXIT.ok;
    case 'fail':
    case 'no-domain':
      return EXIT.atRiskOrFail;
    case 'unknown':
      return EXIT.dns;
  }
};

const openDns = async (parsed: Parsed): Promise<UpstreamResolver> => {
  try {
    return await openUpstream({ zones: parsed.zones, offline: parsed.offline, ...(parsed.resolver ? { resolver: parsed.resolver } : {}) });
  } catch (err) {
    if (err instanceof ZoneSyntaxError) throw new UsageError(`zone file error: ${err.message}`);
    if (err instanceof ZoneFileError) throw new UsageError(err.message);
    throw err;
  }
};

/** Runs the CLI and returns its exit code; never throws, never exits the process. */
export const run = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const program = buildProgram(io);
  let debug = argv.includes('--debug');
  let dns: DnsClient | undefined;
  let spinner: Ora | undefined;
  try {
    program.parse([...argv], { from: 'user' });
    const parsed = validate(program.args[0], program.opts<RawOptions>());
    debug = parsed.debug;
    let domain = parsed.domain;
    if (parsed.messageFile !== null) {
      const bytes = await readMessage(parsed.messageFile, io.stdin);
      if (!looksLikeMessage(bytes)) throw new UsageError(`${parsed.messageFile === '-' ? 'standard input' : parsed.messageFile} is not an email message: no header section with a From field`);
      parsed.check.message = { bytes, source: parsed.messageFile === '-' ? '(standard input)' : parsed.messageFile };
      const from = messageFacts(bytes).fromDomain;
      if (domain === null) {
        if (!from) throw new UsageError(`cannot read a From domain from ${parsed.messageFile}; give the domain as the first argument`);
        domain = parseDomain(from, 'From domain of the message');
      }
    }
    if (domain === null) throw new UsageError("missing required argument 'domain'");
    dns = createDnsClient(await openDns(parsed), { timeoutMs: parsed.timeoutMs, concurrency: parsed.concurrency, deadlineMs: parsed.deadlineMs, clock: io.clock });

    // progress on stderr, only for a person at a terminal
    if (io.stderr.isTTY && !io.env.CI) {
      // loaded only here: it is a quarter of the start-up time, and pipes and CI never need it
      const { default: ora } = await import('ora');
      spinner = ora({ stream: io.stderr as NodeJS.WritableStream, text: `Resolving ${domain}` }).start();
    }
    const report = await check(domain, parsed.check, {
      dns,
      clock: io.clock,
      onProgress: (stage) => {
        if (spinner && stage === 'simulate') spinner.text = 'Simulating the forwarding path';
      },
    });
    spinner?.stop();

    const unreachable = !report.dns.reachable && report.dns.queries > 0;
    const level = colorLevel({ flag: parsed.color, env: io.env, isTTY: io.stdoutIsTTY });
    // the JSON document is printed whatever the verdict; a person gets the one line below
    // instead of a report made of nothing but DNS errors
    if (parsed.format === 'json') io.stdout.write(renderJson(report, { debug }));
    else if (parsed.format === 'markdown') io.stdout.write(renderMarkdown(toV1(report)));
    else if (!unreachable) io.stdout.write(renderTable(report, { chalk: new Chalk({ level }), width: io.columns }));
    if (debug) for (const t of dns.trace()) io.stderr.write(`dns: ${t.type} ${t.name} -> ${t.outcome} (${t.count}) ${t.ms} ms\n`);
    if (unreachable) {
      const codes = [...new Set(dns.trace().map((t) => t.outcome))].join(', ');
      io.stderr.write(`fwdcheck: the DNS resolver (${report.dns.source}) did not answer any query (${codes})\n`);
      return EXIT.dns;
    }
    return exitCodeFor(report, parsed.failOn);
  } catch (err) {
    spinner?.stop();
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      io.stderr.write(`fwdcheck: ${oneLine(err.message.replace(/^error: /, ''))} (see fwdcheck --help)\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`fwdcheck: ${oneLine(err.message)}\n`);
      if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
      return EXIT.usage;
    }
    const e = err as Error;
    io.stderr.write(`fwdcheck: internal error: ${oneLine(e?.message ?? String(err))}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && e?.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT.internal;
  } finally {
    dns?.close();
  }
};

/** The process entry point used by bin/fwdcheck.js. */
export const main = async (): Promise<void> => {
  // a reader that stops early (fwdcheck ... | head) is not an error worth a stack trace
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  process.exitCode = await run(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns ?? 100,
    clock: systemClock,
  });
};
