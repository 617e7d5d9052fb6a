// Which DMARC policy a receiver applies to failing mail from the From domain: computed here,
// once, and read by the summary, the findings, the simulation and the advice alike.
import type { DmarcLookup } from './fetch-dmarc.ts';
import type { DmarcPolicy } from './parse-dmarc.ts';

/** The policy one level down: what pct=0 (RFC 7489 6.6.4) and t=y (RFC 9989 4.7) ask for. */
export const NEXT_LOWER: Record<DmarcPolicy, DmarcPolicy> = { reject: 'quarantine', quarantine: 'none', none: 'none' };

const STRENGTH: Record<DmarcPolicy, number> = { none: 0, quarantine: 1, reject: 2 };

export interface PolicySelection {
  /** p, sp or np, as the record publishes it for the From domain (a broken record: none). */
  published: DmarcPolicy;
  /** What a failing message gets after pct and t=y. */
  policy: DmarcPolicy;
  /** Why `policy` is below `published`. */
  lowered: 'pct' | 'testing' | null;
  /** RFC 7489 pct between 1 and 99: that share gets `published`, the rest the next lower policy. */
  sampled: number | null;
}

/**
 * The policy for failing mail from `fromDomain` under the record found at `lookup`.
 * `exists` is whether fromDomain exists (RFC 9989 np), undefined when that could not be read:
 * then the weaker of np and sp is taken, as mailauth does. Null when the record gets no DMARC
 * processing at all (no valid policy and nowhere to report to).
 */
export const selectPolicy = (fromDomain: string, lookup: DmarcLookup | null, exists: boolean | undefined, rfc: '7489' | '9989'): PolicySelection | null => {
  const parsed = lookup?.parsed;
  if (!lookup || !parsed) return null;
  const effective = rfc === '9989' ? parsed.effectiveP : parsed.effectiveP7489;
  if (effective === null) return null;
  let published: DmarcPolicy = effective;
  // a record with a broken p, sp (or np, RFC 9989) acts as p=none (RFC 9989 4.10.1)
  const intact = rfc === '9989' ? parsed.intact : parsed.intact7489;
  if (intact && lookup.domain !== fromDomain) {
    // RFC 7489 6.3 sp; RFC 9989 4.7 np for a subdomain that does not exist
    published = parsed.tags.sp ?? parsed.tags.p!;
    const np = rfc === '9989' ? parsed.tags.np : undefined;
    if (np && exists === false) published = np;
    if (np && exists === undefined && STRENGTH[np] < STRENGTH[published]) published = np;
  }
  const pct = parsed.tags.pct;
  // RFC 7489 6.6.4: mail outside the pct sample gets the next lower policy, so pct=0 lowers it
  // for every message; RFC 9989 drops pct and names pct=0 the equivalent of t=y (testing).
  let lowered: PolicySelection['lowered'] = null;
  if (parsed.tags.t) lowered = 'testing';
  else if (pct === 0) lowered = 'pct';
  const policy = lowered ? NEXT_LOWER[published] : published;
  const sampled = !lowered && pct > 0 && pct < 100 && published !== 'none' ? pct : null;
  return { published, policy, lowered: policy === published ? null : lowered, sampled };
};

/** Whether a policy makes receivers act on a DMARC failure. */
export const enforcing = (policy: DmarcPolicy | null | undefined): policy is 'quarantine' | 'reject' => policy === 'quarantine' || policy === 'reject';
