// End to end, issue 5 (truth-policy): a domain that does not exist, unreadable records, DMARC as
// receivers apply it, advice that fits the case, the unlisted forwarder. The built CLI against
// the tests' DNS server serving fixtures/zones/demo.zone; exact finding and advice code lists.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { parseReport } from '../helpers/contract.ts';
import { FIXTURES, runCli, type CliResult } from '../helpers/run-cli.ts';

const DEMO = join(FIXTURES, 'zones/demo.zone');
const RELAY = '203.0.113.7';

let server: TestDnsServer;
before(async () => {
  server = await startDnsServer({ zone: await loadZoneFiles([DEMO]), dropNames: ['_dmarc.dmarcslow.example'] });
});
after(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const checkJson = async (domain: string, ...args: string[]): Promise<{ res: CliResult; json: Json }> => {
  const res = await runCli([domain, '--resolver', server.address, '--json', '--timeout', '2000', ...args]);
  const json: Json = parseReport(res.stdout);
  return { res, json };
};

const codes = (json: Json): string[] => json.findings.map((f: Json) => f.code);
const adviceCodes = (json: Json): string[] => json.advice.map((a: Json) => a.code);
const find = (json: Json, code: string): Json => json.findings.find((f: Json) => f.code === code);
const advised = (json: Json, code: string): Json => json.advice.find((a: Json) => a.code === code);

describe('a domain that does not exist (verdict no-domain, exit 1)', { concurrency: 4 }, () => {
  it('NXDOMAIN: said first, one finding, no advice', async () => {
    const { res, json } = await checkJson('gmial.example', '--relay', RELAY);
    assert.equal(res.code, 1);
    assert.equal(json.verdict, 'no-domain');
    assert.deepEqual([json.gmail.action, json.gmail.smtp, json.gmail.reasonCode], ['reject', null, 'DOMAIN_NOT_FOUND']);
    assert.deepEqual(codes(json), ['DOMAIN_NOT_FOUND']);
    assert.equal(find(json, 'DOMAIN_NOT_FOUND').args.how, 'nxdomain');
    assert.deepEqual(adviceCodes(json), []);
  });
  it('a name with no records of any kind', async () => {
    const { res, json } = await checkJson('hollow.example', '--relay', RELAY);
    assert.equal(res.code, 1);
    assert.deepEqual([json.verdict, codes(json), find(json, 'DOMAIN_NOT_FOUND').args.how, adviceCodes(json)], ['no-domain', ['DOMAIN_NOT_FOUND'], 'no-records', []]);
  });
  it('the human report says it on the first line and asks to fix nothing', async () => {
    const res = await runCli(['gmial.example', '--resolver', server.address]);
    assert.equal(res.code, 1);
    assert.equal(res.stdout.split('\n')[0], 'gmial.example does not exist: there is no mail from it to forward.');
    assert.doesNotMatch(res.stdout, /What to do|SPF record|publish/i);
  });
  it('a subdomain that exists is checked as usual', async () => {
    const { json } = await checkJson('news.bank.example', '--relay', RELAY);
    assert.notEqual(json.verdict, 'no-domain');
  });
});

describe('unreadable is never missing', { concurrency: 4 }, () => {
  it('a DMARC record that times out: dns-error, verdict unknown naming it, no DMARC reply, no advice to publish', async () => {
    const { res, json } = await checkJson('dmarcslow.example', '--relay', RELAY);
    assert.equal(res.code, 3);
    assert.equal(json.verdict, 'unknown');
    assert.deepEqual([json.records.dmarc.status, json.records.dmarc.error, json.records.dmarc.errorName], ['dns-error', 'ETIMEOUT', '_dmarc.dmarcslow.example']);
    assert.deepEqual([json.gmail.action, json.gmail.smtp], ['tempfail', null]);
    assert.deepEqual(codes(json), ['OUTCOME_OPEN', 'DMARC_DNS_ERROR', 'DKIM_NO_KEY_FOUND']);
    assert.deepEqual(find(json, 'OUTCOME_OPEN').args.unread, [{ name: '_dmarc.dmarcslow.example', type: 'TXT', error: 'ETIMEOUT' }]);
    assert.deepEqual(adviceCodes(json), []);
    assert.doesNotMatch(JSON.stringify(json.gmail), /DMARC policy/);
  });
  it('DMARC at the organizational domain times out for a subdomain: named, not "missing"', async () => {
    const { json } = await checkJson('news.dmarcslow.example', '--relay', RELAY);
    assert.equal(json.verdict, 'unknown');
    assert.equal(json.records.dmarc.status, 'dns-error');
    assert.equal(json.records.dmarc.errorName, '_dmarc.dmarcslow.example');
    const q = json.records.dmarc.discovery.rfc7489.queried.map((l: Json) => [l.domain, l.status]);
    assert.deepEqual(q, [['news.dmarcslow.example', 'missing'], ['dmarcslow.example', 'dns-error']]);
    assert.ok(!codes(json).includes('DMARC_MISSING'));
  });
  it('--offline: an include outside the zone files is "not checked", never missing; the outcome is open', async () => {
    const res = await runCli(['workspace.example', '--zone', DEMO, '--offline', '--relay', RELAY, '--json']);
    const json: Json = parseReport(res.stdout);
    assert.equal(res.code, 3);
    assert.equal(json.verdict, 'unknown');
    const include = json.records.spf.includes[0];
    assert.deepEqual([include.domain, include.status, include.error], ['_spf.google.com', 'not-checked', 'EOFFLINE']);
    assert.deepEqual(find(json, 'OUTCOME_OPEN').args.unread, [{ name: '_spf.google.com', type: 'TXT', error: 'EOFFLINE' }]);
    assert.ok(!codes(json).includes('SPF_INCLUDE_MISSING'));
    assert.equal(json.path[0].spf.result, 'temperror');
  });
  it('an unreachable resolver quotes nothing about a DMARC policy', async () => {
    const res = await runCli(['bank.example', '--resolver', '127.0.0.1:9', '--timeout', '200', '--json']);
    const json = parseReport(res.stdout);
    assert.equal(res.code, 3);
    assert.equal(json.gmail.smtp, null);
    assert.deepEqual([json.records.spf.status, json.records.dmarc.status], ['dns-error', 'dns-error']);
    assert.deepEqual(adviceCodes(json), []);
  });
});

describe('DMARC as receivers apply it', { concurrency: 4 }, () => {
  it('p=reject; pct=0: quarantine for every message, spam; the summary, finding and path agree', async () => {
    const { res, json } = await checkJson('pct0.example', '--relay', RELAY);
    assert.equal(res.code, 1);
    assert.deepEqual([json.verdict, json.gmail.action, json.gmail.smtp], ['at-risk', 'spam', null]);
    assert.deepEqual([json.records.dmarc.published, json.records.dmarc.policy, json.records.dmarc.lowered], ['reject', 'quarantine', 'pct']);
    assert.deepEqual([json.path[0].dmarc.policy, json.path[0].dmarc.rfc7489.policy], ['quarantine', 'quarantine']);
    assert.deepEqual(codes(json), ['DKIM_NO_KEY_FOUND', 'DMARC_POLICY_LOWERED']);
    assert.deepEqual(adviceCodes(json), ['RECIPIENT_IMAP_IN_GMAIL_APP', 'RECIPIENT_FETCH_INSTEAD', 'RELAY_SRS_NOT_ENOUGH', 'RELAY_ARC_SEAL', 'SENDER_SIGN_ALIGNED_DKIM', 'RECIPIENT_ASK_SENDER']);
    assert.deepEqual(advised(json, 'RELAY_SRS_NOT_ENOUGH').args.policy, 'quarantine');
  });
  it('pct=50: the sampled half is rejected', async () => {
    const { json } = await checkJson('pct50.example', '--relay', RELAY);
    assert.deepEqual([json.verdict, json.records.dmarc.policy, json.records.dmarc.sampled], ['fail', 'reject', 50]);
    assert.deepEqual(codes(json), ['DKIM_NO_KEY_FOUND', 'DMARC_PCT_PARTIAL']);
    assert.deepEqual([find(json, 'DMARC_PCT_PARTIAL').args.policy, find(json, 'DMARC_PCT_PARTIAL').args.rest], ['reject', 'quarantine']);
  });
  it('t=y: the next lower policy (quarantine -> none), so Gmail\'s SPF-or-DKIM rule decides', async () => {
    const { json } = await checkJson('testing.example', '--relay', RELAY);
    assert.deepEqual([json.records.dmarc.published, json.records.dmarc.policy, json.records.dmarc.lowered], ['quarantine', 'none', 'testing']);
    assert.equal(json.gmail.reasonCode, 'UNAUTHENTICATED');
    assert.deepEqual(codes(json), ['DKIM_NO_KEY_FOUND', 'DMARC_POLICY_LOWERED']);
    // under no enforcing policy, SRS saves the mail
    assert.deepEqual(advised(json, 'RELAY_USE_SRS').args.outcome, { before: 'reject', after: 'inbox' });
  });
  it('a typo (p=rejet): shown as found, a finding naming the meant value, the corrected record', async () => {
    const { json } = await checkJson('typo.example', '--relay', RELAY);
    assert.deepEqual([json.records.dmarc.status, json.records.dmarc.record, json.records.dmarc.policy], ['found', 'v=DMARC1; p=rejet; rua=mailto:d@typo.example', 'none']);
    assert.deepEqual(codes(json), ['DMARC_TAG_ISSUE', 'DKIM_NO_KEY_FOUND', 'DMARC_POLICY_NONE']);
    const issue = find(json, 'DMARC_TAG_ISSUE');
    assert.deepEqual([issue.args.issue, issue.args.tag, issue.args.value, issue.args.meant], ['invalid-policy', 'p', 'rejet', 'reject']);
    const fix = advised(json, 'SENDER_FIX_DMARC');
    assert.deepEqual([fix.args.name, fix.args.record, fix.args.policy], ['_dmarc.typo.example', 'v=DMARC1; p=reject; rua=mailto:d@typo.example', 'reject']);
    // SRS saves the mail only under the effective p=none: the corrected record says it undoes that
    assert.deepEqual(advised(json, 'RELAY_USE_SRS').args.outcome, { before: 'reject', after: 'inbox' });
    assert.equal(fix.args.undoesSrs, true);
    const human = await runCli(['typo.example', '--resolver', server.address, '--relay', RELAY, '--no-color'], { COLUMNS: '250' });
    assert.match(human.stdout.replace(/\s+/g, ' '), /Once it applies, SRS at the relay no longer saves forwarded mail: p=reject needs a DKIM signature aligned with typo\.example/);
  });
  it('a duplicated tag: the last applies; the corrected record keeps it', async () => {
    const { json } = await checkJson('duptag.example', '--relay', RELAY);
    assert.deepEqual([json.records.dmarc.status, json.records.dmarc.policy], ['found', 'reject']);
    assert.deepEqual(codes(json), ['DMARC_TAG_ISSUE', 'DKIM_NO_KEY_FOUND']);
    assert.equal(advised(json, 'SENDER_FIX_DMARC').args.record, 'v=DMARC1; p=reject');
  });
  it('several records: all shown, none applied, one record to publish', async () => {
    const { json } = await checkJson('twice.example', '--relay', RELAY);
    assert.deepEqual([json.records.dmarc.status, json.records.dmarc.policy, json.records.dmarc.location], ['found', null, 'twice.example']);
    assert.deepEqual(json.records.dmarc.records, ['v=DMARC1; p=reject', 'v=DMARC1; p=none; rua=mailto:d@twice.example']);
    assert.deepEqual(codes(json), ['DMARC_MULTIPLE_RECORDS', 'DKIM_NO_KEY_FOUND']);
    assert.equal(advised(json, 'SENDER_FIX_DMARC').args.record, 'v=DMARC1; p=reject');
  });
  it('an inherited policy: the summary and the finding name the same policy', async () => {
    const { json } = await checkJson('news.bank.example', '--relay', RELAY);
    assert.equal(json.records.dmarc.policy, 'quarantine');
    assert.equal(find(json, 'DMARC_INHERITED').args.policy, 'quarantine');
    assert.equal(json.path[0].dmarc.policy, 'quarantine');
  });
});

describe('advice that fits the case', { concurrency: 4 }, () => {
  it('p=none, no DKIM: SRS saves the mail, and says so', async () => {
    const { json } = await checkJson('monitor.example', '--relay', RELAY);
    assert.deepEqual(adviceCodes(json), ['RECIPIENT_IMAP_IN_GMAIL_APP', 'RECIPIENT_FETCH_INSTEAD', 'RELAY_USE_SRS', 'SENDER_SIGN_ALIGNED_DKIM', 'RECIPIENT_ASK_SENDER']);
    assert.deepEqual(advised(json, 'RELAY_USE_SRS').args.outcome, { before: 'reject', after: 'inbox' });
  });
  it('p=reject, no DKIM: SRS cannot save it; the relay operator is told, ARC only "may help"', async () => {
    const { json } = await checkJson('bank.example', '--relay', RELAY);
    assert.deepEqual(adviceCodes(json), ['RECIPIENT_IMAP_IN_GMAIL_APP', 'RECIPIENT_FETCH_INSTEAD', 'RELAY_SRS_NOT_ENOUGH', 'RELAY_ARC_SEAL', 'SENDER_SIGN_ALIGNED_DKIM', 'RECIPIENT_ASK_SENDER']);
    assert.match(advised(json, 'RELAY_SRS_NOT_ENOUGH').message, /SRS alone will not save this mail/);
    assert.match(advised(json, 'RELAY_ARC_SEAL').message, /may help at some receivers.*Google withdrew its ARC advice on 2026-03-12/);
    assert.deepEqual(advised(json, 'SENDER_SIGN_ALIGNED_DKIM').args.outcome, { before: 'reject', after: 'inbox' });
  });
  it('a pass that rests on DKIM: only "do not modify"', async () => {
    const { json } = await checkJson('signed.example', '--relay', RELAY);
    assert.deepEqual(adviceCodes(json), ['RELAY_DO_NOT_MODIFY']);
  });
  it('the recipient\'s best move for the run date comes first (2026-11-30: IMAP; POP only for existing imports)', async () => {
    const { json } = await checkJson('bank.example', '--relay', RELAY);
    const recipient = json.advice.filter((a: Json) => a.audience === 'recipient');
    assert.match(recipient[0].message, /Gmail app over IMAP/);
    assert.match(recipient[1].message, /takes no new accounts .* until about January 2027/);
  });
});

describe('the unlisted forwarder', { concurrency: 4 }, () => {
  it('without --relay, an address the SPF tree does not list, labelled so', async () => {
    const { json } = await checkJson('listed.example');
    assert.equal(json.path[0].relay, '198.51.100.1');
    assert.equal(json.path[0].relaySource, 'assumed');
    assert.equal(json.path[0].spf.result, 'fail');
    assert.deepEqual(codes(json), ['DKIM_NO_KEY_FOUND', 'RELAY_ASSUMED']);
    const human = await runCli(['listed.example', '--resolver', server.address]);
    // the human report calls it what it is, not by its stand-in address (which --verbose gives)
    assert.match(human.stdout, /\n {2}a forwarder your SPF does not list\n/);
    assert.ok(!human.stdout.includes('198.51.100.1'));
    const verbose = await runCli(['listed.example', '--resolver', server.address, '--verbose']);
    assert.match(verbose.stdout.replace(/[│\s]+/g, ' '), /198\.51\.100\.1 stands for a forwarder your SPF does not list \(it is outside every network the SPF tree names\)/);
    assert.doesNotMatch(human.stdout, /is authorized by the SPF/);
  });
  it('the documentation address when the SPF does not list it', async () => {
    const { json } = await checkJson('bank.example');
    assert.equal(json.path[0].relay, '192.0.2.1');
  });
});

describe('what SMTP clients really send', { concurrency: 4 }, () => {
  const note = (json: Json) => json.findings.filter((f: Json) => f.code === 'ENVELOPE_UNUSUAL').map((f: Json) => `${f.args.what}:${f.args.oddity}`);
  it('--helo hosed (one label) with a null sender: a warning, SPF none for the HELO identity', async () => {
    const { res, json } = await checkJson('bank.example', '--relay', RELAY, '--helo', 'hosed', '--mail-from', '<>');
    assert.notEqual(res.code, 2);
    assert.deepEqual([json.helo, json.path[0].spf.result, json.path[0].spf.identity], ['hosed', 'none', 'helo']);
    assert.deepEqual(note(json), ['helo:one-label']);
    assert.ok(!codes(json).includes('SPF_MISSING'));
  });
  it('--helo [192.0.2.1] and junk', async () => {
    assert.deepEqual(note((await checkJson('bank.example', '--relay', RELAY, '--helo', '[192.0.2.1]')).json), ['helo:address-literal']);
    assert.deepEqual(note((await checkJson('bank.example', '--relay', RELAY, '--helo', "JUMPIN' JUPITER")).json), ['helo:not-a-domain']);
  });
  it('--mail-from with an empty or quoted local part, a domain literal, an over-long label', async () => {
    const empty = (await checkJson('bank.example', '--relay', RELAY, '--mail-from', '@bank.example')).json;
    assert.deepEqual([empty.mailFrom, empty.path[0].spf.result, note(empty)], ['@bank.example', 'fail', ['mail-from:empty-local-part']]);
    const quoted = (await checkJson('bank.example', '--relay', RELAY, '--mail-from', '"a@b"@bank.example')).json;
    assert.deepEqual([quoted.mailFrom, quoted.path[0].spf.domain, note(quoted)], ['"a@b"@bank.example', 'bank.example', ['mail-from:quoted-local-part']]);
    const literal = (await checkJson('bank.example', '--relay', RELAY, '--mail-from', 'foo@[192.0.2.1]')).json;
    assert.deepEqual([literal.path[0].spf.result, note(literal)], ['none', ['mail-from:address-literal']]);
    const long = (await checkJson('bank.example', '--relay', RELAY, '--mail-from', `x@${'a'.repeat(64)}.example`)).json;
    assert.deepEqual([long.path[0].spf.result, note(long)], ['none', ['mail-from:label-too-long']]);
  });
  it('refuses an unquoted second @ and percent escapes in the domain', async () => {
    const twoAt = await runCli(['bank.example', '--mail-from', 'a@b@bank.example', '--resolver', server.address]);
    assert.deepEqual([twoAt.code, twoAt.stdout], [2, '']);
    assert.match(twoAt.stderr, /^fwdcheck: invalid --mail-from "a@b@bank\.example": more than one @/);
    const percent = await runCli(['bank%2eexample', '--resolver', server.address]);
    assert.deepEqual([percent.code, percent.stdout], [2, '']);
    assert.match(percent.stderr, /^fwdcheck: invalid domain "bank%2eexample": contains "%"/);
  });
});
