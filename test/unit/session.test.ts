// The run's DNS session against a scripted upstream: what is shared between checks, what is not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLimiter } from '../../src/dns/limiter.ts';
import { createDnsClient, createDnsSession } from '../../src/dns/session.ts';
import { parseZone } from '../../src/dns/parse-zone.ts';
import { DnsError, type QueryContext, type RRType, type UpstreamAnswer, type UpstreamResolver } from '../../src/dns/types.ts';
import { ZoneIndex } from '../../src/dns/zone.ts';
import { createZoneLayer } from '../../src/dns/zone-resolver.ts';

type Script = (name: string, type: RRType, ctx: QueryContext) => Promise<UpstreamAnswer> | UpstreamAnswer;

const scripted = (script: Script) => {
  const calls: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const upstream: UpstreamResolver = {
    query: async (name, type, ctx) => {
      calls.push(`${type} ${name}`);
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await script(name, type, ctx);
      } finally {
        inFlight--;
      }
    },
    close: () => {},
    describe: () => 'scripted',
  };
  return { upstream, calls, peak: () => peak };
};

const manualClock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

const txt = (text: string, ttl = 300): UpstreamAnswer => ({ kind: 'records', records: [[text]], ttl });
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('DNS session', () => {
  it('shares answers between checks until their TTL runs out', async () => {
    const clock = manualClock();
    const { upstream, calls } = scripted(() => txt('v=spf1 -all', 60));
    const session = createDnsSession(upstream, { timeoutMs: 1000, clock });
    const a = session.view();
    const b = session.view();
    assert.deepEqual(await a.resolve('x.example', 'TXT'), [['v=spf1 -all']]);
    assert.deepEqual(await b.resolve('X.Example.', 'TXT'), [['v=spf1 -all']]);
    assert.equal(calls.length, 1);
    assert.deepEqual([a.stats().queries, a.stats().cacheHits, b.stats().queries, b.stats().cacheHits], [1, 0, 0, 1]);
    clock.advance(61_000);
    await session.view().resolve('x.example', 'TXT');
    assert.equal(calls.length, 2, 'expired after 60 s');
    session.close();
  });

  it('never caches a TTL-0 answer across checks, but one check sees one answer', async () => {
    const { upstream, calls } = scripted(() => txt('once', 0));
    const session = createDnsSession(upstream, { timeoutMs: 1000, clock: manualClock() });
    const a = session.view();
    await a.resolve('x.example', 'TXT');
    await a.resolve('x.example', 'TXT');
    await session.view().resolve('x.example', 'TXT');
    assert.equal(calls.length, 2);
  });

  it('never shares a transient failure with another check, but keeps it within the check', async () => {
    let n = 0;
    const { upstream, calls } = scripted((name, type) => {
      if (n++ === 0) throw new DnsError('ESERVFAIL', name, type);
      return txt('v=DMARC1; p=reject');
    });
    const session = createDnsSession(upstream, { timeoutMs: 1000, clock: manualClock() });
    const a = session.view();
    await assert.rejects(a.resolve('_dmarc.x.example', 'TXT'), { code: 'ESERVFAIL' });
    await assert.rejects(a.resolve('_dmarc.x.example', 'TXT'), { code: 'ESERVFAIL' });
    assert.deepEqual(await session.view().resolve('_dmarc.x.example', 'TXT'), [['v=DMARC1; p=reject']]);
    assert.equal(calls.length, 2);
    assert.equal(a.stats().failures, 1);
    assert.equal(session.stats().failures, 1);
  });

  it('caches NXDOMAIN and NODATA as answers, with their own TTL', async () => {
    const { upstream, calls } = scripted((name) => (name.startsWith('none') ? { kind: 'nxdomain', ttl: 30 } : { kind: 'nodata', ttl: 30 }));
    const session = createDnsSession(upstream, { timeoutMs: 1000, clock: manualClock() });
    for (const v of [session.view(), session.view()]) {
      await assert.rejects(v.resolve('none.example', 'TXT'), { code: 'ENOTFOUND' });
      await assert.rejects(v.resolve('empty.example', 'TXT'), { code: 'ENODATA' });
      assert.equal(v.stats().failures, 0);
      assert.equal(v.stats().anyAnswer, true);
    }
    assert.equal(calls.length, 2);
  });

  it('shares one query in flight between checks', async () => {
    const { upstream, calls } = scripted(async () => {
      await tick();
      return txt('shared');
    });
    const session = createDnsSession(upstream, { timeoutMs: 1000, clock: manualClock() });
    const views = Array.from({ length: 5 }, () => session.view());
    const answers = await Promise.all(views.map((v) => v.resolve('include.example', 'TXT')));
    assert.equal(calls.length, 1);
    assert.ok(answers.every((a) => a[0]![0] === 'shared'));
    assert.deepEqual(
      views.map((v) => v.stats().queries),
      [1, 0, 0, 0, 0],
    );
    assert.equal(views[4]!.trace()[0]!.source, 'shared');
  });

  it('keeps queries in flight within the concurrency limit', async () => {
    const { upstream, calls, peak } = scripted(async (name) => {
      await tick();
      return txt(name);
    });
    const session = createDnsSession(upstream, { timeoutMs: 5000, concurrency: 4, clock: manualClock() });
    const v = session.view();
    await Promise.all(Array.from({ length: 40 }, (_, i) => v.resolve(`n${i}.example`, 'TXT')));
    assert.equal(calls.length, 40);
    assert.equal(peak(), 4);
    assert.equal(session.stats().peakInFlight, 4);
  });

  it('bounds the cache: answers asked once leave first, answers asked again stay (a segmented LRU)', async () => {
    const { upstream, calls } = scripted((name) => txt(name));
    // 5 entries: 1 for answers asked once so far, 4 for answers asked again
    const session = createDnsSession(upstream, { timeoutMs: 1000, cacheEntries: 5, clock: manualClock() });
    await session.view().resolve('shared.example', 'TXT');
    await session.view().resolve('shared.example', 'TXT'); // asked again: protected
    for (const n of ['o1', 'o2', 'o3']) await session.view().resolve(`${n}.example`, 'TXT');
    assert.equal(session.stats().cacheEntries, 2, 'the shared answer and the last one-off');
    await session.view().resolve('shared.example', 'TXT');
    await session.view().resolve('o3.example', 'TXT');
    await session.view().resolve('o1.example', 'TXT');
    assert.deepEqual(calls, ['TXT shared.example', 'TXT o1.example', 'TXT o2.example', 'TXT o3.example', 'TXT o1.example']);
    session.close();
  });

  it('bounds the answers asked again too: the least recently used go back to the one-off segment', async () => {
    const { upstream, calls } = scripted((name) => txt(name));
    // 3 entries: 1 + 2
    const session = createDnsSession(upstream, { timeoutMs: 1000, cacheEntries: 3, clock: manualClock() });
    for (const n of ['a', 'b', 'c']) {
      await session.view().resolve(`${n}.example`, 'TXT');
      await session.view().resolve(`${n}.example`, 'TXT');
    }
    // c pushed a (the least recently used) back to the one-off segment; d pushes it out
    await session.view().resolve('d.example', 'TXT');
    assert.equal(session.stats().cacheEntries, 3);
    for (const n of ['b', 'c', 'a']) await session.view().resolve(`${n}.example`, 'TXT');
    assert.deepEqual(calls, ['TXT a.example', 'TXT b.example', 'TXT c.example', 'TXT d.example', 'TXT a.example']);
    session.close();
  });

  it('keeps the segmented LRU order over thousands of evictions (against a model of it)', async () => {
    const { upstream, calls } = scripted((name) => txt(name));
    // 20 entries: 4 for answers asked once, 16 for answers asked again
    const session = createDnsSession(upstream, { timeoutMs: 1000, cacheEntries: 20, clock: manualClock() });
    const probation: string[] = [];
    const protectedOnes: string[] = [];
    const take = (list: string[], key: string) => {
      const at = list.indexOf(key);
      if (at >= 0) list.splice(at, 1);
      return at >= 0;
    };
    const expected: string[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 5000; i++) {
      // a skewed choice of 60 names: some asked again and again, most rarely
      const n = `n${Math.floor(60 * random() ** 2)}.example`;
      if (take(protectedOnes, n) || take(probation, n)) {
        protectedOnes.push(n);
        while (protectedOnes.length > 16) probation.push(protectedOnes.shift()!);
      } else {
        expected.push(`TXT ${n}`);
        probation.push(n);
      }
      while (probation.length > 4) probation.shift();
      await session.view().resolve(n, 'TXT');
    }
    assert.deepEqual(calls, expected);
    assert.equal(session.stats().cacheEntries, probation.length + protectedOnes.length);
    session.close();
  });

  it('says whether an NXDOMAIN is for the name itself or for the end of its CNAME chain (viaCname)', async () => {
    const { upstream } = scripted((name): UpstreamAnswer => {
      if (name === 'alias.example') return { kind: 'cname', target: 'gone.example', ttl: 60 };
      if (name === 'packet-chain.example') return { kind: 'nxdomain', ttl: 60, chained: true };
      return { kind: 'nxdomain', ttl: 60 };
    });
    const session = createDnsSession(upstream, { timeoutMs: 1000, clock: manualClock() });
    const v = session.view();
    const codeOf = (name: string) => v.resolve(name, 'TXT').then(() => 'answer', (e: DnsError) => `${e.code} ${e.viaCname}`);
    assert.deepEqual(await Promise.all(['gone.example', 'alias.example', 'packet-chain.example'].map(codeOf)), ['ENOTFOUND undefined', 'ENOTFOUND true', 'ENOTFOUND true']);
    session.close();
  });

  it('traces every lookup, or only the failed ones for a view that asks so (a batch)', async () => {
    const { upstream } = scripted((name): UpstreamAnswer => {
      if (name === 'broken.example') throw new DnsError('ESERVFAIL', name, 'TXT');
      if (name === 'gone.example') return { kind: 'nxdomain', ttl: 60 };
      return txt(name);
    });
    const session = createDnsSession(upstream, { timeoutMs: 1000, clock: manualClock() });
    const names = ['ok.example', 'gone.example', 'broken.example'];
    const outcomes = async (v: ReturnType<typeof session.view>) => {
      await Promise.allSettled(names.map((n) => v.resolve(n, 'TXT')));
      return v.trace().map((t) => `${t.name} ${t.outcome}`);
    };
    assert.deepEqual((await outcomes(session.view())).sort(), ['broken.example ESERVFAIL', 'gone.example ENOTFOUND', 'ok.example answer']);
    const failures = session.view({ trace: 'failures' });
    assert.deepEqual(await outcomes(failures), ['broken.example ESERVFAIL']);
    assert.equal(failures.stats().cacheHits, 2, 'the answers are still counted');
    session.close();
  });

  it('counts an answer several checks waited for as asked again', async () => {
    const { upstream, calls } = scripted(async (name) => {
      await tick();
      return txt(name);
    });
    const session = createDnsSession(upstream, { timeoutMs: 1000, cacheEntries: 5, clock: manualClock() });
    await Promise.all([session.view().resolve('include.example', 'TXT'), session.view().resolve('include.example', 'TXT')]);
    for (const n of ['o1', 'o2', 'o3']) await session.view().resolve(`${n}.example`, 'TXT');
    await session.view().resolve('include.example', 'TXT');
    assert.deepEqual(calls, ['TXT include.example', 'TXT o1.example', 'TXT o2.example', 'TXT o3.example']);
    session.close();
  });

  it('counts distinct (name, type) pairs up to a limit, then says the count is a lower bound', async () => {
    const { upstream } = scripted((name) => txt(name));
    const session = createDnsSession(upstream, { timeoutMs: 1000, trackDistinct: true, distinctLimit: 3, clock: manualClock() });
    for (const n of ['a', 'b', 'a']) await session.view().resolve(`${n}.example`, 'TXT');
    assert.deepEqual([session.stats().distinct, session.stats().distinctComplete], [2, true]);
    for (const n of ['c', 'd', 'e']) await session.view().resolve(`${n}.example`, 'TXT');
    assert.deepEqual([session.stats().queries, session.stats().distinct, session.stats().distinctComplete], [5, 3, false]);
    session.close();
  });

  it('caps the queries of one check (ELIMIT), not of the run', async () => {
    const { upstream } = scripted((name) => txt(name));
    const session = createDnsSession(upstream, { timeoutMs: 1000, maxQueriesPerCheck: 3, clock: manualClock() });
    const v = session.view();
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => v.resolve(`n${i}.example`, 'TXT')));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as DnsError).code)),
      ['ok', 'ok', 'ok', 'ELIMIT', 'ELIMIT'],
    );
    assert.equal(v.stats().limitHit, true);
    assert.deepEqual(await session.view().resolve('n4.example', 'TXT'), [['n4.example']]);
  });

  it('fails the remaining lookups of a check at its deadline (EDEADLINE), leaving other checks alone', async () => {
    const { upstream } = scripted(async (name) => {
      await new Promise((r) => setTimeout(r, name.startsWith('slow') ? 200 : 1));
      return txt(name);
    });
    const session = createDnsSession(upstream, { timeoutMs: 5000, clock: manualClock() });
    const deadline = new AbortController();
    const a = session.view({ signal: deadline.signal });
    const b = session.view();
    const slowA = a.resolve('slow.example', 'TXT');
    const slowB = b.resolve('slow.example', 'TXT');
    assert.deepEqual(await a.resolve('fast.example', 'TXT'), [['fast.example']]);
    deadline.abort();
    await assert.rejects(slowA, { code: 'EDEADLINE' });
    await assert.rejects(a.resolve('other.example', 'TXT'), { code: 'EDEADLINE' });
    assert.deepEqual(await slowB, [['slow.example']], 'the shared query went on for the other check');
    assert.equal(a.stats().deadlineHit, true);
    assert.equal(b.stats().deadlineHit, false);
    session.close();
  });

  it('does not send a queued query that every check has given up on', async () => {
    const { upstream, calls } = scripted(async (name) => {
      await new Promise((r) => setTimeout(r, 50));
      return txt(name);
    });
    const session = createDnsSession(upstream, { timeoutMs: 5000, concurrency: 1, clock: manualClock() });
    const deadline = new AbortController();
    const v = session.view({ signal: deadline.signal });
    const first = v.resolve('first.example', 'TXT');
    const queued = v.resolve('queued.example', 'TXT');
    deadline.abort();
    await assert.rejects(queued, { code: 'EDEADLINE' });
    await assert.rejects(first, { code: 'EDEADLINE' });
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(calls, ['TXT first.example']);
  });

  it('on close, ends the lookups in flight and the queued ones (ECANCELLED), and sends nothing more', async () => {
    const { upstream, calls } = scripted(() => new Promise<UpstreamAnswer>(() => {}));
    const session = createDnsSession(upstream, { timeoutMs: 5000, concurrency: 1, clock: manualClock() });
    const v = session.view();
    const sent = v.resolve('sent.example', 'TXT');
    const queued = v.resolve('queued.example', 'TXT');
    await tick();
    session.close();
    await assert.rejects(sent, { code: 'ECANCELLED' });
    await assert.rejects(queued, { code: 'ECANCELLED' });
    await tick();
    assert.deepEqual(calls, ['TXT sent.example']);
  });

  it('gives an upstream that owns its timeouts (the wire client, the zone layers) no signal to watch', async () => {
    const seen: QueryContext[] = [];
    const { upstream } = scripted((_name, _type, ctx) => {
      seen.push(ctx);
      return txt('x');
    });
    const client = createDnsClient({ ...upstream, ownsTimeouts: true }, { timeoutMs: 1234, retries: 3, clock: manualClock() });
    await client.resolve('x.example', 'TXT');
    assert.deepEqual([seen[0]!.signal, seen[0]!.timeoutMs, seen[0]!.retries], [undefined, 1234, 3]);
    client.close();
  });

  it('gives any other upstream (a user\'s) a signal, aborted at timeoutMs and when the session closes', async () => {
    const aborted: string[] = [];
    // a user's upstream as 1.0 allowed: it reads ctx.signal without a check
    const { upstream } = scripted((name, _type, ctx) => {
      ctx.signal.addEventListener('abort', () => aborted.push(`${name} ${(ctx.signal.reason as DnsError).code}`));
      if (name === 'quick.example') return txt('quick');
      return new Promise<UpstreamAnswer>(() => {});
    });
    const session = createDnsSession(upstream, { timeoutMs: 40, clock: manualClock() });
    const v = session.view();
    assert.deepEqual(await v.resolve('quick.example', 'TXT'), [['quick']], 'answers: reading ctx.signal does not throw');
    await assert.rejects(v.resolve('slow.example', 'TXT'), { code: 'ETIMEOUT' });
    assert.deepEqual(aborted, ['slow.example ETIMEOUT'], 'aborted at timeoutMs; not after an answer');
    const long = createDnsSession(upstream, { timeoutMs: 60_000, clock: manualClock() });
    const pending = long.view().resolve('open.example', 'TXT');
    await tick();
    long.close();
    await assert.rejects(pending, { code: 'ECANCELLED' });
    assert.deepEqual(aborted, ['slow.example ETIMEOUT', 'open.example ECANCELLED'], 'aborted on close');
    session.close();
    // zone files in front of a user's upstream (the API's zoneResolver({ then })) pass the signal on
    const zone = new ZoneIndex(parseZone('$ORIGIN z.example.\n@ 300 TXT "z"\n', 'z.zone'));
    assert.equal(createZoneLayer(zone, upstream, 'z').ownsTimeouts, undefined);
    assert.equal(createZoneLayer(zone, null, 'z').ownsTimeouts, true);
    assert.equal(createZoneLayer(zone, { ...upstream, ownsTimeouts: true }, 'z').ownsTimeouts, true);
  });

  it('prefetch: the check\'s first lookup of a prefetched name counts as its own, not as a cache hit', async () => {
    const { upstream, calls } = scripted((name) => {
      if (name === 'broken.example') throw new DnsError('ESERVFAIL', name, 'TXT');
      return txt(name);
    });
    /** One check's lookups, with or without the first wave's prefetch; its counts and the run's. */
    const run = async (prefetch: boolean) => {
      calls.length = 0;
      const session = createDnsSession(upstream, { timeoutMs: 1000, clock: manualClock() });
      // shared.example: in the run's cache already, a hit whichever way the check asks
      await session.view().resolve('shared.example', 'TXT');
      const v = session.view();
      if (prefetch) {
        for (const name of ['a.example', 'B.example.', 'broken.example', 'shared.example', 'a.example']) v.prefetch(name, 'TXT');
        await tick();
        assert.equal(calls.length, 4, 'prefetch sends the queries at once, each once; its failure is not thrown');
      }
      assert.deepEqual(await v.resolve('a.example', 'TXT'), [['a.example']]);
      await v.resolve('b.example', 'TXT');
      await v.resolve('a.example', 'TXT');
      await assert.rejects(v.resolve('broken.example', 'TXT'), { code: 'ESERVFAIL' });
      await v.resolve('shared.example', 'TXT');
      const { queries, cacheHits, failures } = v.stats();
      const counts = { queries, cacheHits, failures, sent: calls.length, runHits: session.stats().cacheHits };
      session.close();
      return counts;
    };
    const plain = await run(false);
    assert.deepEqual(plain, { queries: 3, cacheHits: 2, failures: 1, sent: 4, runHits: 2 }, 'a, b, broken sent; a again and shared are hits');
    assert.deepEqual(await run(true), plain, 'the same counts with prefetch');
  });

  it('enforces the query timeout whatever the upstream does (ETIMEOUT), and counts retries', async () => {
    const { upstream } = scripted((_name, _type, ctx) => {
      ctx.onRetry();
      ctx.onRetry();
      return new Promise<UpstreamAnswer>(() => {});
    });
    const client = createDnsClient(upstream, { timeoutMs: 30, clock: manualClock() });
    await assert.rejects(client.resolve('hang.example', 'A'), { code: 'ETIMEOUT' });
    assert.deepEqual([client.stats().failures, client.stats().retries], [1, 2]);
    client.close();
  });

  it('follows CNAME continuations, and stops at a loop or the depth cap (ELOOP)', async () => {
    const { upstream, calls } = scripted((name) => {
      if (name === 'sel._domainkey.x.example') return { kind: 'cname', target: 'key.provider.example', ttl: 300 };
      if (name === 'key.provider.example') return txt('v=DKIM1; p=abc');
      if (name === 'loop1.example') return { kind: 'cname', target: 'loop2.example', ttl: 300 };
      if (name === 'loop2.example') return { kind: 'cname', target: 'loop1.example', ttl: 300 };
      const m = /^c(\d+)\.example$/.exec(name);
      return { kind: 'cname', target: `c${Number(m![1]) + 1}.example`, ttl: 300 };
    });
    const client = createDnsClient(upstream, { timeoutMs: 1000, clock: manualClock() });
    assert.deepEqual(await client.resolve('sel._domainkey.x.example', 'TXT'), [['v=DKIM1; p=abc']]);
    await assert.rejects(client.resolve('loop1.example', 'TXT'), { code: 'ELOOP' });
    calls.length = 0;
    await assert.rejects(client.resolve('c0.example', 'TXT'), { code: 'ELOOP' });
    assert.equal(calls.length, 9, 'the name and 8 CNAME links');
  });

  it('refuses names that cannot exist without a query (EBADNAME)', async () => {
    const { upstream, calls } = scripted(() => txt('x'));
    const client = createDnsClient(upstream, { timeoutMs: 1000, clock: manualClock() });
    await assert.rejects(client.resolve(`${'a'.repeat(64)}.example`, 'TXT'), { code: 'EBADNAME' });
    await assert.rejects(client.resolve('a..example', 'TXT'), { code: 'EBADNAME' });
    assert.equal(calls.length, 0);
  });

  it('hands each caller its own copy of a cached answer', async () => {
    const { upstream } = scripted(() => txt('v=spf1 -all'));
    const session = createDnsSession(upstream, { timeoutMs: 1000, clock: manualClock() });
    const first = await session.view().resolve('x.example', 'TXT');
    first[0]![0] = 'changed';
    assert.deepEqual(await session.view().resolve('x.example', 'TXT'), [['v=spf1 -all']]);
  });
});

