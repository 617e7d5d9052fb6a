// The SPF record a sender can publish instead, when the fix is mechanical: the same record without
// the terms that make receivers answer permerror (RFC 7208 4.6: a syntax error anywhere; 5.2 and
// 6.1: an include or redirect whose domain has no single SPF record) and without "ptr", which
// RFC 7208 5.5 says not to use. Anything that needs judgement (more than 10 lookups, which only
// flattening fixes; several records, which only their owner can merge; +all) gets no record.
import type { Finding } from '../report/findings.ts';

const JUDGEMENT: ReadonlySet<string> = new Set(['SPF_TOO_MANY_LOOKUPS', 'SPF_TOO_MANY_VOID_LOOKUPS', 'SPF_MULTIPLE_RECORDS', 'SPF_INCLUDE_LOOP', 'SPF_MX_TOO_MANY', 'SPF_PASS_ALL', 'SPF_MISSING']);

export interface SpfFix {
  /** The record to publish at the domain, replacing the one there. */
  record: string;
  /** The terms left out, as published. */
  removed: string[];
}

/** The corrected record of `domain`, or null when the fix is not mechanical or nothing is to remove. */
export const spfFix = (domain: string, record: string | null, findings: readonly Finding[]): SpfFix | null => {
  if (record === null) return null;
  const own = findings.filter((f) => 'domain' in f && f.domain === domain);
  // limits over the whole tree (lookups, void lookups) carry no domain: they block the fix too
  if (findings.some((f) => JUDGEMENT.has(f.code) && (!('domain' in f) || f.domain === domain))) return null;
  const drop = new Set<string>();
  const targets = new Set<string>();
  for (const f of own) {
    if (f.code === 'SPF_SYNTAX_ERROR' || f.code === 'SPF_PTR') drop.add(f.term.toLowerCase());
    if (f.code === 'SPF_INCLUDE_MISSING' || f.code === 'SPF_INCLUDE_MULTIPLE') targets.add(f.target.toLowerCase());
  }
  const terms = record.trim().split(/ +/);
  const removed: string[] = [];
  const kept = terms.filter((t, i) => {
    if (i === 0) return true; // v=spf1
    const lower = t.toLowerCase();
    const target = /^[-+~?]?include:(.+)$/.exec(lower)?.[1] ?? /^redirect=(.+)$/.exec(lower)?.[1];
    const bad = drop.has(lower) || (target !== undefined && targets.has(target.replace(/\.$/, '')));
    if (bad) removed.push(t);
    return !bad;
  });
  // a syntax issue reported for a stretch of text rather than one term (bad white space) is not
  // a term to leave out: no mechanical fix then
  if (own.some((f) => f.code === 'SPF_SYNTAX_ERROR' && !terms.some((t) => t.toLowerCase() === f.term.toLowerCase()))) return null;
  if (removed.length === 0) return null;
  return { record: kept.join(' '), removed };
};
