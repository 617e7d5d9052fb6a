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

/**
 * Error codes. The first group are node's dns module codes, which mailauth knows; the others
 * are fwdcheck's own, for outcomes node folds into those or never has. mailauth treats every
 * code but ENOTFOUND/ENODATA (no record) and EBADNAME (permerror) as a temporary error.
 */
export type DnsErrorCode =
  | 'ENOTFOUND' // NXDOMAIN
  | 'ENODATA' // the name exists, but has no record of that type
  | 'ETIMEOUT' // no valid answer within --timeout
  | 'ESERVFAIL' // rcode 2
  | 'EREFUSED' // rcode 5
  | 'ECONNREFUSED'
  | 'ESEND' // the query could not be sent (no route to the server, a firewall)
  | 'EBADNAME' // a name that cannot exist in the DNS (label over 63 octets, name over 253)
  | 'EBADRESP' // an answer that cannot be decoded
  | 'EFORMERR' // rcode 1
  | 'ECANCELLED' // the session was closed
  | 'ENOTIMP' // rcode 4, or a record type fwdcheck does not ask
  | 'EYXDOMAIN' // rcode 6 (RFC 6672: a DNAME substitution overflowed)
  | 'EYXRRSET' // rcode 7
  | 'ENXRRSET' // rcode 8
  | 'ENOTAUTH' // rcode 9
  | 'ENOTZONE' // rcode 10
  | 'EBADRCODE' // any other rcode (RFC 6895 registry)
  | 'ELOOP' // a CNAME chain that loops or is longer than the depth cap
  | 'ELIMIT' // the check reached its cap on queries (maxQueriesPerCheck)
  | 'EDEADLINE' // the check reached its --deadline: timeout-like, the outcome stays open
  | 'EOFFLINE'; // --offline: the name is outside the zone files, so it was not checked

export class DnsError extends Error {
  readonly code: DnsErrorCode;
  readonly hostname: string;
  /** For ENOTFOUND: true when the name exists, as a CNAME whose chain ends in a name that does not (set only then). */
  declare viaCname?: true;
  constructor(code: DnsErrorCode, hostname: string, rrtype?: string) {
    // an outcome of the DNS, not a bug: no stack trace (capturing one costs more than the
    // lookup, and a check makes dozens of NXDOMAIN probes)
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`query${rrtype ? ` ${rrtype}` : ''} ${code} ${hostname}`);
    Error.stackTraceLimit = limit;
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

/** The name's DNS problem in a few words, for the human report. */
export const DNS_ERROR_TEXT: Record<DnsErrorCode, string> = {
  ENOTFOUND: 'no such domain',
  ENODATA: 'no record of that type',
  ETIMEOUT: 'no answer in time',
  ESERVFAIL: 'server failure (SERVFAIL)',
  EREFUSED: 'query refused (REFUSED)',
  ECONNREFUSED: 'connection refused',
  ESEND: 'the query could not be sent (no route to the server, or a firewall)',
  EBADNAME: 'not a valid DNS name',
  EBADRESP: 'malformed answer',
  EFORMERR: 'server could not parse the query (FORMERR)',
  ECANCELLED: 'query cancelled',
  ENOTIMP: 'not implemented by the server (NOTIMP)',
  EYXDOMAIN: 'name too long after DNAME substitution (YXDOMAIN)',
  EYXRRSET: 'unexpected answer code YXRRSET',
  ENXRRSET: 'unexpected answer code NXRRSET',
  ENOTAUTH: 'server not authoritative (NOTAUTH)',
  ENOTZONE: 'unexpected answer code NOTZONE',
  EBADRCODE: 'unknown answer code',
  ELOOP: 'CNAME chain loops or is too long',
  ELIMIT: 'the check reached its cap on DNS queries',
  EDEADLINE: 'the check reached its --deadline',
  EOFFLINE: 'not checked: outside the zone files (--offline)',
};

/** What one try of one query needs from the session. */
export interface QueryContext {
  /**
   * Aborts when the query's time (timeoutMs) is up or the session closes: stop the query's work
   * then (a fetch, a socket). The session settles the lookup at that moment whatever the
   * upstream does.
   */
  signal: AbortSignal;
  /** The time the whole query has (--timeout); a transport spaces its retries within it. */
  timeoutMs: number;
  /** Retransmissions allowed within timeoutMs. */
  retries: number;
  /** Called once per retransmission (UDP again, or TCP after TC=1), for the counts. */
  onRetry(): void;
}

/**
 * What the session gives an upstream that marks itself ownsTimeouts: no signal (a signal per
 * query costs more than the query in a batch). A signal may still be given by other callers.
 */
export interface TimedQueryContext extends Omit<QueryContext, 'signal'> {
  signal?: AbortSignal;
}

/**
 * One upstream answer, with the time it may be cached (RFC 1035 3.2.1 TTL; RFC 2308 5 for
 * negative answers). "cname": the answer ends in a CNAME whose target's records it does not
 * hold (an authoritative server's answer, or a zone file pointing out of its zone): the
 * session asks the target next.
 */
export type UpstreamAnswer =
  | { kind: 'records'; records: unknown[]; ttl: number }
  | { kind: 'nodata'; ttl: number }
  /**
   * assumed: not asked anywhere, taken as non-existent (offline, a public suffix outside the files).
   * chained: the NXDOMAIN is the end of a CNAME chain, so the name asked exists (as an alias).
   */
  | { kind: 'nxdomain'; ttl: number; assumed?: true; chained?: true }
  | { kind: 'cname'; target: string; ttl: number };

/** Where an upstream's start() delivers a query's outcome: an error, or the answer. */
export interface QuerySink {
  settle(error: DnsError | null, answer?: UpstreamAnswer): void;
}

/** A source of DNS answers: the wire client, zone files, or both layered. Throws DnsError. */
export interface UpstreamResolver {
  query(name: string, type: RRType, ctx: QueryContext): Promise<UpstreamAnswer>;
  /**
   * true: the upstream ends each query by itself once ctx.timeoutMs has passed and when close()
   * is called, so the session gives it no ctx.signal (ctx is then a TimedQueryContext) and sets
   * no timer of its own. Set by fwdcheck's own upstreams; leave it out, and ctx.signal is always
   * given and the session's timer bounds every query.
   */
  readonly ownsTimeouts?: true;
  /**
   * query() without a promise, for an upstream that ownsTimeouts: the outcome goes to
   * sink.settle, once (a promise and its two callbacks per query are work a batch does tens of
   * thousands of times). The session uses it when present.
   */
  start?(name: string, type: RRType, ctx: TimedQueryContext, sink: QuerySink): void;
  /** Abandons queries still in flight and closes sockets, so that nothing keeps the process alive. */
  close(): void;
  describe(): string;
}

export interface ServerAddress {
  host: string;
  port: number;
}

/** An upstream that ends its own queries (fwdcheck's own): it needs no ctx.signal. */
export interface SelfTimedUpstream extends UpstreamResolver {
  query(name: string, type: RRType, ctx: TimedQueryContext): Promise<UpstreamAnswer>;
  readonly ownsTimeouts: true;
}
