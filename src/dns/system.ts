// fwdcheck 1.0's transport was node's c-ares resolver; fwdcheck now speaks DNS itself
// (wire.ts), and this name stays for API users of 1.0.
import type { ServerAddress, UpstreamResolver } from './types.ts';
import { createWireResolver } from './wire.ts';

export type { ServerAddress, UpstreamResolver } from './types.ts';

export interface NodeResolverOptions {
  /** The DNS server to ask; the system's configured servers when absent. */
  server?: ServerAddress;
  /** Unused: the session (createDnsClient / createDnsSession) gives each query its time. */
  timeoutMs?: number;
}

/** @deprecated Use createWireResolver: this is it, under its 1.0 name. */
export const createNodeResolver = (options: NodeResolverOptions = {}): UpstreamResolver =>
  options.server ? createWireResolver({ servers: [options.server], label: `${options.server.host}:${options.server.port}` }) : createWireResolver();
