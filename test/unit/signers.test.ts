// Who signs: the selector probes (_domainkey test, RFC 8020 fallbacks, wildcards, order), the
// signer model and the parser's duplicate tags, with an in-memory resolver that counts queries.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DnsError, type DnsErrorCode, type RecordMap, type Resolver, type RRType } from '../../src/dns/types.ts';
import { COMMON_SELECTORS, fetchDkim, type DkimProbePlan, type DkimRecords } from '../../src/records/fetch-dkim.ts';
import { parseDkimKey, weakestKey } from '../../src/records/parse-dkim.ts';
import { alignsWith, expectSigners, identifyProviders, parentDomains, unsignedOutcome } from '../../src/records/signers.ts';
import type { SpfNode } from '../../src/records/fetch-spf.ts';

const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const RSA2048 = `v=DKIM1; k=rsa; p=${rsa(2048)}`;
const RSA1024 = `v=DKIM1; k=rsa; p=${rsa(1024)}`;

type Answer = string[] | DnsErrorCode;

/** A TXT-only resolver: `answers` by name; everything else by `fallback` (default NXDOMAIN). */
const fakeResolver = (answers: Record<string, Answer>, fallback: Answer = 'ENOTFOUND') => {
  const asked: string[] = [];
  const resolver = (async <T extends RRType>(name: string, type: T): Promise<RecordMap[T]> => {
    asked.push(`${type} ${name}`);
    const a = type === 'TXT' ? (answers[name] ?? fallback) : 'ENOTFOUND';
    if (typeof a === 'string') throw new DnsError(a, name, type);
    if (a.length === 0) throw new DnsError('ENODATA', name, type);
    return a.map((t) => [t]) as RecordMap[T];
  }) as Resolver;
  return { resolver, asked };
};

const plan = (provider: string[] = [], given: string[] = []): DkimProbePlan => ({ role: 'from', given, implied: Promise.resolve({ selectors: provider, cnameCheck: [] }) });
const statusOf = (r: DkimRecords, selector: string) => r.selectors.find((p) => p.selector === selector)?.status;

