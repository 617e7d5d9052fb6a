// checkMany and the batch input through an in-memory zone: no process, no sockets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkMany, type BatchInput, type BatchResult, type DnsViews } from '../../src/batch.ts';
import { domainsFromLines, inShard, shardOf } from '../../src/batch-input.ts';
import { parseShard } from '../../src/options.ts';
import { addToSummary, emptySummary } from '../../src/batch-summary.ts';
import { fixedClock } from '../../src/clock.ts';
import { parseZone } from '../../src/dns/parse-zone.ts';
import { createDnsSession } from '../../src/dns/session.ts';
import type { QueryContext, RRType, UpstreamResolver } from '../../src/dns/types.ts';
import { ZoneIndex } from '../../src/dns/zone.ts';
import { createZoneResolver } from '../../src/dns/zone-resolver.ts';
import { UsageError } from '../../src/options.ts';

const ZONE = `
$ORIGIN example.
pass              TXT "v=spf1 ip4:203.0.113.7 -all"
_dmarc.pass       TXT "v=DMARC1; p=reject"
fail              TXT "v=spf1 ip4:198.51.100.1 -all"
_dmarc.fail       TXT "v=DMARC1; p=reject"
spam              TXT "v=spf1 ip4:198.51.100.1 ~all"
_dmarc.spam       TXT "v=DMARC1; p=quarantine"
relay.forwarder   A   203.0.113.7
$ORIGIN 113.0.203.in-addr.arpa.
7                 PTR relay.forwarder.example.
`;

const clock = fixedClock('2026-11-30T12:00:00Z');
const zone = new ZoneIndex(parseZone(ZONE, 'inline.zone'));

/** A session whose upstream counts the queries it has in flight, and their peak. */
const countingSession = () => {
  const inner = createZoneResolver(zone);
  const counts = { inFlight: 0, peak: 0, queries: 0 };
  const upstream: UpstreamResolver = {
    query: async (name: string, type: RRType, ctx: QueryContext) => {
      counts.inFlight++;
      counts.queries++;
      counts.peak = Math.max(counts.peak, counts.inFlight);
      try {
        await new Promise((r) => setImmediate(r));
        return await inner.query(name, type, ctx);
      } finally {
        counts.inFlight--;
      }
    },
    close: () => {},
    describe: () => 'inline zone',
  };
  const views = { opened: 0, open: 0, peakOpen: 0 };
  const dns = createDnsSession(upstream, { timeoutMs: 1000, clock, trackDistinct: true });
  const session: DnsViews = {
    view: (o) => {
      views.opened++;
      views.open++;
      views.peakOpen = Math.max(views.peakOpen, views.open);
      const client = dns.view(o);
      return {
        ...client,
        close: () => {
          views.open--;
          client.close();
        },
      };
    },
  };
  return { session, counts, views, dns };
};

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const OPTIONS = { relays: ['203.0.113.7'], selectors: ['none'] };

const verdicts = (results: BatchResult[]) =>
  Object.fromEntries(results.map((r) => [r.input, r.kind === 'report' ? r.report.verdict : r.kind]));

describe('checkMany()', () => {
  it('checks every domain, reports bad lines with their line number, and goes on', async () => {
    const { session } = countingSession();
    const inputs: BatchInput[] = [
      { domain: 'pass.example', line: 1 },
      { domain: 'not a domain', line: 2 },
      { domain: 'fail.example', line: 3 },
      { domain: 'SPAM.example.', line: 5 },
    ];
    const results = await collect(checkMany(inputs, OPTIONS, { session, clock }));
    assert.deepEqual(verdicts(results), { 'pass.example': 'pass', 'not a domain': 'input-error', 'fail.example': 'fail', 'SPAM.example.': 'at-risk' });
    const bad = results.find((r) => r.kind === 'input-error');
    assert.deepEqual(bad, { kind: 'input-error', input: 'not a domain', line: 2, message: 'invalid domain "not a domain": contains white space' });
    const spam = results.find((r) => r.input === 'SPAM.example.');
    assert.equal(spam?.kind === 'report' && spam.report.domain, 'spam.example');
    assert.equal(spam?.line, 5);
  });

  it('keeps at most `concurrency` domains in flight and closes every view it opens', async () => {
    const { session, views, dns } = countingSession();
    const inputs = Array.from({ length: 40 }, (_, i) => ({ domain: ['pass', 'fail', 'spam'][i % 3] + '.example' }));
    const results = await collect(checkMany(inputs, OPTIONS, { session, clock, concurrency: 3 }));
    assert.equal(results.length, 40);
    // one session for the run: no (name, type) is asked twice
    const stats = dns.stats();
    assert.equal(stats.queries, stats.distinct);
    assert.ok(stats.cacheHits > stats.queries);
    assert.equal(views.opened, 40);
    assert.equal(views.open, 0);
    assert.equal(views.peakOpen, 3);
  });

  it('does not read ahead of a consumer that stops: the input is pulled only as slots free up', async () => {
    const { session } = countingSession();
    let read = 0;
    async function* endless(): AsyncGenerator<BatchInput> {
      for (;;) {
        read++;
        yield { domain: 'pass.example' };
      }
    }
    let taken = 0;
    for await (const _ of checkMany(endless(), OPTIONS, { session, clock, concurrency: 4 })) {
      if (++taken === 10) break;
    }
    // ten taken, at most four more in flight, one more read and waiting for a slot
    assert.ok(read <= 10 + 4 + 1, `read ${read} inputs for 10 results`);
  });

  it('reports a check that throws as an internal error of that domain alone', async () => {
    const { session } = countingSession();
    const broken: DnsViews = {
      // a bug: the view's stats() throws when check() reads it at the end
      view: (o) => ({
        ...session.view(o),
        stats: () => {
          throw new TypeError('stats is broken');
        },
      }),
    };
    const inputs = [{ domain: 'pass.example' }, { domain: 'fail.example' }];
    const results = await collect(checkMany(inputs, OPTIONS, { session: broken, clock }));
    assert.deepEqual(results.map((r) => [r.kind, r.kind === 'internal-error' ? r.message : null]), [
      ['internal-error', 'stats is broken'],
      ['internal-error', 'stats is broken'],
    ]);
  });

  it('passes a read error of the input on to the consumer', async () => {
    const { session } = countingSession();
    async function* failing(): AsyncGenerator<BatchInput> {
      yield { domain: 'pass.example' };
      throw new UsageError('cannot read --domains-file "x": permission denied');
    }
    await assert.rejects(collect(checkMany(failing(), OPTIONS, { session, clock })), /permission denied/);
  });
});

