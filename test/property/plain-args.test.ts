// A plain command line is read without commander (src/plain-args.ts): for every command line it
// reads, commander must read the same words and options, and must accept it. Random command
// lines mix the plain options (both "--opt value" and "--opt=value"), flags, domains, and what
// is not plain (unknown options, short options, "--", empty or dash-led values, values outside
// an option's choices), so that both branches are taken.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readWithCommander } from '../../src/cli-program.ts';
import { readPlainArgs } from '../../src/plain-args.ts';

const FLAGS = ['--json', '--verbose', '--debug', '--offline', '--demo', '--no-color'];
const VALUED = ['--relay', '--selector', '--dkim-domain', '--to', '--zone', '--resolver', '--mail-from', '--helo', '--mailbox', '--timeout', '--deadline', '--concurrency', '--format', '--fail-on'];
const NOT_PLAIN = ['--message', '--domains-file', '--shard', '--jobs', '-V', '--version', '-h', '--help', '--bogus', '--', '-', '--color', '--json=yes', '-x'];
const VALUES = ['203.0.113.7', 'gmail', 'list@lists.example,srs=fwd.example', '127.0.0.1:5353', 'json', 'ndjson', 'text', 'markdown', 'xml', 'at-risk', 'fail', 'all', 'outlook', '5000', 'zone.txt', '<>', 'a=b', '', '-1', '--json', 'x y'];
const WORDS = ['bank.example', 'example.com', 'xn--bcher-kva.example', 'not a domain', '1.2.3.4', 'help', 'a..b'];

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FLAGS).map((f) => [f]) },
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...VALUED), fc.constantFrom(...VALUES), fc.boolean()).map(([o, v, eq]) => (eq ? [`${o}=${v}`] : [o, v])) },
  { weight: 4, arbitrary: fc.constantFrom(...WORDS).map((w) => [w]) },
  { weight: 1, arbitrary: fc.constantFrom(...NOT_PLAIN).map((o) => [o]) },
  { weight: 1, arbitrary: fc.constantFrom(...VALUED).map((o) => [o]) },
);
const commandLine = fc.array(token, { maxLength: 8 }).map((ts) => ts.flat());

/** Options as compared: commander leaves out what was not given, as plain-args does. */
const defined = (raw: object) => Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));

describe('plain command lines, read without commander', () => {
  it('are read as commander reads them, and commander accepts them', () => {
    let plain = 0;
    fc.assert(
      fc.property(commandLine, (argv) => {
        const mine = readPlainArgs(argv);
        if (!mine) return;
        plain++;
        const stderr: string[] = [];
        const theirs = readWithCommander(argv, { stderr: { write: (s: string) => stderr.push(s) } }, []);
        assert.notEqual(theirs, 'done', JSON.stringify(argv));
        if (theirs === 'done') return;
        assert.deepEqual(mine.args, theirs.args, JSON.stringify(argv));
        assert.deepEqual(defined(mine.raw), defined(theirs.raw), JSON.stringify(argv));
      }),
      { numRuns: 4000 },
    );
    // the generator reaches the plain branch often, not by luck
    assert.ok(plain > 1000, `only ${plain} plain command lines`);
  });

  it('include the usual checks, and not --help, --version or a list file', () => {
    for (const argv of [
      ['bank.example', '--relay', '203.0.113.7'],
      ['bank.example', '--relay', '203.0.113.7', '--json'],
      ['example.com', '--zone', 'dns/example.com.zone', '--fail-on', 'fail', '--json'],
      ['--demo'],
      ['bank.example', '--to=all', '--format', 'markdown'],
    ]) {
      assert.ok(readPlainArgs(argv), JSON.stringify(argv));
    }
    for (const argv of [['--help'], ['-V'], ['--domains-file', 'list.txt'], ['bank.example', '--relay'], ['bank.example', '--format', 'xml'], ['bank.example', '--', '--json']]) {
      assert.equal(readPlainArgs(argv), null, JSON.stringify(argv));
    }
  });
});
