// A frozen copy of src/simulate/gmail.ts as it was before Gmail moved behind the receiver
// interface (main b6525eb): the oracle that proves the move changed no behaviour.
// Gmail as a receiver: what it does with the message on its arrival, from Google's published
// rules (support pages 81126 sender guidelines, 14229414 FAQ, 3726730 SMTP errors). Personal
// Gmail only: Google Workspace recipients are exempt from the sender rules.
import type { Arrival, GmailAction, GmailPrediction, GmailReason, Verdict } from '../../src/report/types.ts';
import type { DmarcPolicy, DmarcResult } from '../../src/auth/types.ts';

const HELP_DMARC = 'https://support.google.com/mail/?p=DmarcRejection';
const HELP_UNAUTH = 'https://support.google.com/mail/answer/81126#authentication';
const HELP_IP = 'https://support.google.com/a?p=sender-guidelines-ip';

/**
 * Gmail's replies, in Google's current wording (support page 3726730, as of 2026: "This email",
 * "(E)MAIL FROM"), with the domain and IP filled in. Google has mistyped codes on that page
 * before, so tests match the text, not only the code.
 */
export const gmailReply = {
  /** DMARC fails under p=reject. */
  dmarcReject: (domain: string) =>
    `550 5.7.26 Unauthenticated email from ${domain} is not accepted due to domain's DMARC policy. Please contact the administrator of ${domain} domain if this was a legitimate mail. To learn about the DMARC initiative, go to ${HELP_DMARC}`,
  /** The domain's DMARC policy is known, and DNS failures prevent authentication. */
  dmarcTempfail: (domain: string) =>
    `451 4.7.26 Unauthenticated email from ${domain} is not accepted due to domain's DMARC policy, but temporary DNS failures prevent authentication. Please contact the administrator of ${domain} domain if this was a legitimate mail. To learn about the DMARC initiative, go to ${HELP_DMARC}`,
  /** Neither SPF nor DKIM passes. */
  unauthenticated: (spfDomain: string, ip: string) =>
    `550 5.7.26 This email has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. Authentication results: DKIM = did not pass SPF [${spfDomain}] with ip: [${ip}] = did not pass For instructions on setting up authentication, go to ${HELP_UNAUTH}`,
  /** Google's deferral of unauthenticated mail under rate limiting; never a reply to DNS trouble. */
  unauthenticatedRateLimited: (spfDomain: string, ip: string) =>
    `421 4.7.26 This email has been rate limited because it is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. Authentication results: DKIM = did not pass SPF [${spfDomain}] with ip: [${ip}] = did not pass For instructions on setting up authentication, go to ${HELP_UNAUTH}`,
  /** The sending IP has no PTR, or its name does not resolve back to it (all senders, support 81126). */
  ptrDeferral: () =>
    `451 4.7.23 The sending IP address for this message doesn't have a PTR record, or the PTR record's forward DNS entry doesn't match the sending IP address. To protect users from spam, mail sent from your IP address has been temporarily rate limited. For more information, go to ${HELP_IP}`,
  ptrReject: () =>
    `550 5.7.25 The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP. As a policy, Gmail does not accept messages from IPs with missing PTR records. For more information, go to ${HELP_IP}`,
  /** The envelope domain's SPF ends in -all and fails from the IP. */
  spfHardFail: (spfDomain: string, ip: string) =>
    `550 5.7.26 The (E)MAIL FROM domain [${spfDomain}] has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks with the ip: [${ip}]. To best protect our users from spam and phishing, the email has been blocked. For instructions on setting up authentication, go to ${HELP_UNAUTH}`,
};

interface Outcome {
  action: GmailAction;
  smtp: string | null;
  reasonCode: GmailReason;
}

const SEVERITY: Record<GmailAction, number> = { inbox: 0, spam: 1, tempfail: 2, reject: 3 };

export interface GmailContext {
  /** The SPF record in force for the MAIL FROM domain ends in "-all" (Gmail's hard-fail reply names it). */
  spfDashAll: boolean;
  /**
   * Forward-confirmed reverse DNS of the IP that hands the message to Gmail: "failed" when it has
   * no PTR or the name does not resolve back; absent or "ok" when confirmed or not checked.
   */
  relayFcrdns?: 'ok' | 'failed';
}

/**
 * Gmail's action for one DMARC outcome at the last arrival. A reply is quoted only when its
 * condition is known: the DMARC texts only when a policy was read, no reply at all when DNS
 * trouble leaves open what Gmail would decide.
 */
