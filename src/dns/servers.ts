// Which name servers a run's upstream asks, and the batch's default number of queries in flight
// that follows from them. A batch of 1,000 domains asks ~33,000 questions: at 20 ms a query, 256
// in flight alone would take 2.6 s; 1,024 in flight is ~50,000 queries a second, which a loopback
// server (a local cache, the bench's) takes, but a public or an ISP's resolver rate-limits (and
// the run's verdicts turn `unknown`): 256 for those, as before 1,024 was tuned on loopback.
import { BlockList } from 'node:net';
import { isIP } from '../ip.ts';
import { SESSION_DEFAULTS } from './session.ts';
import type { ServerAddress, UpstreamResolver } from './types.ts';

// upstream -> the servers it asks ([] for zone files alone); absent: not known (a user's upstream)
const asked = new WeakMap<UpstreamResolver, readonly ServerAddress[]>();

/** Records the servers an upstream asks; returns the upstream. */
export const asking = <U extends UpstreamResolver>(upstream: U, servers: readonly ServerAddress[]): U => {
  asked.set(upstream, servers);
  return upstream;
};

/** The servers the upstream asks ([] when none: zone files alone), or null when not known. */
export const serversAsked = (upstream: UpstreamResolver): readonly ServerAddress[] | null => asked.get(upstream) ?? null;

let loopback: BlockList | undefined;

/** 127.0.0.0/8 or ::1 (an IPv4-mapped 127.x too). */
export const isLoopback = (host: string): boolean => {
  const address = host.replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 0) return false;
  if (!loopback) {
    loopback = new BlockList();
    loopback.addSubnet('127.0.0.0', 8, 'ipv4');
    loopback.addAddress('::1', 'ipv6');
  }
  return loopback.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

/**
 * A batch's default queries in flight: 1,024 when every server the upstream asks is a loopback
 * address (or it asks none: --offline), else 256 (any other server, or a user's upstream).
 */
export const batchConcurrencyFor = (upstream: UpstreamResolver): number => {
  const servers = serversAsked(upstream);
  return servers !== null && servers.every((s) => isLoopback(s.host)) ? SESSION_DEFAULTS.batchConcurrencyLoopback : SESSION_DEFAULTS.batchConcurrency;
};
