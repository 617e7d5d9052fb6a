// npm run bench: fwdcheck against a local DNS server that answers every query after a fixed
// delay (0 and 20 ms), in a world of N domains sharing providers' includes (bench/world.ts).
// Prints start-up next to a bare `node -e 0`, one nested domain next to its critical-path
// bound, and a batch of N domains: wall time, domains/s, queries sent against distinct
// (name, type) pairs, retries and failed lookups, unknown verdicts, peak memory.
// Numbers, not assertions: compare runs on an idle machine.
//
//   npm run bench                         1,000 domains at 0 and 20 ms (each batch the median of --batch-runs 3,
//                                         after --batch-warmup 1 run not counted)
//   npm run bench -- --domains 100000 --delays 0 --skip-single --batch-runs 1 --batch-warmup 0    the bounded-memory run
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildWorld, RELAY } from './world.ts';

const { values: args } = parseArgs({
  options: {
    domains: { type: 'string', default: '1000' },
    delays: { type: 'string', default: '0,20' },
    runs: { type: 'string', default: '7' },
    'batch-runs': { type: 'string', default: '3' },
    'batch-warmup': { type: 'string', default: '1' },
    'skip-single': { type: 'boolean', default: false },
  },
});
const N = Number(args.domains);
const DELAYS = args.delays.split(',').map(Number);
const RUNS = Number(args.runs);
const BATCH_RUNS = Math.max(1, Number(args['batch-runs']));
const BATCH_WARMUP = Math.max(0, Number(args['batch-warmup']));

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const BIN = root('bin/fwdcheck.js');
const RSS_PROBE = root('bench/rss-probe.mjs');
const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-bench-'));

interface Run {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
  maxRssMb: number | null;
}

/** Spawns a command and times it from spawn to exit; the child's peak RSS through rss-probe.mjs. */
const time = (argv: string[], opts: { rss?: boolean; onLine?: (line: string) => void } = {}): Promise<Run> =>
  new Promise((resolve) => {
    const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
    const nodeArgs = opts.rss ? ['--import', RSS_PROBE] : [];
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, ...argv], { env: { ...process.env, NO_COLOR: '1', FWDCHECK_BENCH_RSS: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (!opts.onLine) {
        stdout += chunk;
        return;
      }
      // a batch's ndjson is read line by line, not kept
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const l of lines) opts.onLine(l);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (partial && opts.onLine) opts.onLine(partial);
      let maxRssMb: number | null = null;
      try {
        maxRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
      } catch {
        // no probe
      }
      resolve({ ms, code: code ?? -1, stdout, stderr, maxRssMb });
    });
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medianOf = async (n: number, argv: string[]) => {
  await time(argv); // warm: the compile cache and the page cache
  const runs: Run[] = [];
  for (let i = 0; i < n; i++) runs.push(await time(argv));
  return { ms: median(runs.map((r) => r.ms)), last: runs[runs.length - 1]! };
};

