// The command line: flags -> options -> check -> render -> exit code. The only module that
// writes to the terminal or decides the exit code, and it does so in one place each.
import { readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { Ora } from 'ora';
import type { ProcessFacts } from './batch-runtime.ts';
import { parseShard, type Shard } from './batch-input.ts';
import type { CheckOptions, ProgressStage } from './check.ts';
import { systemClock, type Clock } from './clock.ts';
import type { DnsClient } from './dns/client.ts';
import { DNS_DEFAULTS } from './dns/defaults.ts';
import { SESSION_DEFAULTS } from './dns/session.ts';
import type { ServerAddress } from './dns/types.ts';
import { EXIT, exitCodeFor } from './exit.ts';
import { colorLevel, parseConcurrency, parseDeadline, parseDomain, parseFailOn, parseHelo, parseMailFrom, parseResolver, parseSelector, parseTimeout, parseTo, UsageError, type FailOn } from './options.ts';
import { importLater } from './later.ts';
import { readMessage } from './read-message.ts';
import { looksLikeMessage, messageFacts } from './simulate/message.ts';
import { printable, printableLines } from './report/sanitize.ts';

// Start-up: this module loads only commander and the option parsers. Everything a check needs
// (DNS, mailauth, the renderers, chalk) is imported once a check is about to run, so --help and
// --version stay close to a bare `node -e 0`.

/** Exit codes: the contract in README "Exit codes", plus 4 for a bug, 5 for output not written, 130 for Ctrl-C. */
export { EXIT, exitCodeFor };

export interface CliIo {
  /** Standard input, for --message - and --domains-file -. */
  stdin?: NodeJS.ReadableStream;
  /** Where reports go; the callback tells whether the text was written (ENOSPC, EBADF, EPIPE): see writeOut. */
  stdout: { write(text: string, done?: (err?: Error | null) => void): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  stdoutIsTTY: boolean;
  /** Columns the human report fits in: the terminal's width, 80 when stdout is not a terminal. */
  columns: number;
  clock: Clock;
  /** The process, for a batch to re-execute under its node flags (batch-runtime.ts); absent in tests that run a batch in place. */
  process?: ProcessFacts & { exec(file: string, args: string[], env: NodeJS.ProcessEnv): void };
}

/** The report could not be written to stdout. */
export class OutputError extends Error {
  readonly code: string;
  constructor(err: NodeJS.ErrnoException) {
    super(err.message);
    this.code = err.code ?? 'EIO';
  }
}

const OUTPUT_ERROR_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EBADF: 'standard output is closed',
  EPIPE: 'the reader closed the pipe',
  EIO: 'input/output error',
  EFBIG: 'the file is too large',
  EDQUOT: 'disk quota exceeded',
};

/** Writes to stdout and waits for the outcome, so that a write error becomes exit 5 and one line. */
export const writeOut = (io: Pick<CliIo, 'stdout'>, text: string): Promise<void> =>
  new Promise((resolve, reject) => {
    try {
      // a writer that takes no callback (an in-process test's) is done when write returns
      if (io.stdout.write.length < 2) {
        io.stdout.write(text);
        resolve();
        return;
      }
      io.stdout.write(text, (err) => (err ? reject(new OutputError(err)) : resolve()));
    } catch (err) {
      reject(new OutputError(err as NodeJS.ErrnoException));
    }
  });

/** The one way a line reaches stderr: prefixed, on one line, every outside character made visible. */
export const errorLine = (io: Pick<CliIo, 'stderr'>, text: string): void => {
  io.stderr.write(`fwdcheck: ${printable(text.trim())}\n`);
};

/** One line for a write error on stdout; EPIPE (the reader left: `fwdcheck ... | head`) says nothing. */
export const outputFailure = (io: Pick<CliIo, 'stderr'>, err: OutputError): number => {
  if (err.code === 'EPIPE') return EXIT.ok;
  errorLine(io, `cannot write the report to standard output: ${OUTPUT_ERROR_TEXT[err.code] ?? err.message} (${err.code})`);
  return EXIT.output;
};

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The demo zone shipped in the package (fixtures/zones/demo.zone), beside src/ and dist/. */
export const DEMO_ZONE = fileURLToPath(new URL('../fixtures/zones/demo.zone', import.meta.url));
const DEMO_DEFAULT_DOMAIN = 'bank.example';


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
  resolver?: string;
  timeout?: string;
  offline?: boolean;
  demo?: boolean;
  concurrency?: string;
  deadline?: string;
  json?: boolean;
  format?: string;
  verbose?: boolean;
  domainsFile?: string;
  shard?: string;
  jobs?: string;
  failOn?: string;
  color: boolean;
  debug?: boolean;
}

