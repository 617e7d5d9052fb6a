// Wording of the receiver predictions (--to) and of the advice they lead to. The core only
// produces codes (an authentication case, an action, a basis); the sentences live here.
import type { Basis, PredictionCase, ReceiverAction, ReceiverPrediction } from '../receivers/types.ts';
import type { AdviceArgs, ReceiverMention } from './advice-types.ts';
import type { Arrival, Report } from './types.ts';

export const RECEIVER_ACTION_TEXT: Record<ReceiverAction, string> = {
  inbox: 'delivers to the inbox',
  'inbox-warning': 'delivers, with a warning banner',
  spam: 'delivers to spam',
  reject: 'rejects the message',
  tempfail: 'defers the message (temporary error)',
  unknown: 'publishes no rule for this case',
};

/** Short forms for the one-line-per-receiver section. */
export const RECEIVER_ACTION_SHORT: Record<ReceiverAction, string> = {
  inbox: 'inbox',
  'inbox-warning': 'inbox + warning',
  spam: 'spam',
  reject: 'rejected',
  tempfail: 'deferred',
  unknown: 'not published',
};

const cause = (c: PredictionCase, last: Arrival | undefined, domain: string): string => {
  const spf = `SPF ${last?.spf.result ?? '?'} from ${last?.relay ?? '?'}`;
  switch (c) {
    case 'dmarc-pass':
      return last?.dkim.result === 'pass' && last.dkim.aligned ? `DMARC passes on the aligned DKIM signature (d=${last.dkim.domain})` : `DMARC passes on aligned SPF (${last?.spf.domain})`;
    case 'dmarc-dns-trouble':
      return 'DNS errors left DMARC undecided';
    case 'dmarc-reject':
      return `DMARC fails (${spf}, no aligned DKIM) and ${domain}'s policy is reject`;
    case 'dmarc-quarantine':
      return `DMARC fails (${spf}, no aligned DKIM) and ${domain}'s policy is quarantine`;
    case 'authenticated':
      return `no DMARC policy is enforced and ${last?.dkim.result === 'pass' ? 'DKIM' : 'SPF'} passes`;
    case 'auth-dns-trouble':
      return 'no DMARC policy is enforced and DNS errors left SPF and DKIM undecided';
    case 'spf-hard-fail':
      return `no DMARC policy is enforced, neither SPF nor DKIM passes, and the SPF record hard-fails (-all) ${last?.relay ?? 'the relay'}`;
    case 'relay-no-fcrdns':
      return `the relay ${last?.relay ?? '?'} that hands the message over has no PTR record, or its name does not resolve back to it`;
    case 'no-domain':
      return `the From domain ${domain} does not exist in the DNS, so mail from it authenticates nothing`;
    case 'unauthenticated':
      return `no DMARC policy is enforced and neither SPF (${last?.spf.result ?? '?'} from ${last?.relay ?? '?'}) nor DKIM passes`;
  }
};

const basisNote = (basis: Basis, name: string): string => {
  switch (basis) {
    case 'published':
      return '';
    case 'second-hand':
      return ` (known from bounce reports, not from ${name}'s own pages)`;
    case 'not-published':
      return `: ${name} publishes nothing for this case, and fwdcheck does not guess`;
  }
};

/** One receiver's prediction, as a sentence. */
export const receiverReason = (p: ReceiverPrediction, report: Pick<Report, 'domain' | 'path'>): string => {
  const last = report.path[report.path.length - 1];
  const parts: string[] = [];
  if (p.ed25519Ignored) parts.push(`The DKIM signature uses an Ed25519 key, which ${p.name} is not known to verify: it counts as none.`);
  const action = p.action === 'unknown' ? '' : ` ${p.name} ${RECEIVER_ACTION_TEXT[p.action]}`;
  let text = `${cause(p.case, last, report.domain)}${action ? `:${action}` : ''}${basisNote(p.basis, p.name)}`;
  text = `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  parts.push(text);
  if ((p.action === 'reject' || p.action === 'tempfail') && p.smtp === null) parts.push(`${p.name} publishes no reply text for it.`);
  if (p.smtp !== null && p.smtpBasis === 'second-hand') parts.push('The reply text is second-hand (bounce reports).');
  if (p.arcMayHelp) parts.push(`A forwarder's ARC seal vouches for an earlier DMARC pass: ${p.name} may accept the message on it, by its own policy; never a guarantee.`);
  if (p.alternative) parts.push(`Under ${p.alternative.method === 'rfc7489' ? 'RFC 7489' : 'RFC 9989'} DMARC discovery the outcome would be "${p.alternative.action}" instead.`);
  return parts.join(' ');
};

const listNames = (rs: readonly ReceiverMention[]): string => {
  const names = rs.map((r) => (r.action === 'inbox-warning' ? `${r.name} (with a warning banner)` : r.name));
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
};

/** What Gmail does with the sender's forwarded mail, as the start of a sentence. */
const GMAIL_DOES: Record<AdviceArgs['RECIPIENT_FORWARD_ELSEWHERE']['gmailAction'], string> = {
  inbox: "Gmail may not deliver this sender's forwarded mail",
  spam: "Gmail puts this sender's forwarded mail in spam",
  reject: "Gmail rejects this sender's forwarded mail",
  tempfail: "Gmail defers this sender's forwarded mail",
};

export const forwardElsewhereMessage = (a: AdviceArgs['RECIPIENT_FORWARD_ELSEWHERE']): string =>
  `As of ${a.asOf}, ${GMAIL_DOES[a.gmailAction]}, but ${listNames(a.receivers)} would keep it: forward there instead of to Gmail, or fetch the mail (below).`;

export const onlyFetchIsSafeMessage = (a: AdviceArgs['RECIPIENT_ONLY_FETCH_IS_SAFE']): string =>
  `As of ${a.asOf}, none of the mailboxes checked (${a.receivers.map((r) => r.name).join(', ')}) is known to keep this sender's forwarded mail: fetching it from the old mailbox (below) is the only safe way.`;
