/** The injectable clock: dated advice and timings read time only through it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const fixedClock = (iso: string): Clock => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`not a date: ${iso}`);
  return { now: () => t };
};
