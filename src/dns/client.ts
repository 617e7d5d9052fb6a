// The per-check DNS client now lives in session.ts (one session per run, one view per check);
// this module keeps the old import path working.
export { createDnsClient, type DnsClient, type DnsClientOptions, type DnsStats, type TraceEntry } from './session.ts';
