import { toV1, type ToV1Options } from '../contract/to-v1.ts';
import { jsonSafe } from './sanitize.ts';

export { jsonSafe, toV1 };
import type { Report } from './types.ts';

/**
 * The JSON document of the contract (schema version 1, src/contract/v1.ts), one per report.
 * Pure; printing is the CLI's job.
 */
export const renderJson = (report: Report, options: ToV1Options = {}): string => `${jsonSafe(JSON.stringify(toV1(report, options), null, 2))}\n`;
