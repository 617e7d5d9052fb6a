// The contract as a user meets it on the command line: --demo, --format markdown, --debug's
// JSON, and --help's layout (groups, examples, exit codes, no "(default: [])").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReport } from '../helpers/contract.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('the command line contract', () => {
  it('--demo checks bank.example on the shipped demo zone, offline', async () => {
    const res = await runCli(['--demo', '--json']);
    assert.equal(res.code, 1);
    const json = parseReport(res.stdout);
    assert.deepEqual([json.domain, json.verdict, json.gmail.action], ['bank.example', 'fail', 'reject']);
    assert.match(json.dns.source, /demo\.zone \(offline\)$/);
    const signed = parseReport((await runCli(['signed.example', '--demo', '--relay', '203.0.113.7', '--json'])).stdout);
    assert.equal(signed.verdict, 'pass');
  });
  it('--format markdown: the verdict, the path, findings and advice, short', async () => {
    const res = await runCli(['--demo', '--relay', '203.0.113.7', '--format', 'markdown']);
    assert.equal(res.code, 1);
    assert.match(res.stdout, /^### fwdcheck: `bank\.example`\n\n❌ \*\*FAIL\*\*: forwarded mail will be lost\n/);
    assert.match(res.stdout, /\n> 550 5\.7\.26 /);
    assert.match(res.stdout, /\| 1\. `203\.0\.113\.7` \| gmail \| fail \| none \| fail \(p=reject\) \|/);
    assert.match(res.stdout, /\*\*What to do\*\*/);
    assert.ok(res.stdout.split('\n').length < 45);
  });
  it('--json and --format json print the same document; --debug adds "debug", still valid', async () => {
    const a = parseReport((await runCli(['--demo', '--json'])).stdout);
    const b = parseReport((await runCli(['--demo', '--format', 'json'])).stdout);
    const strip = ({ checkedAt, elapsedMs, ...rest }: typeof a) => (void checkedAt, void elapsedMs, rest);
    assert.deepEqual(strip(a), strip(b));
    assert.equal(a.debug, undefined);
    const debug = await runCli(['--demo', '--json', '--debug']);
    assert.ok(parseReport(debug.stdout).debug);
  });
  it('--help: grouped, with examples and every exit code, and no "(default: [])"', async () => {
    const res = await runCli(['--help']);
    assert.equal(res.code, 0);
    const heads = res.stdout.split('\n').filter((l) => /^[A-Z][A-Za-z ]+:$/.test(l));
    assert.deepEqual(heads, ['Arguments:', 'What to check:', 'The path:', 'DNS:', 'Output:', 'Exit codes:', 'Examples:']);
    for (const code of ['0', '1', '2', '3', '4', '5', '130']) assert.match(res.stdout, new RegExp(`^  ${code} +\\S`, 'm'), `exit code ${code}`);
    assert.doesNotMatch(res.stdout, /default: \[\]/);
    assert.match(res.stdout, /fwdcheck --demo/);
  });
});
