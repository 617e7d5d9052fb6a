// Apple iCloud Mail (icloud.com, me.com, mac.com).
import type { ReceiverModel } from './types.ts';

export const icloud: ReceiverModel = {
  id: 'icloud',
  name: 'iCloud Mail',
  scope: 'iCloud Mail personal mailboxes (icloud.com, me.com, mac.com)',
  capabilities: {
    verifiesEd25519: null,
    // Apple asks forwarders for ARC (README "Sources"), without saying how it weighs the seals
    considersArc: true,
    rejectsQuarantine: false,
  },
  sources: [
    {
      id: 'apple-postmaster',
      title: 'Apple Support: Postmaster information for iCloud Mail ("honors the domain\'s policy")',
      url: 'https://support.apple.com/en-us/HT204137',
      read: '2026-06',
      basis: 'published',
    },
    {
      id: 'icloud-bounces',
      title: 'Collected iCloud bounce texts (smtp.codes), incl. "Your message was rejected due to DOMAIN DMARC policy"',
      url: 'https://smtp.codes/icloud',
      read: '2026-11-30',
      basis: 'second-hand',
    },
  ],
  replies: {
    dmarcReject: { text: '550 5.7.1 Your message was rejected due to {domain} DMARC policy.', basis: 'second-hand', source: 'icloud-bounces' },
  },
  rules: {
    'dmarc-pass': { action: 'inbox', reply: null, basis: 'published', source: 'apple-postmaster' },
    'dmarc-dns-trouble': { action: 'unknown', reply: null, basis: 'not-published', source: null },
    // in practice forwarded mail from p=reject senders relying on SPF is rejected (bounce reports)
    'dmarc-reject': { action: 'reject', reply: 'dmarcReject', basis: 'published', source: 'apple-postmaster' },
    // "honors the domain's policy": quarantine is the Junk folder (RFC 7489 6.3)
    'dmarc-quarantine': { action: 'spam', reply: null, basis: 'published', source: 'apple-postmaster' },
    authenticated: { action: 'inbox', reply: null, basis: 'published', source: 'apple-postmaster' },
    'auth-dns-trouble': { action: 'unknown', reply: null, basis: 'not-published', source: null },
    // Apple recommends SPF and DKIM but publishes no rule for mail that has neither
    'spf-hard-fail': { action: 'unknown', reply: null, basis: 'not-published', source: null },
    unauthenticated: { action: 'unknown', reply: null, basis: 'not-published', source: null },
    'no-domain': { action: 'unknown', reply: null, basis: 'not-published', source: null },
  },
  // no published rule about the relay's reverse DNS: the authentication rules decide
  relayRules: { noFcrdns: null },
};
