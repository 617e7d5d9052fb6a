// End to end: who really signs. The built CLI against the local DNS server serving
// fixtures/zones/signers.zone (providers' includes and the onmicrosoft.com tenant included).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { FIXTURES, runCli, type CliResult } from '../helpers/run-cli.ts';
import { parseReport } from '../helpers/contract.ts';

const SIGNERS = join(FIXTURES, 'zones/signers.zone');

let server: TestDnsServer;

const DROP_NAMES = [
  'selector1._domainkey.dkimslow.example',
  'selector1._domainkey.dkimslow2.example',
  'google._domainkey.wsslow-none.example',
  'google._domainkey.wsslow-reject.example',
];
const DROPPED = new Set(DROP_NAMES.map((n) => n.replace(/^[^.]+\._domainkey\./, '')));

before(async () => {
  server = await startDnsServer({
    zone: await loadZoneFiles([SIGNERS]),
    // these key lookups get no answer at all: a timeout
    dropNames: DROP_NAMES,
  });
});
after(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

// no --relay: the unlisted forwarder has no FCrDNS of its own to check, so DKIM alone decides
const checkJson = async (domain: string, ...args: string[]): Promise<{ res: CliResult; json: Json }> => {
  // a short timeout only where a lookup is dropped on purpose (its expectation is a timeout
  // either way); elsewhere a long one, so that a loaded machine does not turn answers into timeouts
  const timeout = DROPPED.has(domain) ? '300' : '3000';
  const res = await runCli([domain, '--resolver', server.address, '--json', '--timeout', timeout, ...args]);
  const json: Json = parseReport(res.stdout);
  return { res, json };
};

const codes = (json: Json): string[] => json.findings.map((f: Json) => f.code);
const adviceCodes = (json: Json): string[] => json.advice.map((a: Json) => a.code);
const gmailDkim = (json: Json) => {
  const d = json.path[json.path.length - 1].dkim;
  return [d.result, d.aligned, d.domain, d.selector, d.basis];
};
const expected = (json: Json) => json.records.dkim.expected.map((e: Json) => [e.domain, e.selector, e.aligned, e.basis, e.provider]);
// the finding's code, severity and arguments, without the sentence the JSON renderer adds
const finding = (json: Json, code: string) => {
  const f = json.findings.find((x: Json) => x.code === code);
  return { code: f.code, severity: f.severity, ...f.args };
};
/** The human report with table borders and line breaks taken out. */
const flat = (text: string) => text.replace(/[│\s]+/g, ' ');

describe('who really signs (JSON through a local DNS server)', () => {
  it('Google Workspace without a key of its own, p=none: the gappssmtp.com signature passes unaligned: inbox', async () => {
    const { res, json } = await checkJson('ws-none.example');
    assert.equal(res.code, 0);
    assert.deepEqual([json.verdict, json.gmail.action, json.gmail.reasonCode], ['pass', 'inbox', 'AUTHENTICATED_NO_DMARC']);
    assert.deepEqual(gmailDkim(json), ['pass', false, 'gappssmtp.com', null, 'provider-default']);
    assert.deepEqual(expected(json), [['gappssmtp.com', null, false, 'provider-default', 'google-workspace']]);
    assert.deepEqual(codes(json), ['DKIM_PROVIDER_DEFAULT', 'DKIM_NO_KEY_FOUND', 'DMARC_POLICY_NONE', 'RELAY_ASSUMED']);
    // said to be an inference, naming the provider and the evidence
    assert.deepEqual(finding(json, 'DKIM_PROVIDER_DEFAULT'), {
      code: 'DKIM_PROVIDER_DEFAULT',
      severity: 'warning',
      provider: 'google-workspace',
      domain: 'gappssmtp.com',
      from: 'ws-none.example',
      evidence: ['include:_spf.google.com in the SPF record of ws-none.example'],
    });
    assert.deepEqual(adviceCodes(json), ['RELAY_DO_NOT_MODIFY']);
  });

  it('Google Workspace without a key of its own, p=reject: DMARC fails, rejected; the fix is in the Admin console', async () => {
    const { res, json } = await checkJson('ws-reject.example');
    assert.equal(res.code, 1);
    assert.deepEqual([json.verdict, json.gmail.action, json.gmail.reasonCode], ['fail', 'reject', 'DMARC_REJECT']);
    assert.deepEqual(gmailDkim(json), ['pass', false, 'gappssmtp.com', null, 'provider-default']);
    assert.deepEqual(codes(json), ['DKIM_PROVIDER_DEFAULT', 'DKIM_NO_KEY_FOUND', 'RELAY_ASSUMED']);
    assert.deepEqual(adviceCodes(json), [
      'RECIPIENT_IMAP_IN_GMAIL_APP', 'RECIPIENT_FETCH_INSTEAD', 'RELAY_SRS_NOT_ENOUGH', 'RELAY_ARC_SEAL', 'SENDER_ENABLE_PROVIDER_DKIM', 'RECIPIENT_ASK_SENDER',
    ]);
    const fix = json.advice.find((a: Json) => a.code === 'SENDER_ENABLE_PROVIDER_DKIM');
    assert.deepEqual([fix.args.provider, fix.args.domain, fix.args.outcome], ['google-workspace', 'ws-reject.example', { before: 'reject', after: 'inbox' }]);
    // one NXDOMAIN at _domainkey stands for the generic list; the provider's own selector confirms it
    const from = json.records.dkim.domains[0];
    assert.deepEqual([from.subtree, from.selectors.map((s: Json) => [s.selector, s.origin, s.status])], ['nxdomain', [['google', 'provider', 'missing']]]);
  });

  it('the human report says it is inferred, with the provider and the d= it signs with', async () => {
    const res = await runCli(['ws-reject.example', '--resolver', server.address], { COLUMNS: '200' });
    assert.equal(res.code, 1);
    // the path drawing names the provider's own signature and says it is not from the sender
    assert.match(flat(res.stdout).replace(/ \| /g, ' '), /DKIM holds the signature of Google Workspace \(d=ws-reject-example\.<yyyymmdd>\.gappssmtp\.com\) arrives intact, but it is not from ws-reject\.example \(inferred/);
    assert.match(flat(res.stdout), /Inferred, not seen: Google Workspace signs mail without a key of ws-reject\.example/);
    assert.match(flat(res.stdout), /Google Admin console/);
  });

  it('Microsoft 365 with DKIM enabled: selector1 CNAMEs to a key in the tenant: aligned, inbox', async () => {
    const { res, json } = await checkJson('m365-on.example');
    assert.equal(res.code, 0);
    assert.deepEqual(gmailDkim(json), ['pass', true, 'm365-on.example', 'selector1', 'assumed-intact']);
    assert.deepEqual(expected(json), [['m365-on.example', 'selector1', true, 'published-key', 'microsoft-365']]);
    assert.deepEqual(codes(json), ['RELAY_ASSUMED', 'DKIM_ASSUMED_INTACT']);
  });

  it('Microsoft 365 with DKIM never enabled: CNAMEs to nothing, the tenant signs unaligned, p=quarantine: spam', async () => {
    const { res, json } = await checkJson('m365-off.example');
    assert.equal(res.code, 1);
    assert.deepEqual([json.verdict, json.gmail.action], ['at-risk', 'spam']);
    assert.deepEqual(gmailDkim(json), ['pass', false, 'fabrikam.onmicrosoft.com', null, 'provider-default']);
    assert.deepEqual(codes(json), ['DKIM_M365_NOT_ENABLED', 'DKIM_PROVIDER_DEFAULT', 'DKIM_NO_KEY_FOUND', 'RELAY_ASSUMED']);
    assert.deepEqual(finding(json, 'DKIM_M365_NOT_ENABLED'), {
      code: 'DKIM_M365_NOT_ENABLED',
      severity: 'warning',
      domain: 'm365-off.example',
      selectors: ['selector1', 'selector2'],
      targets: ['selector1-m365-off-example._domainkey.fabrikam.onmicrosoft.com', 'selector2-m365-off-example._domainkey.fabrikam.onmicrosoft.com'],
    });
    assert.deepEqual(finding(json, 'DKIM_PROVIDER_DEFAULT').evidence, [
      'include:spf.protection.outlook.com in the SPF record of m365-off.example',
      'selector1._domainkey.m365-off.example is a CNAME to selector1-m365-off-example._domainkey.fabrikam.onmicrosoft.com',
    ]);
    const fix = json.advice.find((a: Json) => a.code === 'SENDER_ENABLE_PROVIDER_DKIM');
    assert.deepEqual([fix.args.provider, fix.args.outcome], ['microsoft-365', { before: 'spam', after: 'inbox' }]);
    const human = await runCli(['m365-off.example', '--resolver', server.address], { COLUMNS: '200' });
    assert.match(flat(human.stdout), /DKIM was never enabled for m365-off\.example in the Microsoft 365 tenant/);
    assert.match(flat(human.stdout), /New-DkimSigningConfig -DomainName m365-off\.example/);
  });

  it('an ESP-signed newsletter subdomain: SendGrid with the customer key (s1) passes aligned', async () => {
    const { res, json } = await checkJson('news.shop.example');
    assert.equal(res.code, 0);
    assert.deepEqual(gmailDkim(json), ['pass', true, 'news.shop.example', 's1', 'assumed-intact']);
    assert.deepEqual(expected(json), [['news.shop.example', 's1', true, 'published-key', 'sendgrid']]);
    assert.deepEqual(codes(json), ['DMARC_INHERITED', 'RELAY_ASSUMED', 'DKIM_ASSUMED_INTACT']);
  });

  it('a newsletter subdomain SendGrid signs as sendgrid.net: unaligned, sp=reject rejects', async () => {
    const { res, json } = await checkJson('promo.shop.example');
    assert.equal(res.code, 1);
    assert.deepEqual(gmailDkim(json), ['pass', false, 'sendgrid.net', null, 'provider-default']);
    assert.deepEqual(codes(json), ['DKIM_PROVIDER_DEFAULT', 'DKIM_NO_KEY_FOUND', 'DMARC_INHERITED', 'RELAY_ASSUMED']);
    assert.equal(json.gmail.action, 'reject');
    // the parent shop.example was probed too (relaxed alignment): one NXDOMAIN each
    assert.deepEqual(json.records.dkim.domains.map((d: Json) => [d.domain, d.role, d.subtree]), [['promo.shop.example', 'from', 'nxdomain'], ['shop.example', 'parent', 'nxdomain']]);
  });

  it('a key at the parent domain aligns under relaxed alignment: inbox', async () => {
    const { res, json } = await checkJson('mail.parent.example');
    assert.equal(res.code, 0);
    assert.deepEqual(gmailDkim(json), ['pass', true, 'parent.example', 'default', 'assumed-intact']);
    assert.deepEqual(codes(json), ['DMARC_INHERITED', 'DKIM_PARENT_KEY', 'RELAY_ASSUMED', 'DKIM_ASSUMED_INTACT']);
  });

  it('a key at the parent domain under adkim=s does not align: rejected', async () => {
    const { res, json } = await checkJson('mail.strictparent.example');
    assert.equal(res.code, 1);
    assert.deepEqual(gmailDkim(json), ['none', false, null, null, 'no-usable-key']);
    assert.deepEqual(codes(json), ['DKIM_PARENT_NOT_ALIGNED_STRICT', 'DMARC_INHERITED', 'RELAY_ASSUMED']);
    assert.deepEqual(expected(json), []);
  });

  it('--dkim-domain: a third-party signing domain passes DKIM but does not align', async () => {
    const { res, json } = await checkJson('nodkim.example', '--dkim-domain', 'parent.example');
    assert.equal(res.code, 1);
    assert.deepEqual(expected(json), [['parent.example', 'default', false, 'published-key', null]]);
    assert.deepEqual(gmailDkim(json), ['pass', false, 'parent.example', 'default', 'assumed-intact']);
    assert.equal(json.gmail.action, 'reject');
    assert.deepEqual(json.records.dkim.domains.map((d: Json) => [d.domain, d.role]), [['nodkim.example', 'from'], ['parent.example', 'given']]);
  });

  it('issue 8: a revoked google key and a timed-out selector1: open (unknown, exit 3), never a DMARC reject, no advice to start signing', async () => {
    const { res, json } = await checkJson('dkimslow.example');
    assert.equal(res.code, 3);
    assert.deepEqual([json.verdict, json.gmail.action], ['unknown', 'tempfail']);
    assert.deepEqual(gmailDkim(json), ['temperror', false, 'dkimslow.example', 'google', 'dns-error']);
    assert.deepEqual(json.path[0].dkim.unreadable, ['selector1._domainkey.dkimslow.example']);
    assert.deepEqual(codes(json), ['OUTCOME_OPEN', 'DKIM_KEY_PROBLEM', 'DKIM_DNS_ERROR', 'RELAY_ASSUMED']);
    const probe = json.records.dkim.selectors.find((s: Json) => s.selector === 'selector1');
    assert.deepEqual([probe.status, probe.error], ['dns-error', 'ETIMEOUT']);
    assert.deepEqual(finding(json, 'DKIM_DNS_ERROR'), { code: 'DKIM_DNS_ERROR', severity: 'warning', domain: 'dkimslow.example', selectors: ['selector1'], error: 'ETIMEOUT' });
    assert.ok(!adviceCodes(json).includes('SENDER_SIGN_ALIGNED_DKIM'));
    assert.ok(!adviceCodes(json).includes('RECIPIENT_ASK_SENDER'));
  });

  it('a timed-out selector does not matter when another usable aligned key decides', async () => {
    const { res, json } = await checkJson('dkimslow2.example');
    assert.equal(res.code, 0);
    assert.deepEqual(gmailDkim(json), ['pass', true, 'dkimslow2.example', 'default', 'assumed-intact']);
    assert.deepEqual(codes(json), ['DKIM_DNS_ERROR', 'RELAY_ASSUMED', 'DKIM_ASSUMED_INTACT']);
  });

  it('a timed-out google key under p=none: Google\'s own signature passes unaligned either way: inbox', async () => {
    const { res, json } = await checkJson('wsslow-none.example');
    assert.equal(res.code, 0);
    assert.deepEqual([json.verdict, json.gmail.action], ['pass', 'inbox']);
    assert.deepEqual(gmailDkim(json), ['pass', false, 'gappssmtp.com', null, 'provider-default']);
    assert.deepEqual(json.path[0].dkim.unreadable, ['google._domainkey.wsslow-none.example']);
    assert.deepEqual(codes(json), ['DKIM_DNS_ERROR', 'DKIM_PROVIDER_DEFAULT', 'DMARC_POLICY_NONE', 'RELAY_ASSUMED']);
  });

  it('a timed-out google key under p=reject: only an aligned key would pass DMARC, and it could not be read: open', async () => {
    const { res, json } = await checkJson('wsslow-reject.example');
    assert.equal(res.code, 3);
    assert.deepEqual([json.verdict, json.gmail.action], ['unknown', 'tempfail']);
    assert.deepEqual(codes(json), ['OUTCOME_OPEN', 'DKIM_DNS_ERROR', 'DKIM_PROVIDER_DEFAULT', 'RELAY_ASSUMED']);
    assert.ok(!adviceCodes(json).includes('SENDER_ENABLE_PROVIDER_DKIM'));
  });

  it('Ed25519 only: Gmail does not verify it, p=reject rejects; the advice names RSA-2048', async () => {
    const { res, json } = await checkJson('edonly.example');
    assert.equal(res.code, 1);
    assert.deepEqual([json.verdict, json.gmail.action], ['fail', 'reject']);
    assert.deepEqual(codes(json), ['DKIM_ED25519_ONLY', 'RELAY_ASSUMED', 'DKIM_ASSUMED_INTACT']);
    const sign = json.advice.find((a: Json) => a.code === 'SENDER_SIGN_ALIGNED_DKIM');
    assert.deepEqual([sign.args.domain, sign.args.bits], ['edonly.example', 2048]);
    const human = await runCli(['edonly.example', '--resolver', server.address], { COLUMNS: '200' });
    assert.match(flat(human.stdout), /2048-bit RSA key \(optionally dual-signed with Ed25519 as well; never Ed25519 alone/);
  });

  it('RSA and Ed25519 side by side (dual signing): the RSA signature carries it at Gmail', async () => {
    const { res, json } = await checkJson('dual.example');
    assert.equal(res.code, 0);
    assert.deepEqual(expected(json), [['dual.example', 'dkim', true, 'published-key', null], ['dual.example', 'default', true, 'published-key', null]]);
    assert.deepEqual(codes(json), ['RELAY_ASSUMED', 'DKIM_ASSUMED_INTACT']);
  });

  it('p= twice: the key record is invalid (RFC 6376 3.2), the signature fails', async () => {
    const { res, json } = await checkJson('dupp.example');
    assert.equal(res.code, 1);
    assert.deepEqual(gmailDkim(json), ['fail', true, 'dupp.example', 'default', 'unusable-key']);
    assert.deepEqual(codes(json), ['DKIM_KEY_PROBLEM', 'RELAY_ASSUMED']);
    assert.deepEqual(finding(json, 'DKIM_KEY_PROBLEM'), { code: 'DKIM_KEY_PROBLEM', severity: 'error', domain: 'dupp.example', selector: 'default', problem: 'duplicate-tag', bits: 2048 });
  });

  it('several key records at one selector: a finding, and the weakest decides', async () => {
    const { res, json } = await checkJson('multikey.example');
    assert.equal(res.code, 1);
    assert.deepEqual(codes(json), ['DKIM_KEY_PROBLEM', 'DKIM_MULTIPLE_KEYS', 'RELAY_ASSUMED']);
    const probe = json.records.dkim.selectors.find((s: Json) => s.selector === 'default');
    assert.deepEqual([probe.status, probe.bits, probe.records.length], ['multiple', 512, 2]);
    assert.deepEqual(gmailDkim(json), ['fail', true, 'multikey.example', 'default', 'unusable-key']);
  });

  it('no _domainkey at all: one NXDOMAIN answers for the whole generic list', async () => {
    const { json } = await checkJson('nodkim.example');
    const from = json.records.dkim.domains[0];
    assert.deepEqual([from.subtree, from.selectors.length, from.skipped > 30], ['nxdomain', 0, true]);
    assert.deepEqual(codes(json), ['DKIM_NO_KEY_FOUND', 'RELAY_ASSUMED']);
    const dkimQueries = server.log.filter((q) => q.name.endsWith('_domainkey.nodkim.example'));
    assert.deepEqual([...new Set(dkimQueries.map((q) => q.name))], ['_domainkey.nodkim.example']);
  });
});