// Repeatable options start empty without a default, so that --help shows no "(default: [])".
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
const ARRAY_OPTIONS = ['relay', 'selector', 'dkimDomain', 'to', 'zone'] as const;

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

const buildProgram = (io: CliIo, pending: string[]) =>
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
      new Option('--format <format>', 'text; json; ndjson (one report per line, as each domain finishes); markdown (short, for a pull-request comment)').choices([
        'text',
        'json',
        'ndjson',
        'markdown',
      ]),
    )
    .addOption(new Option('--fail-on <level>', 'exit 1 from this verdict up (default: at-risk)').choices(['at-risk', 'fail']))
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

export type OutputFormat = 'text' | 'json' | 'ndjson' | 'markdown';

export const DEFAULT_JOBS = 64;

export interface Parsed {
  /** Domains given as arguments, validated. */
  domains: string[];
  domainsFile?: string;
  shard?: Shard;
  jobs: number;
  /** --message FILE (one domain only). */
  messageFile: string | null;
  check: CheckOptions;
  zones: string[];
  resolver?: ServerAddress;
  offline: boolean;
  timeoutMs: number;
  deadlineMs: number;
  concurrency: number;
  /** Whether --concurrency was given (a batch raises the default). */
  concurrencyGiven: boolean;
  format: OutputFormat;
  verbose: boolean;
  failOn: FailOn;
  color: boolean;
  debug: boolean;
}

const parseJobs = (input: string): number => {
  const value = input.trim();
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 4096) throw new UsageError(`invalid --jobs "${input}": a number of domains from 1 to 4096`);
  return Number(value);
};

const parseFormat = (raw: RawOptions): OutputFormat => {
  const format = (raw.format ?? (raw.json ? 'json' : 'text')) as OutputFormat;
  if (raw.json && format !== 'json') throw new UsageError(`--json and --format ${format} cannot be combined`);
  return format;
};

const parseMailbox = (input: string): string => {
  const value = input.trim().replace(/^<(.*)>$/, '$1');
  const at = value.lastIndexOf('@');
  if (at <= 0 || /[\s<>]/.test(value.slice(0, at))) throw new UsageError(`invalid --mailbox "${input}": expected an address, local-part@domain`);
  return `${value.slice(0, at)}@${parseDomain(value.slice(at + 1), '--mailbox domain')}`;
};

