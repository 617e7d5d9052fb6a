// Exit codes: the contract in README "Exit codes", in one place, and how a batch combines them.
import type { FailOn } from './options.ts';
import type { Report } from './report/types.ts';

/** 5: the output could not be written (stdout closed, disk full); 130: interrupted (Ctrl-C). */
export const EXIT = { ok: 0, atRiskOrFail: 1, usage: 2, dns: 3, internal: 4, output: 5, interrupted: 130 } as const;

export const exitCodeFor = (report: Report, failOn: FailOn): number => {
  switch (report.verdict) {
    case 'pass':
      return EXIT.ok;
    case 'at-risk':
      return failOn === 'at-risk' ? EXIT.atRiskOrFail : EXIT.ok;
    case 'fail':
    case 'no-domain':
      return EXIT.atRiskOrFail;
    case 'unknown':
      return EXIT.dns;
  }
};

// A batch exits with its worst domain: a bug (4) over a verdict not reached (3) over a line that
// is not a domain (2: it was not checked) over at-risk/fail (1) over inbox (0).
const RANK: Readonly<Record<number, number>> = { [EXIT.ok]: 0, [EXIT.atRiskOrFail]: 1, [EXIT.usage]: 2, [EXIT.dns]: 3, [EXIT.internal]: 4 };

export const worstExit = (a: number, b: number): number => ((RANK[b] ?? 5) > (RANK[a] ?? 5) ? b : a);
