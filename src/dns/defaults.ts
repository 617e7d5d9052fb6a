/** The command line's DNS defaults (the session's own are in session.ts SESSION_DEFAULTS). */
export const DNS_DEFAULTS = {
  /** --timeout: a query's time, its retransmissions included (2 retries: sent at 0, 1/3 and 2/3 of it). */
  timeoutMs: 5000,
  /** --deadline: a whole check's time; four timed-out queries one after another still fit. */
  deadlineMs: 20_000,
} as const;
