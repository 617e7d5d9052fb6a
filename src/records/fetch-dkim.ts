import { errorCode, normalizeName, type Resolver } from '../dns/types.ts';
import { looksLikeDkimKey, weakestKey, type DkimKey } from './parse-dkim.ts';

/**
 * Selectors cannot be listed from the DNS (RFC 6376 3.6.2.1), so without --selector fwdcheck
 * probes the ones that large providers and common software use.
 */
export const COMMON_SELECTORS: readonly string[] = [
  'google', // Google Workspace
  'selector1', 'selector2', // Microsoft 365
  'default', 'dkim', 'mail', 'email', 'smtp', 'key1', 'key2', 'k1', 'k2', 'k3', // common software defaults, Mailchimp (k1..k3)
  's1', 's2', 'sig1', 'm1', 'mx', 'krs', // SendGrid (s1, s2), iCloud (sig1), Mailgun (krs), misc.
  'fm1', 'fm2', 'fm3', // Fastmail
  'protonmail', 'protonmail2', 'protonmail3', // Proton
  'zoho', 'zmail', // Zoho
  'mandrill', 'mxvault', 'pm', 'smtpapi', 'mailjet', 'everlytickey1', 'everlytickey2', 'dkim1', 'dkim2',
  's1024', 's2048', // Yahoo and older setups
];

export type DkimSelectorStatus =
  | 'key' // a key record
  | 'missing' // NXDOMAIN or no TXT
  | 'dangling-cname' // a CNAME whose target does not exist (Microsoft 365: DKIM never enabled)
  | 'not-a-key' // a TXT record that is not a DKIM key
  | 'wildcard' // the same answer a made-up selector gets: a wildcard, not a published key
  | 'multiple' // several key records: verifiers may use any (RFC 6376 3.6.2.2)
  | 'dns-error' // the answer could not be read (timeout, SERVFAIL, ...): the code is in `error`
  | 'not-checked'; // outside the zone files in --offline mode (EOFFLINE)

/** Why a selector was probed. */
export type SelectorOrigin = 'given' | 'provider' | 'common';

export interface DkimSelectorProbe {
  selector: string;
  name: string;
  status: DkimSelectorStatus;
  origin: SelectorOrigin;
  record: string | null;
  /** Key type and size, repeated from "key" at the top level for the JSON contract. */
  keyType: string | null;
  bits: number | null;
  /** The key a verifier is judged by (for several records: the weakest, RFC 6376 3.6.2.2). */
  key: DkimKey | null;
  /** Every key record at the name, sorted, for status "multiple". */
  records?: string[];
  /** The CNAME target, for status "dangling-cname". */
  cname?: string;
  error?: string;
}

/**
 * What the test at _domainkey.DOMAIN said. RFC 8020: NXDOMAIN there means nothing exists below
 * it, so no selector can hold a key and the generic list is skipped. "exists" (NODATA or an
 * answer) and "unreadable" (a DNS error) probe the whole list.
 */
export type DkimSubtree = 'exists' | 'nxdomain' | 'unreadable' | 'not-tested';

export interface DkimRecords {
  domain: string;
  /** Why this domain was probed: the From domain, a parent up to the organizational domain, or --dkim-domain. */
  role: 'from' | 'parent' | 'given';
  /** "given" when the user named the selectors, "common" for the built-in list. */
  source: 'given' | 'common';
  selectors: DkimSelectorProbe[];
  /** The answer a made-up selector gets, when the zone has a wildcard under _domainkey. */
  wildcard: string | null;
  subtree: DkimSubtree;
  /** Generic selectors not probed because _domainkey.DOMAIN does not exist (RFC 8020). */
  skipped: number;
}

// A label no one publishes a key under: whatever answers it is a wildcard (RFC 4592).
const WILDCARD_PROBE = 'fwdcheck-wildcard-probe-3b1f';

/** direct: NXDOMAIN for the name itself (not for the end of its CNAME chain, nor a name that cannot exist). */
type TxtAnswer = { kind: 'records'; records: string[] } | { kind: 'nxdomain'; direct: boolean } | { kind: 'nodata' } | { kind: 'error'; error: string };

