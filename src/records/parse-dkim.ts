import { createPublicKey } from 'node:crypto';

export type DkimKeyProblem =
  | 'revoked' // empty p= (RFC 6376 3.6.1)
  | 'weak-key' // RSA under 1024 bits: refused by verifiers (RFC 8301 3.2) and Gmail
  | 'short-key' // RSA 1024..2047 bits: accepted, but Gmail recommends 2048
  | 'sha1-only' // h= allows only sha1, which RFC 8301 3.1 forbids
  | 'testing' // t=y: verifiers may treat failures as unsigned (RFC 6376 3.6.1)
  | 'unknown-key-type'
  | 'bad-key-data'
  | 'bad-version'
  | 'not-for-email' // s= excludes email
  | 'duplicate-tag'; // a tag given twice: the tag-list is invalid (RFC 6376 3.2)

export interface DkimKey {
  keyType: string;
  /** Key size in bits (RSA modulus; 256 for Ed25519); null when the data cannot be read. */
  bits: number | null;
  testing: boolean;
  hashAlgorithms: string[] | null;
  problems: DkimKeyProblem[];
  /** A verifier would accept a signature made with this key. */
  usable: boolean;
}

/** A TXT answer that is not a DKIM key record at all (no p= tag): likely a wildcard or stray record. */
export const looksLikeDkimKey = (txt: string): boolean => /(^|;)\s*p\s*=/.test(txt) && !/^v=spf1/i.test(txt) && !/^v\s*=\s*DMARC1/i.test(txt);

/**
 * RFC 6376 3.2: tag names are case-sensitive, and "Tags with duplicate names MUST NOT occur
 * within a single tag-list; if a tag name does occur more than once, the entire tag-list is
 * invalid". The duplicates are returned so the caller can refuse the record.
 */
const parseTags = (txt: string): { tags: Map<string, string>; duplicates: string[] } => {
  const tags = new Map<string, string>();
  const duplicates: string[] = [];
  for (const part of txt.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (tags.has(name)) duplicates.push(name);
    tags.set(name, part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return { tags, duplicates };
};

/**
 * RSA key sizes by p= value: a batch meets the same provider keys again and again, and reading
 * one through createPublicKey costs more than the rest of a check's DKIM work. Bounded: when
 * full, the oldest half is dropped.
 */
const RSA_BITS_CACHE_SIZE = 512;
const rsaBitsCache = new Map<string, number | null>();

/** rsaBits by the p= text, through the cache (exported for tests). */
export const rsaBitsOf = (p: string): number | null => {
  const known = rsaBitsCache.get(p);
  if (known !== undefined) return known;
  const bits = rsaBits(Buffer.from(p, 'base64'));
  if (rsaBitsCache.size >= RSA_BITS_CACHE_SIZE) {
    let drop = RSA_BITS_CACHE_SIZE / 2;
    for (const k of rsaBitsCache.keys()) {
      if (drop-- <= 0) break;
      rsaBitsCache.delete(k);
    }
  }
  rsaBitsCache.set(p, bits);
  return bits;
};

/** Keys in the cache now (for tests). */
export const rsaBitsCacheSize = (): number => rsaBitsCache.size;

const rsaBits = (der: Buffer): number | null => {
  // RFC 6376 3.6.1: p= is an RSAPublicKey inside a SubjectPublicKeyInfo; some publish the bare PKCS#1 form
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      if (key.asymmetricKeyType === 'rsa') return key.asymmetricKeyDetails?.modulusLength ?? null;
    } catch {
      // try the next form
    }
  }
  return null;
};

/** Parses a DKIM key record (RFC 6376 3.6.1, RFC 8463 for Ed25519) and judges it as Gmail would. */
export const parseDkimKey = (txt: string): DkimKey => {
  const { tags, duplicates } = parseTags(txt);
  const problems: DkimKeyProblem[] = [];
  if (duplicates.length) problems.push('duplicate-tag');
  const version = tags.get('v');
  if (version !== undefined && version !== 'DKIM1') problems.push('bad-version');
  const keyType = (tags.get('k') ?? 'rsa').toLowerCase();
  const flags = (tags.get('t') ?? '').split(':').map((f) => f.trim().toLowerCase());
  const testing = flags.includes('y');
  if (testing) problems.push('testing');
  const h = tags.get('h');
  const hashAlgorithms = h ? h.toLowerCase().split(':').filter(Boolean) : null;
  if (hashAlgorithms && !hashAlgorithms.includes('sha256')) problems.push('sha1-only');
  const service = tags.get('s');
  if (service && !service.split(':').some((s) => s === '*' || s.toLowerCase() === 'email')) problems.push('not-for-email');

  const p = tags.get('p') ?? '';
  let bits: number | null = null;
  if (p === '') {
    problems.push('revoked');
  } else if (!/^[A-Za-z0-9+/]+={0,2}$/.test(p)) {
    problems.push('bad-key-data');
  } else {
    if (keyType === 'rsa') {
      bits = rsaBitsOf(p);
      if (bits === null) problems.push('bad-key-data');
      else if (bits < 1024) problems.push('weak-key');
      else if (bits < 2048) problems.push('short-key');
    } else if (keyType === 'ed25519') {
      // RFC 8463 4.2: the raw 32-octet public key
      if (Buffer.from(p, 'base64').length === 32) bits = 256;
      else problems.push('bad-key-data');
    } else {
      problems.push('unknown-key-type');
    }
  }
  return { keyType, bits, testing, hashAlgorithms, problems, usable: !problems.some((x) => BLOCKING.has(x)) };
};

const BLOCKING: ReadonlySet<DkimKeyProblem> = new Set(['revoked', 'weak-key', 'sha1-only', 'unknown-key-type', 'bad-key-data', 'bad-version', 'not-for-email', 'duplicate-tag']);

/**
 * Several key records at one selector: a verifier "can choose one of the key records or may
 * cycle through" them (RFC 6376 3.6.2.2), so the outcome must not depend on answer order. The
 * key a signature is judged by is the weakest one, since any verifier may pick it; records are
 * sorted first so ties break the same way whatever order the answer came in.
 */
export const weakestKey = (records: readonly string[]): { record: string; key: DkimKey } => {
  const parsed = [...records].sort().map((record) => ({ record, key: parseDkimKey(record) }));
  const rank = (k: DkimKey) => (k.usable ? 1 : 0) * 1e6 + (k.keyType === 'ed25519' ? 4096 : (k.bits ?? 0));
  return parsed.reduce((a, b) => (rank(b.key) < rank(a.key) ? b : a));
};
