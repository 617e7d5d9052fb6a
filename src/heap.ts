// Bounded memory for long batches. V8 sizes its heap from the machine's memory (gigabytes on a
// server) and collects the old generation late, so a run of 100,000 domains whose live data is a
// few tens of MB would still grow its RSS with every domain. A batch cannot pass
// --max-old-space-size to the node that runs it (the bin is started by npx, a shell, CI), and
// V8 ignores heap limits set after start-up; it does honour --expose-gc set at run time, so the
// batch collects itself when the heap in use passes a bound.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Heap in use above which a batch collects (live data of 64 checks in flight is ~30 MB). */
export const HEAP_BOUND_BYTES = 64 * 1024 * 1024;

export const heapGuard = (bound = HEAP_BOUND_BYTES): (() => void) => {
  let gc: (() => void) | null = null;
  try {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  } catch {
    // not available: the batch still runs, with V8's own schedule
  }
  let calls = 0;
  return () => {
    // every 5 results (a few ms of a batch): the heap overshoots the bound by little; a look is
    // cheap (getHeapStatistics reads V8's counters; memoryUsage() would also read /proc)
    if (gc === null || ++calls % 5 !== 0) return;
    if (getHeapStatistics().used_heap_size > bound) gc();
  };
};
