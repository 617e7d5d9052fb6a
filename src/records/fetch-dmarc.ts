import { getDomain } from '../psl.ts';
import { errorCode, isNoRecord, normalizeName, type Resolver } from '../dns/types.ts';
import { dmarcDomainExists } from '../auth/mailauth.ts';
import { selectPolicy, type PolicySelection } from './dmarc-policy.ts';
import { correctedDmarcRecord, isDmarcRecord, parseDmarc, type DmarcPolicy, type ParsedDmarc } from './parse-dmarc.ts';

export interface DmarcLookup {
  /** The domain whose _dmarc name was queried. */
  domain: string;
  /** not-checked: the name is outside the zone files in --offline mode (EOFFLINE). */
  status: 'found' | 'missing' | 'multiple' | 'dns-error' | 'not-checked';
  record: string | null;
  records: string[];
  error?: string;
  parsed?: ParsedDmarc;
}

export interface DmarcDiscovery {
  method: 'rfc7489' | 'rfc9989';
  /** The domain whose record applies to the From domain, or null when none does. */
  location: string | null;
  /** The Organizational Domain this method finds (Public Suffix List, or the tree walk). */
  orgDomain: string | null;
  /** The policy applied to a failing message from the From domain (p, sp or np, then pct and t=y). */
  policy: DmarcPolicy | null;
  /** How the policy was selected; null when no record applies. */
  selection: PolicySelection | null;
  queried: DmarcLookup[];
  /** A DNS failure that left the discovery incomplete. */
  error?: string;
}

/**
 * The DMARC policy receivers apply to the From domain, computed once: RFC 9989's discovery (what
 * mailauth and current receivers run), else RFC 7489's when the tree walk could not be read.
 */
export interface AppliedDmarc {
  /**
   * found: a record applies as published; invalid: records were found but do not apply as
   * published (several at one name, a broken or mistyped policy); missing: no record; dns-error /
   * not-checked: discovery could not be completed, so whether a policy applies is not known.
   */
  status: 'found' | 'missing' | 'invalid' | 'dns-error' | 'not-checked';
  method: 'rfc9989' | 'rfc7489' | null;
  /** The domain whose _dmarc record applies, or where the records that fail to apply are. */
  location: string | null;
  /** The record in force (one), as published. */
  record: string | null;
  /** Every DMARC record found at the location, as published (several: none applies). */
  records: string[];
  /** p, sp or np as published for the From domain. */
  published: DmarcPolicy | null;
  /** What failing mail gets: the published policy after pct=0 / t=y (next lower). */
  policy: DmarcPolicy | null;
  lowered: PolicySelection['lowered'];
  /** RFC 7489 pct between 1 and 99: the share that gets the published policy. */
  sampled: number | null;
  /** The record to publish instead, when the one found has duplicate tags, typos or a missing p. */
  corrected: string | null;
  /** The DNS error that left discovery open, and the name it was for. */
  error?: string;
  errorName?: string;
  lookup: DmarcLookup | null;
}

export interface DmarcRecords {
  domain: string;
  rfc7489: DmarcDiscovery;
  rfc9989: DmarcDiscovery;
  applied: AppliedDmarc;
}

const lookupAt = async (resolver: Resolver, domain: string): Promise<DmarcLookup> => {
  const base = { domain, record: null, records: [] as string[] };
  try {
    const txt = await resolver(`_dmarc.${domain}`, 'TXT');
    const records = txt.map((s) => s.join('').trim()).filter(isDmarcRecord);
    if (records.length === 0) return { ...base, status: 'missing' };
    // several records at one name: none of them applies (RFC 7489 6.6.3 step 5, RFC 9989 4.10)
    if (records.length > 1) return { ...base, status: 'multiple', records };
    return { domain, status: 'found', record: records[0]!, records, parsed: parseDmarc(records[0]!) };
  } catch (err) {
    if (isNoRecord(err)) return { ...base, status: 'missing' };
    const error = errorCode(err);
    return { ...base, status: error === 'EOFFLINE' ? 'not-checked' : 'dns-error', error };
  }
};

