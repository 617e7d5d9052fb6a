// The CLI as a person meets it at a terminal (issue 8 items 1 and 7, issue 10 item 5): output
// that cannot be written, errors that quote hostile text, Ctrl-C and the spinner under a real
// pseudo-terminal (util-linux `script`, part of every Debian base system).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { BIN, FIXTURES, runCli, type CliResult } from '../helpers/run-cli.ts';

const DEMO = join(FIXTURES, 'zones/demo.zone');
const HOSTILE = join(FIXTURES, 'zones/hostile.zone');
// anything a terminal would act on, other than the line feed that ends a line
const RAW_CONTROL = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

let server: TestDnsServer;
before(async () => {
  server = await startDnsServer({ zone: await loadZoneFiles([DEMO, HOSTILE]), dropNames: ['slow.example'] });
});
after(() => server.close());

/** Runs the CLI through sh, so that a redirection (`> /dev/full`, `>&-`) applies to it. */
const runSh = (redirect: string, args: string[]): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile('sh', ['-c', `"$0" "${BIN}" "$@" ${redirect}`, process.execPath, ...args], { env: { PATH: process.env.PATH, NO_COLOR: '1' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });

describe('output that cannot be written: one line on stderr, exit 5', () => {
  const check = ['bank.example', '--zone', DEMO, '--relay', '203.0.113.7'];
  for (const [what, redirect, args, code] of [
    ['a full disk, human report', '> /dev/full', check, 'ENOSPC'],
    ['a full disk, JSON', '> /dev/full', [...check, '--json'], 'ENOSPC'],
    ['a full disk, --help', '> /dev/full', ['--help'], 'ENOSPC'],
    ['a closed stdout, report', '>&-', check, 'EBADF'],
    ['a closed stdout, --version', '>&-', ['--version'], 'EBADF'],
  ] as const) {
    it(what, async () => {
      const res = await runSh(redirect, [...args]);
      assert.equal(res.code, 5, res.stderr);
      assert.equal(res.stderr.split('\n').length, 2, `one line: ${res.stderr}`);
      assert.match(res.stderr, new RegExp(`^fwdcheck: cannot write the report to standard output: .*\\(${code}\\)\\n$`));
    });
  }

  it('> /dev/null is not a closed stdout: the verdict decides', async () => {
    const res = await runSh('> /dev/null', check);
    assert.deepEqual([res.code, res.stderr], [1, '']);
  });
});

describe('nothing raw reaches the terminal (issue 8 item 1)', () => {
  it('a forging record: stdout shows the real verdict first, every control escaped, in colour too', async () => {
    for (const env of [{}, { NO_COLOR: '', FORCE_COLOR: '3' }]) {
      for (const extra of [[], ['--verbose']]) {
        const res = await runCli(['forge.example', '--resolver', server.address, ...extra], env);
        assert.equal(res.code, 1, res.stderr);
        const visible = res.stdout.replace(/\x1b\[[0-9;]*m/g, '');
        assert.doesNotMatch(visible, RAW_CONTROL);
        assert.equal(visible.split('\n')[0], 'Forwarded mail from forge.example will be rejected by Gmail.');
      }
    }
    const verbose = await runCli(['forge.example', '--resolver', server.address, '--verbose']);
    assert.ok(verbose.stdout.includes('\\x1b[1A\\x1b[2K'), 'shown escaped and visible');
  });

  it('--json carries the exact text, with no C1 or bidi control raw', async () => {
    const res = await runCli(['forge.example', '--resolver', server.address, '--json']);
    assert.doesNotMatch(res.stdout, RAW_CONTROL);
    const doc = JSON.parse(res.stdout);
    assert.ok(doc.records.spf.record.includes('\x1b]0;pwned\x07'));
    // (how TXT bytes beyond ASCII are decoded is the DNS client's business; they arrive escaped)
    assert.ok(doc.records.dmarc.record.includes('xobni\x1b[1A'));
  });

  it('error lines escape what they quote: arguments, file names, zone text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-term-'));
    const badZone = join(dir, 'bad.zone');
    writeFileSync(badZone, '$ORIGIN x.example.\n@ IN TXT "v=spf1 -all"\n@ IN \x1b]0;pwned\x07\x1b[2J\u202eBOGUS x\n');
    for (const args of [
      ['\x1b]0;pwned\x07\x1b[2Jbank.example'],
      ['bank.example', '--relay', '203.0.113.7\x1b[1A\x1b[2K\r'],
      ['bank.example', '--zone', join(dir, 'missing\x1b[2J\u202e.zone')],
      ['bank.example', '--zone', badZone],
      ['bank.example', '--bogus-\x1b[31moption'],
    ]) {
      const res = await runCli(args);
      assert.equal(res.code, 2, `${JSON.stringify(args)}: ${res.stderr}`);
      assert.equal(res.stdout, '');
      assert.doesNotMatch(res.stderr, RAW_CONTROL, JSON.stringify(res.stderr));
      assert.equal(res.stderr.split('\n').length, 2, `one line: ${JSON.stringify(res.stderr)}`);
      assert.match(res.stderr, /\\x1b|\\u001b/, 'the escape is visible');
    }
  });
});

/** Runs the CLI in a pseudo-terminal of 100 columns; `script -e` returns the CLI's exit code. */
const inPty = (args: string[]) => {
  const cmd = ['stty cols 100 rows 40;', 'exec', JSON.stringify(process.execPath), JSON.stringify(BIN), ...args.map((a) => JSON.stringify(a))].join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { PATH: process.env.PATH, TERM: 'xterm' } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exit, output: () => output };
};

describe('under a terminal (script)', () => {
  it('the spinner names the stage, and Ctrl-C stops at once with 130 and no report', async () => {
    const pty = inPty(['slow.example', '--resolver', server.address, '--timeout', '60000']);
    // wait for the spinner (no clock: the DNS server never answers slow.example)
    while (!pty.output().includes('Reading the SPF, DKIM and DMARC records of slow.example')) await new Promise((r) => setTimeout(r, 50));
    pty.child.stdin.write('\x03');
    assert.equal(await pty.exit, 130);
    assert.ok(!pty.output().includes('Forwarded mail'), 'nothing of a report');
    assert.ok(pty.output().includes('\x1b[?25h'), 'the cursor is shown again');
  });

  it('a full run fits the terminal, in colour, the spinner gone before the report', async () => {
    const pty = inPty(['bank.example', '--resolver', server.address, '--relay', '203.0.113.7']);
    assert.equal(await pty.exit, 1);
    const report = pty.output().slice(pty.output().indexOf('Forwarded mail'));
    assert.match(pty.output(), /\x1b\[31m|\x1b\[1m/, 'colour on a terminal');
    const lines = report.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').split(/\r?\n/);
    assert.equal(lines[0], 'Forwarded mail from bank.example will be rejected by Gmail.');
    for (const l of lines) assert.ok(l.length <= 100, `fits 100 columns: ${l}`);
  });
});