const decide = (fromDomain: string, arrival: Arrival, dmarc: { result: DmarcResult; policy: DmarcPolicy | null }, ctx: GmailContext): Outcome => {
  const spfPass = arrival.spf.result === 'pass';
  const dkimPass = arrival.dkim.result === 'pass';
  // a DNS failure only matters when it leaves the outcome open: an aligned pass stands on its own
  // an unreadable key lookup leaves aligned DKIM open while no aligned signature passes
  const dnsTrouble = arrival.spf.result === 'temperror' || arrival.dkim.result === 'temperror' || (!arrival.dkim.aligned && (arrival.dkim.unreadable?.length ?? 0) > 0);
  const enforcing = dmarc.policy === 'reject' || dmarc.policy === 'quarantine';
  if (dmarc.result === 'temperror') {
    // the policy was read (it is the alignment or the np existence test that failed): Google's
    // 451 names "domain's DMARC policy"; without a policy there is nothing known to quote
    return { action: 'tempfail', smtp: enforcing ? gmailReply.dmarcTempfail(fromDomain) : null, reasonCode: 'DNS_FAILURE' };
  }
  if (dmarc.result === 'pass') return { action: 'inbox', smtp: null, reasonCode: 'DMARC_PASS' };
  const enforced = dmarc.result === 'fail' && enforcing;
  if (enforced && dnsTrouble) return { action: 'tempfail', smtp: gmailReply.dmarcTempfail(fromDomain), reasonCode: 'DNS_FAILURE' };
  if (enforced && dmarc.policy === 'reject') return { action: 'reject', smtp: gmailReply.dmarcReject(fromDomain), reasonCode: 'DMARC_REJECT' };
  // "p=quarantine generally means the spam folder" (Google support 81126)
  if (enforced) return { action: 'spam', smtp: null, reasonCode: 'DMARC_QUARANTINE' };
  // no enforcing DMARC policy: Gmail's own rule, SPF or DKIM must pass (support 81126)
  if (spfPass || dkimPass) return { action: 'inbox', smtp: null, reasonCode: 'AUTHENTICATED_NO_DMARC' };
  // 421 4.7.26 is Google's rate limiting of unauthenticated mail, not a DNS-failure reply
  if (dnsTrouble) return { action: 'tempfail', smtp: null, reasonCode: 'DNS_FAILURE' };
  if (arrival.spf.result === 'fail' && ctx.spfDashAll) {
    return { action: 'reject', smtp: gmailReply.spfHardFail(arrival.spf.domain, arrival.relay), reasonCode: 'SPF_HARD_FAIL' };
  }
  return { action: 'reject', smtp: gmailReply.unauthenticated(arrival.spf.domain, arrival.relay), reasonCode: 'UNAUTHENTICATED' };
};

/**
 * Predicts Gmail's action from its own arrival (the last one). Receivers run both DMARC
 * generations today; when RFC 7489 and RFC 9989 lead to different actions, the more severe one
 * is predicted and the other is kept as the alternative.
 */
export const predictGmail = (fromDomain: string, arrival: Arrival, ctx: GmailContext): GmailPrediction => {
  // the all-senders IP rule comes first: Gmail knows the IP before it sees the message. Since the
  // November 2025 ramp-up the deferral (451 4.7.23) turns into a rejection (550 5.7.25)
  if (ctx.relayFcrdns === 'failed') return { action: 'reject', smtp: gmailReply.ptrReject(), reasonCode: 'RELAY_NO_FCRDNS' };
  const modern = decide(fromDomain, arrival, arrival.dmarc, ctx);
  const legacy = decide(fromDomain, arrival, arrival.dmarc.rfc7489, ctx);
  if (modern.action === legacy.action) return modern;
  const [worse, other, method] = SEVERITY[legacy.action] > SEVERITY[modern.action] ? [legacy, modern, 'rfc9989' as const] : [modern, legacy, 'rfc7489' as const];
  return { ...worse, alternative: { action: other.action, method } };
};

/** A From domain that does not exist: said first, before anything about its records. */
export const noDomainPrediction = (): GmailPrediction => ({ action: 'reject', smtp: null, reasonCode: 'DOMAIN_NOT_FOUND' });

export const verdictOf = (prediction: GmailPrediction): Verdict => {
  const of = (action: GmailAction): Verdict => {
    switch (action) {
      case 'inbox':
        return 'pass';
      case 'spam':
        return 'at-risk';
      case 'reject':
        return 'fail';
      case 'tempfail':
        return 'unknown';
    }
  };
  if (prediction.reasonCode === 'DOMAIN_NOT_FOUND') return 'no-domain';
  // the two DMARC generations disagree and one of them delivers: it depends on the receiver
  if (prediction.alternative?.action === 'inbox') return 'at-risk';
  return of(prediction.action);
};
