// Many domains, one run: checkMany() runs check() for each domain of a stream, a bounded number
// at a time, all of them over one DNS session (so a provider's include is asked once per run),
// and yields each result as it finishes. Nothing here holds more than the domains in flight:
// a list of 100,000 domains streams through in the memory of `concurrency` checks.
import { check, type CheckOptions } from './check.ts';
import type { Clock } from './clock.ts';
import type { DnsClient } from './dns/client.ts';
import { parseDomain, UsageError } from './options.ts';
import type { Report } from './report/types.ts';

/** One line of the input: the text as given and, for a file, its line number. */
export interface BatchInput {
  domain: string;
  line?: number;
}

export type BatchResult =
  /** The domain was checked (whatever the verdict). */
  | { kind: 'report'; input: string; line?: number; report: Report }
  /** The line is not a domain name; the others go on. */
  | { kind: 'input-error'; input: string; line?: number; message: string }
  /** check() threw: a bug, reported for this domain alone. */
  | { kind: 'internal-error'; input: string; line?: number; message: string; error: unknown };

/** Where each check gets its DNS from: a per-check view of the run's one session. */
export interface DnsViews {
  view(options?: { signal?: AbortSignal; trace?: 'all' | 'failures' }): DnsClient;
}

export interface CheckManyDeps {
  session: DnsViews;
  clock: Clock;
  /** Domains checked at once (queries in flight are bounded by the session). Default 64. */
  concurrency?: number;
  /** Stops taking new domains and abandons the checks in flight. */
  signal?: AbortSignal;
}

export const DEFAULT_DOMAIN_CONCURRENCY = 64;


const withLine = <T extends object>(value: T, line: number | undefined): T & { line?: number } => (line === undefined ? value : { ...value, line });

const checkOne = async (input: BatchInput, options: CheckOptions, deps: CheckManyDeps, signal: AbortSignal): Promise<BatchResult> => {
  let domain: string;
  try {
    domain = parseDomain(input.domain);
  } catch (err) {
    if (err instanceof UsageError) return withLine({ kind: 'input-error', input: input.domain, message: err.message }, input.line);
    throw err;
  }
  // a batch prints no lookup of its own: only failures are traced (for the verdict's reasons)
  const dns = deps.session.view({ signal, trace: 'failures' });
  try {
    const report = await check(domain, options, { dns, clock: deps.clock });
    return withLine({ kind: 'report', input: input.domain, report }, input.line);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return withLine({ kind: 'internal-error', input: input.domain, message, error }, input.line);
  } finally {
    dns.close();
  }
};

/**
 * Checks every domain of `inputs` with the same options and yields each result as it finishes
 * (completion order, not input order). At most `concurrency` domains are in flight, and a
 * finished result holds its slot until the consumer has taken it, so a slow reader (a full
 * pipe) slows the run down instead of piling reports up in memory.
 */
export async function* checkMany(inputs: AsyncIterable<BatchInput> | Iterable<BatchInput>, options: CheckOptions, deps: CheckManyDeps): AsyncGenerator<BatchResult, void, undefined> {
  const limit = Math.max(1, Math.floor(deps.concurrency ?? DEFAULT_DOMAIN_CONCURRENCY));
  const abort = new AbortController();
  const onAbort = () => abort.abort(deps.signal?.reason);
  if (deps.signal?.aborted) onAbort();
  deps.signal?.addEventListener('abort', onAbort, { once: true });

  const finished: BatchResult[] = [];
  let inFlight = 0; // started and not yet taken by the consumer
  let reading = true;
  let readError: { error: unknown } | null = null;
  // the one waiter on each side (set inside closures, hence the holder)
  const wake: { consumer: (() => void) | null; producer: (() => void) | null } = { consumer: null, producer: null };
  const notify = () => {
    wake.consumer?.();
    wake.consumer = null;
  };
  const wakeProducer = () => {
    wake.producer?.();
    wake.producer = null;
  };

  const produce = async () => {
    try {
      for await (const input of inputs) {
        if (abort.signal.aborted) break;
        while (inFlight >= limit) {
          await new Promise<void>((r) => (wake.producer = r));
          if (abort.signal.aborted) return;
        }
        inFlight++;
        void checkOne(input, options, deps, abort.signal).then((result) => {
          finished.push(result);
          notify();
        });
      }
    } catch (error) {
      readError = { error };
    } finally {
      reading = false;
      notify();
    }
  };
  const producer = produce();

  try {
    for (;;) {
      const next = finished.shift();
      if (next) {
        inFlight--;
        wakeProducer();
        yield next;
        continue;
      }
      if (readError) throw (readError as { error: unknown }).error;
      if (!reading && inFlight === 0) break;
      await new Promise<void>((r) => (wake.consumer = r));
    }
  } finally {
    // the consumer stopped early (or the input failed): stop reading, abandon what is in flight
    abort.abort();
    wakeProducer();
    deps.signal?.removeEventListener('abort', onAbort);
    // not awaited: the producer may be blocked reading a stdin that never ends; it stops at its
    // next line, and its errors are caught inside
    void producer;
  }
}
