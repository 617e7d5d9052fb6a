// A batch's default number of DNS queries in flight: 1,024 only when every server asked is a
// loopback address (or none is, --offline), else 256; --concurrency always wins.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../src/clock.ts';
import { parseZone } from '../../src/dns/parse-zone.ts';
import { batchConcurrencyFor, isLoopback } from '../../src/dns/servers.ts';
import type { UpstreamResolver } from '../../src/dns/types.ts';
import { createWireResolver, systemServers } from '../../src/dns/wire.ts';
import { ZoneIndex } from '../../src/dns/zone.ts';
import { createZoneLayer, createZoneResolver } from '../../src/dns/zone-resolver.ts';
import { openDnsSession, type DnsOptions } from '../../src/upstream.ts';

const opened: { close(): void }[] = [];
after(() => opened.forEach((o) => o.close()));

// no query is sent: a wire client only opens (connects) its UDP sockets
const wire = (...hosts: string[]) => {
  const upstream = createWireResolver({ servers: hosts.map((host) => ({ host, port: 53 })) });
  opened.push(upstream);
  return upstream;
};
const custom: UpstreamResolver = { query: async () => ({ kind: 'nodata', ttl: 0 }), close: () => {}, describe: () => 'custom' };
const zone = new ZoneIndex(parseZone('$ORIGIN z.example.\n@ 300 TXT "z"\n', 'z.zone'));

describe("a batch's default queries in flight", () => {
  it('knows loopback addresses: 127.0.0.0/8 and ::1', () => {
    for (const host of ['127.0.0.1', '127.0.0.53', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) assert.equal(isLoopback(host), true, host);
    for (const host of ['128.0.0.1', '10.0.0.1', '192.168.1.1', '8.8.8.8', '::2', 'fe80::1%eth0', '2001:4860:4860::8888', 'localhost', '']) assert.equal(isLoopback(host), false, host);
  });

  it('is 1,024 when every server asked is loopback or none is asked, else 256', () => {
    assert.equal(batchConcurrencyFor(wire('127.0.0.1')), 1024);
    assert.equal(batchConcurrencyFor(wire('127.0.0.53', '::1')), 1024);
    assert.equal(batchConcurrencyFor(wire('192.0.2.1')), 256, 'a public or an ISP resolver');
    assert.equal(batchConcurrencyFor(wire('127.0.0.1', '192.0.2.1')), 256, 'one server that is not loopback');
    assert.equal(batchConcurrencyFor(createZoneResolver(zone)), 1024, 'zone files alone');
    assert.equal(batchConcurrencyFor(createZoneLayer(zone, null, 'offline')), 1024, '--offline');
    assert.equal(batchConcurrencyFor(createZoneLayer(zone, wire('127.0.0.1'), 'zone, then loopback')), 1024);
    assert.equal(batchConcurrencyFor(createZoneLayer(zone, wire('192.0.2.1'), 'zone, then network')), 256);
    assert.equal(batchConcurrencyFor(custom), 256, "a user's upstream: its servers are not known");
    assert.equal(batchConcurrencyFor(createZoneLayer(zone, custom, 'zone, then custom')), 256);
  });

  it("the CLI's batch session: --resolver, the system's servers or --offline, and --concurrency wins", async () => {
    const parsed = (o: Partial<DnsOptions>): DnsOptions => ({ zones: [], offline: false, timeoutMs: 1000, deadlineMs: 10_000, concurrency: 'batch', ...o });
    const concurrency = async (o: Partial<DnsOptions>) => {
      const dns = await openDnsSession(parsed(o), systemClock);
      dns.close();
      return dns.concurrency;
    };
    assert.equal(await concurrency({ resolver: { host: '127.0.0.1', port: 5353 } }), 1024);
    assert.equal(await concurrency({ resolver: { host: '192.0.2.1', port: 53 } }), 256);
    assert.equal(await concurrency({ resolver: { host: '192.0.2.1', port: 53 }, concurrency: 2000 }), 2000, '--concurrency wins');
    assert.equal(await concurrency({ resolver: { host: '127.0.0.1', port: 53 }, concurrency: 10 }), 10);
    assert.equal(await concurrency({ zones: ['fixtures/zones/demo.zone'], offline: true }), 1024);
    assert.equal(await concurrency({ zones: ['fixtures/zones/demo.zone'], resolver: { host: '192.0.2.1', port: 53 } }), 256);
    const system = systemServers();
    const expected = system.length === 0 || system.every((s) => isLoopback(s.host)) ? 1024 : 256;
    assert.equal(await concurrency({}), expected, `the system's servers: ${system.map((s) => s.host).join(', ') || 'none (127.0.0.1)'}`);
  });
});
