import type { Clock } from '../clock.ts';
import type { UpstreamResolver } from './system.ts';
import { DnsError, errorCode, normalizeName, type DnsErrorCode, type RecordMap, type Resolver, type RRType } from './types.ts';

export interface TraceEntry {
  name: string;
  type: RRType;
  /** "answer", or the error code (ENOTFOUND, ENODATA, ETIMEOUT, ...). */
  outcome: string;
  /** Records in the answer. */
  count: number;
  ms: number;
}

export interface DnsStats {
  /** Queries sent to the upstream (cache misses). */
  queries: number;
  /** Lookups answered from the cache or by sharing a query in flight. */
  cacheHits: number;
  /** Queries that failed for a reason other than "no such record". */
  failures: number;
  /** Whether any upstream query got an answer (records, NXDOMAIN or NODATA). */
  anyAnswer: boolean;
}

export interface DnsClient {
  /** The one resolver every lookup goes through, mailauth's included. */
  resolve: Resolver;
  stats(): DnsStats;
  trace(): readonly TraceEntry[];
  describe(): string;
  close(): void;
}

export interface DnsClientOptions {
  timeoutMs: number;
  clock: Clock;
}

// Codes a resolver may throw that we pass on as they are; anything else becomes ESERVFAIL so
// that every consumer (mailauth's SPF, DKIM and DMARC code, our own fetchers) treats it as a
// transient failure: temperror, never fail (RFC 7208 5, RFC 7489 6.6.3).
const KNOWN_CODES = new Set<string>([
  'ENOTFOUND', 'ENODATA', 'ETIMEOUT', 'ESERVFAIL', 'EREFUSED', 'ECONNREFUSED', 'EBADNAME', 'EBADRESP', 'EFORMERR', 'ECANCELLED', 'ENOTIMP',
]);

const normalizeError = (err: unknown, name: string, type: string): DnsError => {
  if (err instanceof DnsError) return err;
  const code = errorCode(err);
  return new DnsError((KNOWN_CODES.has(code) ? code : 'ESERVFAIL') as DnsErrorCode, name, type);
};

/**
 * Wraps an upstream resolver with what every source needs: a cache in which identical
 * queries in flight are shared, a hard per-query deadline, normalized error codes, a trace
 * and counts. Names are compared case-insensitively (RFC 4343) and without a trailing dot.
 */
export const createDnsClient = (upstream: UpstreamResolver, options: DnsClientOptions): DnsClient => {
  const cache = new Map<string, Promise<unknown>>();
  const traceLog: TraceEntry[] = [];
  const stats: DnsStats = { queries: 0, cacheHits: 0, failures: 0, anyAnswer: false };
  const timers = new Set<NodeJS.Timeout>();

  const query = async (name: string, type: RRType): Promise<unknown> => {
    const started = options.clock.now();
    stats.queries++;
    let timer: NodeJS.Timeout | undefined;
    let traced = false;
    try {
      // node's own timeout is per try; this deadline bounds the query whatever the source does
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DnsError('ETIMEOUT', name, type)), options.timeoutMs + 250);
        timers.add(timer);
      });
      const records = (await Promise.race([upstream.resolve(name, type), deadline])) as unknown[];
      stats.anyAnswer = true;
      traceLog.push({ name, type, outcome: records.length ? 'answer' : 'ENODATA', count: records.length, ms: options.clock.now() - started });
      traced = true;
      if (records.length === 0) {
        // mailauth counts a void lookup only for a thrown ENODATA, not for an empty list
        throw new DnsError('ENODATA', name, type);
      }
      return records;
    } catch (err) {
      const error = normalizeError(err, name, type);
      if (error.code === 'ENOTFOUND' || error.code === 'ENODATA') stats.anyAnswer = true;
      else stats.failures++;
      if (!traced) {
        traceLog.push({ name, type, outcome: error.code, count: 0, ms: options.clock.now() - started });
      }
      throw error;
    } finally {
      if (timer) {
        clearTimeout(timer);
        timers.delete(timer);
      }
    }
  };

  const resolve = (<T extends RRType>(rawName: string, rrtype: T): Promise<RecordMap[T]> => {
    const name = normalizeName(String(rawName));
    const type = String(rrtype).toUpperCase() as T;
    const key = `${type} ${name}`;
    const cached = cache.get(key);
    if (cached) {
      stats.cacheHits++;
      return cached as Promise<RecordMap[T]>;
    }
    const pending = query(name, type);
    // failures are cached too: one check sees one consistent view of the DNS
    pending.catch(() => {});
    cache.set(key, pending);
    return pending as Promise<RecordMap[T]>;
  }) as Resolver;

  return {
    resolve,
    stats: () => ({ ...stats }),
    trace: () => traceLog,
    describe: () => upstream.describe(),
    close: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      upstream.close();
    },
  };
};
