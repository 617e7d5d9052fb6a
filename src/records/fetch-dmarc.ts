import { getDomain } from 'tldts';
import { errorCode, isNoRecord, normalizeName, type Resolver } from '../dns/types.ts';
import { dmarcDomainExists } from '../auth/mailauth.ts';
import { isDmarcRecord, parseDmarc, type DmarcPolicy, type ParsedDmarc } from './parse-dmarc.ts';

export interface DmarcLookup {
  /** The domain whose _dmarc name was queried. */
  domain: string;
  status: 'found' | 'missing' | 'multiple' | 'dns-error';
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
  /** The policy applied to a failing message from the From domain (p, sp or np; t=y honoured for RFC 9989). */
  policy: DmarcPolicy | null;
  queried: DmarcLookup[];
  /** A DNS failure that left the discovery incomplete. */
  error?: string;
}

export interface DmarcRecords {
  domain: string;
  rfc7489: DmarcDiscovery;
  rfc9989: DmarcDiscovery;
  /** The lookup whose record applies under RFC 9989 (what mailauth applies), else RFC 7489's. */
  applied: DmarcLookup | null;
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
    return { ...base, status: 'dns-error', error: errorCode(err) };
  }
};

/** RFC 7489: the Organizational Domain from the Public Suffix List, private suffixes included, as mailauth does. */
export const organizationalDomain7489 = (domain: string): string => getDomain(domain, { allowPrivateDomains: true }) ?? domain;

const WEAKER: Record<DmarcPolicy, number> = { none: 0, quarantine: 1, reject: 2 };

/**
 * The policy applied to failing mail from fromDomain. `exists` is undefined when the existence
 * test failed: then the weaker of np and sp is taken, as mailauth does.
 */
const policyFor = (fromDomain: string, lookup: DmarcLookup | null, exists: boolean | undefined, rfc: '7489' | '9989'): DmarcPolicy | null => {
  const parsed = lookup?.parsed;
  if (!parsed) return null;
  const effective = rfc === '9989' ? parsed.effectiveP : parsed.effectiveP7489;
  // a record with a broken p, sp (or np, RFC 9989) acts as p=none, or is not applied at all
  if (effective === null || !(rfc === '9989' ? parsed.intact : parsed.intact7489)) return effective;
  let policy: DmarcPolicy = effective;
  if (lookup.domain !== fromDomain) {
    // RFC 7489 6.3 sp; RFC 9989 4.7 np for a subdomain that does not exist
    policy = parsed.tags.sp ?? parsed.tags.p!;
    const np = rfc === '9989' ? parsed.tags.np : undefined;
    if (np && exists === false) policy = np;
    if (np && exists === undefined && WEAKER[np] < WEAKER[policy]) policy = np;
  }
  if (rfc === '9989' && parsed.tags.t) policy = policy === 'reject' ? 'quarantine' : 'none';
  return policy;
};

const discover7489 = async (resolver: Resolver, domain: string): Promise<DmarcDiscovery> => {
  const orgDomain = organizationalDomain7489(domain);
  const queried = [await lookupAt(resolver, domain)];
  let applied = queried[0]!.status === 'found' ? queried[0]! : null;
  if (queried[0]!.status === 'dns-error') return { method: 'rfc7489', location: null, orgDomain, policy: null, queried, error: queried[0]!.error! };
  // RFC 7489 6.6.3 step 3: only an empty set sends discovery on to the organizational domain;
  // several records at the From domain (step 2) mean no DMARC processing
  if (queried[0]!.status === 'missing' && orgDomain !== domain) {
    const org = await lookupAt(resolver, orgDomain);
    queried.push(org);
    if (org.status === 'dns-error') return { method: 'rfc7489', location: null, orgDomain, policy: null, queried, error: org.error! };
    if (org.status === 'found') applied = org;
  }
  return { method: 'rfc7489', location: applied?.domain ?? null, orgDomain, policy: policyFor(domain, applied, true, '7489'), queried };
};

// RFC 9989 4.10: a name of more than seven labels is shortened to its last seven
const WALK_MAX_LABELS = 7;

const discover9989 = async (resolver: Resolver, domain: string): Promise<DmarcDiscovery> => {
  const queried: DmarcLookup[] = [];
  let labels = domain.split('.');
  let error: string | undefined;
  // the DNS Tree Walk (RFC 9989 4.10): at most eight queries, stopping at a psd=y or psd=n record
  while (labels.length > 0) {
    const lookup = await lookupAt(resolver, labels.join('.'));
    queried.push(lookup);
    if (lookup.status === 'dns-error') {
      error = lookup.error;
      break;
    }
    const psd = lookup.parsed?.tags.psd;
    if (lookup.status === 'found' && (psd === 'y' || psd === 'n')) break;
    labels = labels.length > WALK_MAX_LABELS ? labels.slice(-WALK_MAX_LABELS) : labels.slice(1);
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
  else if (error) return { method: 'rfc9989', location: null, orgDomain: null, policy: null, queried, error };
  else applied = found.find((f) => f.domain === orgDomain) ?? (found.at(-1)?.parsed?.tags.psd === 'y' ? found.at(-1)! : null);
  let exists: boolean | undefined = true;
  if (applied && applied.domain !== domain && applied.parsed?.tags.np) {
    try {
      exists = await dmarcDomainExists(resolver, domain);
    } catch {
      exists = undefined;
    }
  }
  const discovery: DmarcDiscovery = { method: 'rfc9989', location: applied?.domain ?? null, orgDomain: error ? null : orgDomain, policy: policyFor(domain, applied, exists, '9989'), queried };
  if (error) discovery.error = error;
  return discovery;
};

/** The lookup whose record a discovery applies, or null. */
export const appliedLookup = (d: DmarcDiscovery): DmarcLookup | null => d.queried.find((q) => q.domain === d.location && q.status === 'found') ?? null;

/** Finds the DMARC record for a From domain by both generations of discovery. */
export const fetchDmarc = async (resolver: Resolver, fromDomain: string): Promise<DmarcRecords> => {
  const domain = normalizeName(fromDomain);
  const [rfc7489, rfc9989] = await Promise.all([discover7489(resolver, domain), discover9989(resolver, domain)]);
  return { domain, rfc7489, rfc9989, applied: appliedLookup(rfc9989) ?? appliedLookup(rfc7489) };
};
