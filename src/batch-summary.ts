// The end of a batch: how many domains got each verdict and which ones need attention. Pure and
// bounded: counts for every domain, names for the first LISTED of each kind only, so that a run
// of a million domains holds a few hundred names, not a million.
import type { BatchResult } from './batch.ts';
import { EXIT, exitCodeFor, worstExit } from './exit.ts';
import type { FailOn } from './options.ts';
import type { GmailAction, Verdict } from './report/types.ts';

/** Worst first: mail lost, mail that may be lost, a From domain that does not exist, no verdict, inbox. */
export const VERDICTS_WORST_FIRST = ['fail', 'at-risk', 'no-domain', 'unknown', 'pass'] as const satisfies readonly Verdict[];

export interface ListedDomain {
  domain: string;
  line?: number;
  /** What Gmail does with the forwarded mail, for a checked domain. */
  gmail?: { action: GmailAction; smtp: string | null };
  /** Why the line was not checked, for an input or internal error. */
  message?: string;
}

export interface BatchSummary {
  /** Domains and lines processed, checked or not. */
  total: number;
  checked: number;
  verdicts: Record<Verdict, number>;
  inputErrors: number;
  internalErrors: number;
  exitCode: number;
  /** The first LISTED domains of each verdict but pass, and of each kind of error. */
  listed: Record<Exclude<Verdict, 'pass'> | 'input-error' | 'internal-error', ListedDomain[]>;
  dnsQueries: number;
}

export const LISTED = 20;

export const emptySummary = (): BatchSummary => ({
  total: 0,
  checked: 0,
  verdicts: { pass: 0, 'at-risk': 0, fail: 0, 'no-domain': 0, unknown: 0 },
  inputErrors: 0,
  internalErrors: 0,
  exitCode: EXIT.ok,
  listed: { fail: [], 'at-risk': [], 'no-domain': [], unknown: [], 'input-error': [], 'internal-error': [] },
  dnsQueries: 0,
});

const list = (into: ListedDomain[], entry: ListedDomain, line: number | undefined) => {
  if (into.length < LISTED) into.push(line === undefined ? entry : { ...entry, line });
};

/** The exit code one result contributes to the run. */
export const exitCodeOf = (result: BatchResult, failOn: FailOn): number => {
  switch (result.kind) {
    case 'report':
      return exitCodeFor(result.report, failOn);
    case 'input-error':
      return EXIT.usage;
    case 'internal-error':
      return EXIT.internal;
  }
};

/** Adds one result to the summary (mutates it: a batch adds results one by one). */
export const addToSummary = (summary: BatchSummary, result: BatchResult, failOn: FailOn): void => {
  summary.total++;
  summary.exitCode = worstExit(summary.exitCode, exitCodeOf(result, failOn));
  switch (result.kind) {
    case 'report': {
      const { report } = result;
      summary.checked++;
      summary.verdicts[report.verdict]++;
      summary.dnsQueries += report.dns.queries;
      if (report.verdict !== 'pass') list(summary.listed[report.verdict], { domain: report.domain, gmail: { action: report.gmail.action, smtp: report.gmail.smtp } }, result.line);
      return;
    }
    case 'input-error':
      summary.inputErrors++;
      list(summary.listed['input-error'], { domain: result.input, message: result.message }, result.line);
      return;
    case 'internal-error':
      summary.internalErrors++;
      list(summary.listed['internal-error'], { domain: result.input, message: result.message }, result.line);
      return;
  }
};