describe('fetchDkim: which selectors are asked', () => {
  it('NXDOMAIN at _domainkey (RFC 8020): only the provider selectors are asked, the rest is skipped', async () => {
    const { resolver, asked } = fakeResolver({});
    const r = await fetchDkim(resolver, 'example.com', plan(['google']));
    assert.deepEqual(asked, ['TXT _domainkey.example.com', 'TXT google._domainkey.example.com']);
    assert.deepEqual([r.subtree, r.skipped, r.selectors.map((p) => [p.selector, p.status])], ['nxdomain', COMMON_SELECTORS.length - 1, [['google', 'missing']]]);
  });

  it('a server that says NXDOMAIN at _domainkey yet answers below it (not RFC 8020): the whole list, nothing missed', async () => {
    const { resolver, asked } = fakeResolver({ 'google._domainkey.example.com': [RSA2048], 'default._domainkey.example.com': [RSA1024] });
    const r = await fetchDkim(resolver, 'example.com', plan(['google']));
    assert.equal(r.subtree, 'exists');
    assert.equal(statusOf(r, 'google'), 'key');
    assert.equal(statusOf(r, 'default'), 'key');
    assert.equal(asked.length, 1 + COMMON_SELECTORS.length + 1); // the test, every selector once, the wildcard probe
  });

  it('NODATA at _domainkey (an empty non-terminal): the whole list', async () => {
    const { resolver } = fakeResolver({ '_domainkey.example.com': [], 'dkim._domainkey.example.com': [RSA2048] });
    const r = await fetchDkim(resolver, 'example.com', plan());
    assert.deepEqual([r.subtree, r.selectors.length, statusOf(r, 'dkim')], ['exists', COMMON_SELECTORS.length, 'key']);
  });

  it('a server that answers NODATA for every name: the whole list, every selector missing', async () => {
    const { resolver } = fakeResolver({}, []);
    const r = await fetchDkim(resolver, 'example.com', plan());
    assert.deepEqual([r.subtree, r.selectors.length, r.selectors.every((p) => p.status === 'missing')], ['exists', COMMON_SELECTORS.length, true]);
  });

  it('a timeout at _domainkey: the whole list', async () => {
    const { resolver } = fakeResolver({ '_domainkey.example.com': 'ETIMEOUT', 'mail._domainkey.example.com': [RSA2048] });
    const r = await fetchDkim(resolver, 'example.com', plan());
    assert.deepEqual([r.subtree, statusOf(r, 'mail')], ['unreadable', 'key']);
  });

  it('a wildcard under _domainkey is not a key; a real key beside it still is', async () => {
    const answers: Record<string, Answer> = { 'dkim._domainkey.example.com': [RSA2048] };
    for (const s of [...COMMON_SELECTORS, 'fwdcheck-wildcard-probe-3b1f']) answers[`${s}._domainkey.example.com`] ??= ['v=DKIM1; p=MIGf'];
    const { resolver } = fakeResolver({ ...answers, '_domainkey.example.com': [] });
    const r = await fetchDkim(resolver, 'example.com', plan());
    assert.deepEqual([statusOf(r, 'dkim'), statusOf(r, 'google'), r.wildcard], ['key', 'wildcard', 'v=DKIM1; p=MIGf']);
  });

  it('no made-up selector when a selector of the list was NXDOMAIN itself (RFC 4592: no wildcard covers them)', async () => {
    const { resolver, asked } = fakeResolver({ '_domainkey.example.com': [], 'dkim._domainkey.example.com': [RSA2048] });
    const r = await fetchDkim(resolver, 'example.com', plan());
    assert.equal(asked.some((q) => q.includes('fwdcheck-wildcard-probe')), false);
    assert.equal(asked.length, 1 + COMMON_SELECTORS.length);
    assert.deepEqual([r.wildcard, statusOf(r, 'dkim'), statusOf(r, 'google')], [null, 'key', 'missing']);
  });

  it('NXDOMAIN only at the end of a CNAME chain, or NODATA everywhere, says nothing of a wildcard: the made-up selector is asked', async () => {
    // every selector but one answers the wildcard's record; selector1 is a CNAME to a name that does not exist
    const asked: string[] = [];
    const resolver = (async <T extends RRType>(name: string, type: T): Promise<RecordMap[T]> => {
      asked.push(name);
      if (name === '_domainkey.example.com') throw new DnsError('ENODATA', name, type);
      if (name === 'selector1._domainkey.example.com') {
        const error = new DnsError('ENOTFOUND', name, type);
        error.viaCname = true;
        throw error;
      }
      return [['v=DKIM1; p=MIGf']] as RecordMap[T];
    }) as Resolver;
    const r = await fetchDkim(resolver, 'example.com', plan());
    assert.ok(asked.includes('fwdcheck-wildcard-probe-3b1f._domainkey.example.com'));
    assert.deepEqual([r.wildcard, statusOf(r, 'google'), statusOf(r, 'selector1')], ['v=DKIM1; p=MIGf', 'wildcard', 'missing']);
    const nodata = fakeResolver({}, []);
    await fetchDkim(nodata.resolver, 'example.com', plan());
    assert.ok(nodata.asked.includes('TXT fwdcheck-wildcard-probe-3b1f._domainkey.example.com'));
  });

  it('asks the made-up selector as soon as the common list shows it is needed, not after the SPF tree', async () => {
    const { resolver, asked } = fakeResolver({}, []);
    let named: (v: { selectors: string[]; cnameCheck: string[] }) => void = () => {};
    const implied = new Promise<{ selectors: string[]; cnameCheck: string[] }>((r) => (named = r));
    const done = fetchDkim(resolver, 'example.com', { role: 'from', given: [], implied });
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(asked.includes('TXT fwdcheck-wildcard-probe-3b1f._domainkey.example.com'), 'asked while the SPF tree is still out');
    named({ selectors: [], cnameCheck: [] });
    assert.equal((await done).wildcard, null);
  });

  it('provider selectors outside the common list are asked too, and listed first', async () => {
    const { resolver, asked } = fakeResolver({ '_domainkey.example.com': [] });
    const r = await fetchDkim(resolver, 'example.com', plan(['selector2', 'scph0426']));
    assert.ok(asked.includes('TXT scph0426._domainkey.example.com'));
    assert.deepEqual(r.selectors.slice(0, 2).map((p) => [p.selector, p.origin]), [['selector2', 'provider'], ['scph0426', 'provider']]);
  });

  it('given selectors are the only ones asked', async () => {
    const { resolver, asked } = fakeResolver({ 's2026._domainkey.example.com': [RSA2048] });
    const r = await fetchDkim(resolver, 'example.com', plan(['google'], ['s2026']));
    assert.deepEqual(asked.sort(), ['TXT fwdcheck-wildcard-probe-3b1f._domainkey.example.com', 'TXT s2026._domainkey.example.com']);
    assert.deepEqual([r.subtree, r.source, statusOf(r, 's2026')], ['not-tested', 'given', 'key']);
  });

  it('an unreadable probe says why: dns-error with its code, not-checked for EOFFLINE; never "missing"', async () => {
    const { resolver } = fakeResolver({ '_domainkey.example.com': [], 'google._domainkey.example.com': 'ESERVFAIL', 'selector1._domainkey.example.com': 'EOFFLINE' as DnsErrorCode });
    const r = await fetchDkim(resolver, 'example.com', plan());
    const google = r.selectors.find((p) => p.selector === 'google')!;
    const s1 = r.selectors.find((p) => p.selector === 'selector1')!;
    assert.deepEqual([google.status, google.error, s1.status, s1.error], ['dns-error', 'ESERVFAIL', 'not-checked', 'EOFFLINE']);
  });

  it('several key records: the same probe whatever the answer order', async () => {
    const weak = `v=DKIM1; p=${rsa(512)}`;
    const a = await fetchDkim(fakeResolver({ '_domainkey.example.com': [], 'k1._domainkey.example.com': [RSA2048, weak] }).resolver, 'example.com', plan());
    const b = await fetchDkim(fakeResolver({ '_domainkey.example.com': [], 'k1._domainkey.example.com': [weak, RSA2048] }).resolver, 'example.com', plan());
    const pa = a.selectors.find((p) => p.selector === 'k1')!;
    assert.deepEqual(pa, b.selectors.find((p) => p.selector === 'k1'));
    assert.deepEqual([pa.status, pa.bits, pa.key?.usable], ['multiple', 512, false]);
  });
});

