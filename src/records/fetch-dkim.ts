import { errorCode, isNoRecord, normalizeName, type Resolver } from '../dns/types.ts';
import { looksLikeDkimKey, parseDkimKey, type DkimKey } from './parse-dkim.ts';

/**
 * Selectors cannot be listed from the DNS (RFC 6376 3.6.2.1), so without --selector fwdcheck
 * probes the ones that large providers and common software use.
 */
export const COMMON_SELECTORS: readonly string[] = [
  'google', // Google Workspace
  'selector1', 'selector2', // Microsoft 365
  'default', 'dkim', 'mail', 'email', 'smtp', 'key1', 'key2', 'k1', 'k2', 'k3', // common software defaults, Mailchimp (k1..k3)
  's1', 's2', 'sig1', 'm1', 'mx', // SendGrid (s1, s2), iCloud (sig1), misc.
  'fm1', 'fm2', 'fm3', // Fastmail
  'protonmail', 'protonmail2', 'protonmail3', // Proton
  'zoho', 'zmail', // Zoho
  'mandrill', 'mxvault', 'pm', 'smtpapi', 'mailjet', 'everlytickey1', 'everlytickey2', 'dkim1', 'dkim2',
  's1024', 's2048', // Yahoo and older setups
];

export type DkimSelectorStatus =
  | 'key' // a key record
  | 'missing' // NXDOMAIN or no TXT
  | 'not-a-key' // a TXT record that is not a DKIM key
  | 'wildcard' // the same answer a made-up selector gets: a wildcard, not a published key
  | 'multiple' // several key records: verifiers may use any (RFC 6376 3.6.2.2)
  | 'dns-error';

export interface DkimSelectorProbe {
  selector: string;
  name: string;
  status: DkimSelectorStatus;
  record: string | null;
  /** Key type and size, repeated from "key" at the top level for the JSON contract. */
  keyType: string | null;
  bits: number | null;
  key: DkimKey | null;
  error?: string;
}

export interface DkimRecords {
  domain: string;
  /** "given" when the user named the selectors, "common" for the built-in list. */
  source: 'given' | 'common';
  selectors: DkimSelectorProbe[];
  /** The answer a made-up selector gets, when the zone has a wildcard under _domainkey. */
  wildcard: string | null;
}

// A label no one publishes a key under: whatever answers it is a wildcard (RFC 4592).
const WILDCARD_PROBE = 'fwdcheck-wildcard-probe-3b1f';

const fetchTxt = async (resolver: Resolver, name: string): Promise<{ records: string[] } | { error: string }> => {
  try {
    return { records: (await resolver(name, 'TXT')).map((s) => s.join('')) };
  } catch (err) {
    if (isNoRecord(err)) return { records: [] };
    return { error: errorCode(err) };
  }
};

/** Probes DKIM selectors of a domain in parallel and parses the keys found. */
export const fetchDkim = async (resolver: Resolver, domain: string, given: readonly string[]): Promise<DkimRecords> => {
  const d = normalizeName(domain);
  const selectors = given.length ? [...new Set(given.map((s) => s.toLowerCase()))] : [...COMMON_SELECTORS];
  const [wild, ...answers] = await Promise.all([
    fetchTxt(resolver, `${WILDCARD_PROBE}._domainkey.${d}`),
    ...selectors.map((s) => fetchTxt(resolver, `${s}._domainkey.${d}`)),
  ]);
  const wildcard = wild && 'records' in wild && wild.records.length ? wild.records.join('\n') : null;
  const probe = (selector: string, status: DkimSelectorStatus, record: string | null, key: DkimKey | null, error?: string): DkimSelectorProbe => {
    const p: DkimSelectorProbe = { selector, name: `${selector}._domainkey.${d}`, status, record, keyType: key?.keyType ?? null, bits: key?.bits ?? null, key };
    if (error) p.error = error;
    return p;
  };
  const probes = selectors.map((selector, i): DkimSelectorProbe => {
    const answer = answers[i]!;
    if ('error' in answer) return probe(selector, 'dns-error', null, null, answer.error);
    if (answer.records.length === 0) return probe(selector, 'missing', null, null);
    const joined = answer.records.join('\n');
    if (wildcard !== null && joined === wildcard) return probe(selector, 'wildcard', joined, null);
    const keys = answer.records.filter(looksLikeDkimKey);
    if (keys.length === 0) return probe(selector, 'not-a-key', joined, null);
    if (keys.length > 1) return probe(selector, 'multiple', keys.join('\n'), parseDkimKey(keys[0]!));
    return probe(selector, 'key', keys[0]!, parseDkimKey(keys[0]!));
  });
  return { domain: d, source: given.length ? 'given' : 'common', selectors: probes, wildcard };
};
