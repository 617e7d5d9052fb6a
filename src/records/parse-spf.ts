import { isIP } from '../ip.ts';

export type SpfQualifier = '+' | '-' | '~' | '?';
export type SpfMechanismName = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

export type SpfTerm =
  | {
      kind: 'mechanism';
      qualifier: SpfQualifier;
      mechanism: SpfMechanismName;
      /** include/a/mx/ptr/exists target, unexpanded */
      domainSpec?: string;
      /** ip4/ip6 network */
      network?: string;
      cidr4?: number;
      cidr6?: number;
      raw: string;
    }
  | { kind: 'modifier'; name: string; value: string; raw: string };

export type SpfSyntaxReason =
  | 'unknown-mechanism'
  | 'missing-argument'
  | 'unexpected-argument'
  | 'bad-domain-spec'
  | 'bad-macro'
  | 'macro-letter-outside-exp'
  | 'bad-ip'
  | 'bad-cidr'
  | 'duplicate-modifier'
  | 'bad-modifier-name'
  | 'bad-whitespace'
  | 'non-ascii';

export interface SpfSyntaxIssue {
  term: string;
  reason: SpfSyntaxReason;
}

export interface ParsedSpf {
  terms: SpfTerm[];
  issues: SpfSyntaxIssue[];
}

/** RFC 7208 4.5: an SPF record begins with exactly "v=spf1", then a space or the end. */
export const isSpfRecord = (txt: string): boolean => /^v=spf1( |$)/i.test(txt);

/** Terms that cause a DNS query and count against the limit of 10 (RFC 7208 4.6.4). */
export const LOOKUP_MECHANISMS: ReadonlySet<string> = new Set(['include', 'a', 'mx', 'ptr', 'exists']);

const MECHANISMS: ReadonlySet<string> = new Set(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);
const MACRO_LETTERS = 'slodiphcrtv';
const EXP_ONLY_LETTERS = 'crt'; // RFC 7208 7.2: c, r and t are allowed only in "exp" text
const TOPLABEL = /^(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i;
const DELIMITERS = '.-+,/_=';

/**
 * Checks a macro-string (RFC 7208 7.1). Returns the reason it is invalid, or null.
 * `inExp` is set for explanation text, where c, r and t are allowed.
 */
export const checkMacroString = (text: string, inExp = false): SpfSyntaxReason | null => {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    if (ch !== '%') {
      // macro-literal = %x21-24 / %x26-7E (visible ASCII but "%"); space only in exp text
      if (code > 0x7e) return 'non-ascii';
      if (code < 0x21 && !(inExp && ch === ' ')) return 'bad-macro';
      continue;
    }
    const next = text[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      i++;
      continue;
    }
    if (next !== '{') return 'bad-macro';
    const end = text.indexOf('}', i);
    if (end < 0) return 'bad-macro';
    const body = text.slice(i + 2, end);
    const m = /^([a-z])([0-9]*)(r?)(.*)$/i.exec(body);
    if (!m || !MACRO_LETTERS.includes(m[1]!.toLowerCase())) return 'bad-macro';
    if (!inExp && EXP_ONLY_LETTERS.includes(m[1]!.toLowerCase())) return 'macro-letter-outside-exp';
    // RFC 7208 7.1: a digit transformer of zero is not allowed
    if (m[2] && Number(m[2]) === 0) return 'bad-macro';
    for (const d of m[4]!) if (!DELIMITERS.includes(d)) return 'bad-macro';
    i = end;
  }
  return null;
};

/** domain-spec = macro-string domain-end (RFC 7208 7.1). */
export const checkDomainSpec = (spec: string): SpfSyntaxReason | null => {
  if (spec === '') return 'missing-argument';
  const macro = checkMacroString(spec);
  if (macro) return macro;
  // domain-end = ( "." toplabel [ "." ] ) / macro-expand
  if (/%\{[^}]*\}$/.test(spec) && !/%%\{[^}]*\}$/.test(spec)) return null;
  const trimmed = spec.endsWith('.') ? spec.slice(0, -1) : spec;
  const dot = trimmed.lastIndexOf('.');
  if (dot < 0) return 'bad-domain-spec';
  const top = trimmed.slice(dot + 1);
  if (!TOPLABEL.test(top)) return 'bad-domain-spec';
  // RFC 7208 4.3 (RFC 1035 2.3.4): labels are 1..63 octets; macros may change the length
  if (!spec.includes('%') && trimmed.split('.').some((l) => l.length === 0 || l.length > 63)) return 'bad-domain-spec';
  return null;
};

const parseCidr = (text: string, max: number): number | null => {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) return null;
  const n = Number(text);
  return n <= max ? n : null;
};

