// Preloaded by the bench (--import) into the fwdcheck process it measures: writes the process's
// peak resident set size (KiB) to $FWDCHECK_BENCH_RSS when it exits.
import { writeFileSync } from 'node:fs';

const file = process.env.FWDCHECK_BENCH_RSS;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