const fetchTxt = async (resolver: Resolver, name: string): Promise<TxtAnswer> => {
  try {
    const records = (await resolver(name, 'TXT')).map((s) => s.join(''));
    return records.length ? { kind: 'records', records } : { kind: 'nodata' };
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOTFOUND') return { kind: 'nxdomain', direct: !(err as { viaCname?: boolean }).viaCname };
    if (code === 'EBADNAME') return { kind: 'nxdomain', direct: false };
    if (code === 'ENODATA') return { kind: 'nodata' };
    return { kind: 'error', error: code };
  }
};

const fetchCname = async (resolver: Resolver, name: string): Promise<string | null> => {
  try {
    return normalizeName((await resolver(name, 'CNAME'))[0] ?? '') || null;
  } catch {
    return null;
  }
};

export interface DkimProbePlan {
  role: DkimRecords['role'];
  /** Selectors the user gave (--selector): the only ones probed when given. */
  given: readonly string[];
  /**
   * What the sending provider implies (providers.ts), known once the SPF tree is in: selectors
   * probed even when _domainkey does not exist, and selectors whose CNAME is looked at when they
   * hold no key (Microsoft 365).
   */
  implied: Promise<{ selectors: readonly string[]; cnameCheck: readonly string[] }>;
}

const probeOf = (domain: string, selector: string, origin: SelectorOrigin, status: DkimSelectorStatus, rest: Partial<DkimSelectorProbe> = {}): DkimSelectorProbe => {
  const key = rest.key ?? null;
  return { selector, name: `${selector}._domainkey.${domain}`, status, origin, record: null, ...rest, key, keyType: key?.keyType ?? null, bits: key?.bits ?? null };
};

const judge = (domain: string, selector: string, origin: SelectorOrigin, answer: TxtAnswer, wildcard: string | null): DkimSelectorProbe => {
  switch (answer.kind) {
    case 'error':
      // EOFFLINE: the name is outside the zone files in --offline mode; nothing was asked
      return probeOf(domain, selector, origin, answer.error === 'EOFFLINE' ? 'not-checked' : 'dns-error', { error: answer.error });
    case 'nxdomain':
    case 'nodata':
      return probeOf(domain, selector, origin, 'missing');
    case 'records': {
      const joined = [...answer.records].sort().join('\n');
      if (wildcard !== null && joined === wildcard) return probeOf(domain, selector, origin, 'wildcard', { record: joined });
      const keys = answer.records.filter(looksLikeDkimKey);
      if (keys.length === 0) return probeOf(domain, selector, origin, 'not-a-key', { record: joined });
      const { record, key } = weakestKey(keys);
      if (keys.length > 1) return probeOf(domain, selector, origin, 'multiple', { record, key, records: [...keys].sort() });
      return probeOf(domain, selector, origin, 'key', { record, key });
    }
  }
};

type Planned = { selector: string; origin: SelectorOrigin };

/**
 * Probes the DKIM selectors of one domain and parses the keys found. The list: the selectors
 * given (--selector), else the provider-implied ones and the common list. Before the common list,
 * one query at _domainkey.DOMAIN: NXDOMAIN there means no name exists below it (RFC 8020), so
 * only the provider-implied selectors are asked, as a check: if one of them answers anyway, the
 * server does not follow RFC 8020 and the whole list is probed. NODATA or an answer there (an
 * empty non-terminal, a wildcard, a server that answers NODATA for everything) and any DNS error:
 * the whole list. The common list is sent as soon as that test answers; the provider's own
 * selectors follow when the SPF tree has named it.
 */
