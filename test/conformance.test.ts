// The RFC 7208 conformance suite (fixtures/conformance/rfc7208-tests.yml) through the path a
// check takes: zone -> fwdcheck's zone resolver and DNS client -> SPF evaluation.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { createDnsClient } from '../src/dns/client.ts';
import { createZoneResolver } from '../src/dns/zone-resolver.ts';
import { evaluateSpf } from '../src/auth/mailauth.ts';
import { loadConformanceSuite } from './helpers/conformance.ts';

const cases = loadConformanceSuite(fileURLToPath(new URL('../fixtures/conformance/rfc7208-tests.yml', import.meta.url)));

describe('RFC 7208 conformance suite', () => {
  it('has all 203 tests', () => assert.equal(cases.length, 203));
  for (const c of cases) {
    const id = `${c.scenario} / ${c.name}`;
    it(`${id} (${c.spec})`, async () => {
      const dns = createDnsClient(createZoneResolver(c.zone), { timeoutMs: 2000, clock: { now: () => Date.now() } });
      const { result } = await evaluateSpf(dns.resolve, { ip: c.host, mailFrom: c.mailfrom, helo: c.helo, receiver: 'mx.example.org' });
      assert.ok(c.results.includes(result), `got ${result}, the suite accepts ${c.results.join(' or ')}`);
    });
  }
});