const unreadable = (q: DmarcLookup): boolean => q.status === 'dns-error' || q.status === 'not-checked';

/** RFC 7489: the Organizational Domain from the Public Suffix List, private suffixes included, as mailauth does. */
export const organizationalDomain7489 = (domain: string): string => getDomain(domain, { allowPrivateDomains: true }) ?? domain;

const discovery = (method: DmarcDiscovery['method'], fromDomain: string, orgDomain: string | null, queried: DmarcLookup[], applied: DmarcLookup | null, exists: boolean | undefined, error?: string): DmarcDiscovery => {
  const selection = selectPolicy(fromDomain, applied, exists, method === 'rfc9989' ? '9989' : '7489');
  const d: DmarcDiscovery = { method, location: applied?.domain ?? null, orgDomain, policy: selection?.policy ?? null, selection, queried };
  if (error) d.error = error;
  return d;
};

const discover7489 = async (resolver: Resolver, domain: string): Promise<DmarcDiscovery> => {
  const orgDomain = organizationalDomain7489(domain);
  // both names at once: the second query is needed whenever the first finds nothing, and costs
  // no round trip on the critical path when it is not
  const names = orgDomain !== domain ? [domain, orgDomain] : [domain];
  const [own, org] = await Promise.all(names.map((n) => lookupAt(resolver, n)));
  const queried = [own!];
  if (unreadable(own!)) return discovery('rfc7489', domain, orgDomain, queried, null, true, own!.error);
  let applied = own!.status === 'found' ? own! : null;
  // RFC 7489 6.6.3 step 3: only an empty set sends discovery on to the organizational domain;
  // several records at the From domain (step 2) mean no DMARC processing
  if (own!.status === 'missing' && org) {
    queried.push(org);
    if (unreadable(org)) return discovery('rfc7489', domain, orgDomain, queried, null, true, org.error);
    if (org.status === 'found') applied = org;
  }
  return discovery('rfc7489', domain, orgDomain, queried, applied, true);
};

// RFC 9989 4.10: a name of more than seven labels is shortened to its last seven
const WALK_MAX_LABELS = 7;

/** The names the DNS Tree Walk (RFC 9989 4.10) queries, in order, at most eight. */
const treeWalkNames = (domain: string): string[] => {
  const names: string[] = [];
  let labels = domain.split('.');
  while (labels.length > 0) {
    names.push(labels.join('.'));
    labels = labels.length > WALK_MAX_LABELS ? labels.slice(-WALK_MAX_LABELS) : labels.slice(1);
  }
  return names;
};

const discover9989 = async (resolver: Resolver, domain: string, existence: Promise<boolean | undefined>): Promise<DmarcDiscovery> => {
  // Every name of the walk is queried at once: the walk reads them all unless a psd=y/n record
  // stops it, so this costs one round trip instead of up to eight. Answers are then read in
  // walk order, so the result does not depend on the order they arrive in.
  const names = treeWalkNames(domain);
  const answers = await Promise.all(names.map((n) => lookupAt(resolver, n)));
  const queried: DmarcLookup[] = [];
  let error: string | undefined;
  for (const lookup of answers) {
    queried.push(lookup);
    if (unreadable(lookup)) {
      error = lookup.error;
      break;
    }
    const psd = lookup.parsed?.tags.psd;
    if (lookup.status === 'found' && (psd === 'y' || psd === 'n')) break;
  }
  const found = queried.filter((q) => q.status === 'found');
  // Organizational Domain (RFC 9989 4.10.2): psd=n marks it; psd=y marks the domain above it;
  // otherwise the found record with the fewest labels, or the domain itself.
  let orgDomain = domain;
  const psdN = found.find((f) => f.parsed?.tags.psd === 'n');
  const psdY = found.find((f) => f.parsed?.tags.psd === 'y' && f.domain !== domain);
  if (psdN) orgDomain = psdN.domain;
  else if (psdY) orgDomain = domain.split('.').slice(-(psdY.domain.split('.').length + 1)).join('.');
  else if (found.length) orgDomain = found[found.length - 1]!.domain;

  let applied: DmarcLookup | null = null;
  if (found[0]?.domain === domain) applied = found[0];
  else if (error) return discovery('rfc9989', domain, null, queried, null, true, error);
  else applied = found.find((f) => f.domain === orgDomain) ?? (found.at(-1)?.parsed?.tags.psd === 'y' ? found.at(-1)! : null);
  const exists = applied && applied.domain !== domain && applied.parsed?.tags.np ? await existence : true;
  return discovery('rfc9989', domain, error ? null : orgDomain, queried, applied, exists, error);
};