const validate = (argsGiven: readonly string[], raw: RawOptions, concurrencyGiven: boolean): Parsed => {
  let args = argsGiven;
  if (raw.demo) {
    if (raw.zone.length || raw.resolver) throw new UsageError('--demo uses the demo zone: it cannot be combined with --zone or --resolver');
    raw.zone = [DEMO_ZONE];
    raw.offline = true;
    if (!args.length && raw.message === undefined && raw.domainsFile === undefined) args = [DEMO_DEFAULT_DOMAIN];
  }
  if (raw.offline && raw.zone.length === 0) throw new UsageError('--offline needs --zone: without zone files there is nothing to answer from');
  if (raw.offline && raw.resolver) throw new UsageError('--offline and --resolver cannot be combined: --offline asks no server');
  if (!args.length && raw.domainsFile === undefined && raw.message === undefined) throw new UsageError('missing the domain to check (or --domains-file FILE)');
  if (raw.message !== undefined && (args.length > 1 || raw.domainsFile !== undefined || raw.shard !== undefined)) {
    throw new UsageError('--message checks one message: it cannot be combined with several domains, --domains-file or --shard');
  }
  const check: CheckOptions = {
    relays: raw.relay.map((r) => r.trim()),
    selectors: raw.selector.map(parseSelector),
    dkimDomains: raw.dkimDomain.map((d) => parseDomain(d, '--dkim-domain')),
    receivers: parseTo(raw.to),
  };
  if (raw.mailFrom !== undefined) check.mailFrom = parseMailFrom(raw.mailFrom);
  if (raw.mailbox !== undefined) check.mailbox = parseMailbox(raw.mailbox);
  if (raw.helo !== undefined) check.helo = parseHelo(raw.helo);
  const parsed: Parsed = {
    domains: args.map((d) => parseDomain(d)),
    jobs: raw.jobs === undefined ? DEFAULT_JOBS : parseJobs(raw.jobs),
    messageFile: raw.message ?? null,
    check,
    zones: raw.zone,
    offline: raw.offline === true,
    timeoutMs: raw.timeout === undefined ? DNS_DEFAULTS.timeoutMs : parseTimeout(raw.timeout),
    deadlineMs: raw.deadline === undefined ? DNS_DEFAULTS.deadlineMs : parseDeadline(raw.deadline),
    concurrency: raw.concurrency === undefined ? SESSION_DEFAULTS.concurrency : parseConcurrency(raw.concurrency),
    concurrencyGiven,
    format: parseFormat(raw),
    verbose: raw.verbose === true,
    failOn: parseFailOn(raw.failOn ?? 'at-risk'),
    color: raw.color,
    debug: raw.debug === true,
  };
  if (raw.domainsFile !== undefined) parsed.domainsFile = raw.domainsFile;
  if (raw.shard !== undefined) parsed.shard = parseShard(raw.shard);
  if (raw.resolver !== undefined) parsed.resolver = parseResolver(raw.resolver);
  return parsed;
};

/** A batch: several domains, or a list, or a shard of one. One domain keeps the full report. */
export const isBatch = (parsed: Parsed): boolean => (parsed.domains.length !== 1 && parsed.messageFile === null) || parsed.domainsFile !== undefined || parsed.shard !== undefined;

