// Opens the DNS source the options name: zone files (offline) or a resolver. Loaded only once a
// check is about to run, so that --help and --version never load DNS code.
import { createDnsClient, type DnsClient } from './dns/client.ts';
import { createDnsSession, type DnsSession } from './dns/session.ts';
import { ZoneSyntaxError } from './dns/parse-zone.ts';
import type { ServerAddress, UpstreamResolver } from './dns/types.ts';
import { createWireResolver } from './dns/wire.ts';
import { createZoneResolver, loadZoneFiles } from './dns/zone-resolver.ts';
import type { Clock } from './clock.ts';
import { UsageError } from './options.ts';

export interface UpstreamOptions {
  zones: string[];
  resolver?: ServerAddress;
  timeoutMs: number;
}

export const openUpstream = async (parsed: UpstreamOptions): Promise<UpstreamResolver> => {
  if (parsed.zones.length) {
    try {
      return createZoneResolver(await loadZoneFiles(parsed.zones), `zone files ${parsed.zones.join(', ')}`);
    } catch (err) {
      if (err instanceof ZoneSyntaxError) throw new UsageError(`zone file error: ${err.message}`);
      const e = err as NodeJS.ErrnoException & { zoneFile?: string };
      if (e.zoneFile) throw new UsageError(`cannot read zone file ${e.zoneFile}: ${e.code ?? e.message}`);
      throw err;
    }
  }
  return parsed.resolver
    ? createWireResolver({ servers: [parsed.resolver], label: `${parsed.resolver.host}:${parsed.resolver.port}` })
    : createWireResolver();
};

export const openDnsClient = async (parsed: UpstreamOptions, clock: Clock): Promise<DnsClient> =>
  createDnsClient(await openUpstream(parsed), { timeoutMs: parsed.timeoutMs, clock });

/**
 * One DNS session for a whole batch: one cache, one limit on queries in flight, and a view per
 * check with that check's own counts.
 */
export const openDnsSession = async (parsed: UpstreamOptions, clock: Clock): Promise<DnsSession> =>
  createDnsSession(await openUpstream(parsed), { timeoutMs: parsed.timeoutMs, clock });