/**
 * Parses an SPF record into terms (RFC 7208 4.6.1, 12) and lists every syntax error in it.
 * Evaluation stops at the first matching term, so errors after it go unseen by an evaluator;
 * this parser sees all of them, which is why fwdcheck reports them as findings.
 */
export const parseSpf = (record: string): ParsedSpf => {
  const terms: SpfTerm[] = [];
  const issues: SpfSyntaxIssue[] = [];
  const body = record.replace(/^v=spf1/i, '');
  // terms = *( 1*SP ( directive / modifier ) ); only spaces separate terms
  if (/[\t\r\n]/.test(body)) issues.push({ term: body.trim(), reason: 'bad-whitespace' });
  const seenModifiers = new Set<string>();
  for (const raw of body.split(/[ \t\r\n]+/).filter((t) => t !== '')) {
    const issue = (reason: SpfSyntaxReason) => issues.push({ term: raw, reason });
    const modifier = /^([a-z][a-z0-9._-]*)=(.*)$/i.exec(raw);
    if (modifier) {
      const name = modifier[1]!.toLowerCase();
      const value = modifier[2]!;
      terms.push({ kind: 'modifier', name, value, raw });
      if (name === 'redirect' || name === 'exp') {
        // RFC 7208 6: each may appear at most once
        if (seenModifiers.has(name)) issue('duplicate-modifier');
        seenModifiers.add(name);
        const bad = checkDomainSpec(value);
        if (bad) issue(bad);
      } else {
        const bad = checkMacroString(value);
        if (bad) issue(bad);
      }
      continue;
    }
    if (/^[^:/]*=/.test(raw)) {
      issue('bad-modifier-name');
      continue;
    }
    const m = /^([-+~?]?)([a-z0-9][a-z0-9._-]*)(.*)$/i.exec(raw);
    const name = m?.[2]?.toLowerCase();
    if (!m || !name || !MECHANISMS.has(name)) {
      issue(/[^\x20-\x7e]/.test(raw) ? 'non-ascii' : 'unknown-mechanism');
      continue;
    }
    const qualifier = (m[1] || '+') as SpfQualifier;
    const mechanism = name as SpfMechanismName;
    const rest = m[3]!;
    const term: SpfTerm = { kind: 'mechanism', qualifier, mechanism, raw };
    switch (mechanism) {
      case 'all':
        if (rest !== '') issue('unexpected-argument');
        break;
      case 'include':
      case 'exists': {
        if (!rest.startsWith(':') || rest.length === 1) {
          issue('missing-argument');
          break;
        }
        term.domainSpec = rest.slice(1);
        const bad = checkDomainSpec(term.domainSpec);
        if (bad) issue(bad);
        break;
      }
      case 'ptr': {
        if (rest === '') break;
        if (!rest.startsWith(':')) {
          issue('unexpected-argument');
          break;
        }
        term.domainSpec = rest.slice(1);
        const bad = checkDomainSpec(term.domainSpec);
        if (bad) issue(bad);
        break;
      }
      case 'a':
      case 'mx': {
        // [ ":" domain-spec ] [ dual-cidr-length ]
        const dm = /^(?::([^/]*))?(?:\/([^/]*))?(?:\/\/([^/]*))?$/.exec(rest);
        if (!dm) {
          issue('bad-cidr');
          break;
        }
        if (dm[1] !== undefined) {
          term.domainSpec = dm[1];
          const bad = checkDomainSpec(dm[1]);
          if (bad) issue(bad);
        }
        if (dm[2] !== undefined) {
          const c = parseCidr(dm[2], 32);
          if (c === null) issue('bad-cidr');
          else term.cidr4 = c;
        }
        if (dm[3] !== undefined) {
          const c = parseCidr(dm[3], 128);
          if (c === null) issue('bad-cidr');
          else term.cidr6 = c;
        }
        break;
      }
      case 'ip4':
      case 'ip6': {
        if (!rest.startsWith(':')) {
          issue('missing-argument');
          break;
        }
        const slash = rest.indexOf('/', 1);
        const network = slash < 0 ? rest.slice(1) : rest.slice(1, slash);
        const family = mechanism === 'ip4' ? 4 : 6;
        if (network.includes('%') || isIP(network) !== family) issue('bad-ip');
        term.network = network;
        if (slash >= 0) {
          const c = parseCidr(rest.slice(slash + 1), family === 4 ? 32 : 128);
          if (c === null) issue('bad-cidr');
          else if (family === 4) term.cidr4 = c;
          else term.cidr6 = c;
        }
        break;
      }
    }
    terms.push(term);
  }
  return { terms, issues };
};