/** The DNS server in its own process, with a delay on every answer. */
const startServer = (zoneFile: string, delayMs: number): Promise<{ address: string; stats(): Promise<{ total: number; distinct: number; tcp: number }>; reset(): void; close(): void }> =>
  new Promise((resolve) => {
    const child: ChildProcess = fork(root('bench/dns-server-child.ts'), [zoneFile, String(delayMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (msg: { address: string }) =>
      resolve({
        address: msg.address,
        reset: () => child.send('reset'),
        stats: () =>
          new Promise((r) => {
            child.once('message', r as never);
            child.send('stats');
          }),
        close: () => child.send('close'),
      }),
    );
  });

const world = buildWorld(N);
const zoneFile = join(dir, 'world.zone');
const listFile = join(dir, 'domains.txt');
writeFileSync(zoneFile, world.zone);
writeFileSync(listFile, `# ${N} bench domains\n${world.domains.join('\n')}\n`);

const out: string[] = [];
const say = (line = '') => {
  out.push(line);
  console.log(line);
};
say(`fwdcheck bench: node ${process.versions.node}, ${N.toLocaleString('en')} domains, median of ${RUNS} runs for single commands; load average ${loadavg()[0]!.toFixed(2)}`);

let bare = 0;
if (!args['skip-single']) {
  bare = (await medianOf(RUNS, ['-e', '0'])).ms;
  const version = (await medianOf(RUNS, [BIN, '--version'])).ms;
  const help = (await medianOf(RUNS, [BIN, '--help'])).ms;
  say();
  say('start-up                          time     x node -e 0');
  say(`node -e 0                     ${bare.toFixed(0).padStart(6)} ms     1.00`);
  say(`fwdcheck --version            ${version.toFixed(0).padStart(6)} ms     ${(version / bare).toFixed(2)}   (target <= 2.50)`);
  say(`fwdcheck --help               ${help.toFixed(0).padStart(6)} ms     ${(help / bare).toFixed(2)}`);
}

const rows: string[][] = [];
const header = ['delay', 'what', 'wall', 'domains/s', 'queries sent', 'distinct (name,type)', 'retries / failures', 'unknown', 'peak RSS'];
for (const delay of DELAYS) {
  const server = await startServer(zoneFile, delay);
  const common = ['--resolver', server.address, '--relay', RELAY];

  if (!args['skip-single']) {
    const nestedArgs = [BIN, world.nested.domain, ...common, '--json'];
    await time(nestedArgs);
    server.reset();
    const first = await time(nestedArgs, { rss: true });
    const sent = await server.stats();
    const { ms } = await medianOf(RUNS, nestedArgs);
    const report = JSON.parse(first.stdout) as { verdict: string; dns: { failures: number } };
    const path = world.nested.dependentLookups * delay;
    rows.push([
      `${delay} ms`,
      `1 nested domain (${report.verdict})`,
      `${ms.toFixed(0)} ms`,
      (1000 / ms).toFixed(1),
      String(sent.total),
      String(sent.distinct),
      `${sent.total - sent.distinct} / ${report.dns.failures}`,
      report.verdict === 'unknown' ? '1' : '0',
      `${first.maxRssMb?.toFixed(0) ?? '?'} MB`,
    ]);
    if (delay > 0) {
      rows.push([
        '',
        // issue 7 defines the bound as lookups x delay + node -e 0 and the target as node -e 0 +
        // 1.3 x that bound; the stricter reading (1.3 x the lookups alone) is printed beside it
        `  bound: ${world.nested.dependentLookups} dependent lookups x ${delay} ms + node -e 0 = ${(path + bare).toFixed(0)} ms; target node -e 0 + 1.3 x bound = ${(bare + 1.3 * (path + bare)).toFixed(0)} ms (stricter: node -e 0 + 1.3 x ${path} ms = ${(bare + 1.3 * path).toFixed(0)} ms); measured ${ms.toFixed(0)} ms`,
      ]);
    }
  }

  // the batch: every domain of the world, as ndjson, through one session, as a user runs it (no
  // --debug: its DNS traces double the output); retries are counted by the server, failures from
  // the reports
  // (the median of --batch-runs runs: a 2-core machine shared with the server varies by 10 %);
  // the counts are the first run's, the peak RSS the highest
  // first, runs not counted: the server is a node process, and its first ~30,000 answers run
  // its code cold (JIT) and fill its caches, which made the first run ~20 % slower than the next
  // on the same two cores; the single checks have their warm-up run too (above)
  const batchArgs = [BIN, '--domains-file', listFile, ...common, '--format', 'ndjson'];
  for (let run = 0; run < BATCH_WARMUP; run++) await time(batchArgs);
  const batches: Run[] = [];
  const verdicts: Record<string, number> = {};
  let failures = 0;
  let sent = { total: 0, distinct: 0, tcp: 0 };
  for (let run = 0; run < BATCH_RUNS; run++) {
    server.reset();
    const first = run === 0;
    batches.push(
      await time(batchArgs, {
        rss: true,
        onLine: (line) => {
          if (!line || !first) return;
          const doc = JSON.parse(line) as { verdict?: string; dns?: { failures?: number } };
          const v = doc.verdict ?? 'error';
          verdicts[v] = (verdicts[v] ?? 0) + 1;
          failures += doc.dns?.failures ?? 0;
        },
      }),
    );
    if (first) sent = await server.stats();
  }
  const walls = batches.map((b) => b.ms).sort((a, b) => a - b);
  const batch = { ms: walls[Math.floor(walls.length / 2)]!, code: batches[0]!.code, maxRssMb: Math.max(...batches.map((b) => b.maxRssMb ?? 0)) || null };
  const checked = Object.values(verdicts).reduce((a, b) => a + b, 0);
  rows.push([
    `${delay} ms`,
    `${N.toLocaleString('en')} domains (exit ${batch.code})`,
    `${(batch.ms / 1000).toFixed(2)} s`,
    (checked / (batch.ms / 1000)).toFixed(0),
    String(sent.total),
    String(sent.distinct),
    `${sent.total - sent.distinct} / ${failures}`,
    String(verdicts.unknown ?? 0),
    `${batch.maxRssMb?.toFixed(0) ?? '?'} MB`,
  ]);
  rows.push(['', `  verdicts: ${Object.entries(verdicts).map(([v, n]) => `${v} ${n}`).join(', ')}${checked !== N ? `; ${N - checked} missing!` : ''}; wall of ${BATCH_RUNS} runs: ${walls.map((w) => (w / 1000).toFixed(2)).join(', ')} s (the median above), after ${BATCH_WARMUP} not counted`]);
  server.close();
}

const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length > 2).map((r) => r[i]!.length)));
const fmt = (r: string[]) => (r.length > 2 ? r.map((c, i) => c.padEnd(widths[i]!)).join(' | ') : r.join(' '));
say();
say(fmt(header));
say(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) say(fmt(r));
say();
say('queries sent and distinct pairs are counted by the server; "retries" are the queries it received again for a (name, type) it had been asked (fwdcheck\'s retransmissions: UDP again, TCP after TC); "failures" are the lookups the reports count as failed (timeouts, SERVFAIL, ...).');
rmSync(dir, { recursive: true, force: true });
