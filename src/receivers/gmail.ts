// Gmail (personal accounts) as data: the rules of src/simulate/gmail.ts in the receivers' shape.
// Google Workspace recipients are exempt from the sender rules and are not modelled.
import type { ReceiverModel } from './types.ts';

const HELP_DMARC = 'https://support.google.com/mail/?p=DmarcRejection';
const HELP_UNAUTH = 'https://support.google.com/mail/answer/81126#authentication';

export const gmail: ReceiverModel = {
  id: 'gmail',
  name: 'Gmail',
  scope: 'personal Gmail accounts (Google Workspace recipients are exempt from the sender rules)',
  capabilities: {
    // reported not to verify Ed25519 (DOMAIN.md: a 2024-25 adoption survey, a 2026 forum thread)
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
    unauthenticatedTempfail: {
      text: `421 4.7.26 This email has been rate limited because it is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. Authentication results: DKIM = did not pass SPF [{spfDomain}] with ip: [{ip}] = did not pass For instructions on setting up authentication, go to ${HELP_UNAUTH}`,
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
    // 421 4.7.26 (unauthenticatedTempfail) is Google's rate limiting of unauthenticated mail, not a
    // reply to DNS trouble: no reply is known to apply, so none is quoted
    'auth-dns-trouble': { action: 'tempfail', reply: null, basis: 'published', source: 'google-3726730' },
    'spf-hard-fail': { action: 'reject', reply: 'spfHardFail', basis: 'published', source: 'google-3726730' },
    unauthenticated: { action: 'reject', reply: 'unauthenticated', basis: 'published', source: 'google-3726730' },
  },
};
