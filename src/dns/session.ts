// One DNS session per run: a shared answer cache, shared queries in flight and a limit on
// queries in flight, seen by each check through its own view (a DnsClient) that counts that
// check's own work. Every lookup fwdcheck makes, mailauth's included, goes through a view.
import type { Clock } from '../clock.ts';
import { createLimiter, type LimiterTask } from './limiter.ts';
import { setLoopTimeout } from './loop-timer.ts';
import { LruSegment } from './lru-segment.ts';
import {
  DNS_ERROR_TEXT,
  DnsError,
  errorCode,
  isNoRecord,
  normalizeName,
  RR_TYPES,
  type DnsErrorCode,
  type QueryContext,
  type QuerySink,
  type RecordMap,
  type Resolver,
  type RRType,
  type TimedQueryContext,
  type UpstreamAnswer,
  type UpstreamResolver,
} from './types.ts';

export interface TraceEntry {
  name: string;
  type: RRType;
  /** "answer" (records, or a CNAME the chain goes on from), or the error code (ENOTFOUND, ENODATA, ETIMEOUT, ...). */
  outcome: string;
  /** The CNAME target the lookup went on to, when the answer was a CNAME. */
  cname?: string;
  /** How the outcome was reached, when not by an answer (an assumption, for --debug). */
  note?: string;
  /** Records in the answer. */
  count: number;
  ms: number;
  /** "query": this check sent it; "shared": it joined another check's query in flight; "cache": the run's cache. */
  source: 'query' | 'shared' | 'cache';
}

export interface DnsStats {
  /** Queries this check sent upstream. */
  queries: number;
  /** Lookups answered from the run's cache, by this check's earlier lookups, or by joining a query in flight. */
  cacheHits: number;
  /** Lookups that failed for a reason other than "no such record". */
  failures: number;
  /** Retransmissions of this check's queries (UDP again, TCP after truncation). */
  retries: number;
  /** Whether any lookup got an answer (records, NXDOMAIN or NODATA). */
  anyAnswer: boolean;
  /** Whether a lookup failed because the check reached its deadline (EDEADLINE). */
  deadlineHit: boolean;
  /** Whether a lookup failed because the check reached maxQueriesPerCheck (ELIMIT). */
  limitHit: boolean;
  /** The check's limits, for the report's wording. */
  maxQueries: number;
  deadlineMs: number | null;
}

export interface DnsClient {
  /** The one resolver every lookup goes through, mailauth's included. */
  resolve: Resolver;
  /**
   * Starts the lookup of (name, type) for this check ahead of its first resolve() of it (the
   * CLI's first wave, before the check's code has loaded). That first resolve() then takes the
   * lookup as its own: it counts as the check's lookup, not as a cache hit, as if prefetch had not
   * happened (a query it sent is counted once). Its failure is kept for that resolve(), never
   * thrown here. Does nothing if the check has looked the name up already.
   */
  prefetch(name: string, type: RRType): void;
  stats(): DnsStats;
  /** This check's lookups in the order they ended (only the failed ones for a view with trace "failures"). */
  trace(): readonly TraceEntry[];
  describe(): string;
  /** Ends this view; for createDnsClient's one-check session, closes the session. */
  close(): void;
}

export interface SessionStats {
  /** Queries sent upstream in the run. */
  queries: number;
  /** Lookups answered without a query of their own. */
  cacheHits: number;
  /** Upstream queries that failed (timeouts, SERVFAIL, ...). */
  failures: number;
  /** Upstream queries that timed out. */
  timeouts: number;
  retries: number;
  /** The most queries in flight at once (never above the concurrency limit). */
  peakInFlight: number;
  /** Answers in the cache now. */
  cacheEntries: number;
  /** Distinct (name, type) pairs queried upstream; only with trackDistinct. */
  distinct: number | null;
  /** False once distinct stopped counting (past DISTINCT_LIMIT pairs): it is then a lower bound. */
  distinctComplete: boolean;
}

