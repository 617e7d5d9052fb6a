// End to end: `--to all` over the demo world, the built CLI against the local DNS server.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { parseNdjson, parseReport } from '../helpers/contract.ts';
import { FIXTURES, runCli } from '../helpers/run-cli.ts';

const DEMO = join(FIXTURES, 'zones/demo.zone');
const RELAY = '203.0.113.7';

let server: TestDnsServer;

before(async () => {
  server = await startDnsServer({ zone: await loadZoneFiles([DEMO]) });
});
after(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const toAll = async (domain: string, ...args: string[]) => {
  const res = await runCli([domain, '--resolver', server.address, '--relay', RELAY, '--to', 'all', '--json', ...args]);
  return { res, json: parseReport(res.stdout) as Json };
};

const order = (json: Json): string[] => json.receivers.map((r: Json) => `${r.id}:${r.action}`);
const replyCodes = (json: Json): Record<string, string | null> =>
  Object.fromEntries(json.receivers.map((r: Json) => [r.id, r.smtp === null ? null : r.smtp.split(' ').slice(0, 2).join(' ')]));
const adviceCodes = (json: Json): string[] => json.advice.map((a: Json) => a.code);

// the demo world with --to all: every receiver's action, best first, and its reply code
const WORLDS: [domain: string, receivers: string[], replies: Record<string, string | null>, advice: string | null][] = [
  [
    'bank.example',
    ['proton:inbox-warning', 'gmail:reject', 'outlook:reject', 'yahoo:reject', 'icloud:reject'],
    { proton: null, gmail: '550 5.7.26', outlook: '550 5.7.509', yahoo: '554 5.7.9', icloud: '550 5.7.1' },
    'RECIPIENT_FORWARD_ELSEWHERE',
  ],
  [
    'quarantine.example',
    ['proton:inbox-warning', 'gmail:spam', 'yahoo:spam', 'icloud:spam', 'outlook:reject'],
    { proton: null, gmail: null, yahoo: null, icloud: null, outlook: '550 5.7.509' },
    'RECIPIENT_FORWARD_ELSEWHERE',
  ],
  [
    'monitor.example',
    ['proton:inbox-warning', 'outlook:unknown', 'icloud:unknown', 'gmail:reject', 'yahoo:reject'],
    { proton: null, outlook: null, icloud: null, gmail: '550 5.7.26', yahoo: null },
    'RECIPIENT_FORWARD_ELSEWHERE',
  ],
  [
    'nodmarc.example',
    ['proton:inbox-warning', 'outlook:unknown', 'icloud:unknown', 'gmail:reject', 'yahoo:reject'],
    { proton: null, outlook: null, icloud: null, gmail: '550 5.7.26', yahoo: null },
    'RECIPIENT_FORWARD_ELSEWHERE',
  ],
  ['signed.example', ['gmail:inbox', 'outlook:inbox', 'yahoo:inbox', 'icloud:inbox', 'proton:inbox'], { gmail: null, outlook: null, yahoo: null, icloud: null, proton: null }, null],
  ['nospf.example', ['gmail:inbox', 'outlook:inbox', 'yahoo:inbox', 'icloud:inbox', 'proton:inbox'], { gmail: null, outlook: null, yahoo: null, icloud: null, proton: null }, null],
  ['relayed.example', ['gmail:inbox', 'outlook:inbox', 'yahoo:inbox', 'icloud:inbox', 'proton:inbox'], { gmail: null, outlook: null, yahoo: null, icloud: null, proton: null }, null],
];

describe('--to all over the demo world (JSON)', () => {
  for (const [domain, expected, replies, advice] of WORLDS) {
    it(`${domain}: ${expected.join(', ')}`, async () => {
      const { res, json } = await toAll(domain);
      assert.deepEqual(order(json), expected);
      assert.deepEqual(replyCodes(json), replies);
      // the Gmail fields stay where they are, and agree with the Gmail receiver
      const g = json.receivers.find((r: Json) => r.id === 'gmail');
      assert.deepEqual([g.action, g.smtp], [json.gmail.action, json.gmail.smtp]);
      assert.equal(res.code, json.verdict === 'pass' ? 0 : 1);
      for (const r of json.receivers) {
        assert.equal(typeof r.reason, 'string');
        assert.ok(r.reason.length > 20, r.reason);
        assert.ok(Array.isArray(r.sources));
        if (r.basis !== 'not-published') assert.ok(r.sources.length > 0 && r.sources.every((s: Json) => /^https:\/\//.test(s.url) && /^\d{4}-\d{2}/.test(s.read)), r.id);
        else assert.match(r.reason, /publishes nothing for this case/);
      }
      const receiverAdvice = adviceCodes(json).filter((c) => c === 'RECIPIENT_FORWARD_ELSEWHERE' || c === 'RECIPIENT_ONLY_FETCH_IS_SAFE');
      assert.deepEqual(receiverAdvice, advice ? [advice] : []);
    });
  }

  it('bank.example: the advice names the mailbox that keeps the mail, for the run date, first among the recipient\'s', async () => {
    const { json } = await toAll('bank.example');
    const recipient = json.advice.filter((a: Json) => a.audience === 'recipient');
    assert.equal(recipient[0].code, 'RECIPIENT_FORWARD_ELSEWHERE');
    assert.deepEqual(recipient[0].args.receivers, [{ id: 'proton', name: 'Proton Mail', action: 'inbox-warning' }]);
    assert.equal(recipient[0].args.asOf, json.checkedAt.slice(0, 10));
    assert.match(recipient[0].message, /^As of \d{4}-\d{2}-\d{2}, Gmail rejects this sender's forwarded mail, but Proton Mail \(with a warning banner\) would keep it/);
  });

  it('when no mailbox checked keeps the mail, fetching is the only safe way', async () => {
    const res = await runCli(['bank.example', '--resolver', server.address, '--relay', RELAY, '--to', 'outlook', '--to', 'yahoo', '--json']);
    const json = parseReport(res.stdout) as Json;
    assert.deepEqual(order(json), ['outlook:reject', 'yahoo:reject']);
    const a = json.advice.find((x: Json) => x.code === 'RECIPIENT_ONLY_FETCH_IS_SAFE');
    assert.ok(a, JSON.stringify(json.advice.map((x: Json) => x.code)));
    assert.match(a.message, /none of the mailboxes checked \(Outlook\.com, Yahoo\/AOL\) is known to keep/);
    assert.equal(json.advice.some((x: Json) => x.code === 'RECIPIENT_FORWARD_ELSEWHERE'), false);
  });

  it('an Ed25519-only signature counts as none at receivers not known to verify it', async () => {
    const { json } = await toAll('edkey.example', '--selector', 's2026');
    const outlook = json.receivers.find((r: Json) => r.id === 'outlook');
    assert.deepEqual([outlook.action, outlook.ed25519Ignored, outlook.case], ['reject', true, 'dmarc-reject']);
    assert.match(outlook.reason, /Ed25519 key, which Outlook\.com is not known to verify/);
  });

  it('a From domain that does not exist: every receiver says so, and no mailbox is recommended', async () => {
    const { res, json } = await toAll('nowhere.example');
    assert.equal(json.verdict, 'no-domain');
    assert.equal(res.code, 1);
    assert.deepEqual(order(json), ['proton:inbox-warning', 'outlook:unknown', 'icloud:unknown', 'gmail:reject', 'yahoo:reject']);
    assert.ok(json.receivers.every((r: Json) => r.case === 'no-domain' && /nowhere\.example does not exist in the DNS/.test(r.reason)));
    assert.deepEqual(adviceCodes(json).filter((c) => c.startsWith('RECIPIENT_FORWARD') || c === 'RECIPIENT_ONLY_FETCH_IS_SAFE'), []);
  });

  it('a relay that seals ARC: the receivers that weigh ARC may accept, the action stays', async () => {
    const res = await runCli(['bank.example', '--resolver', server.address, '--relay', `${RELAY},arc=fwd.example`, '--to', 'all', '--json']);
    const json = parseReport(res.stdout) as Json;
    assert.deepEqual(json.receivers.map((r: Json) => `${r.id}:${r.action}:${r.arcMayHelp}`), ['proton:inbox-warning:false', 'gmail:reject:false', 'outlook:reject:true', 'yahoo:reject:true', 'icloud:reject:true']);
    assert.match(json.receivers.find((r: Json) => r.id === 'yahoo').reason, /ARC seal vouches for an earlier DMARC pass: Yahoo\/AOL may accept .* never a guarantee/);
  });

  it('without --to, no receivers and no receiver advice', async () => {
    const res = await runCli(['bank.example', '--resolver', server.address, '--relay', RELAY, '--json']);
    const json = parseReport(res.stdout) as Json;
    assert.deepEqual(json.receivers, []);
    assert.equal(adviceCodes(json).includes('RECIPIENT_FORWARD_ELSEWHERE'), false);
  });
});

describe('--to in the human report and on the command line', () => {
  it('one entry per receiver, best first, each with its reply code and source, within the width', async () => {
    const res = await runCli(['bank.example', '--resolver', server.address, '--relay', RELAY, '--to', 'all']);
    assert.equal(res.code, 1);
    const lines = res.stdout.split('\n');
    const start = lines.findIndex((l) => l.startsWith('Forwarded to each mailbox'));
    assert.ok(start > 0, res.stdout);
    const end = lines.indexOf('', start);
    // a pipe is 80 columns: an entry whose source does not fit has it on the next line, not cut
    const section = lines.slice(start + 1, end);
    const entries = section.filter((l) => /^ {2}\S/.test(l));
    assert.deepEqual(entries.map((l) => l.trim().split(/\s{2,}/)[0]), ['Proton Mail', 'Gmail', 'Outlook.com', 'Yahoo/AOL', 'iCloud Mail']);
    const text = section.join('\n');
    assert.match(text, /Outlook\.com\s+rejected\s+550 5\.7\.509\s+ourcloudnetwork\.com, 2026-11-30, second-hand/);
    assert.match(text, /554 5\.7\.9\s+help\.yahoo\.com/);
    assert.doesNotMatch(text, /\.\.\.|…/, 'nothing cut');
    for (const l of [lines[start]!, ...section]) assert.ok(l.length <= 80, l);
  });

  it('a narrow terminal stacks each source under its entry, cutting nothing; a wide one keeps one line each', async () => {
    const { renderReceivers } = await import('../../src/report/render-receivers.ts');
    const { Chalk } = await import('chalk');
    const { json } = await toAll('bank.example');
    const narrow = renderReceivers(json, { chalk: new Chalk({ level: 0 }), width: 60 });
    for (const l of narrow) assert.ok(l.length <= 60, l);
    assert.ok(narrow.join(' ').replace(/\s+/g, ' ').includes('ourcloudnetwork.com, 2026-11-30, second-hand'));
    assert.ok(narrow.length > 6);
    const wide = renderReceivers(json, { chalk: new Chalk({ level: 0 }), width: 120 });
    assert.equal(wide.length, 6);
    for (const l of wide) assert.ok(l.length <= 120, l);
  });

  it('a batch (--format ndjson) predicts the receivers for every domain', async () => {
    const res = await runCli(['bank.example', 'signed.example', '--resolver', server.address, '--relay', RELAY, '--to', 'outlook,proton', '--format', 'ndjson']);
    const byDomain = Object.fromEntries(
      (parseNdjson(res.stdout) as Json[])
        .map((doc) => [doc.domain, doc.receivers.map((r: Json) => `${r.id}:${r.action}`)]),
    );
    assert.deepEqual(byDomain, { 'bank.example': ['proton:inbox-warning', 'outlook:reject'], 'signed.example': ['outlook:inbox', 'proton:inbox'] });
  });

  it('aliases and comma lists; an unknown receiver is a usage error', async () => {
    const res = await runCli(['bank.example', '--resolver', server.address, '--to', 'hotmail,aol', '--json']);
    assert.deepEqual((parseReport(res.stdout) as Json).receivers.map((r: Json) => r.id), ['outlook', 'yahoo']);
    const bad = await runCli(['bank.example', '--resolver', server.address, '--to', 'fastmail']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.equal(bad.stderr, 'fwdcheck: invalid --to "fastmail": expected gmail, outlook, yahoo, icloud, proton or all\n');
  });
});
