// Yahoo Mail and AOL Mail: one platform, one set of sender rules.
import type { ReceiverModel } from './types.ts';

export const yahoo: ReceiverModel = {
  id: 'yahoo',
  name: 'Yahoo/AOL',
  scope: 'Yahoo Mail and AOL Mail personal mailboxes',
  capabilities: {
    // Yahoo publishes nothing on Ed25519: a pass never rests on it alone
    verifiesEd25519: null,
    // Yahoo asks forwarders to implement ARC (sender best practices)
    considersArc: true,
    rejectsQuarantine: false,
  },
  sources: [
    {
      id: 'yahoo-best-practices',
      title: 'Yahoo Sender Hub: Sender Requirements & Recommendations (all senders: SPF or DKIM; forwarders: ARC)',
      url: 'https://senders.yahooinc.com/best-practices/',
      read: '2026-06',
      basis: 'published',
    },
    {
      id: 'yahoo-sln7253',
      title: 'Yahoo Help SLN7253: Error "554 5.7.9: Message not accepted for policy reasons"',
      url: 'https://help.yahoo.com/kb/SLN7253.html',
      read: '2026-11-30',
      basis: 'published',
    },
    {
      id: 'yahoo-error-codes',
      title: 'Yahoo Sender Hub: SMTP Error Codes (4xx: temporary problems)',
      url: 'https://senders.yahooinc.com/smtp-error-codes/',
      read: '2026-11-30',
      basis: 'published',
    },
  ],
  replies: {
    dmarcReject: { text: '554 5.7.9 Message not accepted for policy reasons.', basis: 'published', source: 'yahoo-sln7253' },
  },
  rules: {
    'dmarc-pass': { action: 'inbox', reply: null, basis: 'published', source: 'yahoo-best-practices' },
    // "temporary DNS trouble gives a 4xx": Yahoo publishes no exact code or text for it
    'dmarc-dns-trouble': { action: 'tempfail', reply: null, basis: 'published', source: 'yahoo-error-codes' },
    'dmarc-reject': { action: 'reject', reply: 'dmarcReject', basis: 'published', source: 'yahoo-sln7253' },
    // Yahoo honours the sender's policy; quarantine is the spam folder (RFC 7489 6.3)
    'dmarc-quarantine': { action: 'spam', reply: null, basis: 'published', source: 'yahoo-best-practices' },
    authenticated: { action: 'inbox', reply: null, basis: 'published', source: 'yahoo-best-practices' },
    'auth-dns-trouble': { action: 'tempfail', reply: null, basis: 'published', source: 'yahoo-error-codes' },
    // all senders must authenticate with SPF or DKIM; the reply text is not on Yahoo's pages
    'spf-hard-fail': { action: 'reject', reply: null, basis: 'published', source: 'yahoo-best-practices' },
    unauthenticated: { action: 'reject', reply: null, basis: 'published', source: 'yahoo-best-practices' },
    // a domain that does not exist can pass neither SPF nor DKIM: the all-senders rule
    'no-domain': { action: 'reject', reply: null, basis: 'published', source: 'yahoo-best-practices' },
  },
  // no published rule about the relay's reverse DNS: the authentication rules decide
  relayRules: { noFcrdns: null },
};
