// Opens the DNS the options name (zone files, a resolver, the system's servers) as a one-check
// client or a run-wide session. Loaded only once a check is about to run, so that --help and
// --version never load DNS code.
import type { Clock } from './clock.ts';
import { createDnsClient, type DnsClient } from './dns/client.ts';
import { openUpstream } from './dns/open.ts';
import { batchConcurrencyFor } from './dns/servers.ts';
import { createDnsSession, SESSION_DEFAULTS, type DnsSession } from './dns/session.ts';
import type { ServerAddress, UpstreamResolver } from './dns/types.ts';
import { UsageError } from './options.ts';

export interface DnsOptions {
  zones: string[];
  offline: boolean;
  resolver?: ServerAddress;
  timeoutMs: number;
  deadlineMs: number;
  /** Queries in flight; 'batch': a batch's default for the servers asked (openDnsSession only). */
  concurrency: number | 'batch';
  /** --debug: the batch's session also counts distinct (name, type) pairs, for its closing line. */
  debug?: boolean;
}

const openDns = async (parsed: DnsOptions): Promise<UpstreamResolver> => {
  try {
    return await openUpstream({ zones: parsed.zones, offline: parsed.offline, ...(parsed.resolver ? { resolver: parsed.resolver } : {}) });
  } catch (err) {
    // the zone modules are loaded by then if they threw these
    const [{ ZoneSyntaxError }, { ZoneFileError }] = await Promise.all([import('./dns/parse-zone.ts'), import('./dns/zone-resolver.ts')]);
    if (err instanceof ZoneSyntaxError) throw new UsageError(`zone file error: ${err.message}`);
    if (err instanceof ZoneFileError) throw new UsageError(err.message);
    throw err;
  }
};

export const openDnsClient = async (parsed: DnsOptions, clock: Clock): Promise<DnsClient> =>
  createDnsClient(await openDns(parsed), { timeoutMs: parsed.timeoutMs, concurrency: parsed.concurrency === 'batch' ? SESSION_DEFAULTS.concurrency : parsed.concurrency, deadlineMs: parsed.deadlineMs, clock });

/**
 * One DNS session for a whole batch: one cache, one limit on queries in flight (--concurrency),
 * and a view per check with that check's own counts and deadline (--deadline).
 */
export const openDnsSession = async (
  parsed: DnsOptions,
  clock: Clock,
): Promise<{ view(o?: { signal?: AbortSignal }): DnsClient; session: DnsSession; concurrency: number; close(): void }> => {
  const upstream = await openDns(parsed);
  const concurrency = parsed.concurrency === 'batch' ? batchConcurrencyFor(upstream) : parsed.concurrency;
  const session = createDnsSession(upstream, { timeoutMs: parsed.timeoutMs, concurrency, clock, trackDistinct: parsed.debug === true });
  return {
    session,
    concurrency,
    view: (o) => session.view({ ...o, deadlineMs: parsed.deadlineMs }),
    close: () => session.close(),
  };
};
