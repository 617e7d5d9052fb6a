// What SMTP clients really send as HELO/EHLO and MAIL FROM. fwdcheck takes whatever a client may
// send, says what is unusual about it, and lets SPF treat it as RFC 7208 says (2.3, 4.3): a
// malformed or single-label domain gives "none", it is not a usage error.

/** Something unusual about the HELO name or the MAIL FROM address. */
export type EnvelopeOddity =
  | 'one-label' // not a multi-label domain (RFC 7208 4.3: SPF "none")
  | 'address-literal' // [192.0.2.1] or a domain literal after @ (RFC 5321 4.1.3)
  | 'not-a-domain' // characters no host name has (spaces, quotes, %, ...)
  | 'label-too-long' // a label over 63 octets (RFC 1035 2.3.4): SPF "none"
  | 'name-too-long' // over 253 octets
  | 'empty-label' // a..example
  | 'empty-local-part' // @example.com (RFC 5321 allows no empty local part; RFC 7208 4.3 uses "postmaster")
  | 'quoted-local-part' // "a b"@example.com (RFC 5321 4.1.2)
  | 'unquoted-special' // a local part with characters RFC 5321 allows only quoted
  | 'local-part-too-long'; // over 64 octets (RFC 5321 4.5.3.1.1)

export interface EnvelopeNote {
  what: 'helo' | 'mail-from';
  value: string;
  oddity: EnvelopeOddity;
}

/** Why a string is not a multi-label domain SPF can query (RFC 7208 4.3), or null when it is one. */
export const domainOddity = (name: string): EnvelopeOddity | null => {
  if (/^\[.*\]$/.test(name)) return 'address-literal';
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (/[^\x21-\x7e]|["'%\\,;:@()<>[\]]/.test(trimmed)) return 'not-a-domain';
  const labels = trimmed.split('.');
  if (labels.some((l) => l.length === 0)) return 'empty-label';
  if (labels.some((l) => l.length > 63)) return 'label-too-long';
  if (trimmed.length > 253) return 'name-too-long';
  if (labels.length < 2) return 'one-label';
  return null;
};

/** Whether SPF can look the domain up at all: RFC 7208 4.3 gives "none" otherwise. */
export const isSpfDomain = (name: string): boolean => domainOddity(name) === null;

// RFC 5321 4.1.2 Dot-string: atext and dots
const DOT_STRING = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

export interface ParsedMailbox {
  local: string;
  domain: string;
}

/**
 * Splits an envelope address at the @ that ends its local part: after a quoted local part's
 * closing quote, else at the only @. Returns a reason string when the address cannot be split.
 */
export const splitMailbox = (address: string): ParsedMailbox | string => {
  let local: string;
  let rest: string;
  if (address.startsWith('"')) {
    // RFC 5321 4.1.2 Quoted-string: a backslash quotes the next character
    let i = 1;
    for (; i < address.length && address[i] !== '"'; i++) if (address[i] === '\\') i++;
    if (i >= address.length) return 'the quoted local part has no closing quote';
    local = address.slice(0, i + 1);
    rest = address.slice(i + 1);
    if (!rest.startsWith('@')) return 'expected @ after the quoted local part';
    rest = rest.slice(1);
  } else {
    const at = address.indexOf('@');
    if (at < 0) return 'expected local-part@domain, or <> for the null sender';
    local = address.slice(0, at);
    rest = address.slice(at + 1);
    // RFC 5321 4.1.2: an @ in the local part must be quoted ("a@b"@example.com)
    if (rest.includes('@')) return 'more than one @ (an @ in the local part must be quoted, as in "a@b"@example.com)';
  }
  if (rest === '') return 'the domain after @ is empty';
  return { local, domain: rest };
};

/** The unusual things about an envelope: what a warning names. Pure. */
export const envelopeNotes = (mailFrom: string, helo: string, heloGiven: boolean): EnvelopeNote[] => {
  const notes: EnvelopeNote[] = [];
  const heloOdd = domainOddity(helo);
  if (heloGiven && heloOdd) notes.push({ what: 'helo', value: helo, oddity: heloOdd });
  if (mailFrom === '') return notes;
  const parts = splitMailbox(mailFrom);
  if (typeof parts === 'string') return notes;
  const add = (oddity: EnvelopeOddity) => notes.push({ what: 'mail-from', value: mailFrom, oddity });
  if (parts.local === '') add('empty-local-part');
  else if (parts.local.startsWith('"')) add('quoted-local-part');
  else if (!DOT_STRING.test(parts.local)) add('unquoted-special');
  if (parts.local.length > 64) add('local-part-too-long');
  const domainOdd = domainOddity(parts.domain);
  if (domainOdd) add(domainOdd);
  return notes;
};
