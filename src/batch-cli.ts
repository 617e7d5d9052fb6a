// The command line's batch mode: several domains, a --domains-file or a --shard. Reads the
// domains as a stream, checks them with checkMany over one DNS session, writes each result as it
// finishes (ndjson, or a streamed --json document), and ends with the summary and the exit code
// of the worst domain. Loaded only for a batch.
import { checkMany, type BatchInput, type BatchResult } from './batch.ts';
import { assertReadableFile, domainsFromLines, inShard, readLines } from './batch-input.ts';
import { addToSummary, emptySummary, type BatchSummary } from './batch-summary.ts';
import { errorLine, type CliIo } from './cli.ts';
import type { Parsed } from './parse-options.ts';
import { printableLines } from './report/sanitize.ts';
import { colorLevel } from './options.ts';
import { batchErrorDocument, batchSummaryDocument } from './report/render-batch.ts';
import { toV1 } from './contract/to-v1.ts';
import { heapGuard } from './heap.ts';
import { openDnsSession } from './upstream.ts';

type Stdout = CliIo['stdout'] & { once?(event: string, listener: () => void): unknown; off?(event: string, listener: () => void): unknown };

/** Writes, and waits for a full pipe to drain: a slow reader slows the run instead of filling memory. */
const writer = (stdout: Stdout) => async (text: string): Promise<void> => {
  if (stdout.write(text) !== false || typeof stdout.once !== 'function') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      for (const e of ['drain', 'close', 'error']) stdout.off?.(e, done);
      resolve();
    };
    for (const e of ['drain', 'close', 'error']) stdout.once!(e, done);
  });
};

async function* allInputs(parsed: Parsed, io: CliIo): AsyncGenerator<BatchInput> {
  for (const domain of parsed.domains) yield { domain };
  if (parsed.domainsFile !== undefined) yield* domainsFromLines(readLines(parsed.domainsFile, io.stdin ?? process.stdin));
}

/** How many domains this run will check, for the progress line; null when reading stdin. */
const countInputs = async (parsed: Parsed, io: CliIo): Promise<number | null> => {
  if (parsed.domainsFile === '-') return null;
  let n = 0;
  for await (const _ of inShard(allInputs(parsed, io), parsed.shard)) n++;
  return n;
};

