// The lookups check() makes first, whatever the answers, asked by the CLI through the check's own
// view as soon as the DNS is open: they are on the wire while the check's code loads (issue 7,
// start-up), and check() finds them in the view, answered or in flight. Each one here is a lookup
// check() makes anyway (test/unit/startup-parts.test.ts compares the queries of a check with and
// without this wave): never a query a check would not send.
import type { CheckOptions } from './check.ts';
import type { RRType } from './dns/types.ts';
import { reverseName } from './records/fetch-ptr.ts';
import { normalizeIp, parseRelaySpec } from './simulate/parse-relay.ts';

/** (name, type) pairs every check of `domain` with these options asks before any answer. */
export const firstLookups = (domain: string, options: Pick<CheckOptions, 'relays' | 'selectors'>): [string, RRType][] => {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const out: [string, RRType][] = [
    // fetchExistence asks these first (TXT is also the SPF record of the default envelope sender,
    // postmaster@domain); A, AAAA and NS only when neither holds a record
    [d, 'TXT'],
    [d, 'MX'],
    // fetchDmarc: the From domain's own record comes first in both discoveries
    [`_dmarc.${d}`, 'TXT'],
  ];
  // fetchDkim: the RFC 8020 test before the common selectors
  if (options.selectors.length === 0) out.push([`_domainkey.${d}`, 'TXT']);
  // fetchRelayIdentity: each relay's PTR
  for (const r of options.relays) {
    const spec = parseRelaySpec(r);
    if (spec.address?.kind === 'ip') out.push([reverseName(normalizeIp(spec.address.ip).ip), 'PTR']);
  }
  return out;
};

/**
 * Sends the first lookups now, through the check's view (DnsClient.prefetch): their answers wait
 * there for check(), whose own lookup of each counts as its own, not as a cache hit.
 */
export const startFirstWave = (prefetch: (name: string, type: RRType) => void, domain: string, options: Pick<CheckOptions, 'relays' | 'selectors'>): void => {
  for (const [name, type] of firstLookups(domain, options)) prefetch(name, type);
};
