// Proton Mail: publishes a warning banner for mail that fails authentication, and no reject rule.
import type { ReceiverModel } from './types.ts';

export const proton: ReceiverModel = {
  id: 'proton',
  name: 'Proton Mail',
  scope: 'Proton Mail mailboxes (proton.me, protonmail.com and custom domains)',
  capabilities: {
    verifiesEd25519: null,
    considersArc: null,
    rejectsQuarantine: false,
  },
  sources: [
    {
      id: 'proton-banner',
      title: 'Proton Support: What does Proton Mail\'s warning about domain authentication failure mean? ("This email has failed its domain\'s authentication requirements. It may be spoofed or improperly forwarded!")',
      url: 'https://proton.me/support/email-has-failed-its-domains-authentication-requirements-warning',
      read: '2026-11-30',
      basis: 'published',
    },
  ],
  replies: {},
  rules: {
    'dmarc-pass': { action: 'inbox', reply: null, basis: 'published', source: 'proton-banner' },
    'dmarc-dns-trouble': { action: 'unknown', reply: null, basis: 'not-published', source: null },
    // the banner is all Proton publishes: delivered, flagged to the reader
    'dmarc-reject': { action: 'inbox-warning', reply: null, basis: 'published', source: 'proton-banner' },
    'dmarc-quarantine': { action: 'inbox-warning', reply: null, basis: 'published', source: 'proton-banner' },
    authenticated: { action: 'inbox', reply: null, basis: 'published', source: 'proton-banner' },
    'auth-dns-trouble': { action: 'unknown', reply: null, basis: 'not-published', source: null },
    // the banner covers a failed SPF, DKIM or DMARC check alike
    'spf-hard-fail': { action: 'inbox-warning', reply: null, basis: 'published', source: 'proton-banner' },
    unauthenticated: { action: 'inbox-warning', reply: null, basis: 'published', source: 'proton-banner' },
    // it fails every authentication check: the banner is all Proton publishes
    'no-domain': { action: 'inbox-warning', reply: null, basis: 'published', source: 'proton-banner' },
  },
  // no published rule about the relay's reverse DNS: the authentication rules decide
  relayRules: { noFcrdns: null },
};
