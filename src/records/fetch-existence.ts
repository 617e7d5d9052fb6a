// Whether the From domain exists at all (the verdict "no-domain", README "Exit codes"). Asked at once with the
// other lookups of a check; the answers are shared with them through the cache.
import { errorCode, type Resolver, type RRType } from '../dns/types.ts';

export type DomainExistence =
  | { status: 'exists' }
  /** NXDOMAIN: the name does not exist (RFC 8020: nor does anything under it). */
  | { status: 'nxdomain' }
  /** The name exists (NODATA) but holds none of the record types a mail domain has. */
  | { status: 'no-records' }
  /** A lookup failed: whether the domain exists is not known. */
  | { status: 'unknown'; error: string };

// the types a domain that sends or receives mail, or merely is delegated, has at least one of
const TYPES: readonly RRType[] = ['A', 'AAAA', 'MX', 'TXT', 'NS'];

export const fetchExistence = async (resolver: Resolver, domain: string): Promise<DomainExistence> => {
  const outcomes = await Promise.all(
    TYPES.map((type) =>
      resolver(domain, type).then(
        (records) => (records.length ? 'data' : 'ENODATA'),
        (err: unknown) => errorCode(err),
      ),
    ),
  );
  if (outcomes.includes('data')) return { status: 'exists' };
  if (outcomes.includes('ENOTFOUND')) return { status: 'nxdomain' };
  const error = outcomes.find((o) => o !== 'ENODATA' && o !== 'EBADNAME');
  if (error) return { status: 'unknown', error };
  return { status: 'no-records' };
};
