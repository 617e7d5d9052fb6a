import { isIP } from '../ip.ts';
import type { ZoneRecord } from './zone.ts';

/** A zone file that is not valid RFC 1035 master-file syntax; names the file and line. */
export class ZoneSyntaxError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    // the message quotes the file's text: control characters are shown, not sent to a terminal
    super(`${file}:${line}: ${message.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`);
    this.name = 'ZoneSyntaxError';
    this.file = file;
    this.line = line;
  }
}

interface Token {
  /** The token with escapes decoded, as bytes (RFC 1035 5.1: \X and \DDD). */
  bytes: Buffer;
  quoted: boolean;
}

interface Entry {
  line: number;
  /** The entry began with white space: it has no owner name and reuses the previous one. */
  ownerOmitted: boolean;
  tokens: Token[];
}

/** Splits a master file into entries, one at a time, joining lines inside parentheses (RFC 1035 5.1). */
function* tokenize(text: string | Buffer, file: string): Generator<Entry> {
  let src = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  // a UTF-8 byte order mark, as some editors write it, is not part of the first owner name
  if (src[0] === 0xef && src[1] === 0xbb && src[2] === 0xbf) src = src.subarray(3);
  let line = 1;
  let depth = 0;
  let parenLine = 0;
  let current: Entry | null = null;
  let i = 0;
  // typed on the const, so that TypeScript narrows after a call to it (no `!` needed afterwards)
  const fail: (message: string, at?: number) => never = (message, at = line) => {
    throw new ZoneSyntaxError(file, at, message);
  };
  const startEntry = (ownerOmitted: boolean) => {
    current = { line, ownerOmitted, tokens: [] };
  };
  let atLineStart = true;
  while (i < src.length) {
    const c = src[i]!;
    if (c === 0x0a) {
      line++;
      i++;
      if (depth === 0) {
        const done = current as Entry | null;
        if (done && done.tokens.length > 0) yield done;
        current = null;
        atLineStart = true;
      }
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) {
      if (atLineStart && depth === 0 && current === null) {
        // leading white space: the owner is omitted; decided when a token appears
        atLineStart = false;
        startEntry(true);
      }
      i++;
      continue;
    }
    if (c === 0x3b) {
      // ";" comment to end of line
      while (i < src.length && src[i] !== 0x0a) i++;
      continue;
    }
    if (current === null) startEntry(false);
    atLineStart = false;
    const entry = current as unknown as Entry;
    if (c === 0x28) {
      if (depth === 0) parenLine = line;
      depth++;
      i++;
      continue;
    }
    if (c === 0x29) {
      if (depth === 0) fail('")" without a matching "("');
      depth--;
      i++;
      continue;
    }
    const quoted = c === 0x22;
    if (quoted) i++;
    const bytes: number[] = [];
    while (i < src.length) {
      const b = src[i]!;
      if (quoted ? b === 0x22 : b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a || b === 0x3b || b === 0x28 || b === 0x29) break;
      if (b === 0x0a) {
        // RFC 1035 5.1: only parentheses continue an entry over a line break
        if (depth === 0) fail('line break inside a quoted string (close it, or wrap the entry in parentheses)');
        line++;
      }
      if (b === 0x5c) {
        const next = src[i + 1];
        if (next === undefined) fail('escape "\\" at end of file');
        const digits = src.subarray(i + 1, i + 4).toString('latin1');
        if (/^[0-9]{3}$/.test(digits)) {
          const value = Number(digits);
          if (value > 255) fail(`escape \\${digits} is not an octet`);
          bytes.push(value);
          i += 4;
        } else if (next >= 0x30 && next <= 0x39) {
          fail('escape \\DDD needs exactly three digits');
        } else {
          if (next === 0x0a) line++;
          bytes.push(next);
          i += 2;
        }
        continue;
      }
      bytes.push(b);
      i++;
    }
    if (quoted) {
      if (i >= src.length) fail('unterminated quoted string', entry.line);
      i++; // closing quote
    }
    entry.tokens.push({ bytes: Buffer.from(bytes), quoted });
  }
  if (depth > 0) fail('"(" is never closed', parenLine);
  const last = current as Entry | null;
  if (last && last.tokens.length > 0) yield last;
}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);
const KNOWN_TYPES = new Set([
  'A', 'AAAA', 'TXT', 'SPF', 'MX', 'PTR', 'CNAME', 'NS', 'SRV', 'SOA', 'CAA', 'DS', 'DNSKEY', 'RRSIG', 'NSEC', 'NSEC3',
  'TLSA', 'HTTPS', 'SVCB', 'HINFO', 'NAPTR', 'SSHFP', 'DNAME', 'LOC', 'URI', 'OPENPGPKEY', 'SMIMEA', 'CERT',
]);
const TTL_RE = /^(?:[0-9]+|(?:[0-9]+[smhdw])+)$/i;

