// What a batch prints besides the per-domain documents: the JSON of a line that could not be
// checked, the summary object of the --json document, and the human summary table.
import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { BatchResult } from '../batch.ts';
import { VERDICTS_WORST_FIRST, type BatchSummary, type ListedDomain } from '../batch-summary.ts';
import type * as v1 from '../contract/v1.ts';
import { printable } from './sanitize.ts';
import type { GmailAction, Verdict } from './types.ts';

export type BatchErrorCode = 'INVALID_DOMAIN' | 'INTERNAL_ERROR';

/** A line that was not checked, as an ndjson line or an entry of the --json document's errors. */
export const batchErrorDocument = (result: Exclude<BatchResult, { kind: 'report' }>): v1.BatchError => ({
  schemaVersion: 1,
  input: result.input,
  line: result.line ?? null,
  error: { code: (result.kind === 'input-error' ? 'INVALID_DOMAIN' : 'INTERNAL_ERROR') satisfies BatchErrorCode, message: result.message },
});

/** The summary object of the --json document for several domains. */
export const batchSummaryDocument = (summary: BatchSummary, elapsedMs: number): v1.BatchSummary => ({
  total: summary.total,
  checked: summary.checked,
  verdicts: { ...summary.verdicts },
  inputErrors: summary.inputErrors,
  internalErrors: summary.internalErrors,
  exitCode: summary.exitCode,
  elapsedMs,
});

const VERDICT_LABEL: Record<Verdict, string> = {
  fail: 'FAIL      forwarded mail will be lost',
  'at-risk': 'AT RISK   forwarded mail may not reach the inbox',
  'no-domain': 'NO DOMAIN the From domain does not exist in the DNS',
  unknown: 'UNKNOWN   DNS errors prevented a verdict',
  pass: 'PASS      expected to reach the inbox',
};

const LIST_TITLE: Record<keyof BatchSummary['listed'], string> = {
  fail: 'Will be lost',
  'at-risk': 'At risk',
  'no-domain': 'No such domain',
  unknown: 'No verdict (DNS trouble)',
  'input-error': 'Not checked: not a domain name',
  'internal-error': 'Not checked: internal error (run with --debug)',
};

const LIST_ORDER = ['input-error', 'internal-error', ...VERDICTS_WORST_FIRST.filter((v) => v !== 'pass')] as const;

const GMAIL_ACTION: Record<GmailAction, string> = { inbox: 'inbox', spam: 'spam folder', reject: 'rejected', tempfail: 'deferred' };

/** Gmail's action and reply code ("rejected, 550 5.7.26"), or why the line was not checked. */
const detail = (d: ListedDomain): string => {
  if (d.message !== undefined) return printable(d.message);
  if (!d.gmail) return '';
  const code = d.gmail.smtp?.split(' ').slice(0, 2).join(' ');
  return `Gmail: ${GMAIL_ACTION[d.gmail.action]}${code ? `, ${code}` : ''}`;
};

const where = (d: ListedDomain) => printable(d.line === undefined ? d.domain : `line ${d.line}: ${d.domain}`);

// cli-table3 draws the summary: every cell here is short (a count, a label, a domain, a reply
// code) and is cut to its column before it reaches the table, so there is no word wrapping to pay
// for (the per-domain report lays out long records itself: src/report/layout.ts).
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
const table = (head: string[] | null, aligns: ('left' | 'right')[]) =>
  new Table({ ...(head ? { head } : { chars: COMPACT }), style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 }, colAligns: aligns, wordWrap: false });

/** Cuts text to `max` columns, keeping both ends (a domain's end is what tells it apart). */
const fit = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 12)}…${text.slice(-11)}`);

/** The human end of a batch: domains per verdict, worst first, then the domains to look at. */
export const renderBatchSummary = (summary: BatchSummary, options: { chalk: ChalkInstance; elapsedMs: number; width?: number }): string => {
  const c = options.chalk;
  const width = Math.max(60, options.width ?? 80);
  const colour: Record<Verdict, (s: string) => string> = { fail: c.red, 'at-risk': c.yellow, 'no-domain': c.red, unknown: c.magenta, pass: c.green };
  const count = (kind: keyof BatchSummary['listed']) =>
    kind === 'input-error' ? summary.inputErrors : kind === 'internal-error' ? summary.internalErrors : summary.verdicts[kind];
  const out: string[] = [];
  const seconds = (options.elapsedMs / 1000).toFixed(1);
  out.push(c.bold(`${summary.checked} of ${summary.total} domains checked in ${seconds} s`), '');
  const verdicts = table(['Domains', 'Verdict'], ['right', 'left']);
  for (const v of VERDICTS_WORST_FIRST) verdicts.push([String(summary.verdicts[v]), colour[v](VERDICT_LABEL[v])]);
  if (summary.inputErrors) verdicts.push([String(summary.inputErrors), 'not a domain name (not checked)']);
  if (summary.internalErrors) verdicts.push([String(summary.internalErrors), 'internal error (not checked)']);
  out.push(verdicts.toString());
  for (const kind of LIST_ORDER) {
    const listed = summary.listed[kind];
    if (!listed.length) continue;
    const n = count(kind);
    out.push('', c.bold(`${LIST_TITLE[kind]} (${n}${n > listed.length ? `, first ${listed.length}; all with --format ndjson` : ''}):`));
    // two columns and four borders: the name gets what the detail leaves, at most 48
    const nameMax = Math.min(48, Math.max(...listed.map((d) => where(d).length)));
    const detailMax = width - Math.min(nameMax, 48) - 7;
    const rows = table(null, ['left', 'left']);
    const byLine = [...listed].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
    // a domain that does not exist gets no Gmail reply worth showing: nothing was sent anywhere
    for (const d of byLine) rows.push([fit(where(d), nameMax), fit(kind === 'no-domain' ? 'not in the DNS' : detail(d), detailMax)]);
    out.push(rows.toString());
  }
  return `${out.join('\n')}\n`;
};
