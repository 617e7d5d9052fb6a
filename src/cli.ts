// The command line: flags -> options -> check -> render -> exit code. The only module that
// writes to the terminal or decides the exit code, and it does so in one place each.
import { readFileSync, readlinkSync } from 'node:fs';
import type { Ora } from 'ora';
import type { MailauthLoad } from './auth/mailauth.ts';
import type { ProcessFacts } from './batch-runtime.ts';
import type { ProgressStage } from './check.ts';
import { systemClock, type Clock } from './clock.ts';
import type { DnsClient } from './dns/client.ts';
import { EXIT, exitCodeFor } from './exit.ts';
import { colorLevel, parseDomain, UsageError } from './options.ts';
import { isBatch, validate, type Parsed } from './parse-options.ts';
import { readPlainArgs } from './plain-args.ts';
import { importLater } from './later.ts';
import { printable, printableLines } from './report/sanitize.ts';

// Start-up: this module loads only the option parsers. commander reads the command lines that are
// not plain (cli-program.ts, loaded then), and everything a check needs (DNS, mailauth, the
// renderers, chalk) is imported once a check is about to run, so --help and --version stay close
// to a bare `node -e 0`, and a check's first queries leave as soon as they can (issue 7).

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

const mailauthLoadText = (load: MailauthLoad): string => {
  switch (load.plan) {
    case 'used':
      return `loaded by its load plan, ${load.files} files in ${load.slices} slices`;
    case 'not-used':
      return `loaded at once (${printable(load.reason ?? '')})`;
  }
};

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
    if (load) io.stderr.write(`mailauth: ${mailauthLoadText(load)}\n`);
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
  let debug = argv.includes('--debug');
  const ui: { spinner?: Ora; dns?: DnsClient } = {};
  let program: typeof import('./cli-program.ts') | null = null;
  try {
    // a plain command line is read as commander reads it, without loading commander (plain-args.ts)
    let line = readPlainArgs(argv);
    if (!line) {
      program = await import('./cli-program.ts');
      const read = program.readWithCommander(argv, io, pending);
      if (read === 'done') {
        await writeOut(io, pending.join(''));
        return EXIT.ok;
      }
      line = read;
    }
    // a batch raises the default concurrency unless --concurrency was given
    const parsed = validate(line.args, line.raw, line.raw.concurrency !== undefined);
    debug = parsed.debug;
    // the relay specs are parsed here for the usage errors (the core takes them as typed), with
    // the parser loaded only now (--help and --version never need it); the SPF walk that
    // resolving them needs (hops.ts) loads with the check, after its first queries have left
    const { parseRelaySpec } = await import('./simulate/parse-relay.ts');
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
      const [{ readMessage }, { looksLikeMessage, messageFacts }] = await Promise.all([import('./read-message.ts'), import('./simulate/message.ts')]);
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
    const mistake = program?.commanderMistake(err);
    if (mistake) {
      // commander puts its hints on a second line: keep them, on the same line
      errorLine(io, `${mistake.replace(/^error: /, '').replace(/\n+/g, ' ')} (see fwdcheck --help)`);
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
