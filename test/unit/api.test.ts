// The public API as a caller uses it: typed errors for bad input (the CLI's words), the three
// resolver kinds, renderers with colour as a plain parameter, and the README's example.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { check, DnsError, exitCodeFor, fixedClock, renderJson, renderMarkdown, renderText, serverResolver, UsageError, zoneResolver, type Resolver, type UpstreamResolver } from '../../src/index.ts';
import { parseZone } from '../../src/dns/parse-zone.ts';
import { ZoneIndex } from '../../src/dns/zone.ts';
import { answerFromZone, loadZoneFiles, zoneAnswer } from '../../src/dns/zone-resolver.ts';
import { assertMatchesSchema, parseReport } from '../helpers/contract.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { FIXTURES, runCli } from '../helpers/run-cli.ts';

const DEMO = join(FIXTURES, 'zones/demo.zone');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const clock = fixedClock('2026-11-30T12:00:00Z');

let server: TestDnsServer;
before(async () => {
  server = await startDnsServer({ zone: await loadZoneFiles([DEMO]) });
});
after(() => server.close());

describe('check(): input is validated as the CLI validates it', () => {
  const bad: [string, string, Parameters<typeof check>[1], string[]][] = [
    ['a domain with a space', 'not a domain', {}, ['not a domain']],
    ['a bare label', 'localhost', {}, ['localhost']],
    ['a bad relay', 'bank.example', { relays: ['203.0.113.256'] }, ['bank.example', '--relay', '203.0.113.256']],
    ['a bad selector', 'bank.example', { selectors: ['a b'] }, ['bank.example', '--selector', 'a b']],
    ['a bad envelope sender', 'bank.example', { mailFrom: 'nobody' }, ['bank.example', '--mail-from', 'nobody']],
  ];
  for (const [what, domain, options, argv] of bad) {
    it(`${what}: throws UsageError with the CLI's message, without a query`, async () => {
      let queries = 0;
      const counting: Resolver = async (name, type) => {
        queries++;
        throw new DnsError('ENOTFOUND', name, type);
      };
      const err = await check(domain, { ...options, resolver: counting }).then(
        () => assert.fail('no error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof UsageError, String(err));
      assert.equal(queries, 0);
      const cli = await runCli([...argv, '--zone', DEMO]);
      assert.equal(cli.code, 2);
      assert.equal(cli.stderr, `fwdcheck: ${err.message}\n`);
    });
  }
  it('zoneResolver names an unreadable file in plain words', async () => {
    await assert.rejects(zoneResolver(join(FIXTURES, 'nope.zone')), (e: unknown) => e instanceof UsageError && /^cannot read zone file .*nope\.zone: no such file/.test(e.message));
  });
});

describe('check(): resolvers', () => {
  it('zone files, a DNS server and a custom function give the same document', async () => {
    // the zone file for its origins, the server for the rest (the CLI's --zone without --offline)
    const fromZone = await check('bank.example', { relays: ['203.0.113.7'], resolver: await zoneResolver(DEMO, { then: serverResolver(server.address) }), clock });
    const offline = await check('bank.example', { relays: ['203.0.113.7'], resolver: await zoneResolver(DEMO), clock });
    assert.deepEqual([offline.verdict, offline.gmail], [fromZone.verdict, fromZone.gmail]);
    assert.match(offline.dns.source, /\(offline\)$/);
    const fromServer = await check('bank.example', { relays: ['203.0.113.7'], resolver: serverResolver(server.address), clock });
    const zone = new ZoneIndex(parseZone(readFileSync(DEMO, 'utf8'), 'demo.zone'));
    const names: string[] = [];
    const custom: Resolver = async (name, type) => {
      names.push(`${type} ${name}`);
      return answerFromZone(zone, name, type);
    };
    const fromFunction = await check('bank.example', { relays: ['203.0.113.7'], resolver: custom, clock });
    for (const doc of [fromZone, fromServer, fromFunction]) assertMatchesSchema('Report', doc);
    const comparable = ({ dns, elapsedMs, ...rest }: typeof fromZone) => (void dns, void elapsedMs, rest);
    assert.deepEqual(comparable(fromServer), comparable(fromZone));
    assert.deepEqual(comparable(fromFunction), comparable(fromZone));
    assert.equal(fromZone.verdict, 'fail');
    assert.equal(fromZone.gmail.action, 'reject');
    assert.ok(names.includes('TXT _dmarc.bank.example'));
    assert.equal(exitCodeFor(fromZone.verdict), 1);
  });
});

describe('check(): a custom UpstreamResolver', () => {
  it('is given ctx.signal (1.0 upstreams read it without a check), alone and behind zone files', async () => {
    const zone = new ZoneIndex(parseZone(readFileSync(DEMO, 'utf8'), 'demo.zone'));
    let queries = 0;
    const upstream: UpstreamResolver = {
      query: async (name, type, ctx) => {
        queries++;
        const stop = () => {};
        ctx.signal.addEventListener('abort', stop);
        try {
          return zoneAnswer(zone, name, type);
        } finally {
          ctx.signal.removeEventListener('abort', stop);
        }
      },
      close: () => {},
      describe: () => 'custom upstream',
    };
    const expected = await check('bank.example', { relays: ['203.0.113.7'], resolver: await zoneResolver(DEMO), clock });
    const alone = await check('bank.example', { relays: ['203.0.113.7'], resolver: upstream, clock });
    const behind = await check('bank.example', { relays: ['203.0.113.7'], resolver: await zoneResolver(join(FIXTURES, 'zones/demo.zone'), { then: upstream }), clock });
    assert.ok(queries > 0);
    for (const doc of [alone, behind]) assert.deepEqual([doc.verdict, doc.gmail.action], [expected.verdict, expected.gmail.action]);
    assert.equal(alone.verdict, 'fail', 'not unknown');
  });
});

describe('renderers', () => {
  it('renderJson prints the document check() returned, valid against the schema', async () => {
    const report = await check('signed.example', { relays: ['203.0.113.7'], resolver: await zoneResolver(DEMO), clock });
    const text = renderJson(report);
    assert.deepEqual(parseReport(text), report);
    assert.equal(report.debug, undefined);
    const debug = await check('signed.example', { resolver: await zoneResolver(DEMO), clock, debug: true });
    assert.ok(parseReport(renderJson(debug)).debug);
  });
  it('renderText takes colour as a plain parameter', async () => {
    const report = await check('bank.example', { relays: ['203.0.113.7'], resolver: await zoneResolver(DEMO), clock });
    assert.doesNotMatch(renderText(report), /\x1b\[/);
    assert.doesNotMatch(renderText(report, { color: false }), /\x1b\[/);
    assert.match(renderText(report, { color: true }), /\x1b\[/);
    assert.throws(() => renderText(JSON.parse(renderJson(report))), TypeError);
  });
  it('renderMarkdown: verdict, path, findings and advice, short, with DNS text made inert', async () => {
    const report = await check('bank.example', { relays: ['203.0.113.7'], resolver: await zoneResolver(DEMO), clock });
    const md = renderMarkdown(report);
    assert.match(md, /^### fwdcheck: `bank\.example`\n\n❌ \*\*FAIL\*\*/);
    assert.match(md, /\| 1\. `203\.0\.113\.7` \| gmail \| fail \| none \| fail \(p=reject\) \|/);
    assert.match(md, /\*\*Findings\*\*\n\n- ⚠️ .*`DKIM_NO_KEY_FOUND`/);
    assert.match(md, /\*\*What to do\*\*/);
    assert.ok(md.split('\n').length < 40, 'short enough for a PR comment');
    const hostile = { ...report, gmail: { ...report.gmail, reason: 'a <img src=x> [link](http://x) `code` |pipe|\nsecond line' } };
    const line = renderMarkdown(hostile).split('\n').find((l) => l.startsWith('Gmail:'))!;
    assert.equal(line, 'Gmail: **reject**. a \\<img src=x\\> \\[link\\](http://x) \\`code\\` \\|pipe\\| second line');
  });
});

describe('the README API example', () => {
  it('is examples/api.mjs word for word, and runs against the package as installed (self-reference)', async () => {
    const example = readFileSync(join(ROOT, 'examples/api.mjs'), 'utf8');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(example.split('\n').slice(1).join('\n').trim()), 'README.md must quote examples/api.mjs (from its second line) verbatim');
    const run = await promisify(execFile)(process.execPath, [join(ROOT, 'examples/api.mjs')], { cwd: ROOT }).catch((e: { code: number; stdout: string }) => e);
    assert.equal((run as { code?: number }).code, 1);
    // exact where the example's own logic decides; the findings follow the demo zone's facts
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'bank.example: fail, Gmail: reject 550 5.7.26');
    assert.ok(lines.includes('❌ **FAIL**: forwarded mail will be lost'), run.stdout);
    assert.equal(lines.at(-2), 'bad input: invalid domain "not a domain": contains white space');
  });
  it('the checkMany example is examples/batch.mjs word for word, and runs: one result per input, bad input as a result', async () => {
    const example = readFileSync(join(ROOT, 'examples/batch.mjs'), 'utf8');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(example.split('\n').slice(1).join('\n').trim()), 'README.md must quote examples/batch.mjs (from its second line) verbatim');
    const run = await promisify(execFile)(process.execPath, [join(ROOT, 'examples/batch.mjs')], { cwd: ROOT });
    assert.deepEqual(run.stdout.trim().split('\n').sort(), [
      'bank.example: fail',
      'not a domain: input-error: invalid domain "not a domain": contains white space',
      'quarantine.example: at-risk',
      'signed.example: pass',
    ]);
  });
});
