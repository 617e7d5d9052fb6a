// The receivers section of the human report (--to): one entry per receiver, best first, each
// with its reply code and the page its rule comes from. On a wide terminal an entry is one line;
// when it does not fit, the source goes on the line below it (stacked), never cut. The full
// replies and reasons are in the JSON document and --verbose.
import type { ChalkInstance } from 'chalk';
import type { ReceiverPrediction } from '../receivers/types.ts';
import { displayWidth, para } from './layout.ts';
import { RECEIVER_ACTION_SHORT } from './messages-receivers.ts';
import { printableAscii } from './sanitize.ts';
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

export const renderReceivers = (report: Pick<Report, 'receivers' | 'checkedAt'>, options: { chalk: ChalkInstance; width: number }): string[] => {
  if (!report.receivers.length) return [];
  const c = options.chalk;
  const width = Math.max(40, options.width);
  const colour = (p: ReceiverPrediction) =>
    ({ inbox: c.green, 'inbox-warning': c.yellow, spam: c.yellow, reject: c.red, tempfail: c.magenta, unknown: c.dim })[p.action];
  const lines = para(`Forwarded to each mailbox (as of ${report.checkedAt.slice(0, 10)}, best first):`, width);
  for (const p of report.receivers) {
    const name = `  ${printableAscii(p.name).padEnd(NAME_WIDTH)} `;
    const action = `${RECEIVER_ACTION_SHORT[p.action]}${p.alternative ? '?' : ''}`.padEnd(ACTION_WIDTH);
    const code = replyCode(p).padEnd(CODE_WIDTH);
    const source = sourceLabel(p);
    // colour only the action column
    const head = `${c.bold(name)}${colour(p)(action)} ${code}`;
    const oneLine = `${name}${action} ${code} ${source}`;
    if (displayWidth(oneLine) <= width) lines.push(`${head} ${printableAscii(source)}`);
    else lines.push(head.trimEnd(), ...para(source, width, { indent: name.length }));
  }
  return lines;
};
