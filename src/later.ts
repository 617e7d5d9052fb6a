// An import() of an ES module graph runs in the microtask queue from start to end, and starves
// the process.nextTick callbacks a UDP socket's connect goes through, and so the first queries
// (measured: loading a 25-module graph held up a connect started before it by ~30 ms). Code a
// check does not need before its first queries are sent is imported a turn of the event loop
// later, once they are on the wire (issue 7, start-up).
export const importLater = <T>(load: () => Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    setImmediate(() => load().then(resolve, reject));
  });
