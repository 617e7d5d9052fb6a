// The resolver seam. Every DNS lookup fwdcheck makes, mailauth's included, goes through one
// function with the contract of node's `dns.promises.resolve`: records on success, a thrown
// DnsError otherwise (ENOTFOUND for NXDOMAIN, ENODATA for NODATA, ETIMEOUT/ESERVFAIL/... for
// failures).

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export interface RecordMap {
  A: string[];
  AAAA: string[];
  TXT: string[][];
  MX: MxRecord[];
  PTR: string[];
  CNAME: string[];
  NS: string[];
  SRV: SrvRecord[];
}

export type RRType = keyof RecordMap;

export const RR_TYPES: readonly RRType[] = ['A', 'AAAA', 'TXT', 'MX', 'PTR', 'CNAME', 'NS', 'SRV'];

export type Resolver = <T extends RRType>(name: string, rrtype: T) => Promise<RecordMap[T]>;

/** Error codes of node's dns module that fwdcheck relies on. */
export type DnsErrorCode =
  | 'ENOTFOUND' // NXDOMAIN
  | 'ENODATA' // the name exists, but has no record of that type
  | 'ETIMEOUT'
  | 'ESERVFAIL'
  | 'EREFUSED'
  | 'ECONNREFUSED'
  | 'EBADNAME'
  | 'EBADRESP'
  | 'EFORMERR'
  | 'ECANCELLED'
  | 'ENOTIMP';

export class DnsError extends Error {
  readonly code: DnsErrorCode;
  readonly hostname: string;
  constructor(code: DnsErrorCode, hostname: string, rrtype?: string) {
    super(`query${rrtype ? ` ${rrtype}` : ''} ${code} ${hostname}`);
    this.name = 'DnsError';
    this.code = code;
    this.hostname = hostname;
  }
}

/** "No such record" outcomes, as opposed to failures that leave the answer unknown. */
export const isNoRecord = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  // EBADNAME: a name that cannot exist in the DNS (a label over 63 octets, a name over 253)
  return code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EBADNAME';
};

export const errorCode = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
};

/** A DNS name as a cache key and for comparisons: lower-case, no trailing dot (RFC 4343). */
export const normalizeName = (name: string): string => name.toLowerCase().replace(/\.$/, '');
