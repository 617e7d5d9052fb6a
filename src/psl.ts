// The Public Suffix List, through tldts loaded as CommonJS: mailauth requires that same copy, so
// the list is loaded once per process. The ES module build would be a second copy, and its ~30
// files take ~30 ms to load where the CommonJS file takes ~6 ms, before a check's first query
// can be sent (issue 7, start-up).
import { createRequire } from 'node:module';
import type * as Tldts from 'tldts';

const tldts = createRequire(import.meta.url)('tldts') as typeof Tldts;

/** The registrable domain of a name (its public suffix and one label more), or null. */
export const getDomain: typeof Tldts.getDomain = tldts.getDomain;