export interface DnsSessionOptions {
  /** The time one query is given, retries included (--timeout). */
  timeoutMs: number;
  clock: Clock;
  /** Retransmissions within timeoutMs. */
  retries?: number;
  /** Queries in flight at once, for the whole run (--concurrency). */
  concurrency?: number;
  /**
   * Answers kept in the cache; the least recently used go first, and answers asked only once
   * before others asked again (a segmented LRU: a fifth of the entries for answers not yet
   * asked twice).
   */
  cacheEntries?: number;
  /** Queries one check may send (hostile records cannot make a check flood the resolver). */
  maxQueriesPerCheck?: number;
  /** CNAMEs followed from one name (RFC 1034 3.6.2 calls for a limit; 8 as BIND's default). */
  maxCnameDepth?: number;
  /** Longest time an answer is cached, in seconds (RFC 8767 4 suggests a cap of days). */
  maxTtlSeconds?: number;
  /**
   * Count distinct (name, type) pairs in stats(), for benches and --debug: memory grows with the
   * run, so counting stops past DISTINCT_LIMIT pairs.
   */
  trackDistinct?: boolean;
  /** Pairs trackDistinct counts at most (DISTINCT_LIMIT). */
  distinctLimit?: number;
}

export interface ViewOptions {
  /** The check's deadline as a signal: when it aborts, the remaining lookups fail with EDEADLINE. */
  signal?: AbortSignal;
  /** Or as a time from now (--deadline), in ms; both may be given. */
  deadlineMs?: number;
  /**
   * What trace() keeps: every lookup ("all", the default, for --debug), or only those that failed
   * ("failures": what a verdict needs; a batch keeps no entry per answered probe).
   */
  trace?: 'all' | 'failures';
}

export interface DnsSession {
  /** A per-check view, counting that check's own work. */
  view(opts?: ViewOptions): DnsClient;
  stats(): SessionStats;
  describe(): string;
  close(): void;
}

export const SESSION_DEFAULTS = {
  retries: 2,
  concurrency: 64,
  /**
   * Queries in flight for a batch whose every server is a loopback address (a local cache, the
   * bench's server), or that asks none (--offline); see servers.ts batchConcurrencyFor.
   */
  batchConcurrencyLoopback: 1024,
  /** Queries in flight for a batch that asks any other server (a public or an ISP's resolver rate-limits more). */
  batchConcurrency: 256,
  cacheEntries: 50_000,
  maxQueriesPerCheck: 500,
  maxCnameDepth: 8,
  maxTtlSeconds: 86_400,
} as const;

// Codes a resolver may throw are passed on as they are when fwdcheck knows them (DNS_ERROR_TEXT,
// the one list of codes, with their words); anything else becomes ESERVFAIL so that every consumer
// (mailauth's SPF, DKIM and DMARC code, our own fetchers) treats it as a transient failure:
// temperror, never fail (RFC 7208 5, RFC 7489 6.6.3).
const isKnownCode = (code: string): code is DnsErrorCode => Object.hasOwn(DNS_ERROR_TEXT, code);

const normalizeError = (err: unknown, name: string, type: string): DnsError => {
  if (err instanceof DnsError) return err;
  const code = errorCode(err);
  return new DnsError(isKnownCode(code) ? code : 'ESERVFAIL', name, type);
};

/**
 * RFC 1035 2.3.4: labels of 1-63 octets, a name of at most 253 characters in text form. Any
 * octet may appear in a label (RFC 2181 11): SPF macros expand to names with spaces.
 */
const validName = (name: string): boolean => {
  if (name.length === 0 || name.length > 253) return name.length > 0 && validSlow(name);
  // ASCII (every name but an SPF macro's odd expansion): one pass, no allocation
  let label = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 0x7f) return validSlow(name);
    if (c === 0x2e) {
      if (label === 0) return false;
      label = 0;
    } else if (++label > 63) return false;
  }
  return label > 0;
};
const validSlow = (name: string): boolean => Buffer.byteLength(name) <= 253 && name.split('.').every((l) => l.length > 0 && Buffer.byteLength(l) <= 63);

