// The recipient's advice that the other receivers make possible (--to): forward to a mailbox
// that keeps the mail, or, when none checked is known to, fetch instead. Dated: receivers' rules
// change, and the prediction holds as of the run date.
import { advice, type Advice, type ReceiverMention } from '../report/advice-types.ts';
import type { GmailAction, Verdict } from '../report/types.ts';
import type { ReceiverAction, ReceiverPrediction } from './types.ts';

/** Delivered, possibly with a warning banner: kept where the reader sees it. */
const KEEPS: ReadonlySet<ReceiverAction> = new Set(['inbox', 'inbox-warning']);

export interface ReceiverAdviceInput {
  /** Gmail's verdict and action (the top-level prediction). */
  verdict: Verdict;
  gmailAction: GmailAction;
  receivers: readonly ReceiverPrediction[];
  nowMs: number;
}

export const receiverAdvice = (input: ReceiverAdviceInput): Advice[] => {
  const others = input.receivers.filter((r) => r.id !== 'gmail');
  // only when forwarding to Gmail loses the mail, and there is something to compare with
  // (a From domain that does not exist is no sender to forward for)
  if (!others.length || input.verdict === 'pass' || input.verdict === 'unknown' || input.verdict === 'no-domain') return [];
  const asOf = new Date(input.nowMs).toISOString().slice(0, 10);
  const mention = (r: ReceiverPrediction): ReceiverMention => ({ id: r.id, name: r.name, action: r.action });
  const keepers = others.filter((r) => KEEPS.has(r.action));
  if (keepers.length) return [advice('RECIPIENT_FORWARD_ELSEWHERE', 'recipient', { asOf, gmailAction: input.gmailAction, receivers: keepers.map(mention) })];
  return [advice('RECIPIENT_ONLY_FETCH_IS_SAFE', 'recipient', { asOf, receivers: input.receivers.map(mention) })];
};
