// Outlook.com, Hotmail, Live.com and MSN: Microsoft's consumer mailboxes (not Microsoft 365
// tenants, whose admins choose how DMARC failures are handled).
import type { ReceiverModel } from './types.ts';

export const outlook: ReceiverModel = {
  id: 'outlook',
  name: 'Outlook.com',
  scope: 'Outlook.com, Hotmail, Live.com and MSN personal mailboxes (not Microsoft 365 work accounts)',
  capabilities: {
    // reported not to verify Ed25519 (README "Sources": a 2024-25 adoption survey, a 2026 forum thread)
    verifiesEd25519: false,
    // Microsoft asks forwarders for ARC; consumer Outlook.com names no sealers it trusts
    considersArc: true,
    rejectsQuarantine: true,
  },
  sources: [
    {
      id: 'ms-5.7.515',
      title: 'Fix NDR error 550 5.7.515 in Outlook.com (Microsoft Support)',
      url: 'https://support.microsoft.com/topic/fix-ndr-error-550-5-7-515-in-outlook-com-34cfe8f8-6fbf-457e-9e8b-9e4dbaf4e0ef',
      read: '2026-11-30',
      basis: 'published',
    },
    {
      id: 'ms-5.7.509',
      title: 'Bounce reports of 550 5.7.509 from Outlook.com for DMARC failures under p=reject and p=quarantine (since 2023)',
      url: 'https://ourcloudnetwork.com/how-to-fix-error-550-5-7-509-access-denied-in-exchange-online/',
      read: '2026-11-30',
      basis: 'second-hand',
    },
  ],
  replies: {
    dmarcReject: {
      // Microsoft's wording names "reject" whichever enforcing policy the domain has
      text: '550 5.7.509 Access denied, sending domain {domain} does not pass DMARC verification and has a DMARC policy of reject.',
      basis: 'second-hand',
      source: 'ms-5.7.509',
    },
  },
  rules: {
    'dmarc-pass': { action: 'inbox', reply: null, basis: 'published', source: 'ms-5.7.515' },
    // Microsoft publishes no reply for DMARC left open by DNS errors
    'dmarc-dns-trouble': { action: 'unknown', reply: null, basis: 'not-published', source: null },
    'dmarc-reject': { action: 'reject', reply: 'dmarcReject', basis: 'second-hand', source: 'ms-5.7.509' },
    'dmarc-quarantine': { action: 'reject', reply: 'dmarcReject', basis: 'second-hand', source: 'ms-5.7.509' },
    // the 5.7.515 rule (SPF and DKIM and DMARC) binds only senders of 5,000+ messages a day
    authenticated: { action: 'inbox', reply: null, basis: 'published', source: 'ms-5.7.515' },
    'auth-dns-trouble': { action: 'unknown', reply: null, basis: 'not-published', source: null },
    'spf-hard-fail': { action: 'unknown', reply: null, basis: 'not-published', source: null },
    unauthenticated: { action: 'unknown', reply: null, basis: 'not-published', source: null },
    // a domain that does not exist can pass nothing; Microsoft publishes no rule for it
    'no-domain': { action: 'unknown', reply: null, basis: 'not-published', source: null },
  },
  // no published rule about the relay's reverse DNS: the authentication rules decide
  relayRules: { noFcrdns: null },
};
