// End to end: batch mode of the built CLI against the local DNS server serving fixtures/zones.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { BIN, FIXTURES, runCli, type CliResult } from '../helpers/run-cli.ts';
import { parseBatch, parseNdjson, parseReport } from '../helpers/contract.ts';

const ZONE = join(FIXTURES, 'zones/batch.zone');
const RELAY = '203.0.113.7';
const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-batch-'));

let server: TestDnsServer;
before(async () => {
  server = await startDnsServer({ zone: await loadZoneFiles([ZONE]), dropNames: ['slow.example'] });
});
after(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const LIST = ['# senders we forward for', 'lost.example', '', 'relayok.example   # lists the relay', 'not a domain', 'spammy.example', 'SPAMMY.example.'].join('\n');
const listFile = join(dir, 'domains.txt');
writeFileSync(listFile, `${LIST}\n`);

const batch = (...args: string[]) => runCli([...args, '--resolver', server.address, '--relay', RELAY]);

// every line is parsed and validated against the shipped schema ($defs/NdjsonLine)
const ndjson = (res: CliResult): Json[] => parseNdjson(res.stdout);

const byInput = (docs: Json[]) => Object.fromEntries(docs.map((d) => [d.domain ?? d.input, d.verdict ?? d.error.code]));

/** node with these arguments (node's own, then the bin's), `input` on its stdin, extra environment. */
const runNode = (args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  new Promise((resolve) => {
    const child = execFile(process.execPath, args, { env: { PATH: process.env.PATH, NO_COLOR: '1', ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });

/** The CLI with text on its stdin. */
const runWithStdin = (args: string[], input: string): Promise<CliResult> => runNode([BIN, ...args], input);

describe('batch mode', () => {
  it('--format ndjson: one report per line, a bad line reported with its number, the others checked, exit = worst', async () => {
    const res = await batch('--domains-file', listFile, '--format', 'ndjson');
    const docs = ndjson(res);
    assert.deepEqual(docs.map((d) => [d.domain ?? d.input, d.verdict ?? d.error.code]).sort(), [
      ['lost.example', 'fail'],
      ['not a domain', 'INVALID_DOMAIN'],
      ['relayok.example', 'pass'],
      ['spammy.example', 'at-risk'],
      ['spammy.example', 'at-risk'],
    ]);
    const bad = docs.find((d) => d.input === 'not a domain');
    assert.deepEqual(bad, { schemaVersion: 1, input: 'not a domain', line: 5, error: { code: 'INVALID_DOMAIN', message: 'invalid domain "not a domain": contains white space' } });
    assert.match(res.stderr, /domains\.txt" line 5: invalid domain "not a domain": contains white space\n/);
    // a line that is not a domain (2) is worse than fail (1)
    assert.equal(res.code, 2);
  });

  it('each ndjson line is the document --json prints for that domain alone', async () => {
    const [one] = ndjson(await batch('relayok.example', 'lost.example', '--format', 'ndjson')).filter((d) => d.domain === 'lost.example');
    const alone = parseReport((await batch('lost.example', '--json')).stdout);
    // what differs: the time, and the DNS counts (a batch shares one cache between its checks)
    const strip = (d: Json) => ({ ...d, checkedAt: null, elapsedMs: null, dns: null });
    assert.deepEqual(strip(one), strip(alone));
    // and one domain with --format ndjson is one line
    const single = await batch('lost.example', '--format', 'ndjson');
    assert.equal(single.stdout.split('\n').length, 2);
    assert.deepEqual(strip(parseReport(single.stdout)), strip(alone));
  });

  it('--json with several domains: one document { schemaVersion, reports, errors, summary }', async () => {
    const res = await batch('--domains-file', listFile, '--json');
    const doc: Json = parseBatch(res.stdout);
    assert.deepEqual(Object.keys(doc), ['schemaVersion', 'reports', 'errors', 'summary']);
    assert.equal(doc.schemaVersion, 1);
    assert.deepEqual(doc.reports.map((r: Json) => r.domain).sort(), ['lost.example', 'relayok.example', 'spammy.example', 'spammy.example']);
    assert.deepEqual(doc.errors.map((e: Json) => [e.line, e.error.code]), [[5, 'INVALID_DOMAIN']]);
    const { elapsedMs, ...summary } = doc.summary;
    assert.equal(typeof elapsedMs, 'number');
    assert.deepEqual(summary, { total: 5, checked: 4, verdicts: { pass: 1, 'at-risk': 2, fail: 1, 'no-domain': 0, unknown: 0 }, inputErrors: 1, internalErrors: 0, exitCode: 2 });
    assert.equal(res.code, 2);
  });

  it('the exit code is the worst domain: a DNS timeout (3) over fail (1); --fail-on applies to each', async () => {
    const res = await batch('relayok.example', 'slow.example', 'lost.example', '--json', '--timeout', '1000');
    assert.equal((parseBatch(res.stdout) as Json).reports.find((r: Json) => r.domain === 'slow.example').verdict, 'unknown');
    assert.equal(res.code, 3);
    assert.equal((await batch('relayok.example', 'spammy.example', '--json', '--fail-on', 'fail')).code, 0);
    assert.equal((await batch('relayok.example', 'spammy.example', '--json')).code, 1);
  });

  it('human mode: a summary with domains per verdict, worst first, then the domains to look at', async () => {
    const res = await batch('--domains-file', listFile);
    assert.equal(res.code, 2);
    const lines = res.stdout.split('\n');
    assert.equal(lines[0], '4 of 5 domains checked in ' + /in (\S+ s)/.exec(lines[0]!)![1]);
    // the summary is a cli-table3 table: borders stripped, the rows read as before
    const rows = lines.filter((l) => l.startsWith('│')).map((l) => l.replace(/│/g, ' ').trim().replace(/\s+/g, ' '));
    assert.deepEqual(rows.slice(0, 7), [
      'Domains Verdict',
      '1 FAIL forwarded mail will be lost',
      '2 AT RISK forwarded mail may not reach the inbox',
      '0 NO DOMAIN the From domain does not exist in the DNS',
      '0 UNKNOWN DNS errors prevented a verdict',
      '1 PASS expected to reach the inbox',
      '1 not a domain name (not checked)',
    ]);
    assert.ok(lines.every((l) => l.length <= 80), res.stdout);
    assert.match(res.stdout, /Will be lost \(1\):\n.*\n│ line 2: lost\.example │ Gmail: rejected, 550 5\.7\.26 │\n/);
    assert.match(res.stdout, /At risk \(2\):\n.*\n│ line 6: spammy\.example │ Gmail: spam folder │\n│ line 7: spammy\.example │ Gmail: spam folder │\n/);
    assert.match(res.stdout, /Not checked: not a domain name \(1\):\n.*\n│ line 5: not a domain │ invalid domain/);
    // no progress line: stderr is not a terminal
    assert.doesNotMatch(res.stderr, /checked \d/);
  });

  it('--domains-file - reads stdin', async () => {
    const res = await runWithStdin(['--domains-file', '-', '--resolver', server.address, '--relay', RELAY, '--format', 'ndjson'], 'relayok.example\r\nlost.example\r\n');
    assert.deepEqual(byInput(ndjson(res)), { 'relayok.example': 'pass', 'lost.example': 'fail' });
    assert.equal(res.code, 1);
  });

  it('a batch re-executes node under its heap flags (POSIX), with stdin untouched; FWDCHECK_BATCH_REEXEC=0 keeps it in place', async () => {
    // the flags' effect is in the README's bench figures; here, that they are in force in the process that checks
    const probe = join(dir, 'flags.mjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(`execArgv ${JSON.stringify(process.execArgv)} pid ${process.pid}\\n`));\n");
    const args = ['--import', probe, BIN, '--domains-file', '-', '--resolver', server.address, '--relay', RELAY, '--format', 'ndjson', '--debug'];
    const viaExec = await runNode(args, 'relayok.example\n');
    assert.equal(viaExec.code, 0, viaExec.stderr);
    assert.deepEqual(byInput(ndjson(viaExec)), { 'relayok.example': 'pass' });
    if (typeof process.execve === 'function') {
      assert.match(viaExec.stderr, /^batch: runs under --v8-pool-size=1 \(re-executed\)$/m);
      // one process (execve keeps the pid), whose node has the preload and the flags
      assert.match(viaExec.stderr, /execArgv \["--import","[^"]+flags\.mjs","--v8-pool-size=1"\]/);
    } else assert.match(viaExec.stderr, /^batch: runs in the first process/m);
    // a batch of domains as arguments is re-executed by the CLI (one from a file, by bin before the CLI loads)
    const asArgs = await runNode([BIN, 'relayok.example', 'lost.example', '--resolver', server.address, '--relay', RELAY, '--json', '--debug'], '');
    assert.equal(parseBatch(asArgs.stdout).reports.length, 2);
    if (typeof process.execve === 'function') assert.match(asArgs.stderr, /^batch: runs under --v8-pool-size=1 \(re-executed\)$/m);
    const inPlace = await runNode([BIN, 'relayok.example', 'lost.example', '--resolver', server.address, '--relay', RELAY, '--json', '--debug'], '', { FWDCHECK_BATCH_REEXEC: '0' });
    assert.equal(inPlace.code, 1);
    assert.match(inPlace.stderr, /^batch: runs in the first process \(FWDCHECK_BATCH_REEXEC is set\)$/m);
    assert.equal(parseBatch(inPlace.stdout).reports.length, 2);
  });

  it('--shard K/N: the shards are disjoint and together check every domain once', async () => {
    const all = ['lost.example', 'relayok.example', 'spammy.example', ...Array.from({ length: 9 }, (_, i) => `d${i}.provider.example`)];
    const file = join(dir, 'shard.txt');
    writeFileSync(file, all.join('\n'));
    const seen: string[] = [];
    for (const k of [1, 2, 3]) {
      const res = await batch('--domains-file', file, '--format', 'ndjson', '--shard', `${k}/3`);
      assert.ok(res.code !== 2 && res.code !== 4, res.stderr);
      seen.push(...ndjson(res).map((d) => d.domain));
    }
    assert.deepEqual([...seen].sort(), [...all].sort());
  });

  it('bad usage stops before any check: exit 2, one line on stderr, nothing on stdout', async () => {
    for (const [args, message] of [
      [['--domains-file', join(dir, 'missing.txt')], /cannot read --domains-file ".*missing\.txt": no such file/],
      [['--domains-file', dir], /cannot read --domains-file ".*": it is a directory/],
      [['a.example', '--shard', '3/2'], /invalid --shard "3\/2"/],
      [['a.example', 'b.example', '--json', '--format', 'ndjson'], /--json and --format ndjson cannot be combined/],
      [['a.example', 'not a domain'], /invalid domain "not a domain"/],
      [['a.example', '--jobs', '0'], /invalid --jobs "0"/],
      [[], /missing the domain to check/],
    ] as const) {
      const res = await batch(...args);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.equal(res.stdout, '');
      assert.match(res.stderr, message);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
  });

  it('an empty list checks nothing and exits 0', async () => {
    const file = join(dir, 'empty.txt');
    writeFileSync(file, '# nothing yet\n\n');
    const res = await batch('--domains-file', file, '--json');
    assert.equal(res.code, 0);
    assert.deepEqual((parseBatch(res.stdout) as Json).reports, []);
  });
});