const copyRecords = (type: RRType, records: unknown[]): unknown[] => {
  // callers own what they get: the cached answer stays as the server sent it
  switch (type) {
    case 'TXT':
      return (records as string[][]).map((r) => [...r]);
    case 'MX':
    case 'SRV':
      return records.map((r) => ({ ...(r as object) }));
    default:
      return [...records];
  }
};

/** A lookup waiting for an upstream query: settled by the query, or by its check's deadline. */
interface Waiter {
  settle(error: DnsError | null, answer?: UpstreamAnswer): void;
}

/** What the session keeps of one view's lookups: their trace, and those waiting (that its deadline ends). */
interface ViewState {
  readonly traceLog: TraceEntry[];
  /** Only failed lookups are traced (ViewOptions.trace "failures"). */
  readonly failuresOnly: boolean;
  readonly waiting: Set<Waiter & { name: string; type: RRType; abandon(error: DnsError): void }>;
}

interface CacheEntry {
  answer: UpstreamAnswer;
  expires: number;
}

const ANSWERED: ReadonlySet<string> = new Set(['answer', 'ENOTFOUND', 'ENODATA']);

/** Whether a trace entry's outcome is an answer (records, NXDOMAIN or NODATA), not a failure. */
export const wasAnswered = (outcome: string): boolean => ANSWERED.has(outcome);

/** Distinct (name, type) pairs counted at most (trackDistinct; ~4 MB): a 100,000-domain batch asks millions. */
export const DISTINCT_LIMIT = 50_000;

/** The cache's share for answers asked once so far (see fromCache). */
const PROBATION_SHARE = 0.2;

