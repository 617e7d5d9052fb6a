// Whether the From domain exists: TXT and MX first, A, AAAA and NS only when neither holds a
// record, with the verdict the five answers together give. An in-memory resolver that counts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DnsError, type DnsErrorCode, type RecordMap, type Resolver, type RRType } from '../../src/dns/types.ts';
import { fetchExistence, type DomainExistence } from '../../src/records/fetch-existence.ts';

type Outcome = 'data' | DnsErrorCode;
const TYPES = ['TXT', 'MX', 'A', 'AAAA', 'NS'] as const;

const resolverOf = (by: Partial<Record<RRType, Outcome>>) => {
  const asked: string[] = [];
  const resolver = (async <T extends RRType>(name: string, type: T): Promise<RecordMap[T]> => {
    asked.push(type);
    const o = by[type] ?? 'ENODATA';
    if (o !== 'data') throw new DnsError(o, name, type);
    return (type === 'MX' ? [{ exchange: 'mx.example', priority: 10 }] : type === 'TXT' ? [['v=spf1 -all']] : ['192.0.2.1']) as RecordMap[T];
  }) as Resolver;
  return { resolver, asked };
};

/** What the five answers say together (the rule before TXT and MX were asked first). */
const together = (by: Partial<Record<RRType, Outcome>>): DomainExistence => {
  const outcomes = TYPES.map((t) => by[t] ?? 'ENODATA');
  if (outcomes.includes('data')) return { status: 'exists' };
  if (outcomes.includes('ENOTFOUND')) return { status: 'nxdomain' };
  const error = outcomes.find((o) => o !== 'ENODATA' && o !== 'EBADNAME');
  return error ? { status: 'unknown', error } : { status: 'no-records' };
};

describe('fetchExistence', () => {
  it('settles on TXT or MX when either holds a record, without A, AAAA or NS', async () => {
    for (const by of [{ TXT: 'data' }, { MX: 'data' }, { TXT: 'ESERVFAIL', MX: 'data' }] as const) {
      const { resolver, asked } = resolverOf(by);
      assert.deepEqual(await fetchExistence(resolver, 'd.example'), { status: 'exists' });
      assert.deepEqual(asked.sort(), ['MX', 'TXT']);
    }
  });
  it('says nxdomain when TXT and MX are both NXDOMAIN, without asking more', async () => {
    const { resolver, asked } = resolverOf({ TXT: 'ENOTFOUND', MX: 'ENOTFOUND' });
    assert.deepEqual(await fetchExistence(resolver, 'd.example'), { status: 'nxdomain' });
    assert.deepEqual(asked.sort(), ['MX', 'TXT']);
  });
  it('asks A, AAAA and NS when neither TXT nor MX has a record: a domain with only an address exists', async () => {
    const { resolver, asked } = resolverOf({ A: 'data' });
    assert.deepEqual(await fetchExistence(resolver, 'd.example'), { status: 'exists' });
    assert.deepEqual(asked.sort(), ['A', 'AAAA', 'MX', 'NS', 'TXT']);
    assert.deepEqual(await fetchExistence(resolverOf({}).resolver, 'd.example'), { status: 'no-records' });
    assert.deepEqual(await fetchExistence(resolverOf({ TXT: 'ETIMEOUT' }).resolver, 'd.example'), { status: 'unknown', error: 'ETIMEOUT' });
  });
  it('gives what the five answers say together, for any answers a consistent server gives', async () => {
    const outcome = fc.constantFrom<Outcome>('data', 'ENODATA', 'ESERVFAIL', 'ETIMEOUT', 'EBADNAME');
    await fc.assert(
      fc.asyncProperty(fc.record({ TXT: outcome, MX: outcome, A: outcome, AAAA: outcome, NS: outcome }), fc.boolean(), async (by, nx) => {
        // NXDOMAIN is said of the name: a consistent server says it for every type or none
        const answers = nx ? Object.fromEntries(TYPES.map((t) => [t, 'ENOTFOUND' as const])) : by;
        assert.deepEqual(await fetchExistence(resolverOf(answers).resolver, 'd.example'), together(answers));
      }),
      { numRuns: 300 },
    );
  });
});
