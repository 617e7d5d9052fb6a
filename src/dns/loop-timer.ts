// A timeout that counts the time fwdcheck could have read an answer, not the time its own event
// loop was busy (a module compiling, a report rendering, a burst of checks starting). Node runs
// due timers before it polls sockets, so after a long synchronous stretch a plain setTimeout
// would declare lost an answer that is already waiting in the socket buffer.

/** A timer that does not count time the event loop was busy (see setLoopTimeout). */
class LoopTimer {
  timer: NodeJS.Timeout;
  rearms = 0;
  due = 0;
  delay = 0;
  readonly fn: () => void;
  readonly ms: number;

  constructor(fn: () => void, ms: number) {
    this.fn = fn;
    this.ms = ms;
    // one callback per timer, not one per arming (a batch arms tens of thousands)
    this.timer = setTimeout(this.fire, ms);
    this.due = performance.now() + ms;
    this.delay = ms;
  }

  readonly fire = (): void => {
    const late = performance.now() - this.due;
    if (late > Math.max(15, this.delay / 4) && this.rearms < 2) {
      this.rearms++;
      this.delay = Math.min(late, this.ms);
      this.due = performance.now() + this.delay;
      this.timer = setTimeout(this.fire, this.delay);
    } else this.fn();
  };

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** Runs fn after ms; when the timer fires late, it waits again as long as it was late (at most twice, each at most ms). */
export const setLoopTimeout = (fn: () => void, ms: number): { clear(): void } => new LoopTimer(fn, ms);