export const createDnsSession = (upstream: UpstreamResolver, options: DnsSessionOptions): DnsSession => {
  const opts = { ...SESSION_DEFAULTS, ...options };
  const { clock } = opts;
  const inFlight = new Map<string, UpstreamQuery>();
  const limiter = createLimiter(Math.max(1, opts.concurrency));
  const distinct = opts.trackDistinct ? new Set<string>() : null;
  const distinctLimit = opts.distinctLimit ?? DISTINCT_LIMIT;
  const totals = { queries: 0, cacheHits: 0, failures: 0, timeouts: 0, retries: 0 };
  // fwdcheck's own upstreams end their queries themselves: no AbortController per query for them
  const selfTimed = upstream.ownsTimeouts === true;
  let closed = false;

  // A segmented LRU: an answer enters "probation" and moves to "protected" when asked again.
  // A batch's answers are mostly asked once (a domain's own DKIM probes, its TXT and DMARC
  // records); those pass through probation and out, while what checks share (providers'
  // includes, MX hosts, the relay's names) stays in protected. The whole is at most
  // cacheEntries, probation a fifth of it.
  const probationLimit = Math.max(1, Math.round(opts.cacheEntries * PROBATION_SHARE));
  const protectedLimit = Math.max(0, opts.cacheEntries - probationLimit);
  const probation = new LruSegment<CacheEntry>();
  const protectedCache = new LruSegment<CacheEntry>();

  const fromCache = (key: string): UpstreamAnswer | undefined => {
    let entry = protectedCache.get(key);
    const inProtected = entry !== undefined;
    entry ??= probation.get(key);
    if (!entry) return undefined;
    if (entry.expires <= clock.now()) {
      (inProtected ? protectedCache : probation).delete(key);
      return undefined;
    }
    // least recently used first out: a hit moves the entry to the end of protected (or, with
    // no room there, of probation); protected's oldest go back to probation
    if (inProtected) protectedCache.delete(key);
    else probation.delete(key);
    if (protectedLimit > 0) {
      protectedCache.set(key, entry);
      while (protectedCache.size > protectedLimit) {
        const [oldest, demoted] = protectedCache.evictOldest();
        probation.set(oldest, demoted);
      }
      probation.trim(probationLimit);
    } else probation.set(key, entry);
    return entry.answer;
  };

  /** Caches an answer; `shared`: more than one check waited for it, so it is asked again already. */
  const store = (key: string, answer: UpstreamAnswer, shared: boolean): void => {
    const ttl = Math.min(Math.max(0, answer.ttl), opts.maxTtlSeconds);
    // TTL 0: use once, never cache (RFC 1035 3.2.1)
    if (ttl === 0 || opts.cacheEntries <= 0) return;
    protectedCache.delete(key);
    probation.delete(key);
    probation.set(key, { answer, expires: clock.now() + ttl * 1000 });
    probation.trim(probationLimit);
    if (shared) fromCache(key);
  };

  /**
   * One upstream query, shared by every lookup of (name, type) until it settles: an object with
   * methods rather than closures, since a batch sends tens of thousands. Settles when the
   * upstream answers, after timeoutMs, or when the session closes; an upstream that ownsTimeouts
   * ends its own query then too, any other is told through ctx.signal.
   */
  class UpstreamQuery implements LimiterTask, QuerySink {
    /** Lookups waiting for it; a query nobody waits for any more is not sent. */
    waiters = 0;
    /** The lookups to settle with its answer (those their deadline ended are marked done). */
    listeners: Waiter[] = [];
    /** Whether a second lookup joined it. */
    joined = false;
    started = false;
    done = false;
    timer: { clear(): void } | undefined;
    /** The signal's controller, for an upstream that does not own its timeouts. */
    controller: AbortController | undefined;

    readonly key: string;
    readonly name: string;
    readonly type: RRType;
    /** The view's context (timeoutMs, retries, its onRetry): one object per view, not per query. */
    readonly ctx: TimedQueryContext;

    constructor(key: string, name: string, type: RRType, ctx: TimedQueryContext) {
      this.key = key;
      this.name = name;
      this.type = type;
      this.ctx = ctx;
    }

    /** Sends it, once the limiter has given it a slot. */
    run(): void {
      const { name, type } = this;
      if (closed) {
        // granted while the session closed: it ends unsent, and gives its slot back
        this.settle(new DnsError('ECANCELLED', name, type));
        limiter.release();
        return;
      }
      this.started = true;
      // an upstream that owns its timeouts ends the query itself at timeoutMs (a second timer
      // per query would be work a batch does tens of thousands of times); any other is bounded
      // by this one, even one that never answers. Time the event loop was busy is not counted
      // (loop-timer.ts).
      if (selfTimed && upstream.start) {
        try {
          upstream.start(name, type, this.ctx, this);
        } catch (err) {
          this.settle(normalizeError(err, name, type));
        }
        return;
      }
      if (!selfTimed) this.timer = setLoopTimeout(() => this.settle(new DnsError('ETIMEOUT', name, type)), opts.timeoutMs);
      let pending: Promise<UpstreamAnswer>;
      try {
        if (selfTimed) pending = upstream.query(name, type, this.ctx as QueryContext);
        else {
          // any other upstream (a user's) gets a signal, aborted at timeoutMs and on close
          this.controller = new AbortController();
          pending = upstream.query(name, type, { ...this.ctx, signal: this.controller.signal });
        }
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(
        (answer) => this.settle(null, answer),
        (err: unknown) => this.settle(normalizeError(err, name, type)),
      );
    }

    settle(error: DnsError | null, answer?: UpstreamAnswer): void {
      if (this.done) return;
      this.done = true;
      this.timer?.clear();
      // the upstream's work ends with the query: at timeoutMs, or when the session closes
      if (error && this.controller) this.controller.abort(error);
      if (inFlight.get(this.key) === this) inFlight.delete(this.key);
      if (error) {
        if (this.started) {
          totals.failures++;
          if (error.code === 'ETIMEOUT') totals.timeouts++;
        }
      } else store(this.key, answer!, this.joined);
      const listeners = this.listeners;
      this.listeners = [];
      for (const w of listeners) w.settle(error, answer);
      // the slot is given on last: a query the release starts at once cannot overtake this one
      // (a queued query that was given up is skipped by the limiter, as done)
      if (this.started) limiter.release();
    }

    /** Nobody waits for it any more and it was not sent: it never will be. */
    cancel(): void {
      this.settle(new DnsError('ECANCELLED', this.name, this.type));
    }
  }

  const addTrace = (view: ViewState, name: string, type: RRType, started: number, outcome: string, count: number, source: TraceEntry['source'], answer?: UpstreamAnswer) => {
    if (view.failuresOnly && wasAnswered(outcome)) return;
    const entry: TraceEntry = { name, type, outcome, count, ms: clock.now() - started, source };
    if (answer?.kind === 'cname') entry.cname = answer.target;
    if (answer?.kind === 'nxdomain' && answer.assumed) entry.note = 'assumed offline: a public suffix outside the zone files';
    view.traceLog.push(entry);
  };

  /** One check's lookup waiting for a shared query: settled by it, or abandoned at the check's deadline. */
  class LookupWaiter implements Waiter {
    done = false;
    readonly view: ViewState;
    readonly query: UpstreamQuery;
    readonly name: string;
    readonly type: RRType;
    readonly started: number;
    readonly source: TraceEntry['source'];
    readonly resolve: (answer: UpstreamAnswer) => void;
    readonly reject: (error: DnsError) => void;

    constructor(
      view: ViewState,
      query: UpstreamQuery,
      name: string,
      type: RRType,
      started: number,
      source: TraceEntry['source'],
      resolve: (answer: UpstreamAnswer) => void,
      reject: (error: DnsError) => void,
    ) {
      this.view = view;
      this.query = query;
      this.name = name;
      this.type = type;
      this.started = started;
      this.source = source;
      this.resolve = resolve;
      this.reject = reject;
    }

    settle(error: DnsError | null, answer?: UpstreamAnswer): void {
      if (this.done) return;
      this.done = true;
      this.view.waiting.delete(this);
      if (error) {
        addTrace(this.view, this.name, this.type, this.started, error.code, 0, this.source);
        this.reject(error);
      } else {
        addTrace(this.view, this.name, this.type, this.started, outcomeOf(answer!), countOf(answer!), this.source, answer);
        this.resolve(answer!);
      }
    }

    /** The check's deadline came first: the query goes on for others, or is not sent if nobody waits. */
    abandon(error: DnsError): void {
      if (this.done) return;
      this.done = true;
      this.query.waiters--;
      if (this.query.waiters === 0 && !this.query.started) this.query.cancel();
      addTrace(this.view, this.name, this.type, this.started, error.code, 0, this.source);
      this.reject(error);
    }
  }

  /** One upstream query, shared by every lookup of (name, type) until it settles; send() starts it. */
  const newQuery = (key: string, name: string, type: RRType, ctx: TimedQueryContext): UpstreamQuery => {
    const query = new UpstreamQuery(key, name, type, ctx);
    inFlight.set(key, query);
    return query;
  };

  /** Sends a query now, or when the limiter has a slot; its first lookup waits for it already (it may settle at once). */
  const send = (query: UpstreamQuery): void => {
    if (limiter.acquire(query)) query.run();
  };

  const view = (viewOptions: ViewOptions = {}): DnsClient => {
    const deadlineMs = viewOptions.deadlineMs ?? null;
    // the check's deadline and the caller's signal end every lookup still waiting; one listener
    // and one timer per view (not an AbortSignal.any per check: a run-wide signal would collect
    // a dependant per check, and EventTarget listeners per lookup are slow)
    let aborted = false;
    const state: ViewState = { traceLog: [], failuresOnly: viewOptions.trace === 'failures', waiting: new Set() };
    const abort = () => {
      if (aborted) return;
      aborted = true;
      for (const w of [...state.waiting]) w.abandon(deadlineError(w.name, w.type));
      state.waiting.clear();
    };
    const outer = viewOptions.signal;
    if (outer?.aborted) aborted = true;
    else outer?.addEventListener('abort', abort, { once: true });
    let deadlineTimer: NodeJS.Timeout | undefined;
    if (deadlineMs !== null && !aborted) {
      deadlineTimer = setTimeout(abort, deadlineMs);
      deadlineTimer.unref();
    }
    const stats: DnsStats = {
      queries: 0, cacheHits: 0, failures: 0, retries: 0, anyAnswer: false, deadlineHit: false, limitHit: false,
      maxQueries: opts.maxQueriesPerCheck, deadlineMs,
    };
    // this check's lookups, settled or not: one check sees one consistent view of the DNS,
    // failures included, while the run's cache shares only answers
    const memo = new Map<string, Promise<unknown>>();
    // what the upstream is given with each of this check's queries: one object per view
    const ctx: TimedQueryContext = {
      timeoutMs: opts.timeoutMs,
      retries: opts.retries,
      onRetry: () => {
        stats.retries++;
        totals.retries++;
      },
    };

    const deadlineError = (name: string, type: string) => {
      stats.deadlineHit = true;
      return new DnsError('EDEADLINE', name, type);
    };

    /**
     * One step: the answer for exactly (name, type), from the cache, a shared query or a new one.
     * Not an async function: a lookup that waits is one promise, settled (and traced) by the query.
     */
    const step = (name: string, type: RRType, key: string): Promise<UpstreamAnswer> => {
      const started = clock.now();
      if (aborted) {
        addTrace(state, name, type, started, 'EDEADLINE', 0, 'query');
        return Promise.reject(deadlineError(name, type));
      }
      const cached = fromCache(key);
      if (cached) {
        stats.cacheHits++;
        totals.cacheHits++;
        addTrace(state, name, type, started, outcomeOf(cached), countOf(cached), 'cache', cached);
        return Promise.resolve(cached);
      }
      let shared: UpstreamQuery;
      let source: TraceEntry['source'] = 'shared';
      const joining = inFlight.get(key);
      if (joining) {
        joining.joined = true;
        shared = joining;
        stats.cacheHits++;
        totals.cacheHits++;
      } else {
        if (stats.queries >= opts.maxQueriesPerCheck) {
          stats.limitHit = true;
          addTrace(state, name, type, started, 'ELIMIT', 0, 'query');
          return Promise.reject(new DnsError('ELIMIT', name, type));
        }
        stats.queries++;
        totals.queries++;
        if (distinct && distinct.size < distinctLimit) distinct.add(key);
        source = 'query';
        shared = newQuery(key, name, type, ctx);
      }
      // waits for the shared query, or for this check's deadline, whichever comes first
      const waiting = new Promise<UpstreamAnswer>((resolve, reject) => {
        const waiter = new LookupWaiter(state, shared, name, type, started, source, resolve, reject);
        shared.waiters++;
        shared.listeners.push(waiter);
        state.waiting.add(waiter);
      });
      if (source === 'query') send(shared);
      return waiting;
    };

    /**
     * A lookup: steps along the CNAME chain (RFC 1034 3.6.2), at most maxCnameDepth links. The
     * records are the cached ones, never handed out: resolve() gives each caller a copy.
     */
    const lookup = async (name: string, type: RRType, key: string): Promise<unknown[]> => {
      try {
        let seen: Set<string> | null = null;
        let current = name;
        let currentKey = key;
        for (;;) {
          const answer = await step(current, type, currentKey);
          stats.anyAnswer = true;
          switch (answer.kind) {
            case 'records':
              return answer.records;
            case 'nodata':
              // mailauth counts a void lookup only for a thrown ENODATA, not for an empty list
              throw new DnsError('ENODATA', name, type);
            case 'nxdomain': {
              const error = new DnsError('ENOTFOUND', name, type);
              if (current !== name || answer.chained === true) error.viaCname = true;
              throw error;
            }
            case 'cname': {
              const target = normalizeName(answer.target);
              seen ??= new Set([name]);
              if (seen.has(target) || seen.size > opts.maxCnameDepth) throw new DnsError('ELOOP', name, type);
              seen.add(target);
              current = target;
              currentKey = `${type} ${target}`;
            }
          }
        }
      } catch (err) {
        const error = normalizeError(err, name, type);
        if (!isNoRecord(error)) stats.failures++;
        throw error;
      }
    };

    const failed = (error: DnsError): Promise<never> => {
      if (!isNoRecord(error)) stats.failures++;
      return Promise.reject(error);
    };

    /** This check's lookup of (name, type), remembered for its later lookups of it. */
    const start = (name: string, type: RRType, key: string): Promise<unknown[]> => {
      let pending: Promise<unknown[]>;
      if (!validName(name)) pending = failed(new DnsError('EBADNAME', name, type));
      else if (!RR_TYPES.includes(type)) pending = failed(new DnsError('ENOTIMP', name, type));
      else pending = lookup(name, type, key);
      memo.set(key, pending);
      return pending;
    };

    // lookups prefetch() started that no resolve() has taken yet: the first to ask is not a cache hit
    let prefetched: Set<string> | null = null;

    const resolve = (<T extends RRType>(rawName: string, rrtype: T): Promise<RecordMap[T]> => {
      const name = normalizeName(String(rawName));
      const type = String(rrtype).toUpperCase() as T;
      const key = `${type} ${name}`;
      const known = memo.get(key);
      if (known) {
        if (prefetched === null || !prefetched.delete(key)) {
          stats.cacheHits++;
          totals.cacheHits++;
        }
        return known.then((records) => copyRecords(type, records as unknown[])) as Promise<RecordMap[T]>;
      }
      return start(name, type, key).then((records) => copyRecords(type, records)) as Promise<RecordMap[T]>;
    }) as Resolver;

    const prefetch = (rawName: string, rrtype: RRType): void => {
      const name = normalizeName(String(rawName));
      const type = String(rrtype).toUpperCase() as RRType;
      const key = `${type} ${name}`;
      if (memo.has(key)) return;
      // a failure waits for the resolve() that takes the lookup; never an unhandled rejection
      start(name, type, key).catch(() => {});
      (prefetched ??= new Set()).add(key);
    };

    return {
      resolve,
      prefetch,
      stats: () => ({ ...stats }),
      trace: () => state.traceLog,
      describe: () => upstream.describe(),
      close: () => {
        memo.clear();
        prefetched = null;
        if (deadlineTimer) clearTimeout(deadlineTimer);
        outer?.removeEventListener('abort', abort);
      },
    };
  };

  return {
    view,
    stats: () => ({ ...totals, peakInFlight: limiter.peak(), cacheEntries: probation.size + protectedCache.size, distinct: distinct ? distinct.size : null, distinctComplete: distinct === null || distinct.size < distinctLimit }),
    describe: () => upstream.describe(),
    close: () => {
      closed = true;
      for (const query of [...inFlight.values()]) query.settle(new DnsError('ECANCELLED', query.name, query.type));
      probation.clear();
      protectedCache.clear();
      upstream.close();
    },
  };
};

const outcomeOf = (answer: UpstreamAnswer): string => {
  switch (answer.kind) {
    case 'records':
      return 'answer';
    case 'nodata':
      return 'ENODATA';
    case 'nxdomain':
      return 'ENOTFOUND';
    case 'cname':
      return 'answer';
  }
};

const countOf = (answer: UpstreamAnswer): number => (answer.kind === 'records' ? answer.records.length : answer.kind === 'cname' ? 1 : 0);

export interface DnsClientOptions extends Omit<DnsSessionOptions, 'trackDistinct'>, ViewOptions {}

/** A one-check session: its one view, whose close() closes the session. */
export const createDnsClient = (upstream: UpstreamResolver, options: DnsClientOptions): DnsClient => {
  const { signal, deadlineMs, ...sessionOptions } = options;
  const session = createDnsSession(upstream, sessionOptions);
  const client = session.view({ ...(signal ? { signal } : {}), ...(deadlineMs === undefined ? {} : { deadlineMs }) });
  return {
    ...client,
    close: () => {
      client.close();
      session.close();
    },
  };
};
