// Gmail as a receiver: what it does with the message on its arrival, from Google's published
// rules (support pages 81126 sender guidelines, 14229414 FAQ, 3726730 SMTP errors), kept as data
// like every other receiver. Personal Gmail only: Google Workspace recipients are exempt from the
// sender rules. The Report's top-level `gmail` prediction and verdict come from this model.
import type { Arrival, GmailAction, GmailPrediction, GmailReason, Verdict } from '../report/types.ts';
import { fillReply, predictReceiver } from './evaluate.ts';
import type { PredictionCase, ReceiverAction, ReceiverInput, ReceiverModel } from './types.ts';

const HELP_DMARC = 'https://support.google.com/mail/?p=DmarcRejection';
const HELP_UNAUTH = 'https://support.google.com/mail/answer/81126#authentication';
const HELP_IP = 'https://support.google.com/a?p=sender-guidelines-ip';

export const gmail: ReceiverModel = {
  id: 'gmail',
  name: 'Gmail',
  scope: 'personal Gmail accounts (Google Workspace recipients are exempt from the sender rules)',
  capabilities: {
    // reported not to verify Ed25519 (README "Sources": a 2024-25 adoption survey, a 2026 forum thread)
    verifiesEd25519: false,
    // Google removed every ARC recommendation from its pages on 2026-03-12
    considersArc: null,
    rejectsQuarantine: false,
  },
  sources: [
    { id: 'google-81126', title: 'Google: Email sender guidelines (support 81126)', url: 'https://support.google.com/mail/answer/81126', read: '2026-06', basis: 'published' },
    { id: 'google-3726730', title: 'Google: SMTP errors and codes (support 3726730)', url: 'https://support.google.com/a/answer/3726730', read: '2026-06', basis: 'published' },
    { id: 'google-175365', title: 'Google: Best practices for forwarding email to Gmail (support 175365)', url: 'https://support.google.com/mail/answer/175365', read: '2026-06', basis: 'published' },
  ],
  replies: {
    dmarcReject: {
      text: `550 5.7.26 Unauthenticated email from {domain} is not accepted due to domain's DMARC policy. Please contact the administrator of {domain} domain if this was a legitimate mail. To learn about the DMARC initiative, go to ${HELP_DMARC}`,
      basis: 'published',
      source: 'google-3726730',
    },
    dmarcTempfail: {
      text: `451 4.7.26 Unauthenticated email from {domain} is not accepted due to domain's DMARC policy, but temporary DNS failures prevent authentication. Please contact the administrator of {domain} domain if this was a legitimate mail. To learn about the DMARC initiative, go to ${HELP_DMARC}`,
      basis: 'published',
      source: 'google-3726730',
    },
    unauthenticated: {
      text: `550 5.7.26 This email has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. Authentication results: DKIM = did not pass SPF [{spfDomain}] with ip: [{ip}] = did not pass For instructions on setting up authentication, go to ${HELP_UNAUTH}`,
      basis: 'published',
      source: 'google-3726730',
    },
    unauthenticatedRateLimited: {
      text: `421 4.7.26 This email has been rate limited because it is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. Authentication results: DKIM = did not pass SPF [{spfDomain}] with ip: [{ip}] = did not pass For instructions on setting up authentication, go to ${HELP_UNAUTH}`,
      basis: 'published',
      source: 'google-3726730',
    },
    ptrDeferral: {
      text: `451 4.7.23 The sending IP address for this message doesn't have a PTR record, or the PTR record's forward DNS entry doesn't match the sending IP address. To protect users from spam, mail sent from your IP address has been temporarily rate limited. For more information, go to ${HELP_IP}`,
      basis: 'published',
      source: 'google-3726730',
    },
    ptrReject: {
      text: `550 5.7.25 The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP. As a policy, Gmail does not accept messages from IPs with missing PTR records. For more information, go to ${HELP_IP}`,
      basis: 'published',
      source: 'google-3726730',
    },
    spfHardFail: {
      text: `550 5.7.26 The (E)MAIL FROM domain [{spfDomain}] has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks with the ip: [{ip}]. To best protect our users from spam and phishing, the email has been blocked. For instructions on setting up authentication, go to ${HELP_UNAUTH}`,
      basis: 'published',
      source: 'google-3726730',
    },
  },
  rules: {
    'dmarc-pass': { action: 'inbox', reply: null, basis: 'published', source: 'google-81126' },
    'dmarc-dns-trouble': { action: 'tempfail', reply: 'dmarcTempfail', basis: 'published', source: 'google-3726730' },
    'dmarc-reject': { action: 'reject', reply: 'dmarcReject', basis: 'published', source: 'google-3726730' },
    // "p=quarantine generally means the spam folder" (support 81126)
    'dmarc-quarantine': { action: 'spam', reply: null, basis: 'published', source: 'google-81126' },
    authenticated: { action: 'inbox', reply: null, basis: 'published', source: 'google-81126' },
    // 421 4.7.26 (unauthenticatedRateLimited) is Google's rate limiting of unauthenticated mail, not a
    // reply to DNS trouble: no reply is known to apply, so none is quoted
    'auth-dns-trouble': { action: 'tempfail', reply: null, basis: 'published', source: 'google-3726730' },
    'spf-hard-fail': { action: 'reject', reply: 'spfHardFail', basis: 'published', source: 'google-3726730' },
    unauthenticated: { action: 'reject', reply: 'unauthenticated', basis: 'published', source: 'google-3726730' },
    // a domain that does not exist can pass neither SPF nor DKIM; no reply text is known to apply
    'no-domain': { action: 'reject', reply: null, basis: 'published', source: 'google-81126' },
  },
  relayRules: {
    // all senders need forward-confirmed reverse DNS (support 81126); since the November 2025
    // ramp-up the deferral (451 4.7.23) turns into a rejection (550 5.7.25)
    noFcrdns: { action: 'reject', reply: 'ptrReject', basis: 'published', source: 'google-3726730' },
  },
};