/** One domain: the full report, on a terminal with a spinner while it resolves. */
const runOne = async (parsed: Parsed, domain: string, io: CliIo, ui: { spinner?: Ora; dns?: DnsClient }): Promise<number> => {
  // loaded now, not at start-up: what sends the first queries first, the rest while they run
  const [{ openDnsClient }, { startFirstWave }] = await Promise.all([import('./upstream.ts'), import('./first-wave.ts')]);
  const dns = await openDnsClient(parsed, io.clock);
  ui.dns = dns;
  startFirstWave((name, type) => dns.prefetch(name, type), domain, parsed.check);
  const checkModule = importLater(() => import('./check.ts'));
  // awaited below, after the spinner loads: a failure meanwhile is not an unhandled rejection
  checkModule.catch(() => {});

  // progress on stderr, only for a person at a terminal
  // (a terminal of 0 columns, as a pseudo-terminal nobody sized, makes ora redraw without end)
  if (io.stderr.isTTY && (io.stderr.columns ?? 0) >= 20 && !io.env.CI) {
    // loaded only here: it is a quarter of the start-up time, and pipes and CI never need it
    const { default: ora } = await import('ora');
    // discardStdin: false leaves the terminal in cooked mode, so Ctrl-C is a SIGINT (see main)
    ui.spinner = ora({ stream: io.stderr as NodeJS.WritableStream, discardStdin: false, text: printable(STAGE_TEXT.records(domain)) }).start();
  }
  const { check } = await checkModule;
  const pending = check(domain, parsed.check, {
    dns,
    clock: io.clock,
    onProgress: (stage) => {
      if (ui.spinner) ui.spinner.text = printable(STAGE_TEXT[stage](domain));
    },
  });
  // the check has sent its first queries: the renderer (only the one for the format asked) loads
  // while they are in flight
  const renderer = parsed.format === 'text' ? importLater(() => import('./report/render-text.ts')) : importLater(() => import('./report/render-json.ts'));
  const markdown = parsed.format === 'markdown' ? importLater(() => import('./contract/render-markdown.ts')) : null;
  renderer.catch(() => {});
  markdown?.catch(() => {});
  const report = await pending;
  ui.spinner?.stop();
  delete ui.spinner;

  const unreachable = !report.dns.reachable && report.dns.queries > 0;
  // the JSON document is printed whatever the verdict; a person gets the one line below
  // instead of a report made of nothing but DNS errors
  const render = await renderer;
  if (parsed.debug) {
    for (const t of dns.trace()) io.stderr.write(`dns: ${printable(`${t.type} ${t.name} -> ${t.outcome}${t.note ? ` (${t.note})` : ''} (${t.count}) ${t.ms} ms`)}\n`);
    // how mailauth was loaded (loaded by then: the check evaluated with it)
    const load = (await import('./auth/mailauth.ts')).mailauthLoadInfo();
    if (load) io.stderr.write(`mailauth: ${load.plan === 'used' ? `loaded by its load plan, ${load.files} files in ${load.slices} slices` : `loaded at once (${printable(load.reason ?? '')})`}\n`);
  }
  // each report is written in one piece: Ctrl-C never leaves half of one on stdout
  if ('renderText' in render) {
    if (!unreachable) {
      const { Chalk } = await import('chalk');
      const level = colorLevel({ flag: parsed.color, env: io.env, isTTY: io.stdoutIsTTY });
      await writeOut(io, render.renderText(report, { chalk: new Chalk({ level }), width: io.columns, verbose: parsed.verbose }));
    }
  } else if (markdown) await writeOut(io, (await markdown).renderMarkdown(render.toV1(report)));
  else if (parsed.format === 'ndjson') await writeOut(io, `${render.jsonSafe(JSON.stringify(render.toV1(report, { debug: parsed.debug })))}\n`);
  else await writeOut(io, render.renderJson(report, { debug: parsed.debug }));
  if (unreachable) {
    const codes = [...new Set(dns.trace().map((t) => t.outcome))].join(', ');
    errorLine(io, `the DNS resolver (${report.dns.source}) did not answer any query (${codes})`);
    return EXIT.dns;
  }
  return exitCodeFor(report, parsed.failOn);
};

/** What the spinner says while a stage runs. */
const STAGE_TEXT: Record<ProgressStage, (domain: string) => string> = {
  records: (d) => `Reading the SPF, DKIM and DMARC records of ${d}`,
  simulate: () => 'Following the mail through the forwarders to Gmail',
  done: () => 'Writing the report',
};

