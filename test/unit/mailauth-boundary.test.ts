// The mailauth boundary: src/auth/mailauth.ts reads fields of mailauth's results that mailauth
// does not document as API (lib/spf, lib/dmarc, lib/dmarc/get-dmarc-record.js). mailauth is
// pinned exactly in package.json; when it is upgraded, this test says loudly which field moved,
// instead of fwdcheck quietly normalizing a missing field to temperror.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { dmarc as mailauthDmarc } from 'mailauth/lib/dmarc/index.js';
import getDmarcRecord from 'mailauth/lib/dmarc/get-dmarc-record.js';
import { spf as mailauthSpf } from 'mailauth/lib/spf/index.js';
import { dmarcDomainExists, evaluateDmarc, evaluateSpf } from '../../src/auth/mailauth.ts';
import { DnsError, type RecordMap, type Resolver, type RRType } from '../../src/dns/types.ts';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { dependencies: Record<string, string> };
const installed = (require('mailauth/package.json') as { version: string }).version;

const ZONE: Record<string, Partial<RecordMap>> = {
  'sender.example': { TXT: [['v=spf1 ip4:198.51.100.1 -all']], A: ['198.51.100.1'] },
  '_dmarc.sender.example': { TXT: [['v=DMARC1; p=reject; t=y']] },
};
const resolver: Resolver = async <T extends RRType>(name: string, rrtype: T): Promise<RecordMap[T]> => {
  const node = ZONE[name.toLowerCase().replace(/\.$/, '')];
  if (!node) throw new DnsError('ENOTFOUND', name, rrtype);
  const records = node[rrtype];
  if (!records) throw new DnsError('ENODATA', name, rrtype);
  return records as RecordMap[T];
};

/** Reads a dotted path and fails with a message naming mailauth's version and the path. */
const field = (value: unknown, path: string, type: string): unknown => {
  let at: unknown = value;
  for (const key of path.split('.')) at = (at as Record<string, unknown> | null | undefined)?.[key];
  assert.equal(typeof at, type, `mailauth ${installed}: the adapter reads ${path} as a ${type}, mailauth now gives ${JSON.stringify(at)}; review src/auth/mailauth.ts`);
  return at;
};

describe('mailauth boundary', () => {
  it('is pinned exactly, and the installed version is the pinned one', () => {
    assert.match(pkg.dependencies['mailauth'] ?? '', /^\d+\.\d+\.\d+$/, 'package.json must pin mailauth exactly (no ^ or ~)');
    assert.equal(installed, pkg.dependencies['mailauth'], 'node_modules holds another mailauth than package.json pins');
  });

  it('spf() still returns status.result, domain, lookups.count', async () => {
    const res = await mailauthSpf({ sender: 'a@sender.example', ip: '198.51.100.1', helo: 'mx.sender.example', mta: 'mx.test', resolver: resolver as never, strict: true });
    assert.equal(field(res, 'status.result', 'string'), 'pass');
    assert.equal(field(res, 'domain', 'string'), 'sender.example');
    field(res, 'lookups.count', 'number');
    const fail = await mailauthSpf({ sender: 'a@sender.example', ip: '203.0.113.9', helo: 'x', mta: 'mx.test', resolver: resolver as never, strict: true });
    assert.equal(field(fail, 'status.result', 'string'), 'fail');
  });

  it('dmarc() still returns status.result, policy, policyDomain, domain, testMode, alignment.{spf,dkim}.result', async () => {
    const dkimDomains = [{ id: 'sender.example', domain: 'sender.example', aligned: false }] as never;
    const res = await mailauthDmarc({ headerFrom: 'postmaster@sender.example', spfDomains: ['sender.example'], dkimDomains, resolver: resolver as never });
    assert.equal(field(res, 'status.result', 'string'), 'pass');
    // t=y applies the next weaker policy (RFC 9989 4.10.1)
    assert.equal(field(res, 'policy', 'string'), 'quarantine');
    assert.equal(field(res, 'policyDomain', 'string'), 'sender.example');
    assert.equal(field(res, 'domain', 'string'), 'sender.example');
    field(res, 'testMode', 'boolean');
    // alignment.*.result is the aligned domain when aligned, absent otherwise: the adapter reads its truthiness
    assert.equal(field(res, 'alignment.spf.result', 'string'), 'sender.example');
    assert.equal(field(res, 'alignment.dkim.result', 'string'), 'sender.example');
    const fail = await mailauthDmarc({ headerFrom: 'postmaster@sender.example', spfDomains: [], dkimDomains: [], resolver: resolver as never });
    assert.equal(field(fail, 'status.result', 'string'), 'fail');
    field(fail, 'alignment.dkim', 'object');
    assert.ok(!(fail as { alignment: { dkim: { result?: unknown } } }).alignment.dkim.result);
  });

  it('get-dmarc-record.js still exports domainExists(domain, resolver)', async () => {
    assert.equal(typeof getDmarcRecord.domainExists, 'function', `mailauth ${installed}: lib/dmarc/get-dmarc-record.js no longer exports domainExists`);
    assert.equal(await getDmarcRecord.domainExists('sender.example', resolver), true);
    assert.equal(await getDmarcRecord.domainExists('nowhere.example', resolver), false);
  });

  it('the adapter normalizes those fields into fwdcheck types', async () => {
    const spf = await evaluateSpf(resolver, { ip: '198.51.100.1', mailFrom: 'a@sender.example', helo: 'mx.sender.example', receiver: 'mx.test' });
    assert.deepEqual({ result: spf.result, domain: spf.domain, identity: spf.identity }, { result: 'pass', domain: 'sender.example', identity: 'mailfrom' });
    assert.ok(spf.lookups >= 0);
    const dmarc = await evaluateDmarc(resolver, { fromDomain: 'sender.example', spfDomain: null, dkimDomains: [] });
    assert.deepEqual(
      { result: dmarc.result, policyDomain: dmarc.policyDomain, orgDomain: dmarc.orgDomain, testMode: dmarc.testMode, spfAligned: dmarc.spfAligned },
      { result: 'fail', policyDomain: 'sender.example', orgDomain: 'sender.example', testMode: true, spfAligned: false },
    );
    assert.equal(await dmarcDomainExists(resolver, 'nowhere.example'), false);
  });
});
