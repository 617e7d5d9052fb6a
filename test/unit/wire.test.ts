// fwdcheck's own DNS client against the fault-injecting test server: every fault, per name and type.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/clock.ts';
import { parseZone } from '../../src/dns/parse-zone.ts';
import { createDnsClient, createDnsSession } from '../../src/dns/session.ts';
import type { DnsError, QueryContext, RRType } from '../../src/dns/types.ts';
import { createWireResolver, interpretResponse, systemServers, type DecodedPacket } from '../../src/dns/wire.ts';
import { ZoneIndex } from '../../src/dns/zone.ts';
import { createZoneResolver } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type FaultRule, type TestDnsServer } from '../helpers/dns-server.ts';

const ZONE = `
$TTL 300
$ORIGIN w.example.
@          600 TXT "v=spf1 ip4:192.0.2.0/24 -all"
@              MX 10 mx1.w.example.
@              MX 20 mx2.w.example.
@              A 192.0.2.1
@              AAAA 2001:db8::1
_dmarc         TXT "v=DMARC1; p=reject"
bytes          TXT "caf\\195\\169 \\128\\255 \\027[2J" "second"
utf8           TXT "café"
dup            A 192.0.2.7
dup            A 192.0.2.7
alias       60 CNAME target.w.example.
target         TXT "v=DKIM1; p=abc"
_sip._tcp      SRV 10 5 5060 sip.w.example.
1.2.0.192.in-addr.arpa. PTR mail.w.example.
sub            NS ns1.w.example.
${Array.from({ length: 2000 }, (_, i) => `n${i} A 192.0.2.${i % 250}`).join('\n')}
`;
const zone = new ZoneIndex(parseZone(ZONE, 'wire.zone'));

let server: TestDnsServer;
before(async () => {
  server = await startDnsServer({ zone });
});
after(() => server.close());

const withFaults = async <T>(rules: FaultRule[], f: () => Promise<T>): Promise<T> => {
  server.faults.splice(0, server.faults.length, ...rules);
  try {
    return await f();
  } finally {
    server.faults.length = 0;
  }
};

const client = (timeoutMs = 2000, retries = 2) => {
  const upstream = createWireResolver({ servers: [{ host: server.host, port: server.port }] });
  return createDnsClient(upstream, { timeoutMs, retries, clock: systemClock });
};

const outcome = async (p: Promise<unknown>): Promise<unknown> => p.then((v) => v, (e: DnsError) => e.code);

const ctx = (): QueryContext => ({ signal: new AbortController().signal, timeoutMs: 2000, retries: 2, onRetry: () => {} });

