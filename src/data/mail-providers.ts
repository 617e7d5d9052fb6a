// Client settings of mail providers, for a mailbox whose domain publishes no RFC 6186 SRV
// records: recognized by the MX host, as a hint. Each provider's own help page, read 2026-11:
// - Google Workspace: support.google.com/mail/answer/7126229 (imap.gmail.com 993, smtp.gmail.com 465/587)
// - Microsoft 365: learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/pop3-and-imap4
//   (outlook.office365.com 993 / 995, smtp.office365.com 587 STARTTLS)
// - Fastmail: fastmail.help/hc/en-us/articles/1500000278342 (imap.fastmail.com 993, smtp.fastmail.com 465)
// - Zoho Mail: zoho.com/mail/help/imap-access.html (imap.zoho.com 993, smtp.zoho.com 465)
// - iCloud Mail: support.apple.com/102525 (imap.mail.me.com 993, smtp.mail.me.com 587 STARTTLS)

export interface ProviderEndpoint {
  host: string;
  port: number;
  tls: 'implicit' | 'starttls';
}

export interface MailProvider {
  id: string;
  name: string;
  /** MX host suffixes that identify it. */
  mxSuffixes: string[];
  imap: ProviderEndpoint | null;
  pop3: ProviderEndpoint | null;
  submission: ProviderEndpoint | null;
  source: string;
}

export const MAIL_PROVIDERS: readonly MailProvider[] = [
  {
    id: 'google-workspace',
    name: 'Google Workspace',
    mxSuffixes: ['google.com', 'googlemail.com'],
    imap: { host: 'imap.gmail.com', port: 993, tls: 'implicit' },
    pop3: { host: 'pop.gmail.com', port: 995, tls: 'implicit' },
    submission: { host: 'smtp.gmail.com', port: 465, tls: 'implicit' },
    source: 'https://support.google.com/mail/answer/7126229',
  },
  {
    id: 'microsoft-365',
    name: 'Microsoft 365',
    mxSuffixes: ['mail.protection.outlook.com'],
    imap: { host: 'outlook.office365.com', port: 993, tls: 'implicit' },
    pop3: { host: 'outlook.office365.com', port: 995, tls: 'implicit' },
    submission: { host: 'smtp.office365.com', port: 587, tls: 'starttls' },
    source: 'https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/pop3-and-imap4',
  },
  {
    id: 'fastmail',
    name: 'Fastmail',
    mxSuffixes: ['messagingengine.com'],
    imap: { host: 'imap.fastmail.com', port: 993, tls: 'implicit' },
    pop3: { host: 'pop.fastmail.com', port: 995, tls: 'implicit' },
    submission: { host: 'smtp.fastmail.com', port: 465, tls: 'implicit' },
    source: 'https://www.fastmail.help/hc/en-us/articles/1500000278342',
  },
  {
    id: 'zoho',
    name: 'Zoho Mail',
    mxSuffixes: ['zoho.com', 'zoho.eu', 'zoho.in'],
    imap: { host: 'imap.zoho.com', port: 993, tls: 'implicit' },
    pop3: { host: 'pop.zoho.com', port: 995, tls: 'implicit' },
    submission: { host: 'smtp.zoho.com', port: 465, tls: 'implicit' },
    source: 'https://www.zoho.com/mail/help/imap-access.html',
  },
  {
    id: 'icloud',
    name: 'iCloud Mail',
    mxSuffixes: ['mail.icloud.com'],
    imap: { host: 'imap.mail.me.com', port: 993, tls: 'implicit' },
    pop3: null,
    submission: { host: 'smtp.mail.me.com', port: 587, tls: 'starttls' },
    source: 'https://support.apple.com/102525',
  },
];

export const providerForMx = (hosts: readonly string[]): MailProvider | null => {
  for (const host of hosts) {
    const h = host.toLowerCase().replace(/\.$/, '');
    const found = MAIL_PROVIDERS.find((p) => p.mxSuffixes.some((s) => h === s || h.endsWith(`.${s}`)));
    if (found) return found;
  }
  return null;
};
