// The core through an in-memory zone: no process, no sockets, an injected clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check } from '../../src/check.ts';
import { fixedClock } from '../../src/clock.ts';
import { createDnsClient } from '../../src/dns/client.ts';
import { parseZone } from '../../src/dns/parse-zone.ts';
import { ZoneIndex } from '../../src/dns/zone.ts';
import { createZoneResolver } from '../../src/dns/zone-resolver.ts';
import { renderJson } from '../../src/report/render-json.ts';
import { parseReport } from '../helpers/contract.ts';

const ZONE = `
$ORIGIN example.
_dmarc            TXT "v=DMARC1; p=quarantine; psd=y"
$ORIGIN corp.example.
@                 TXT "v=spf1 ip4:198.51.100.1 -all"
$ORIGIN a.corp.example.
@                 TXT "v=spf1 ip4:198.51.100.1 -all"
$ORIGIN loop.example.
@                 TXT "v=spf1 include:one.loop.example -all"
one               TXT "v=spf1 include:loop.example -all"
$ORIGIN voids.example.
@                 TXT "v=spf1 a:x.voids.example mx:y.voids.example exists:z.voids.example ~all"
_dmarc            TXT "v=DMARC1; p=none"
$ORIGIN forwarder.example.
relay             A   203.0.113.7
$ORIGIN 113.0.203.in-addr.arpa.
7                 PTR relay.forwarder.example.
`;

const run = async (domain: string, now = '2026-11-30T12:00:00Z', relays = ['203.0.113.7']) => {
  const clock = fixedClock(now);
  const dns = createDnsClient(createZoneResolver(new ZoneIndex(parseZone(ZONE, 'inline.zone'))), { timeoutMs: 1000, clock });
  return check(domain, { relays, selectors: [] }, { dns, clock });
};

describe('check()', () => {
  it('reports when RFC 7489 and RFC 9989 discovery differ, and predicts the more severe outcome', async () => {
    const report = await run('a.corp.example');
    assert.equal(report.records.dmarc.rfc7489.location, null);
    assert.equal(report.records.dmarc.rfc9989.location, 'example');
    assert.equal(report.records.dmarc.rfc9989.orgDomain, 'corp.example');
    assert.ok(report.findings.some((f) => f.code === 'DMARC_DISCOVERY_DIFFERS'));
    // RFC 9989: the PSD's quarantine policy applies (spam); RFC 7489: no DMARC, and SPF -all fails
    assert.equal(report.gmail.action, 'reject');
    assert.equal(report.gmail.reasonCode, 'SPF_HARD_FAIL');
    assert.deepEqual(report.gmail.alternative, { action: 'spam', method: 'rfc9989' });
    assert.equal(report.verdict, 'fail');
  });

  it('finds include loops', async () => {
    const report = await run('loop.example');
    assert.ok(report.findings.some((f) => f.code === 'SPF_INCLUDE_LOOP' && f.target === 'loop.example'));
    assert.equal(report.path[0]!.spf.result, 'permerror');
  });

  it('counts void lookups over the tree', async () => {
    const report = await run('voids.example');
    assert.equal(report.records.spf.voidLookups, 3);
    assert.ok(report.findings.some((f) => f.code === 'SPF_TOO_MANY_VOID_LOOKUPS' && f.count === 3));
  });

  it('is deterministic for an injected clock, and its JSON round-trips', async () => {
    const a = renderJson(await run('corp.example'));
    const b = renderJson(await run('corp.example'));
    assert.equal(parseReport(a).checkedAt, '2026-11-30T12:00:00.000Z');
    assert.equal(a.replace(/"ms": \d+/g, ''), b.replace(/"ms": \d+/g, ''));
  });

  it('dates the fetch-instead advice by the clock', async () => {
    const status = async (now: string) => {
      const report = await run('corp.example', now);
      const a = report.advice.find((x) => x.code === 'RECIPIENT_FETCH_INSTEAD');
      return a && a.code === 'RECIPIENT_FETCH_INSTEAD' ? a.popImport : null;
    };
    assert.equal(await status('2025-11-01T00:00:00Z'), 'available');
    assert.equal(await status('2026-11-30T00:00:00Z'), 'existing-only');
    // after the end, the fetch advice names IMAP only
    assert.equal(await status('2027-02-01T00:00:00Z'), null);
    const order = async (now: string) => (await run('corp.example', now)).advice.filter((a) => a.audience === 'recipient').map((a) => a.code);
    assert.deepEqual(await order('2025-11-01T00:00:00Z'), ['RECIPIENT_FETCH_INSTEAD', 'RECIPIENT_IMAP_IN_GMAIL_APP', 'RECIPIENT_ASK_SENDER']);
    assert.deepEqual(await order('2026-11-30T00:00:00Z'), ['RECIPIENT_IMAP_IN_GMAIL_APP', 'RECIPIENT_FETCH_INSTEAD', 'RECIPIENT_ASK_SENDER']);
    assert.deepEqual(await order('2027-02-01T00:00:00Z'), ['RECIPIENT_IMAP_IN_GMAIL_APP', 'RECIPIENT_ASK_SENDER']);
  });

  it('shares one query among identical lookups in flight', async () => {
    const clock = fixedClock('2026-11-30T00:00:00Z');
    const dns = createDnsClient(createZoneResolver(new ZoneIndex(parseZone(ZONE, 'inline.zone'))), { timeoutMs: 1000, clock });
    await Promise.all([dns.resolve('corp.example', 'TXT'), dns.resolve('CORP.example.', 'TXT'), dns.resolve('corp.example', 'TXT')]);
    assert.deepEqual([dns.stats().queries, dns.stats().cacheHits], [1, 2]);
  });
});

