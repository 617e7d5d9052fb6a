import type { MxRecord, SrvRecord } from './types.ts';
import { normalizeName } from './types.ts';

/** One resource record of a zone, with its data typed by record type. */
export type ZoneRecord =
  | { name: string; ttl: number; type: 'A' | 'AAAA' | 'PTR' | 'CNAME' | 'NS'; data: string }
  | { name: string; ttl: number; type: 'TXT' | 'SPF'; data: string[] }
  | { name: string; ttl: number; type: 'MX'; data: MxRecord }
  | { name: string; ttl: number; type: 'SRV'; data: SrvRecord }
  | { name: string; ttl: number; type: 'OTHER'; rrtype: string; data: string };

/**
 * A name whose queries fail, for tests. "timeout-when-empty" times out only the queries for
 * types the name has no records of: the semantics of the RFC 7208 suite's TIMEOUT entries.
 */
export type ZoneFault = 'timeout' | 'servfail' | 'timeout-when-empty';

export type ZoneLookup =
  | { kind: 'answer'; records: ZoneRecord[]; cnames: ZoneRecord[] }
  | { kind: 'nxdomain'; cnames: ZoneRecord[] }
  | { kind: 'nodata'; cnames: ZoneRecord[] }
  | { kind: 'fault'; fault: 'timeout' | 'servfail' };

const recordType = (r: ZoneRecord): string => (r.type === 'OTHER' ? r.rrtype : r.type);

// RFC 1034 3.6.2: a CNAME chain longer than this is treated as a loop.
const MAX_CNAME_CHAIN = 8;

/**
 * An in-memory authoritative view of one or more zones. Answers like an authoritative server
 * would (RFC 1034 4.3.2): CNAMEs are followed, wildcards (4.3.3) match names that do not exist,
 * and an empty non-terminal (a name with nothing but names below it) exists, so a query for it
 * is NODATA rather than NXDOMAIN.
 */
export type ZoneStep =
  | { kind: 'answer'; records: ZoneRecord[] }
  | { kind: 'cname'; record: ZoneRecord & { type: 'CNAME' } }
  | { kind: 'nxdomain' }
  | { kind: 'nodata' }
  | { kind: 'fault'; fault: 'timeout' | 'servfail' };

export class ZoneIndex {
  readonly #byName = new Map<string, ZoneRecord[]>();
  readonly #existing = new Set<string>();
  readonly #faults = new Map<string, ZoneFault>();
  /** name, type and data of every record: RFC 2181 5, an RRset holds each record once. */
  readonly #seen = new Set<string>();
  /** The names the index answers for, with everything below them (zone origins). */
  readonly #authorities = new Set<string>();

  constructor(records: Iterable<ZoneRecord>, faults: Iterable<[string, ZoneFault]> = []) {
    for (const record of records) this.add(record);
    for (const [name, fault] of faults) {
      this.#faults.set(normalizeName(name), fault);
      this.#markExisting(normalizeName(name));
    }
  }

  add(record: ZoneRecord): void {
    const name = normalizeName(record.name);
    const key = `${name}\0${recordType(record)}\0${JSON.stringify(record.data)}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    const list = this.#byName.get(name) ?? [];
    list.push({ ...record, name } as ZoneRecord);
    this.#byName.set(name, list);
    this.#markExisting(name);
  }

  #markExisting(name: string): void {
    const labels = name.split('.');
    for (let i = 0; i < labels.length; i++) this.#existing.add(labels.slice(i).join('.'));
  }

  /** Makes the index authoritative for a name and all names below it. */
  addAuthority(origin: string): void {
    this.#authorities.add(normalizeName(origin));
  }

  get authorities(): readonly string[] {
    return [...this.#authorities].sort();
  }

  /** Whether a name is at or below one of the index's origins: there, a missing name does not exist. */
  isAuthoritative(name: string): boolean {
    const labels = normalizeName(name).split('.');
    for (let i = 0; i < labels.length; i++) if (this.#authorities.has(labels.slice(i).join('.'))) return true;
    return this.#authorities.has('');
  }

  /** One step of an authoritative answer: the records, or the CNAME to follow, without following it. */
  step(name: string, type: string): ZoneStep {
    const current = normalizeName(name);
    const wanted = type.toUpperCase();
    const fault = this.#faults.get(current);
    const records = this.#recordsAt(current);
    if (fault === 'timeout-when-empty' && !records?.some((r) => recordType(r) === wanted)) return { kind: 'fault', fault: 'timeout' };
    if (fault === 'timeout' || fault === 'servfail') return { kind: 'fault', fault };
    if (records === undefined) return { kind: 'nxdomain' };
    const matching = records.filter((r) => recordType(r) === wanted);
    if (matching.length > 0) return { kind: 'answer', records: matching };
    const cname = records.find((r) => r.type === 'CNAME');
    if (!cname || wanted === 'CNAME') return { kind: 'nodata' };
    return { kind: 'cname', record: cname as ZoneRecord & { type: 'CNAME' } };
  }

  get size(): number {
    let n = 0;
    for (const list of this.#byName.values()) n += list.length;
    return n;
  }

  lookup(name: string, type: string): ZoneLookup {
    const cnames: ZoneRecord[] = [];
    let current = normalizeName(name);
    const wanted = type.toUpperCase();
    for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
      const fault = this.#faults.get(current);
      const records = this.#recordsAt(current);
      if (fault === 'timeout-when-empty' && !records?.some((r) => recordType(r) === wanted)) return { kind: 'fault', fault: 'timeout' };
      if (fault === 'timeout' || fault === 'servfail') return { kind: 'fault', fault };
      if (records === undefined) return { kind: 'nxdomain', cnames };
      const matching = records.filter((r) => recordType(r) === wanted);
      if (matching.length > 0) return { kind: 'answer', records: matching, cnames };
      const cname = records.find((r) => r.type === 'CNAME');
      if (!cname || wanted === 'CNAME') return { kind: 'nodata', cnames };
      cnames.push(cname);
      current = normalizeName(cname.data as string);
    }
    return { kind: 'fault', fault: 'servfail' };
  }

  /** The records at a name (synthesized from a wildcard when needed); undefined if it does not exist. */
  #recordsAt(name: string): ZoneRecord[] | undefined {
    const own = this.#byName.get(name);
    if (own) return own;
    if (this.#existing.has(name)) return [];
    // RFC 4592 2.2: the wildcard at the closest encloser answers for a name that does not exist.
    const labels = name.split('.');
    for (let i = 1; i < labels.length; i++) {
      const encloser = labels.slice(i).join('.');
      if (!this.#existing.has(encloser)) continue;
      const wildcard = this.#byName.get(`*.${encloser}`);
      return wildcard ? wildcard.map((r) => ({ ...r, name }) as ZoneRecord) : undefined;
    }
    return undefined;
  }
}