describe('wire client', () => {
  it('gives the same records in the same shapes as the zone files, TXT octets included', async () => {
    const wire = client();
    const offline = createDnsClient(createZoneResolver(zone), { timeoutMs: 1000, clock: systemClock });
    const cases: [string, RRType][] = [
      ['w.example', 'TXT'], ['w.example', 'MX'], ['w.example', 'A'], ['w.example', 'AAAA'], ['_dmarc.w.example', 'TXT'],
      ['bytes.w.example', 'TXT'], ['utf8.w.example', 'TXT'], ['alias.w.example', 'TXT'], ['_sip._tcp.w.example', 'SRV'],
      ['1.2.0.192.in-addr.arpa', 'PTR'], ['sub.w.example', 'NS'], ['alias.w.example', 'CNAME'], ['nope.w.example', 'TXT'], ['w.example', 'SRV'],
    ];
    // records in any order, object keys in any order
    const canonical = (x: unknown): string => (x !== null && typeof x === 'object' && !Array.isArray(x) ? JSON.stringify(Object.fromEntries(Object.entries(x).sort())) : JSON.stringify(x));
    for (const [name, type] of cases) {
      const sort = (v: unknown) => (Array.isArray(v) ? v.map(canonical).sort() : v);
      assert.deepEqual(sort(await outcome(wire.resolve(name, type))), sort(await outcome(offline.resolve(name, type))), `${type} ${name}`);
    }
    // one octet, one character (latin1), from the wire as from the file
    assert.deepEqual(await wire.resolve('bytes.w.example', 'TXT'), [['caf\u00c3\u00a9 \u0080\u00ff \u001b[2J', 'second']]);
    assert.deepEqual(await wire.resolve('utf8.w.example', 'TXT'), [['caf\u00c3\u00a9']]);
    assert.deepEqual(await wire.resolve('dup.w.example', 'A'), ['192.0.2.7'], 'RFC 2181 5: one RRset, each record once');
    wire.close();
  });

  it('returns TTLs to the session: the record TTL, the lowest along a CNAME chain, the SOA minimum for negative answers', async () => {
    const upstream = createWireResolver({ servers: [{ host: server.host, port: server.port }] });
    assert.deepEqual(await upstream.query('w.example', 'TXT', ctx()), { kind: 'records', records: [['v=spf1 ip4:192.0.2.0/24 -all']], ttl: 600 });
    assert.deepEqual(await upstream.query('alias.w.example', 'TXT', ctx()), { kind: 'records', records: [['v=DKIM1; p=abc']], ttl: 60 });
    assert.deepEqual(await upstream.query('nope.w.example', 'TXT', ctx()), { kind: 'nxdomain', ttl: 60 });
    assert.deepEqual(await upstream.query('w.example', 'SRV', ctx()), { kind: 'nodata', ttl: 60 });
    upstream.close();
  });

  it('hands a chain that ends without the data back to the session, which asks the target', () => {
    const packet = { id: 1, type: 'response', rcode: 'NOERROR', questions: [{ name: 'sel._domainkey.w.example', type: 'TXT' }], answers: [
      { name: 'sel._domainkey.w.example', type: 'CNAME', ttl: 120, class: 'IN', data: 'sel.dkim.provider.example' },
      { name: 'unrelated.example', type: 'TXT', ttl: 120, class: 'IN', data: [Buffer.from('v=DKIM1; p=forged')] },
    ] } as unknown as DecodedPacket;
    assert.deepEqual(interpretResponse(packet, 'sel._domainkey.w.example', 'TXT'), { kind: 'cname', target: 'sel.dkim.provider.example', ttl: 120 });
  });

  it('marks an NXDOMAIN at the end of a chain in the answer as chained: the name asked exists', () => {
    const chained = { id: 1, type: 'response', rcode: 'NXDOMAIN', negativeTtl: 30, questions: [{ name: 'sel._domainkey.w.example', type: 'TXT' }], answers: [
      { name: 'sel._domainkey.w.example', type: 'CNAME', ttl: 120, class: 'IN', data: 'gone.provider.example' },
    ] } as unknown as DecodedPacket;
    assert.deepEqual(interpretResponse(chained, 'sel._domainkey.w.example', 'TXT'), { kind: 'nxdomain', ttl: 30, chained: true });
    const direct = { ...chained, answers: [] } as unknown as DecodedPacket;
    assert.deepEqual(interpretResponse(direct, 'sel._domainkey.w.example', 'TXT'), { kind: 'nxdomain', ttl: 30 });
  });

  it('times out a dropped query (ETIMEOUT) after its retries, and counts them', async () => {
    await withFaults([{ name: 'w.example', type: 'TXT', fault: { kind: 'drop' } }], async () => {
      const wire = client(300, 2);
      assert.equal(await outcome(wire.resolve('w.example', 'TXT')), 'ETIMEOUT');
      assert.deepEqual(await wire.resolve('w.example', 'MX'), [{ exchange: 'mx1.w.example', priority: 10 }, { exchange: 'mx2.w.example', priority: 20 }], 'other types of the name answer');
      assert.equal(wire.stats().retries, 2);
      assert.equal(server.log.filter((e) => e.name === 'w.example' && e.type === 'TXT').length >= 3, true);
      wire.close();
    });
  });

  it('ends a query by itself after timeoutMs (ETIMEOUT), with no signal given; a signal ends it sooner', async () => {
    await withFaults([{ name: 'w.example', type: 'TXT', fault: { kind: 'drop' } }], async () => {
      const wire = createWireResolver({ servers: [{ host: server.host, port: server.port }] });
      let retries = 0;
      await assert.rejects(wire.query('w.example', 'TXT', { timeoutMs: 150, retries: 2, onRetry: () => retries++ }), { code: 'ETIMEOUT' });
      assert.equal(retries, 2);
      const abort = new AbortController();
      const pending = wire.query('w.example', 'TXT', { signal: abort.signal, timeoutMs: 60_000, retries: 0, onRetry: () => {} });
      abort.abort();
      await assert.rejects(pending, { code: 'ETIMEOUT' });
      const closing = wire.query('w.example', 'TXT', { timeoutMs: 60_000, retries: 0, onRetry: () => {} });
      wire.close();
      await assert.rejects(closing, { code: 'ECANCELLED' });
    });
  });

  it('takes an answer to any transmission up to the end of the timeout: a slow name is not given up on early', async () => {
    // 700-900 ms per answer; transmissions at 0, 400 and 800 ms of a 2000 ms query
    await withFaults([{ name: '_dmarc.w.example', type: 'TXT', delayMs: 700, jitterMs: 200 }], async () => {
      const wire = client(2000, 4);
      const [fast, slow] = await Promise.all([wire.resolve('w.example', 'A'), wire.resolve('_dmarc.w.example', 'TXT')]);
      assert.deepEqual(fast, ['192.0.2.1']);
      assert.deepEqual(slow, [['v=DMARC1; p=reject']]);
      wire.close();
    });
  });

  const rcodes = [
    ['SERVFAIL', 'ESERVFAIL'], ['REFUSED', 'EREFUSED'], ['FORMERR', 'EFORMERR'], ['NOTIMP', 'ENOTIMP'], ['YXDOMAIN', 'EYXDOMAIN'],
    ['NOTAUTH', 'ENOTAUTH'], ['YXRRSET', 'EYXRRSET'], ['NXRRSET', 'ENXRRSET'], ['NOTZONE', 'ENOTZONE'],
  ] as const;
  for (const [rcode, code] of rcodes) {
    it(`reads rcode ${rcode} as the error ${code}, never as "no record"`, async () => {
      await withFaults([{ name: '_dmarc.w.example', type: 'TXT', fault: { kind: 'rcode', rcode } }], async () => {
        const wire = client();
        assert.equal(await outcome(wire.resolve('_dmarc.w.example', 'TXT')), code);
        assert.equal(wire.stats().failures, 1);
        wire.close();
      });
    });
  }

  it('fails only the query whose answer is malformed (EBADRESP); the others in flight are answered', async () => {
    await withFaults([{ name: 'google._domainkey.w.example', type: 'TXT', fault: { kind: 'malformed' } }], async () => {
      const wire = client();
      const names = ['google._domainkey.w.example', ...Array.from({ length: 50 }, (_, i) => `n${i}.w.example`)];
      const results = await Promise.all(names.map((n) => outcome(wire.resolve(n, n.startsWith('google') ? 'TXT' : 'A'))));
      assert.equal(results[0], 'EBADRESP');
      assert.ok(results.slice(1).every((r) => Array.isArray(r)), JSON.stringify(results.slice(1).filter((r) => !Array.isArray(r))));
      wire.close();
    });
  });

  for (const kind of ['wrong-id', 'qr0'] as const) {
    it(`does not accept an answer with ${kind === 'qr0' ? 'QR=0' : 'another message id'} (it times out instead)`, async () => {
      await withFaults([{ name: '_dmarc.w.example', type: 'TXT', fault: { kind } }], async () => {
        const wire = client(300, 1);
        assert.equal(await outcome(wire.resolve('_dmarc.w.example', 'TXT')), 'ETIMEOUT');
        wire.close();
      });
    });
  }

  it('ignores records owned by another name: no forged record is taken as the answer', async () => {
    await withFaults([{ name: '_dmarc.w.example', type: 'TXT', fault: { kind: 'foreign-owner', owner: '_dmarc.evil.example', txt: 'v=DMARC1; p=none' } }], async () => {
      const wire = client();
      assert.equal(await outcome(wire.resolve('_dmarc.w.example', 'TXT')), 'ENODATA');
      wire.close();
    });
  });

  it('asks again over TCP after a truncated UDP answer (TC=1), even one cut inside a record its counts include, and counts the retry', async () => {
    for (const kind of ['truncate', 'truncate-cut'] as const) {
      await withFaults([{ name: 'w.example', type: 'MX', fault: { kind } }], async () => {
        const wire = client();
        const before = server.log.length;
        assert.equal((await wire.resolve('w.example', 'MX')).length, 2, kind);
        assert.deepEqual(server.log.slice(before).map((e) => e.transport), ['udp', 'tcp'], kind);
        assert.equal(wire.stats().retries, 1, kind);
        wire.close();
      });
    }
  });

  it('stops at CNAME and DNAME loops (ELOOP)', async () => {
    await withFaults(
      [
        { name: 'cl.w.example', fault: { kind: 'cname-loop' } },
        { name: 'x.dl.w.example', fault: { kind: 'dname-loop' } },
      ],
      async () => {
        const wire = client();
        assert.equal(await outcome(wire.resolve('cl.w.example', 'TXT')), 'ELOOP');
        assert.equal(await outcome(wire.resolve('x.dl.w.example', 'TXT')), 'ELOOP');
        wire.close();
      },
    );
  });

  it('drops no answer under load: 2,000 queries of 20 checks through one session at the default concurrency', async () => {
    const session = createDnsSession(createWireResolver({ servers: [{ host: server.host, port: server.port }] }), { timeoutMs: 5000, clock: systemClock });
    const views = Array.from({ length: 20 }, () => session.view());
    const results = await Promise.all(Array.from({ length: 2000 }, (_, i) => outcome(views[i % 20]!.resolve(`n${i}.w.example`, 'A'))));
    assert.equal(results.filter((r) => !Array.isArray(r)).length, 0);
    assert.equal(session.stats().retries, 0);
    assert.ok(session.stats().peakInFlight <= 64);
    session.close();
  });

  it('answers with the server-wide per-query delay and jitter (the bench\'s latency)', async () => {
    const slow = await startDnsServer({ zone, delayMs: 30, jitterMs: 30 });
    try {
      const session = createDnsSession(createWireResolver({ servers: [{ host: slow.host, port: slow.port }] }), { timeoutMs: 2000, clock: systemClock });
      const view = session.view();
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => outcome(view.resolve(`n${i}.w.example`, 'A'))));
      assert.equal(results.filter((r) => !Array.isArray(r)).length, 0);
      session.close();
    } finally {
      await slow.close();
    }
  });

  it('fails a query that cannot be sent at once (ESEND), not after --timeout, after trying the next server', async () => {
    // a firewall's EPERM on a connected socket, as node reports it to a send() callback (and
    // drops without one): sends to 127.0.0.2 fail; the real server is 127.0.0.1
    const send = dgram.Socket.prototype.send;
    const to = (socket: dgram.Socket) => {
      try {
        return socket.remoteAddress().address;
      } catch {
        return null; // not connected: the test server's socket
      }
    };
    const patched = function (this: dgram.Socket, ...args: unknown[]) {
      if (to(this) !== '127.0.0.2') return (send as (...a: unknown[]) => void).apply(this, args);
      const callback = args.at(-1);
      if (typeof callback === 'function') process.nextTick(callback, Object.assign(new Error('send EPERM 127.0.0.2'), { code: 'EPERM' }));
    };
    dgram.Socket.prototype.send = patched as typeof send;
    try {
      const ctx = { timeoutMs: 10_000, retries: 2, onRetry: () => {} };
      const blocked = createWireResolver({ servers: [{ host: '127.0.0.2', port: server.port }] });
      const started = performance.now();
      await assert.rejects(blocked.query('w.example', 'TXT', ctx), { code: 'ESEND' });
      assert.ok(performance.now() - started < 1000, 'at once, not after the 10 s timeout');
      blocked.close();
      const both = createWireResolver({ servers: [{ host: '127.0.0.2', port: server.port }, { host: server.host, port: server.port }] });
      for (let i = 0; i < 4; i++) assert.equal((await both.query('w.example', 'TXT', ctx)).kind, 'records', 'the next server answers');
      assert.ok(performance.now() - started < 1000);
      both.close();
    } finally {
      dgram.Socket.prototype.send = send;
    }
    // a socket that cannot connect (the broadcast address: EACCES) sends nothing: the same
    const broadcast = createWireResolver({ servers: [{ host: '255.255.255.255', port: 53 }] });
    const started = performance.now();
    await assert.rejects(broadcast.query('w.example', 'TXT', { timeoutMs: 10_000, retries: 2, onRetry: () => {} }), { code: 'ESEND' });
    assert.ok(performance.now() - started < 1000);
    broadcast.close();
  });

  it('reads the system server list as node knows it', () => {
    for (const s of systemServers()) assert.ok(s.host.length > 0 && s.port > 0 && s.port < 65536);
  });
});