/** The lookup whose record a discovery applies, or null. */
export const appliedLookup = (d: DmarcDiscovery): DmarcLookup | null => d.queried.find((q) => q.domain === d.location && q.status === 'found') ?? null;

const PROBLEMS: ReadonlySet<string> = new Set(['missing-policy', 'invalid-policy', 'invalid-subdomain-policy', 'invalid-np', 'invalid-alignment', 'invalid-pct', 'invalid-t', 'duplicate-tag']);

/** The one applied policy, from both discoveries. Pure. */
export const applyDmarc = (rfc7489: DmarcDiscovery, rfc9989: DmarcDiscovery): AppliedDmarc => {
  const d = rfc9989.error && !appliedLookup(rfc9989) ? rfc7489 : rfc9989;
  const lookup = appliedLookup(d);
  const empty = { record: null, records: [] as string[], published: null, policy: null, lowered: null, sampled: null, corrected: null, lookup };
  if (!lookup && d.error) {
    const failed = [...rfc9989.queried, ...rfc7489.queried].find(unreadable);
    const status = d.error === 'EOFFLINE' ? 'not-checked' : 'dns-error';
    return { status, method: null, location: null, ...empty, error: d.error, errorName: failed ? `_dmarc.${failed.domain}` : '' };
  }
  if (!lookup) {
    // several records at one name: shown as found, applied as none (RFC 7489 6.6.3, RFC 9989 4.10)
    const multiple = d.queried.find((q) => q.status === 'multiple');
    if (multiple) {
      const strongest = [...multiple.records].sort((a, b) => rank(b) - rank(a) || a.localeCompare(b))[0]!;
      return { status: 'invalid', method: d.method, location: multiple.domain, ...empty, records: multiple.records, corrected: correctedDmarcRecord(strongest) ?? strongest };
    }
    return { status: 'missing', method: d.method, location: null, ...empty };
  }
  const parsed = lookup.parsed!;
  const selection = d.selection;
  const broken = selection === null || parsed.issues.some((i) => PROBLEMS.has(i.code));
  return {
    status: broken ? 'invalid' : 'found',
    method: d.method,
    location: lookup.domain,
    record: lookup.record,
    records: lookup.records,
    published: selection?.published ?? null,
    policy: selection?.policy ?? null,
    lowered: selection?.lowered ?? null,
    sampled: selection?.sampled ?? null,
    corrected: correctedDmarcRecord(lookup.record!),
    lookup,
  };
};

// which of several records the domain most likely meant: the strongest policy
const RANK = { none: 0, quarantine: 1, reject: 2 } as const;
const rank = (record: string): number => RANK[parseDmarc(record).tags.p ?? 'none'];

/** Finds the DMARC record for a From domain by both generations of discovery. */
export const fetchDmarc = async (resolver: Resolver, fromDomain: string): Promise<DmarcRecords> => {
  const domain = normalizeName(fromDomain);
  // whether the From domain exists decides between np and sp (RFC 9989 4.7): asked at once, with
  // mailauth's own test so that the policy reported is the one mailauth applies
  const existence = dmarcDomainExists(resolver, domain).catch(() => undefined);
  const [rfc7489, rfc9989] = await Promise.all([discover7489(resolver, domain), discover9989(resolver, domain, existence)]);
  return { domain, rfc7489, rfc9989, applied: applyDmarc(rfc7489, rfc9989) };
};
