// The test server's fast path for plain queries (read from the bytes, answered with records
// encoded once) gives the very bytes its decoder and dns-packet's encoder give, for queries as
// fwdcheck sends them and for ones it does not: other cases, no EDNS, a small payload size
// (truncation), odd bytes in a label, unknown types, flags, fault rules. The bench's numbers
// rest on this server (issue 7).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildWorld } from '../../bench/world.ts';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { buildQuery } from '../../src/dns/wire.ts';
import type { RRType } from '../../src/dns/types.ts';
import { answerUdp, type FaultRule, type TestDnsServerOptions } from '../helpers/dns-server.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const FIXTURES = ['batch', 'demo', 'dns-behaviour', 'hostile', 'path', 'signers', 'truth'].map((z) => new URL(`../../fixtures/zones/${z}.zone`, import.meta.url).pathname);

describe("the test DNS server's fast path", async () => {
  const worldFile = join(mkdtempSync(join(tmpdir(), 'fwdcheck-world-')), 'world.zone');
  writeFileSync(worldFile, buildWorld(30).zone);
  const zone = await loadZoneFiles([...FIXTURES, worldFile]);
  // names the zones hold, names below them that do not exist, and names outside them
  const owned = [...new Set((await import('node:fs')).readFileSync(worldFile, 'utf8').match(/d\d+\.example/g) ?? [])];
  const names = fc.oneof(
    fc.constantFrom('nested.example', 'l1.chain.test', 'mail.chain.test', '_spf.google.com', 'spf.protection.outlook.com', '7.113.0.203.in-addr.arpa', 'bank.example', '_dmarc.bank.example', 'google._domainkey.nested.example', ...owned),
    fc.tuple(fc.constantFrom('google', 'selector1', 's1', 'k1', 'default', '_dmarc', 'x'), fc.constantFrom(...owned)).map(([a, b]) => `${a}._domainkey.${b}`),
    fc.array(fc.stringMatching(/^[a-z0-9_-]{1,12}$/), { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.')),
  );
  const types: RRType[] = ['A', 'AAAA', 'TXT', 'MX', 'NS', 'PTR', 'CNAME', 'SRV'];

  const paths = { plain: 0, decoder: 0 };
  const same = (msg: Buffer, options: TestDnsServerOptions, rules: FaultRule[] = []) => {
    const fast = answerUdp(msg, options, rules);
    const reference = answerUdp(msg, options, rules, new Map(), false);
    if (fast) paths[fast.via]++;
    assert.deepEqual(fast && { ...fast, via: null }, reference && { ...reference, via: null });
  };

  it('answers what fwdcheck sends byte for byte as the decoder does', () => {
    fc.assert(
      fc.property(names, fc.constantFrom(...types), fc.integer({ min: 0, max: 65535 }), fc.constantFrom(1232, 512, 0, 600, 4096), fc.boolean(), (name, type, id, payload, upper) => {
        const asked = upper ? name.toUpperCase() : name;
        same(buildQuery(id, asked, type, payload), { zone });
      }),
      { numRuns: 3000 },
    );
    // the fast path answered most of them (not the decoder for all, which would prove nothing)
    assert.ok(paths.plain > 2000, `fast path taken ${paths.plain} times of 3000`);
  });

  it('gives the same bytes for queries off the plain path: flags, counts, odd labels, unknown types, trailing bytes', () => {
    fc.assert(
      fc.property(names, fc.constantFrom(...types), fc.integer({ min: 0, max: 65535 }), fc.array(fc.tuple(fc.nat(40), fc.nat(255)), { maxLength: 3 }), (name, type, id, edits) => {
        const msg = Buffer.from(buildQuery(id, name, type, 1232));
        // bytes changed anywhere: flags, counts, a label's octets, the type, the OPT record
        for (const [at, value] of edits) if (at < msg.length) msg[at] = value;
        same(msg, { zone });
        same(Buffer.concat([msg, Buffer.from([0])]), { zone });
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a query cut short anywhere as the decoder does (and does not hang on it)', () => {
    fc.assert(
      fc.property(names, fc.constantFrom(...types), fc.integer({ min: 0, max: 65535 }), fc.boolean(), (name, type, id, edns) => {
        const msg = buildQuery(id, name, type, edns ? 1232 : 0);
        for (let end = 0; end < msg.length; end++) same(msg.subarray(0, end), { zone });
        // a label length that points exactly at the end: no terminating root label
        const cut = Buffer.from(msg.subarray(0, 12 + 1 + msg[12]!));
        same(cut, { zone });
      }),
      { numRuns: 300 },
    );
  });

  it('leaves faults to respond(): rules, dropped and SERVFAIL names, negative TTLs', () => {
    const rules: FaultRule[] = [
      { name: 'nested.example', type: 'TXT', fault: { kind: 'rcode', rcode: 'REFUSED' } },
      { name: 'chain.test', subdomains: true, fault: { kind: 'truncate' } },
      { name: 'bank.example', delayMs: 5 },
    ];
    const options: TestDnsServerOptions = { zone, dropNames: ['d1.example'], servfailNames: ['d2.example'], negativeTtl: 17 };
    fc.assert(
      fc.property(names, fc.constantFrom(...types), fc.integer({ min: 0, max: 65535 }), (name, type, id) => same(buildQuery(id, name, type, 1232), options, rules)),
      { numRuns: 2000 },
    );
  });
});