/** done/total on stderr, on a terminal only, at most ten times a second. */
const progressLine = (io: CliIo, total: number | null) => {
  let last = 0;
  let shown = false;
  return {
    tick: (done: number) => {
      const now = io.clock.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\x1b[Kchecked ${done}/${total ?? '?'}`);
    },
    clear: () => {
      if (shown) io.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
};

const describeInput = (parsed: Parsed, result: Exclude<BatchResult, { kind: 'report' }>): string =>
  result.line === undefined ? `${result.input}` : `${parsed.domainsFile === '-' ? 'stdin' : JSON.stringify(parsed.domainsFile)} line ${result.line}`;

/** The output of one format: what to write for each result, and at the end. */
interface Output {
  item(result: BatchResult): Promise<void>;
  end(summary: BatchSummary, elapsedMs: number): Promise<void>;
}

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

const ndjsonOutput = (write: (s: string) => Promise<void>, parsed: Parsed): Output => ({
  item: (result) => write(`${JSON.stringify(result.kind === 'report' ? toV1(result.report, { debug: parsed.debug }) : batchErrorDocument(result))}\n`),
  end: async () => {},
});

/**
 * One JSON document, streamed: the reports are written as they finish (completion order), so a
 * run of any length holds only the lines that could not be checked (in "errors").
 */
const jsonOutput = (write: (s: string) => Promise<void>, parsed: Parsed): Output => {
  let first = true;
  const errors: ReturnType<typeof batchErrorDocument>[] = [];
  return {
    item: async (result) => {
      if (result.kind !== 'report') {
        errors.push(batchErrorDocument(result));
        return;
      }
      const head = first ? '{\n  "schemaVersion": 1,\n  "reports": [\n    ' : ',\n    ';
      first = false;
      await write(head + indent(JSON.stringify(toV1(result.report, { debug: parsed.debug }), null, 2), '    '));
    },
    end: async (summary, elapsedMs) => {
      const head = first ? '{\n  "schemaVersion": 1,\n  "reports": [],\n' : '\n  ],\n';
      const errorsText = errors.length ? `[\n    ${errors.map((e) => indent(JSON.stringify(e, null, 2), '    ')).join(',\n    ')}\n  ]` : '[]';
      await write(`${head}  "errors": ${errorsText},\n  "summary": ${indent(JSON.stringify(batchSummaryDocument(summary, elapsedMs), null, 2), '  ')}\n}\n`);
    },
  };
};

const textOutput = (write: (s: string) => Promise<void>, parsed: Parsed, io: CliIo): Output => ({
  item: async () => {},
  end: async (summary, elapsedMs) => {
    const [{ Chalk }, { renderBatchSummary }] = await Promise.all([import('chalk'), import('./report/render-batch.ts')]);
    const level = colorLevel({ flag: parsed.color, env: io.env, isTTY: io.stdoutIsTTY });
    await write(renderBatchSummary(summary, { chalk: new Chalk({ level }), elapsedMs, width: io.columns }));
  },
});

/** Runs a batch and returns the exit code of its worst domain. */
export const runBatch = async (parsed: Parsed, io: CliIo): Promise<number> => {
  // a wrong path is bad usage (exit 2) before any check starts
  if (parsed.domainsFile !== undefined) await assertReadableFile(parsed.domainsFile);
  const write = writer(io.stdout as Stdout);
  const output: Output = parsed.format === 'ndjson' ? ndjsonOutput(write, parsed) : parsed.format === 'json' ? jsonOutput(write, parsed) : textOutput(write, parsed, io);
  const showProgress = io.stderr.isTTY === true && !io.env.CI;
  const progress = progressLine(io, showProgress ? await countInputs(parsed, io) : null);

  // many checks share the run's queries in flight: a batch's default is higher than one check's,
  // and depends on the servers asked (servers.ts batchConcurrencyFor); --concurrency wins
  const session = await openDnsSession({ ...parsed, concurrency: parsed.concurrencyGiven ? parsed.concurrency : 'batch' }, io.clock);
  const started = io.clock.now();
  const summary = emptySummary();
  const boundHeap = heapGuard();
  try {
    const results = checkMany(inShard(allInputs(parsed, io), parsed.shard), parsed.check, { session, clock: io.clock, concurrency: parsed.jobs });
    for await (const result of results) {
      addToSummary(summary, result, parsed.failOn);
      if (result.kind !== 'report') {
        progress.clear();
        const what = result.kind === 'input-error' ? result.message : `internal error: ${result.message}${parsed.debug ? '' : ' (run with --debug for details)'}`;
        // a line of the domains file is outside text: errorLine escapes what it quotes
        errorLine(io, `${describeInput(parsed, result)}: ${what}`);
        if (parsed.debug && result.kind === 'internal-error' && result.error instanceof Error && result.error.stack) io.stderr.write(`${printableLines(result.error.stack)}\n`);
      }
      await output.item(result);
      boundHeap();
      if (showProgress) progress.tick(summary.total);
    }
  } finally {
    progress.clear();
    if (parsed.debug) {
      const t = session.session.stats();
      io.stderr.write(
        `dns session: ${t.queries} queries, ${t.distinct}${t.distinctComplete ? '' : '+'} distinct (name, type), ${t.cacheHits} cache hits, ${t.retries} retries, ${t.timeouts} timeouts, ${t.failures} failures, peak ${t.peakInFlight} in flight\n`,
      );
    }
    session.close();
  }
  await output.end(summary, io.clock.now() - started);
  return summary.exitCode;
};