describe('parseDkimKey: RFC 6376 3.2 tag-lists', () => {
  it('a tag given twice makes the record invalid', () => {
    const key = parseDkimKey(`${RSA2048}; p=${rsa(1024)}`);
    assert.deepEqual([key.usable, key.problems.includes('duplicate-tag')], [false, true]);
  });
  it('tag names are case-sensitive: P= is not p=', () => {
    assert.equal(parseDkimKey(`v=DKIM1; P=${rsa(1024)}`).usable, false);
  });
  it('any tag given twice makes any record unusable, and several records judge the same in any order (property)', () => {
    const tag = fc.constantFrom('v=DKIM1', 'k=rsa', 'k=ed25519', 't=y', 'h=sha256', 's=email', `p=${rsa(1024)}`, 'p=', 'n=note');
    fc.assert(
      fc.property(fc.array(tag, { minLength: 1, maxLength: 6 }), fc.nat(), (tags, i) => {
        const dup = tags[i % tags.length]!;
        const key = parseDkimKey([...tags, dup].join('; '));
        assert.equal(key.usable, false);
        assert.ok(key.problems.includes('duplicate-tag'));
      }),
      { numRuns: 200 },
    );
    const record = fc.constantFrom(RSA2048, RSA1024, 'v=DKIM1; p=', `v=DKIM1; k=ed25519; p=${'A'.repeat(43)}=`, 'v=DKIM1; p=!!');
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), (recs) => {
        assert.deepEqual(weakestKey(recs), weakestKey([...recs].reverse()));
      }),
      { numRuns: 200 },
    );
  });

  it('weakestKey does not depend on order', () => {
    const recs = [RSA2048, RSA1024];
    assert.deepEqual(weakestKey(recs), weakestKey([...recs].reverse()));
    assert.equal(weakestKey(recs).key.bits, 1024);
  });
});

