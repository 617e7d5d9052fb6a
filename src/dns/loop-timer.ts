// A timeout that counts the time fwdcheck could have read an answer, not the time its own event
// loop was busy (a module compiling, a report rendering, a burst of checks starting). Node runs
// due timers before it polls sockets, so after a long synchronous stretch a plain setTimeout
// would declare lost an answer that is already waiting in the socket buffer.

/** Runs fn after ms; when the timer fires late, it waits again as long as it was late (at most twice, each at most ms). */
export const setLoopTimeout = (fn: () => void, ms: number): { clear(): void } => {
  let timer: NodeJS.Timeout;
  let rearms = 0;
  const arm = (delay: number) => {
    const due = performance.now() + delay;
    timer = setTimeout(() => {
      const late = performance.now() - due;
      if (late > Math.max(15, delay / 4) && rearms < 2) {
        rearms++;
        arm(Math.min(late, ms));
      } else fn();
    }, delay);
  };
  arm(ms);
  return { clear: () => clearTimeout(timer) };
};
