import { Resolver as NodeResolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DnsError, type QueryContext, type RRType, type ServerAddress, type UpstreamAnswer, type UpstreamResolver } from './types.ts';

export type { ServerAddress, UpstreamResolver } from './types.ts';

export interface NodeResolverOptions {
  /** The DNS server to ask; the system's configured servers when absent. */
  server?: ServerAddress;
  /** Time for one query, in milliseconds (node splits it over its tries). */
  timeoutMs: number;
}

// c-ares does not return TTLs for most types: its answers are cached this long.
const ASSUMED_TTL = 60;

/**
 * The system resolver, or one given server, through node's c-ares binding (fwdcheck 1.0's
 * transport). c-ares hides each answer (no TTL, no rcode beyond a few codes, one socket for
 * every query), so the session's timeout is the only one that holds.
 */
export const createNodeResolver = (options: NodeResolverOptions): UpstreamResolver => {
  const tries = 2;
  const resolver = new NodeResolver({ timeout: Math.max(1, Math.ceil(options.timeoutMs / tries)), tries });
  const { server } = options;
  if (server) {
    const host = isIP(server.host) === 6 ? `[${server.host}]` : server.host;
    resolver.setServers([`${host}:${server.port}`]);
  }
  return {
    query: async (name: string, type: RRType, _ctx: QueryContext): Promise<UpstreamAnswer> => {
      try {
        const records = (await resolver.resolve(name, type)) as unknown[];
        return records.length ? { kind: 'records', records, ttl: ASSUMED_TTL } : { kind: 'nodata', ttl: 0 };
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ENOTFOUND') return { kind: 'nxdomain', ttl: 0 };
        if (code === 'ENODATA') return { kind: 'nodata', ttl: 0 };
        if (err instanceof Error && typeof code === 'string') throw new DnsError(code as DnsError['code'], name, type);
        throw err;
      }
    },
    close: () => resolver.cancel(),
    describe: () => (server ? `${server.host}:${server.port}` : `system resolver (${resolver.getServers().join(', ') || 'none configured'})`),
  };
};