export const fetchDkim = async (resolver: Resolver, domain: string, plan: DkimProbePlan): Promise<DkimRecords> => {
  const d = normalizeName(domain);
  const given = [...new Set(plan.given.map((s) => s.toLowerCase()))];
  const probeList = (list: Planned[]) => Promise.all(list.map((o) => fetchTxt(resolver, `${o.selector}._domainkey.${d}`)));
  const wildcardOf = async (): Promise<string | null> => {
    const wild = await fetchTxt(resolver, `${WILDCARD_PROBE}._domainkey.${d}`);
    return wild.kind === 'records' ? [...wild.records].sort().join('\n') : null;
  };
  /**
   * RFC 4592 4.1: a name that does not exist gets the answer its closest encloser's wildcard
   * gives, the same for every absent child of _domainkey.DOMAIN. So one selector of one label
   * answered NXDOMAIN for itself shows that no wildcard covers them, and the made-up selector
   * need not be asked; when none did, it is asked after the list.
   */
  const wildcardAfter = (probed: readonly Planned[], answers: readonly TxtAnswer[]): Promise<string | null> | null =>
    answers.some((a, i) => a.kind === 'nxdomain' && a.direct && !probed[i]!.selector.includes('.')) ? null : wildcardOf();

  let subtree: DkimSubtree = 'not-tested';
  let skipped = 0;
  let planned: Planned[];
  let answers: TxtAnswer[];
  let wildcard: string | null;
  const impliedP = plan.implied;
  if (given.length) {
    planned = given.map((selector) => ({ selector, origin: 'given' as const }));
    // a few selectors, likely keys: the made-up one goes out with them
    [wildcard, answers] = await Promise.all([wildcardOf(), probeList(planned)]);
  } else {
    const test = await fetchTxt(resolver, `_domainkey.${d}`);
    subtree = test.kind === 'nxdomain' ? 'nxdomain' : test.kind === 'error' ? 'unreadable' : 'exists';
    const common: Planned[] = COMMON_SELECTORS.map((selector) => ({ selector, origin: 'common' as const }));
    if (subtree === 'nxdomain') {
      const implied = (await impliedP).selectors.map((selector) => ({ selector, origin: 'provider' as const }));
      const canary = await probeList(implied);
      if (canary.every((a) => a.kind === 'nxdomain')) {
        planned = implied;
        answers = canary;
        wildcard = null;
        skipped = common.filter((c) => !implied.some((i) => i.selector === c.selector)).length;
      } else {
        // a server that answers below a name it called non-existent does not follow RFC 8020
        subtree = 'exists';
        const rest = common.filter((c) => !implied.some((i) => i.selector === c.selector));
        const [w, more] = await Promise.all([wildcardOf(), probeList(rest)]);
        planned = [...implied, ...rest];
        answers = [...canary, ...more];
        wildcard = w;
      }
    } else {
      // the common list goes out now; the provider's extra selectors once the SPF tree names it;
      // the made-up selector as soon as the list's answers show it is needed (none NXDOMAIN),
      // without waiting for the SPF tree
      const commonP = probeList(common);
      const [commonAnswers, w, extra] = await Promise.all([
        commonP,
        commonP.then((list) => wildcardAfter(common, list)),
        impliedP.then(async ({ selectors }) => {
          const list = selectors.filter((s) => !COMMON_SELECTORS.includes(s)).map((selector) => ({ selector, origin: 'provider' as const }));
          return { list, answers: await probeList(list) };
        }),
      ]);
      const implied = new Set((await impliedP).selectors);
      // provider-implied selectors first in the report, then the rest of the common list
      const all = [
        ...common.map((c, i) => ({ planned: implied.has(c.selector) ? { ...c, origin: 'provider' as const } : c, answer: commonAnswers[i]! })),
        ...extra.list.map((c, i) => ({ planned: c, answer: extra.answers[i]! })),
      ];
      const order = (p: Planned) => (p.origin === 'provider' ? 0 : 1);
      all.sort((a, b) => order(a.planned) - order(b.planned));
      planned = all.map((x) => x.planned);
      answers = all.map((x) => x.answer);
      wildcard = w;
    }
  }
  const probes = planned.map((o, i) => judge(d, o.selector, o.origin, answers[i]!, wildcard));

  // Microsoft 365 publishes selector1/selector2 as CNAMEs into the tenant; the target holds a key
  // only once DKIM is enabled for the domain, so a CNAME to nothing means "never enabled"
  const { cnameCheck } = await impliedP;
  await Promise.all(
    probes.map(async (p, i) => {
      if (p.status !== 'missing' || !cnameCheck.includes(p.selector)) return;
      const target = await fetchCname(resolver, p.name);
      if (target) probes[i] = { ...p, status: 'dangling-cname', cname: target };
    }),
  );
  return { domain: d, role: plan.role, source: given.length ? 'given' : 'common', selectors: probes, wildcard, subtree, skipped };
};
