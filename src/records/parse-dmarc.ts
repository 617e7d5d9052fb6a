import { DMARC_POLICIES, isDmarcPolicy, type DmarcPolicy } from '../auth/types.ts';

export type { DmarcPolicy } from '../auth/types.ts';

export interface DmarcTags {
  p?: DmarcPolicy;
  sp?: DmarcPolicy;
  np?: DmarcPolicy;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  /** RFC 7489 only; RFC 9989 dropped it. */
  pct: number;
  /** RFC 9989 testing flag: t=y applies the next weaker policy. */
  t: boolean;
  psd?: 'y' | 'n' | 'u';
  rua: string[];
  ruf: string[];
  fo?: string;
}

export type DmarcIssueCode =
  | 'missing-policy'
  | 'invalid-policy'
  | 'invalid-subdomain-policy'
  | 'invalid-np'
  | 'invalid-alignment'
  | 'invalid-pct'
  | 'invalid-t'
  | 'duplicate-tag'
  | 'unknown-tag'
  | 'obsolete-tag';

export interface DmarcIssue {
  code: DmarcIssueCode;
  tag: string;
  value?: string;
}

export interface ParsedDmarc {
  tags: DmarcTags;
  issues: DmarcIssue[];
  /** The policy the record is applied with under RFC 9989 4.10.1, or null: no DMARC processing. */
  effectiveP: DmarcPolicy | null;
  /** The same under RFC 7489 6.6.3, where np is an unknown tag and ignored (6.3). */
  effectiveP7489: DmarcPolicy | null;
  /** Whether the record is applied as published; false when a broken p/sp/np makes it act as p=none. */
  intact: boolean;
  /** The same under RFC 7489. */
  intact7489: boolean;
}

/** RFC 7489 6.4 / RFC 9989 4.7: the record starts with the v=DMARC1 tag. */
// the tag name is case-insensitive, the value "DMARC1" is not (RFC 7489 6.4: %x44 %x4d %x41 ...)
export const isDmarcRecord = (txt: string): boolean => /^[vV][ \t]*=[ \t]*DMARC1[ \t]*(;|$)/.test(txt);

const KNOWN: ReadonlySet<string> = new Set(['v', 'p', 'sp', 'np', 'adkim', 'aspf', 'pct', 't', 'psd', 'rua', 'ruf', 'fo', 'rf', 'ri']);
const OBSOLETE: ReadonlySet<string> = new Set(['rf', 'ri']);

/**
 * Parses a DMARC record's tag-list (RFC 6376 3.2 syntax). Tag names and the values of the
 * enumerated tags are taken case-insensitively, as receivers do; unknown tags are ignored
 * (RFC 7489 6.3) but reported.
 */
export const parseDmarc = (record: string): ParsedDmarc => {
  const tags: DmarcTags = { adkim: 'r', aspf: 'r', pct: 100, t: false, rua: [], ruf: [] };
  const issues: DmarcIssue[] = [];
  const seen = new Set<string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    const lower = value.toLowerCase();
    if (!name) continue;
    if (seen.has(name)) issues.push({ code: 'duplicate-tag', tag: name });
    seen.add(name);
    if (!KNOWN.has(name)) {
      issues.push({ code: 'unknown-tag', tag: name, value });
      continue;
    }
    if (OBSOLETE.has(name)) issues.push({ code: 'obsolete-tag', tag: name, value });
    switch (name) {
      case 'p':
      case 'sp':
      case 'np':
        if (isDmarcPolicy(lower)) tags[name] = lower;
        else issues.push({ code: name === 'p' ? 'invalid-policy' : name === 'sp' ? 'invalid-subdomain-policy' : 'invalid-np', tag: name, value });
        break;
      case 'adkim':
      case 'aspf':
        if (lower === 'r' || lower === 's') tags[name] = lower;
        else issues.push({ code: 'invalid-alignment', tag: name, value });
        break;
      case 'pct':
        if (/^[0-9]{1,3}$/.test(value) && Number(value) <= 100) tags.pct = Number(value);
        else issues.push({ code: 'invalid-pct', tag: name, value });
        break;
      case 't':
        if (lower === 'y' || lower === 'n') tags.t = lower === 'y';
        else issues.push({ code: 'invalid-t', tag: name, value });
        break;
      case 'psd':
        if (lower === 'y' || lower === 'n' || lower === 'u') tags.psd = lower;
        break;
      case 'rua':
      case 'ruf':
        tags[name] = value.split(',').map((u) => u.trim()).filter(Boolean);
        break;
      case 'fo':
        tags.fo = lower;
        break;
      default:
        break;
    }
  }
  if (!seen.has('p')) issues.push({ code: 'missing-policy', tag: 'p' });
  // A record without a valid p (or with an invalid sp/np) acts as p=none if it asks for
  // aggregate reports, and gets no DMARC processing otherwise (RFC 7489 6.6.3, RFC 9989 4.10.1).
  const reports = tags.rua.some((u) => /^[a-z][a-z0-9+.-]*:/i.test(u));
  const broken7489 = !tags.p || issues.some((i) => i.code === 'invalid-subdomain-policy');
  const broken = broken7489 || issues.some((i) => i.code === 'invalid-np');
  const apply = (isBroken: boolean): DmarcPolicy | null => (isBroken ? (reports ? 'none' : null) : tags.p!);
  return { tags, issues, effectiveP: apply(broken), effectiveP7489: apply(broken7489), intact: !broken, intact7489: !broken7489 };
};

