// The compact receivers section of the human report (--to): one line per receiver, best first,
// each with its reply code and the page its rule comes from. The full replies and reasons are in
// the JSON document.
import type { ChalkInstance } from 'chalk';
import type { ReceiverPrediction } from '../receivers/types.ts';
import { RECEIVER_ACTION_SHORT } from './messages-receivers.ts';
import type { Report } from './types.ts';

const NAME_WIDTH = 12;
const ACTION_WIDTH = 16;
const CODE_WIDTH = 12;

/** "550 5.7.509 Access denied ..." -> "550 5.7.509" */
const replyCode = (p: ReceiverPrediction): string => {
  if (p.smtp !== null) return p.smtp.split(' ').slice(0, 2).join(' ');
  return p.action === 'reject' || p.action === 'tempfail' ? 'no text' : '-';
};

const sourceLabel = (p: ReceiverPrediction): string => {
  const s = p.sources[0];
  if (!s) return 'nothing published';
  const host = new URL(s.url).host.replace(/^www\./, '');
  return `${host}, ${s.read}${p.basis === 'second-hand' || p.smtpBasis === 'second-hand' ? ', second-hand' : ''}`;
};

/** Cuts plain text to a width, marking the cut. */
const fit = (text: string, width: number): string => (text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`);

export const renderReceivers = (report: Pick<Report, 'receivers' | 'checkedAt'>, options: { chalk: ChalkInstance; width: number }): string[] => {
  if (!report.receivers.length) return [];
  const c = options.chalk;
  const width = Math.max(40, options.width);
  const colour = (p: ReceiverPrediction) =>
    ({ inbox: c.green, 'inbox-warning': c.yellow, spam: c.yellow, reject: c.red, tempfail: c.magenta, unknown: c.dim })[p.action];
  const lines = [fit(`Forwarded to each mailbox (as of ${report.checkedAt.slice(0, 10)}, best first):`, width)];
  for (const p of report.receivers) {
    const name = `  ${p.name.padEnd(NAME_WIDTH)} `;
    const action = `${RECEIVER_ACTION_SHORT[p.action]}${p.alternative ? '?' : ''}`.padEnd(ACTION_WIDTH);
    const rest = `${replyCode(p).padEnd(CODE_WIDTH)} ${sourceLabel(p)}`;
    const plain = fit(`${name}${action} ${rest}`, width);
    // colour only the action column, after cutting the plain text
    const head = plain.slice(0, name.length);
    const mid = plain.slice(name.length, name.length + action.length);
    lines.push(`${c.bold(head)}${colour(p)(mid)}${plain.slice(name.length + action.length)}`);
  }
  return lines;
};
