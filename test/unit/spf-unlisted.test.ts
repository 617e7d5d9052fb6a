// The address that stands for "a forwarder your SPF does not list": the cached per-network
// computation against the whole tree in one BlockList (how it was computed before the cache).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isIP } from '../../src/ip.ts';
import { networkList, unlistedAddress } from '../../src/records/spf-unlisted.ts';

const DOCS = ['192.0.2.1', '198.51.100.1', '203.0.113.1', '192.0.2.2', '198.51.100.2', '203.0.113.2', '192.0.2.3', '198.51.100.3', '203.0.113.3', '2001:db8::1', '2001:db8:ffff::1'];

/** The reference: one BlockList of every network (networkList), every candidate checked against it. */
const reference = (networks: readonly string[], tried: readonly string[] = []): string | null => {
  const list = networkList(networks);
  const outside = (ip: string) => !tried.includes(ip) && !list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
  const generated = [...Array.from({ length: 223 }, (_, i) => i + 1).filter((a) => a !== 10 && a !== 127).map((a) => `${a}.1.2.3`)];
  for (let h = 0x2000; h < 0x4000; h += 0x100) generated.push(`${h.toString(16)}:1::1`);
  return [...DOCS, ...generated].find(outside) ?? null;
};

describe('unlistedAddress', () => {
  it('takes the first documentation address the tree does not list, then the generated ones, else none', () => {
    assert.equal(unlistedAddress([]), '192.0.2.1');
    assert.equal(unlistedAddress(['192.0.2.0/24']), '198.51.100.1');
    assert.equal(unlistedAddress(['192.0.2.0/24'], ['198.51.100.1']), '203.0.113.1');
    assert.equal(unlistedAddress(['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32']), '1.1.2.3');
    assert.equal(unlistedAddress(['0.0.0.0/0', '::/0']), null);
  });

  it('agrees with one BlockList of the whole tree, over trees of shared and random networks (property)', () => {
    const v4 = fc.tuple(fc.constantFrom(192, 198, 203, 1, 8), fc.constantFrom(0, 2, 51, 100, 113, 255), fc.nat(255), fc.nat(255), fc.integer({ min: 0, max: 32 }), fc.boolean()).map(([a, b, c, d, p, bare]) => (bare ? `${a}.${b}.${c}.${d}` : `${a}.${b}.${c}.${d}/${p}`));
    const docs = fc.constantFrom('192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '192.0.2.1', '203.0.113.2/32', '198.51.100.0/30', '2001:db8::/32', '2001:db8::1', '0.0.0.0/1', '::/0', '::ffff:192.0.2.0/120');
    // around the candidates: their own /24s, any host, any prefix from /22 to /32
    const near = fc.tuple(fc.constantFrom('192.0.2', '198.51.100', '203.0.113'), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 22, max: 32 })).map(([net, d, p]) => `${net}.${d}/${p}`);
    const v6 = fc.tuple(fc.constantFrom('2001:db8', '2001:db8:ffff', '2a00:1450', '::ffff:c000'), fc.integer({ min: 0, max: 128 })).map(([h, p]) => `${h}::/${p}`);
    fc.assert(
      fc.property(fc.array(fc.oneof(v4, near, docs, v6), { maxLength: 12 }), fc.subarray(DOCS), (networks, tried) => {
        assert.equal(unlistedAddress(networks, tried), reference(networks, tried));
      }),
      { numRuns: 1000 },
    );
  });
});
