// Result and policy words shared by records/ (what is published), simulate/ (what a receiver
// concludes) and report/ (what is said). They sit below all three so that imports run one way:
// auth/ imports nothing of fwdcheck but dns/types.ts.

/** RFC 7208 2.6: the results of check_host(). */
export const SPF_RESULTS = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror'] as const;
export type SpfResult = (typeof SPF_RESULTS)[number];

/** RFC 7489 / RFC 9989 results (the Authentication-Results words, RFC 8601 2.7.1). */
export const DMARC_RESULTS = ['pass', 'fail', 'none', 'temperror', 'permerror'] as const;
export type DmarcResult = (typeof DMARC_RESULTS)[number];

/** The p=, sp= and np= values (RFC 7489 6.3, RFC 9989 4.7). */
export const DMARC_POLICIES = ['none', 'quarantine', 'reject'] as const;
export type DmarcPolicy = (typeof DMARC_POLICIES)[number];

const has = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);
export const isSpfResult = (v: unknown): v is SpfResult => has(SPF_RESULTS, v);
export const isDmarcResult = (v: unknown): v is DmarcResult => has(DMARC_RESULTS, v);
export const isDmarcPolicy = (v: unknown): v is DmarcPolicy => has(DMARC_POLICIES, v);