describe('DMARC discovery edge cases', () => {
  const EDGE = `
$ORIGIN multi.example.
_dmarc TXT "v=DMARC1; p=reject"
_dmarc TXT "v=DMARC1; p=none"
sub    TXT "v=spf1 -all"
_dmarc.sub TXT "v=DMARC1; p=none"
_dmarc.sub TXT "v=DMARC1; p=quarantine"
$ORIGIN spbad.example.
_dmarc TXT "v=DMARC1; p=reject; sp=bogus; rua=mailto:d@spbad.example"
sub    A   192.0.2.1
$ORIGIN npbad.example.
_dmarc TXT "v=DMARC1; p=reject; np=bogus"
$ORIGIN lower.example.
_dmarc TXT "v=dmarc1; p=reject"
$ORIGIN np.example.
_dmarc TXT "v=DMARC1; p=reject; sp=quarantine; np=none"
real   A   192.0.2.1
`;
  const discover = async (domain: string) => {
    const clock = fixedClock('2026-11-30T00:00:00Z');
    const dns = createDnsClient(createZoneResolver(new ZoneIndex(parseZone(EDGE, 'edge.zone'))), { timeoutMs: 1000, clock });
    return check(domain, { relays: ['203.0.113.7'], selectors: [] }, { dns, clock });
  };
  it('several records at the From domain stop RFC 7489 discovery (6.6.3 step 5)', async () => {
    const r = await discover('sub.multi.example');
    assert.equal(r.records.dmarc.rfc7489.location, null);
    assert.deepEqual(r.records.dmarc.rfc7489.queried.map((q) => q.domain), ['sub.multi.example']);
    assert.ok(!r.findings.some((f) => f.code === 'DMARC_MISSING'));
  });
  it('a broken sp makes the record act as p=none', async () => {
    const r = await discover('sub.spbad.example');
    assert.deepEqual([r.records.dmarc.rfc7489.policy, r.records.dmarc.rfc9989.policy], ['none', 'none']);
  });
  it('a broken np breaks the record for RFC 9989 only', async () => {
    const r = await discover('npbad.example');
    assert.deepEqual([r.records.dmarc.rfc7489.policy, r.records.dmarc.rfc9989.policy], ['reject', null]);
    assert.equal(r.path[0]!.dmarc.rfc7489.result, 'fail');
  });
  it('"DMARC1" is case-sensitive', async () => {
    const r = await discover('lower.example');
    assert.equal(r.records.dmarc.status, 'missing');
    assert.equal(r.path[0]!.dmarc.result, 'none');
  });
  it('np applies to a subdomain that does not exist, sp to one that does', async () => {
    const ghost = await discover('ghost.np.example');
    const real = await discover('real.np.example');
    assert.deepEqual([ghost.records.dmarc.policy, ghost.path[0]!.dmarc.policy], ['none', 'none']);
    assert.deepEqual([real.records.dmarc.policy, real.path[0]!.dmarc.policy], ['quarantine', 'quarantine']);
  });
});
