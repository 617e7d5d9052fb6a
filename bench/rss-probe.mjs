// Preloaded by the bench (--import) into the fwdcheck process it measures: writes the process's
// peak resident set size (KiB) to $FWDCHECK_BENCH_RSS when it exits. Plain JavaScript: a .ts
// preload would make node load its TypeScript stripper (~15 MB of RSS) into the process measured.
import { writeFileSync } from 'node:fs';

const file = process.env.FWDCHECK_BENCH_RSS;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