describe('the limit on queries in flight', () => {
  it('hands slots out in order, skips tasks that gave up, and does not grow with the run', () => {
    const limiter = createLimiter(2);
    const order: number[] = [];
    const task = (n: number) => ({ done: false, run: () => order.push(n) });
    assert.equal(limiter.acquire(task(0)), true);
    assert.equal(limiter.acquire(task(0)), true);
    const a = task(1);
    const b = task(2);
    const c = task(3);
    assert.equal(limiter.acquire(a), false);
    assert.equal(limiter.acquire(b), false);
    assert.equal(limiter.acquire(c), false);
    b.done = true;
    limiter.release();
    limiter.release();
    assert.deepEqual(order, [1, 3]);
    assert.equal(limiter.peak(), 2);
    // a queue that never runs empty: 2 slots, 10,000 tasks passing through, always 50 waiting
    for (let i = 0; i < 50; i++) limiter.acquire(task(4));
    for (let i = 0; i < 10_000; i++) {
      limiter.release();
      limiter.acquire(task(4));
    }
    assert.equal(limiter.queued(), 50);
    assert.ok(limiter.capacity() < 2_200, `queue array of ${limiter.capacity()} slots`);
  });

  it('grants in a loop, not a recursion, when tasks end as they run', () => {
    const limiter = createLimiter(1);
    assert.equal(limiter.acquire({ done: false, run: () => {} }), true);
    let ran = 0;
    // each task gives its slot back at once (a refused port): 50,000 deep would overflow the stack
    for (let i = 0; i < 50_000; i++)
      limiter.acquire({
        done: false,
        run: () => {
          ran++;
          limiter.release();
        },
      });
    limiter.release();
    assert.equal(ran, 50_000);
    assert.equal(limiter.queued(), 0);
    assert.equal(limiter.acquire({ done: false, run: () => {} }), true);
  });
});
