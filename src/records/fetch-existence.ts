// Whether the From domain exists at all (the verdict "no-domain", README "Exit codes"). The answers
// are shared with a check's other lookups through the cache.
import { errorCode, type Resolver, type RRType } from '../dns/types.ts';

export type DomainExistence =
  | { status: 'exists' }
  /** NXDOMAIN: the name does not exist (RFC 8020: nor does anything under it). */
  | { status: 'nxdomain' }
  /** The name exists (NODATA) but holds none of the record types a mail domain has. */
  | { status: 'no-records' }
  /** A lookup failed: whether the domain exists is not known. */
  | { status: 'unknown'; error: string };

// The types a domain that sends or receives mail, or merely is delegated, has at least one of.
// TXT and MX first: TXT is the SPF record a check asks anyway, and a mail domain nearly always has
// one of the two, so they settle it; A, AAAA and NS are asked only when neither holds a record. A
// batch of 1,000 domains sent 3,000 queries fewer (9 % of its traffic) for the same reports (issue 7).
const FIRST: readonly RRType[] = ['TXT', 'MX'];
const THEN: readonly RRType[] = ['A', 'AAAA', 'NS'];

type Outcome = 'data' | string;

const outcomesOf = (resolver: Resolver, domain: string, types: readonly RRType[]): Promise<Outcome[]> =>
  Promise.all(
    types.map((type) =>
      resolver(domain, type).then(
        (records) => (records.length ? 'data' : 'ENODATA'),
        (err: unknown) => errorCode(err),
      ),
    ),
  );

export const fetchExistence = async (resolver: Resolver, domain: string): Promise<DomainExistence> => {
  const first = await outcomesOf(resolver, domain, FIRST);
  if (first.includes('data')) return { status: 'exists' };
  // NXDOMAIN is said of the name, whatever the type asked (RFC 1035 4.3.2, RFC 8020 2): two of
  // them leave nothing for the other types to say
  if (first.every((o) => o === 'ENOTFOUND')) return { status: 'nxdomain' };
  const outcomes = [...first, ...(await outcomesOf(resolver, domain, THEN))];
  if (outcomes.includes('data')) return { status: 'exists' };
  if (outcomes.includes('ENOTFOUND')) return { status: 'nxdomain' };
  const error = outcomes.find((o) => o !== 'ENODATA' && o !== 'EBADNAME');
  if (error) return { status: 'unknown', error };
  return { status: 'no-records' };
};