const node = (domain: string, via: SpfNode['via'], children: SpfNode[] = [], status: SpfNode['status'] = 'found'): SpfNode => ({
  domain, via, status, record: null, records: [], terms: [], issues: [], lookups: 0, children,
});

describe('the signer model', () => {
  it('parents up to the organizational domain, nearest first', () => {
    assert.deepEqual(parentDomains('a.b.shop.example.co.uk'), ['b.shop.example.co.uk', 'shop.example.co.uk', 'example.co.uk']);
    assert.deepEqual(parentDomains('example.com'), []);
  });

  it('alignment: relaxed by organizational domain, strict exact (RFC 7489 3.1.1)', () => {
    assert.deepEqual([alignsWith('example.com', 'mail.example.com', 'r'), alignsWith('example.com', 'mail.example.com', 's'), alignsWith('gappssmtp.com', 'example.com', 'r')], [true, false, false]);
  });

  it('providers from the SPF tree in order; their own nested includes add nothing', () => {
    const tree = node('example.com', 'root', [node('_spf.google.com', 'include', [node('_netblocks.google.com', 'include')]), node('sendgrid.net', 'include')]);
    assert.deepEqual(identifyProviders(tree, []), [
      { id: 'google-workspace', evidence: ['include:_spf.google.com in the SPF record of example.com'] },
      { id: 'sendgrid', evidence: ['include:sendgrid.net in the SPF record of example.com'] },
    ]);
  });

  it('MX names a mailbox provider only when there is no SPF record', () => {
    assert.deepEqual(identifyProviders(node('example.com', 'root', [], 'missing'), ['ASPMX.L.GOOGLE.COM.']), [{ id: 'google-workspace', evidence: ['MX aspmx.l.google.com (no SPF record)'] }]);
    assert.deepEqual(identifyProviders(node('example.com', 'root'), ['aspmx.l.google.com']), []);
  });

  it('issue 8: a revoked key beside an unread lookup is open (temperror), not a DKIM fail', async () => {
    const { resolver } = fakeResolver({ '_domainkey.example.com': [], 'google._domainkey.example.com': ['v=DKIM1; p='], 'selector1._domainkey.example.com': 'ETIMEOUT' });
    const records = await fetchDkim(resolver, 'example.com', plan());
    const model = expectSigners({ fromDomain: 'example.com', adkim: 'r', domains: [records], providers: [] });
    assert.deepEqual(model.signatures, []);
    const outcome = unsignedOutcome(model);
    assert.deepEqual([outcome.result, outcome.basis, outcome.unreadable, outcome.unusable?.selector], ['temperror', 'dns-error', ['selector1._domainkey.example.com'], 'google']);
  });

  it('a usable aligned key at the From domain wins over a parent, and no provider default is modelled', async () => {
    const from = await fetchDkim(fakeResolver({ '_domainkey.mail.example.com': [], 'dkim._domainkey.mail.example.com': [RSA2048] }).resolver, 'mail.example.com', plan());
    const parent = await fetchDkim(fakeResolver({ '_domainkey.example.com': [], 'dkim._domainkey.example.com': [RSA2048] }).resolver, 'example.com', { ...plan(), role: 'parent' });
    const model = expectSigners({ fromDomain: 'mail.example.com', adkim: 'r', domains: [from, parent], providers: [{ id: 'google-workspace', evidence: ['x'] }] });
    assert.deepEqual(model.signatures.map((s) => [s.domain, s.selector, s.aligned, s.basis]), [['mail.example.com', 'dkim', true, 'published-key']]);
  });
});
