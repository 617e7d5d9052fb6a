import { Resolver as NodeResolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { RecordMap, RRType } from './types.ts';

export interface ServerAddress {
  host: string;
  port: number;
}

export interface NodeResolverOptions {
  /** The DNS server to ask; the system's configured servers when absent. */
  server?: ServerAddress;
  /** Time for one query, in milliseconds (node splits it over its tries). */
  timeoutMs: number;
}

export interface UpstreamResolver {
  resolve<T extends RRType>(name: string, rrtype: T): Promise<RecordMap[T]>;
  /** Abandons queries still in flight, so that nothing keeps the process alive. */
  close(): void;
  describe(): string;
}

/**
 * The system resolver, or one given server, through node's c-ares binding. c-ares retries a
 * truncated UDP answer over TCP by itself (RFC 1035 4.2.2; checked by test/e2e/dns.test.ts).
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
    resolve: <T extends RRType>(name: string, rrtype: T) => resolver.resolve(name, rrtype) as Promise<RecordMap[T]>,
    close: () => resolver.cancel(),
    describe: () => (server ? `${server.host}:${server.port}` : `system resolver (${resolver.getServers().join(', ') || 'none configured'})`),
  };
};