const parseTtl = (text: string): number => {
  if (/^[0-9]+$/.test(text)) return Number(text);
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const [, n, u] of text.toLowerCase().matchAll(/([0-9]+)([smhdw])/g)) total += Number(n) * units[u!]!;
  return total;
};

export interface ParseZoneOptions {
  /** The origin before any $ORIGIN; names without one must then be absolute. */
  origin?: string;
  defaultTtl?: number;
  /** Told each $ORIGIN the file sets (the names a file without SOA speaks for). */
  onOrigin?: (origin: string) => void;
}

/**
 * Parses an RFC 1035 master file (section 5): $ORIGIN, $TTL, "@", relative names, an omitted
 * owner, TTL and class in either order, parentheses, comments, quoted strings with \X and \DDD
 * escapes, and TXT records made of several character-strings. $INCLUDE is refused: a zone
 * given to fwdcheck must be self-contained so that the check is reproducible.
 */
export const parseZone = (text: string | Buffer, file: string, options: ParseZoneOptions = {}): ZoneRecord[] => [...iterateZone(text, file, options)];

/** parseZone one record at a time: a file of any size never makes one big array. */
export function* iterateZone(text: string | Buffer, file: string, options: ParseZoneOptions = {}): Generator<ZoneRecord> {
  let origin = options.origin ? absolute(options.origin, '', file, 0) : null;
  // RFC 2308 4: $TTL applies to records without a TTL; before any $TTL, the last explicit
  // TTL does (RFC 1035 5.1), and fwdcheck's default before both
  let directiveTtl: number | null = options.defaultTtl ?? null;
  let lastOwner: string | null = null;
  let lastExplicitTtl: number | null = null;
  for (const entry of tokenize(text, file)) {
    const fail: (message: string) => never = (message) => {
      throw new ZoneSyntaxError(file, entry.line, message);
    };
    const words = entry.tokens.map((t) => t.bytes.toString('utf8'));
    const first = words[0]!;
    if (!entry.ownerOmitted && first.startsWith('$')) {
      const directive = first.toUpperCase();
      if (directive === '$ORIGIN') {
        if (words.length !== 2) fail('$ORIGIN takes one domain name');
        origin = absolute(words[1]!, origin, file, entry.line);
        options.onOrigin?.(origin);
      } else if (directive === '$TTL') {
        if (words.length !== 2 || !TTL_RE.test(words[1]!)) fail('$TTL takes one time value');
        directiveTtl = parseTtl(words[1]!);
      } else if (directive === '$INCLUDE') {
        fail('$INCLUDE is not supported: pass each file with its own --zone');
      } else {
        fail(`unknown directive ${first}`);
      }
      continue;
    }

    let pos = 0;
    let owner: string;
    if (entry.ownerOmitted) {
      if (lastOwner === null) fail('record without an owner name, and no previous owner to reuse');
      owner = lastOwner;
    } else {
      owner = first === '@' ? requireOrigin(origin, file, entry.line) : absolute(first, origin, file, entry.line);
      pos = 1;
    }
    lastOwner = owner;

    let ttl: number | null = null;
    for (let k = 0; k < 2 && pos < words.length; k++) {
      const w = words[pos]!;
      if (ttl === null && TTL_RE.test(w) && !KNOWN_TYPES.has(w.toUpperCase())) {
        ttl = parseTtl(w);
        pos++;
      } else if (CLASSES.has(w.toUpperCase())) {
        if (w.toUpperCase() !== 'IN') fail(`class ${w} is not supported (only IN)`);
        pos++;
      }
    }
    const typeWord = words[pos];
    if (typeWord === undefined) fail(`record for ${owner} has no type`);
    const type = typeWord.toUpperCase();
    if (!KNOWN_TYPES.has(type) && !/^TYPE[0-9]+$/.test(type)) fail(`unknown record type "${typeWord}"`);
    pos++;
    const rdata = entry.tokens.slice(pos);
    const rwords = words.slice(pos);
    if (ttl !== null) lastExplicitTtl = ttl;
    ttl = ttl ?? directiveTtl ?? lastExplicitTtl ?? 3600;
    const name = owner;
    const need = (n: number) => {
      if (rwords.length !== n) fail(`${type} record for ${owner} needs ${n} field${n === 1 ? '' : 's'}, found ${rwords.length}`);
    };
    const target = (w: string) => (w === '@' ? requireOrigin(origin, file, entry.line) : absolute(w, origin, file, entry.line));

    switch (type) {
      case 'A':
        need(1);
        if (isIP(rwords[0]!) !== 4) fail(`"${rwords[0]}" is not an IPv4 address`);
        yield { name, ttl, type, data: rwords[0]! };
        break;
      case 'AAAA':
        need(1);
        if (isIP(rwords[0]!) !== 6) fail(`"${rwords[0]}" is not an IPv6 address`);
        yield { name, ttl, type, data: rwords[0]!.toLowerCase() };
        break;
      case 'TXT':
      case 'SPF': {
        if (rdata.length === 0) fail(`${type} record for ${owner} has no character-string`);
        for (const t of rdata) {
          // RFC 1035 3.3: a <character-string> is at most 255 octets
          if (t.bytes.length > 255) fail(`character-string of ${t.bytes.length} octets is over the limit of 255; split it into several quoted strings`);
        }
        // each octet as the character of the same code point (latin1), exactly as the wire
        // client decodes TXT (wire.ts txtToString): one record reads the same in both modes
        yield { name, ttl, type, data: rdata.map((t) => t.bytes.toString('latin1')) };
        break;
      }
      case 'MX': {
        need(2);
        const priority = Number(rwords[0]);
        if (!/^[0-9]+$/.test(rwords[0]!) || priority > 65535) fail(`MX preference "${rwords[0]}" is not a number from 0 to 65535`);
        yield { name, ttl, type, data: { priority, exchange: target(rwords[1]!) } };
        break;
      }
      case 'SRV': {
        need(4);
        const [priority, weight, port] = rwords.slice(0, 3).map((w) => (/^[0-9]+$/.test(w) ? Number(w) : NaN));
        if ([priority, weight, port].some((n) => n === undefined || Number.isNaN(n) || n > 65535)) fail('SRV priority, weight and port must be numbers from 0 to 65535');
        yield { name, ttl, type, data: { priority: priority!, weight: weight!, port: port!, name: target(rwords[3]!) } };
        break;
      }
      case 'PTR':
      case 'CNAME':
      case 'NS':
        need(1);
        yield { name, ttl, type, data: target(rwords[0]!) };
        break;
      default:
        if (rwords.length === 0) fail(`${type} record for ${owner} has no data`);
        yield { name, ttl, type: 'OTHER', rrtype: type, data: rwords.join(' ') };
    }
  }
}

const requireOrigin = (origin: string | null, file: string, line: number): string => {
  if (origin === null) throw new ZoneSyntaxError(file, line, '"@" or a relative name used before any $ORIGIN');
  return origin;
};

/** Makes a name absolute (without the trailing dot), appending the origin to a relative one. */
const absolute = (name: string, origin: string | null, file: string, line: number): string => {
  let result: string;
  if (name.endsWith('.')) {
    result = name.slice(0, -1);
  } else {
    const o = requireOrigin(origin, file, line);
    result = o === '' ? name : `${name}.${o}`;
  }
  result = result.toLowerCase();
  if (result.length > 253) throw new ZoneSyntaxError(file, line, `name "${name}" is longer than 253 octets`);
  for (const label of result === '' ? [] : result.split('.')) {
    if (label.length === 0) throw new ZoneSyntaxError(file, line, `name "${name}" has an empty label`);
    if (label.length > 63) throw new ZoneSyntaxError(file, line, `name "${name}" has a label longer than 63 octets`);
  }
  return result;
};