/** Runs the CLI and returns its exit code; never throws, never exits the process. */
export const run = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const pending: string[] = [];
  const program = buildProgram(io, pending);
  let debug = argv.includes('--debug');
  const ui: { spinner?: Ora; dns?: DnsClient } = {};
  try {
    try {
      program.parse([...argv], { from: 'user' });
    } catch (err) {
      if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')) {
        await writeOut(io, pending.join(''));
        return EXIT.ok;
      }
      throw err;
    }
    const opts = program.opts<RawOptions>();
    for (const key of ARRAY_OPTIONS) opts[key] ??= [];
    // a batch raises the default concurrency unless --concurrency was given
    const parsed = validate(program.args, opts, opts.concurrency !== undefined);
    debug = parsed.debug;
    // the relay specs are parsed here for the usage errors (the core takes them as typed), with
    // hops.ts loaded only now: it brings the SPF walk, which --help and --version never need
    const { parseRelaySpec } = await import('./simulate/hops.ts');
    for (const r of parsed.check.relays) parseRelaySpec(r);
    if (isBatch(parsed)) {
      if (parsed.format === 'markdown') throw new UsageError('--format markdown reports on one domain; for several use --json or --format ndjson');
      if (io.process) {
        const { reexecForBatch, describeBatchRuntime } = await import('./batch-runtime.ts');
        // when it re-executes, this process is replaced: the batch starts again under the flags
        const runtime = reexecForBatch(io.process, io.process.exec);
        if (debug) io.stderr.write(`${describeBatchRuntime(runtime)}\n`);
      }
      return await (await import('./batch-cli.ts')).runBatch(parsed, io);
    }
    let domain = parsed.domains[0] ?? null;
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
    if (domain === null) throw new UsageError('missing the domain to check (or --domains-file FILE)');
    return await runOne(parsed, domain, io, ui);
  } catch (err) {
    ui.spinner?.stop();
    if (err instanceof OutputError) return outputFailure(io, err);
    if (err instanceof CommanderError) {
      // commander puts its hints on a second line: keep them, on the same line
      errorLine(io, `${err.message.replace(/^error: /, '').replace(/\n+/g, ' ')} (see fwdcheck --help)`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      errorLine(io, err.message);
      if (debug && err.stack) io.stderr.write(`${printableLines(err.stack)}\n`);
      return EXIT.usage;
    }
    // hops.ts is loaded by then if it threw this (it is not loaded at start-up)
    const { RelayAddressError } = await import('./simulate/hops.ts');
    if (err instanceof RelayAddressError) {
      // DNS trouble kept fwdcheck from knowing where a hop sends from: no verdict (exit 3)
      errorLine(io, err.message);
      return EXIT.dns;
    }
    const e = err as Error;
    errorLine(io, `internal error: ${e?.message ?? String(err)}${debug ? '' : ' (run with --debug for details)'}`);
    if (debug && e?.stack) io.stderr.write(`${printableLines(e.stack)}\n`);
    return EXIT.internal;
  } finally {
    ui.dns?.close();
  }
};

/**
 * Node replaces a closed stdout (`fwdcheck >&-`) by /dev/null opened read-write before any of
 * fwdcheck runs, so the report would vanish with exit 0. A shell's `> /dev/null` opens it
 * write-only: the access mode (Linux /proc) tells the two apart.
 */
const stdoutWasClosed = (): boolean => {
  try {
    if (readlinkSync('/proc/self/fd/1') !== '/dev/null') return false;
    const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))?.[1];
    return flags !== undefined && (Number.parseInt(flags, 8) & 3) === 2;
  } catch {
    return false;
  }
};

const closedStdout: CliIo['stdout'] = {
  write: (_text, done) => {
    const err = Object.assign(new Error('standard output is closed'), { code: 'EBADF' });
    if (!done) throw new OutputError(err);
    done(err);
  },
};

/** The process entry point used by bin/fwdcheck.js. */
export const main = async (): Promise<void> => {
  // Ctrl-C stops at once, in every mode: a report is written in one piece, so nothing
  // half-printed reaches stdout; the spinner line on a terminal is cleared
  process.once('SIGINT', () => {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.exit(EXIT.interrupted);
  });
  // a write error is reported through writeOut's callback; one that happens where nothing waits
  // for it (a batch's streamed lines) is kept here and decides the exit code at the end
  let lost: OutputError | undefined;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    lost ??= new OutputError(err);
  });
  const tty = process.stdout.isTTY === true;
  const io: CliIo = {
    // a getter: reading process.stdin sets up a stream on fd 0, which a batch's re-exec must find untouched
    get stdin() {
      return process.stdin;
    },
    stdout: stdoutWasClosed() ? closedStdout : process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdoutIsTTY: tty,
    columns: tty ? Math.min(Math.max(process.stdout.columns || 80, 40), 120) : 80,
    clock: systemClock,
    process: {
      execPath: process.execPath,
      execArgv: process.execArgv,
      argv: process.argv,
      env: process.env,
      canExec: typeof process.execve === 'function',
      exec: (file, args, env) => process.execve!(file, args, env),
    },
  };
  const code = await run(process.argv.slice(2), io);
  process.exitCode = lost && code !== EXIT.output && lost.code !== 'EPIPE' ? outputFailure(io, lost) : code;
};
