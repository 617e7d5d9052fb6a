// The public API of the fwdcheck package. Everything a caller receives has its type exported
// here; the document types are the published contract (src/contract/v1.ts, schema version 1).
export {
  check,
  checkMany,
  exitCodeFor,
  renderJson,
  renderMarkdown,
  renderText,
  serverResolver,
  systemResolver,
  zoneResolver,
  DEFAULT_TIMEOUT_MS,
  type CheckManyOptions,
  type CheckManyResult,
  type CheckOptions,
  type DnsSource,
  type TextOptions,
  type ZoneResolverOptions,
} from './api.ts';
export type { ProgressStage } from './check.ts';
export { fixedClock, systemClock, type Clock } from './clock.ts';
export { DnsError, type DnsErrorCode, type MxRecord, type QueryContext, type RecordMap, type Resolver, type RRType, type SrvRecord, type UpstreamAnswer, type UpstreamResolver } from './dns/types.ts';
export { UsageError } from './options.ts';
export * from './contract/v1.ts';
export type { BatchInput } from './batch.ts';
