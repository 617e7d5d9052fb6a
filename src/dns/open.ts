// Where a run's DNS answers come from, as the command line chooses it: the system's name
// servers or --resolver, with --zone files in front (authoritative for their origins), or the
// zone files alone with --offline.
import type { ServerAddress, UpstreamResolver } from './types.ts';
import { createWireResolver } from './wire.ts';

export interface DnsSource {
  zones: readonly string[];
  /** Only the zone files: a name outside them is not checked (EOFFLINE). */
  offline: boolean;
  resolver?: ServerAddress;
}

/** Opens the upstream; throws ZoneFileError or ZoneSyntaxError for a zone file that cannot be used. */
export const openUpstream = async (source: DnsSource): Promise<UpstreamResolver> => {
  const network = (): UpstreamResolver =>
    source.resolver ? createWireResolver({ servers: [source.resolver], label: `${source.resolver.host}:${source.resolver.port}` }) : createWireResolver();
  if (source.zones.length === 0) return network();
  // the zone code (and the Public Suffix List) only when zone files are given: without them the
  // first queries go out without waiting for it (issue 7, start-up)
  const { createZoneLayer, loadZoneFiles } = await import('./zone-resolver.ts');
  const zone = await loadZoneFiles(source.zones);
  const files = `zone files ${source.zones.join(', ')}`;
  if (source.offline) return createZoneLayer(zone, null, `${files} (offline)`);
  const fallback = network();
  return createZoneLayer(zone, fallback, `${files}, then ${fallback.describe()}`);
};
