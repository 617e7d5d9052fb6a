// The public API: check a domain programmatically and get the typed Report.
export { checkMany, DEFAULT_DOMAIN_CONCURRENCY, type BatchInput, type BatchResult, type CheckManyDeps, type DnsViews } from './batch.ts';
export { domainsFromLines, parseShard, shardOf, type Shard } from './batch-input.ts';
export { check, DEFAULT_HELO, type CheckDeps, type CheckOptions, type ProgressStage } from './check.ts';
export { fixedClock, systemClock, type Clock } from './clock.ts';
export { createDnsClient, createDnsSession, SESSION_DEFAULTS, type DnsClient, type DnsSession, type DnsSessionOptions, type DnsStats, type SessionStats, type TraceEntry } from './dns/session.ts';
export { parseZone, ZoneSyntaxError } from './dns/parse-zone.ts';
export { createNodeResolver, type ServerAddress, type UpstreamResolver } from './dns/system.ts';
export { DnsError, type QueryContext, type Resolver, type RecordMap, type RRType, type UpstreamAnswer } from './dns/types.ts';
export { ZoneIndex, type ZoneRecord } from './dns/zone.ts';
export { createZoneResolver, loadZoneFiles } from './dns/zone-resolver.ts';
export { parseDkimKey } from './records/parse-dkim.ts';
export { parseDmarc } from './records/parse-dmarc.ts';
export { parseSpf } from './records/parse-spf.ts';
export type { Advice, AdviceCode, Audience } from './report/advice-types.ts';
export type { Finding, FindingCode, Severity } from './report/findings.ts';
export { renderJson, toJsonDocument } from './report/render-json.ts';
export { renderTable } from './report/render-table.ts';
export type * from './report/types.ts';
