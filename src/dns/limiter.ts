// The limit on DNS queries in flight for a run (session.ts, --concurrency).

/** What waits for a slot of the limiter: run() once granted, unless done by then (given up). */
export interface LimiterTask {
  readonly done: boolean;
  run(): void;
}

/** A counting semaphore: the limit on queries in flight. */
export const createLimiter = (limit: number) => {
  let active = 0;
  let peak = 0;
  // a FIFO with a moving head (shift() on thousands of waiters would be quadratic), compacted
  // as it goes: in a long batch the queue may never run empty, and must not grow with the run
  let queue: (LimiterTask | undefined)[] = [];
  let head = 0;
  // a task that ends as it runs (a refused port, a closed upstream) releases its slot inside
  // release(): the outer call goes on granting, so a long queue never becomes a deep stack
  let granting = false;
  return {
    /** true: a slot is held now, and the caller runs the task; false: queued, run() when a slot frees. */
    acquire(task: LimiterTask): boolean {
      if (active < limit) {
        active++;
        peak = Math.max(peak, active);
        return true;
      }
      queue.push(task);
      return false;
    },
    release(): void {
      active--;
      if (granting) return;
      granting = true;
      try {
        while (active < limit && head < queue.length) {
          const next = queue[head]!;
          queue[head++] = undefined;
          if (next.done) continue;
          active++;
          peak = Math.max(peak, active);
          next.run();
        }
      } finally {
        granting = false;
      }
      if (head === queue.length) {
        queue = [];
        head = 0;
      } else if (head >= 1024 && head * 2 >= queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
    },
    peak: () => peak,
    /** Tasks queued (given-up ones included until they reach the head); for tests. */
    queued: () => queue.length - head,
    /** Slots held by the queue's array, for tests: it stays near the waiters. */
    capacity: () => queue.length,
  };
};