describe('the batch summary', () => {
  it('counts verdicts and errors, and exits with the worst: 4 > 3 > 2 > 1 > 0', async () => {
    const { session } = countingSession();
    const results = await collect(checkMany([{ domain: 'pass.example' }, { domain: 'spam.example' }], OPTIONS, { session, clock }));
    const summary = emptySummary();
    for (const r of results) addToSummary(summary, r, 'fail');
    assert.deepEqual([summary.exitCode, summary.verdicts], [0, { pass: 1, 'at-risk': 1, fail: 0, 'no-domain': 0, unknown: 0 }]);
    addToSummary(summary, results.find((r) => r.input === 'spam.example')!, 'at-risk');
    assert.equal(summary.exitCode, 1);
    addToSummary(summary, { kind: 'input-error', input: 'x', line: 9, message: 'bad' }, 'at-risk');
    assert.equal(summary.exitCode, 2);
    addToSummary(summary, { kind: 'internal-error', input: 'y.example', message: 'bug', error: null }, 'at-risk');
    assert.equal(summary.exitCode, 4);
    addToSummary(summary, results[0]!, 'at-risk');
    assert.deepEqual([summary.exitCode, summary.total, summary.checked, summary.inputErrors, summary.internalErrors], [4, 6, 4, 1, 1]);
    assert.deepEqual(summary.listed['input-error'], [{ domain: 'x', message: 'bad', line: 9 }]);
  });
});

describe('batch input', () => {
  it('reads one domain a line: comments, blank lines, a BOM and CRLF ignored, lines numbered from 1', async () => {
    const lines = ['\uFEFFa.example', '# a comment', '', '  b.example  # trailing comment', 'c.example\r', '   '];
    assert.deepEqual(await collect(domainsFromLines(lines)), [
      { domain: 'a.example', line: 1 },
      { domain: 'b.example', line: 4 },
      { domain: 'c.example', line: 5 },
    ]);
  });

  it('parses --shard K/N and refuses what is not one', () => {
    assert.deepEqual(parseShard('2/8'), { index: 2, count: 8 });
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '-1/3', '1/3/5']) assert.throws(() => parseShard(bad), UsageError, bad);
  });

  it('splits a list into disjoint shards that cover it, by name alone (case, trailing dot, order do not matter)', async () => {
    const domains = Array.from({ length: 1000 }, (_, i) => ({ domain: `d${i}.example` }));
    const seen = new Map<string, number>();
    for (let k = 1; k <= 7; k++) {
      for (const { domain } of await collect(inShard(domains, { index: k, count: 7 }))) {
        assert.ok(!seen.has(domain), `${domain} in two shards`);
        seen.set(domain, k);
      }
    }
    assert.equal(seen.size, 1000);
    const sizes = [...seen.values()].reduce<number[]>((acc, k) => ((acc[k - 1] = (acc[k - 1] ?? 0) + 1), acc), []);
    assert.ok(Math.min(...sizes) > 100, `uneven shards: ${sizes.join(', ')}`);
    assert.equal(shardOf('D17.Example.', 7), seen.get('d17.example'));
    // fixed values: a change of hash would split users' matrices differently
    assert.deepEqual(['example.com', 'gmail.com', 'bank.example'].map((d) => shardOf(d, 10)), [9, 3, 4]);
  });
});