const ENUMERATED: Readonly<Record<string, readonly string[]>> = {
  p: DMARC_POLICIES,
  sp: DMARC_POLICIES,
  np: DMARC_POLICIES,
  adkim: ['r', 's'],
  aspf: ['r', 's'],
  t: ['y', 'n'],
};

/** Levenshtein distance, for naming the value a typo meant (p=rejet -> reject). */
const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
};

/** The valid value closest to a mistyped one, or null when nothing is close (at most 2 edits). */
export const closestValue = (tag: string, value: string): string | null => {
  const choices = ENUMERATED[tag];
  if (!choices) return null;
  const lower = value.toLowerCase();
  let best: string | null = null;
  let bestDistance = 3;
  for (const choice of choices) {
    // a prefix counts as close: "quar" meant quarantine
    const d = choice.startsWith(lower) && lower.length >= 3 ? 1 : distance(lower, choice);
    if (d < bestDistance) [best, bestDistance] = [choice, d];
  }
  return best;
};

/**
 * The record as it should be published: duplicated tags reduced to the one receivers apply
 * (the last, as mailauth and the large receivers read it), mistyped values of enumerated tags
 * corrected, invalid ones dropped, and a missing p= added as p=none. Null when the record needs
 * no correction. Unknown tags are kept: they do no harm (RFC 7489 6.3).
 */
export const correctedDmarcRecord = (record: string): string | null => {
  const parts: [string, string][] = [];
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (!name) continue;
    parts.push([name, part.slice(eq + 1).trim()]);
  }
  const last = new Map<string, string>();
  for (const [name, value] of parts) last.set(name, value);
  const out: string[] = ['v=DMARC1'];
  let changed = parts.length !== last.size;
  for (const [name, rawValue] of last) {
    if (name === 'v') continue;
    let value = rawValue;
    const choices = ENUMERATED[name];
    if (choices && !choices.includes(value.toLowerCase())) {
      const fixed = closestValue(name, value);
      changed = true;
      if (fixed === null) {
        // an sp/np/adkim/aspf/t nobody can guess is dropped (the default applies); p falls back to none
        if (name === 'p') value = 'none';
        else continue;
      } else value = fixed;
    }
    if (name === 'pct' && !(/^[0-9]{1,3}$/.test(value) && Number(value) <= 100)) {
      changed = true;
      continue;
    }
    out.push(`${name}=${value}`);
  }
  if (!last.has('p')) {
    changed = true;
    out.splice(1, 0, 'p=none');
  } else {
    // RFC 7489 6.4: the policy request follows the version tag
    const i = out.findIndex((t) => t.startsWith('p='));
    if (i > 1) out.splice(1, 0, ...out.splice(i, 1));
  }
  return changed ? out.join('; ') : null;
};