const reply = (key: string, vars: { domain?: string; spfDomain?: string; ip?: string }): string =>
  fillReply(gmail.replies[key]!.text, { domain: vars.domain ?? '', spfDomain: vars.spfDomain ?? '', ip: vars.ip ?? '', policy: '' });

/**
 * Gmail's replies, in Google's current wording (support page 3726730, as of 2026: "This email",
 * "(E)MAIL FROM"), with the domain and IP filled in. Google has mistyped codes on that page
 * before, so tests match the text, not only the code.
 */
export const gmailReply = {
  /** DMARC fails under p=reject. */
  dmarcReject: (domain: string) => reply('dmarcReject', { domain }),
  /** The domain's DMARC policy is known, and DNS failures prevent authentication. */
  dmarcTempfail: (domain: string) => reply('dmarcTempfail', { domain }),
  /** Neither SPF nor DKIM passes. */
  unauthenticated: (spfDomain: string, ip: string) => reply('unauthenticated', { spfDomain, ip }),
  /** Google's deferral of unauthenticated mail under rate limiting; never a reply to DNS trouble. */
  unauthenticatedRateLimited: (spfDomain: string, ip: string) => reply('unauthenticatedRateLimited', { spfDomain, ip }),
  /** The sending IP has no PTR, or its name does not resolve back to it (all senders, support 81126). */
  ptrDeferral: () => reply('ptrDeferral', {}),
  ptrReject: () => reply('ptrReject', {}),
  /** The envelope domain's SPF ends in -all and fails from the IP. */
  spfHardFail: (spfDomain: string, ip: string) => reply('spfHardFail', { spfDomain, ip }),
};

/** Gmail's reason codes (the published JSON's `gmail.reasonCode`), one per authentication case. */
const REASON: Record<PredictionCase, GmailReason> = {
  'relay-no-fcrdns': 'RELAY_NO_FCRDNS',
  'dmarc-pass': 'DMARC_PASS',
  'dmarc-dns-trouble': 'DNS_FAILURE',
  'dmarc-reject': 'DMARC_REJECT',
  'dmarc-quarantine': 'DMARC_QUARANTINE',
  authenticated: 'AUTHENTICATED_NO_DMARC',
  'auth-dns-trouble': 'DNS_FAILURE',
  'spf-hard-fail': 'SPF_HARD_FAIL',
  unauthenticated: 'UNAUTHENTICATED',
  'no-domain': 'DOMAIN_NOT_FOUND',
};

/** Gmail's rules only use the four actions of the Gmail contract. */
const gmailAction = (action: ReceiverAction): GmailAction => {
  switch (action) {
    case 'inbox':
    case 'spam':
    case 'reject':
    case 'tempfail':
      return action;
    case 'inbox-warning':
    case 'unknown':
      throw new Error(`the Gmail model has no rule with action ${action}`);
  }
};

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
 * Predicts Gmail's action from its own arrival (the last one), by the Gmail model above.
 * Receivers run both DMARC generations today; when RFC 7489 and RFC 9989 lead to different
 * actions, the more severe one is predicted and the other is kept as the alternative. The
 * arrival is taken as Gmail authenticates it (the path already drops what Gmail does not verify).
 */
export const predictGmail = (fromDomain: string, arrival: Arrival, ctx: GmailContext): GmailPrediction => {
  const input: ReceiverInput = { fromDomain, arrival, spfDashAll: ctx.spfDashAll, keyTypes: {}, spfAligned: false, domainExists: true };
  if (ctx.relayFcrdns) input.relayFcrdns = ctx.relayFcrdns;
  const p = predictReceiver(gmail, input);
  const prediction: GmailPrediction = { action: gmailAction(p.action), smtp: p.smtp, reasonCode: REASON[p.case] };
  if (p.alternative) prediction.alternative = { action: gmailAction(p.alternative.action), method: p.alternative.method };
  return prediction;
};

/** A From domain that does not exist: said first, before anything about its records. */
export const noDomainPrediction = (): GmailPrediction => {
  const rule = gmail.rules['no-domain'];
  return { action: gmailAction(rule.action), smtp: null, reasonCode: REASON['no-domain'] };
};

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
