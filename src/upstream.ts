// Opens the DNS source the options name: zone files (offline) or a resolver. Loaded only once a
// check is about to run, so that --help and --version never load DNS code.
import { createDnsClient, type DnsClient } from './dns/client.ts';
import { ZoneSyntaxError } from './dns/parse-zone.ts';
import { createNodeResolver, type ServerAddress, type UpstreamResolver } from './dns/system.ts';
import { createZoneResolver, loadZoneFiles } from './dns/zone-resolver.ts';
import type { Clock } from './clock.ts';
import type { DnsViews } from './batch.ts';
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
  const options: Parameters<typeof createNodeResolver>[0] = { timeoutMs: parsed.timeoutMs };
  if (parsed.resolver) options.server = parsed.resolver;
  return createNodeResolver(options);
};

export const openDnsClient = async (parsed: UpstreamOptions, clock: Clock): Promise<DnsClient> =>
  createDnsClient(await openUpstream(parsed), { timeoutMs: parsed.timeoutMs, clock });

/** One DNS source for a whole batch, a client per check. */
export const openDnsViews = async (parsed: UpstreamOptions, clock: Clock): Promise<DnsViews & { close(): void }> => {
  const upstream = await openUpstream(parsed);
  // each check's client must not close the shared upstream (that would cancel the others' queries)
  const shared: UpstreamResolver = { resolve: upstream.resolve, describe: upstream.describe, close: () => {} };
  return {
    view: () => createDnsClient(shared, { timeoutMs: parsed.timeoutMs, clock }),
    close: () => upstream.close(),
  };
};
