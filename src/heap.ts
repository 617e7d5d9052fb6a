// Bounded memory for long batches. V8 sizes its heap from the machine's memory (gigabytes on a
// server) and collects the old generation late, so a run of 100,000 domains whose live data is a
// few tens of MB would still grow its RSS with every domain. A batch cannot pass
// --max-old-space-size to the node that runs it (the bin is started by npx, a shell, CI), and
// V8 ignores heap limits set after start-up; it does honour --expose-gc set at run time, so the
// batch collects itself when the heap in use passes a bound.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Heap in use above which a batch collects (live data of 64 checks in flight is ~30 MB). 48 MB:
 * with node's 16 MB semi-spaces (batch-runtime.ts), 1,000 domains peak at 141-144 MB of RSS; at
 * 64 MB, 152-156 MB.
 */
export const HEAP_BOUND_BYTES = 48 * 1024 * 1024;

/**
 * What the heap may grow by over what the last collection left: a long batch's live data is
 * larger (a full DNS cache), and a fixed bound close to it would collect after every few results.
 */
export const HEAP_HEADROOM_BYTES = 32 * 1024 * 1024;

export interface HeapGuardDeps {
  /** A full collection; null when not available. */
  gc: (() => void) | null;
  /** Heap in use now, in bytes. */
  used(): number;
}

const v8Deps = (): HeapGuardDeps => {
  let gc: (() => void) | null = null;
  try {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  } catch {
    // not available: the batch still runs, with V8's own schedule
  }
  // getHeapStatistics reads V8's counters; memoryUsage() would also read /proc
  return { gc, used: () => getHeapStatistics().used_heap_size };
};

/**
 * Call once per result: every 5 results (a few ms of a batch, so the heap overshoots little) it
 * collects when the heap in use is over the bound and over what the last collection left plus
 * the headroom.
 */
export const heapGuard = (bound = HEAP_BOUND_BYTES, deps: HeapGuardDeps = v8Deps()): (() => void) => {
  const { gc } = deps;
  let calls = 0;
  let floor = 0;
  return () => {
    if (gc === null || ++calls % 5 !== 0) return;
    if (deps.used() <= Math.max(bound, floor + HEAP_HEADROOM_BYTES)) return;
    gc();
    floor = deps.used();
  };
};
