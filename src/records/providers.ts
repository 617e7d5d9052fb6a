// Sending providers as data: how to recognise one from the sender's SPF tree (or MX), which DKIM
// selectors it publishes keys under, and which domain it signs with when the customer has not set
// up a key of their own. Source: README "Sources" ("Who really signs", selectors seen in real
// zones, 2026). A provider without a documented default signature has `defaultSigner: null`:
// fwdcheck then models no signature for it rather than guess one.

export type ProviderId =
  | 'google-workspace'
  | 'microsoft-365'
  | 'fastmail'
  | 'proton'
  | 'icloud'
  | 'mailchimp'
  | 'mandrill'
  | 'sendgrid'
  | 'mailgun'
  | 'zoho'
  | 'sparkpost'
  | 'postmark'
  | 'amazon-ses';

export interface Provider {
  id: ProviderId;
  name: string;
  /** SPF include (or redirect) targets that identify the provider; a leading "." matches any name below. */
  spf: readonly string[];
  /** MX host names that identify a mailbox provider ("." prefix: any name below). */
  mx: readonly string[];
  /** Selectors the provider publishes customer keys under, most likely first. */
  selectors: readonly string[];
  /**
   * The d= the provider signs with when the customer has no key of their own. `domain` is a real
   * name under the provider's registrable domain, used for alignment (it never aligns with the
   * customer's From); `form` is how the d= looks in a message, for the report.
   */
  defaultSigner: { domain: string; form: string } | null;
  /** Selectors that are CNAMEs to the provider when the customer enabled DKIM there (Microsoft 365). */
  cnameSelectors?: readonly string[];
  /** Where the CNAME targets live, e.g. ".onmicrosoft.com". */
  cnameTargetSuffix?: string;
}

export const PROVIDERS: readonly Provider[] = [
  {
    id: 'google-workspace',
    name: 'Google Workspace',
    spf: ['_spf.google.com'],
    mx: ['aspmx.l.google.com', '.aspmx.l.google.com', 'smtp.google.com', '.googlemail.com'],
    selectors: ['google'],
    // Google signs d=<domain-with-dashes>.<yyyymmdd>.gappssmtp.com until a custom key is turned on
    defaultSigner: { domain: 'gappssmtp.com', form: '{domain-dashes}.<yyyymmdd>.gappssmtp.com' },
  },
  {
    id: 'microsoft-365',
    name: 'Microsoft 365',
    spf: ['spf.protection.outlook.com'],
    mx: ['.mail.protection.outlook.com'],
    selectors: ['selector1', 'selector2'],
    // Exchange Online signs d=<tenant>.onmicrosoft.com until DKIM is enabled for the custom domain
    defaultSigner: { domain: 'onmicrosoft.com', form: '<tenant>.onmicrosoft.com' },
    cnameSelectors: ['selector1', 'selector2'],
    cnameTargetSuffix: '.onmicrosoft.com',
  },
  { id: 'fastmail', name: 'Fastmail', spf: ['spf.messagingengine.com'], mx: ['.messagingengine.com'], selectors: ['fm1', 'fm2', 'fm3'], defaultSigner: null },
  {
    id: 'proton',
    name: 'Proton Mail',
    spf: ['_spf.protonmail.ch'],
    mx: ['mail.protonmail.ch', 'mailsec.protonmail.ch'],
    selectors: ['protonmail', 'protonmail2', 'protonmail3'],
    defaultSigner: null,
  },
  { id: 'icloud', name: 'iCloud Mail (custom domain)', spf: ['icloud.com'], mx: ['.mail.icloud.com'], selectors: ['sig1'], defaultSigner: null },
  {
    id: 'mailchimp',
    name: 'Mailchimp',
    spf: ['servers.mcsv.net'],
    mx: [],
    selectors: ['k2', 'k3', 'k1'],
    defaultSigner: { domain: 'mcsv.net', form: 'mcsv.net' },
  },
  { id: 'mandrill', name: 'Mandrill (Mailchimp Transactional)', spf: ['spf.mandrillapp.com'], mx: [], selectors: ['mandrill'], defaultSigner: null },
  {
    id: 'sendgrid',
    name: 'SendGrid',
    spf: ['sendgrid.net'],
    mx: [],
    selectors: ['s1', 's2'],
    defaultSigner: { domain: 'sendgrid.net', form: 'sendgrid.net' },
  },
  { id: 'mailgun', name: 'Mailgun', spf: ['mailgun.org', '.mailgun.org'], mx: [], selectors: ['krs', 'mailo', 'smtp', 'mx'], defaultSigner: null },
  {
    id: 'zoho',
    name: 'Zoho Mail',
    spf: ['zoho.com', 'zoho.eu', 'zoho.in', 'zoho.com.au', 'zohomail.com', 'zohomail.eu', 'one.zoho.com', 'one.zoho.eu'],
    mx: ['.zoho.com', '.zoho.eu', '.zoho.in', '.zoho.com.au', '.zohomail.com'],
    selectors: ['zmail', 'zoho'],
    defaultSigner: null,
  },
  // SparkPost selectors are scphMMYY (the month the key was made) and Postmark's are dated: they
  // cannot be guessed, so only --selector finds them
  { id: 'sparkpost', name: 'SparkPost', spf: ['_spf.sparkpostmail.com', 'sparkpostmail.com'], mx: [], selectors: [], defaultSigner: null },
  { id: 'postmark', name: 'Postmark', spf: ['spf.mtasv.net'], mx: [], selectors: [], defaultSigner: null },
  // SES Easy DKIM selectors are random tokens (CNAMEs to dkim.amazonses.com): not guessable
  {
    id: 'amazon-ses',
    name: 'Amazon SES',
    spf: ['amazonses.com', '.amazonses.com'],
    mx: [],
    selectors: [],
    defaultSigner: { domain: 'amazonses.com', form: 'amazonses.com' },
  },
];

export const providerById = (id: ProviderId): Provider => PROVIDERS.find((p) => p.id === id)!;

/** How the provider's default d= looks in a message for mail From `from` (gappssmtp.com -> from-example.<yyyymmdd>.gappssmtp.com). */
export const defaultSignerForm = (id: string, domain: string, from: string): string => {
  const p = PROVIDERS.find((x) => x.id === id);
  if (!p?.defaultSigner || p.defaultSigner.domain !== domain) return domain;
  return p.defaultSigner.form.replace('{domain-dashes}', from.replace(/\./g, '-'));
};

/** A provider's name for the report; the id itself for one fwdcheck does not know. */
export const providerName = (id: string): string => PROVIDERS.find((p) => p.id === id)?.name ?? id;

const matches = (name: string, patterns: readonly string[]): boolean => {
  const n = name.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => (p.startsWith('.') ? n.endsWith(p) : n === p));
};

export const providerForSpfName = (name: string): Provider | null => PROVIDERS.find((p) => matches(name, p.spf)) ?? null;
export const providerForMx = (host: string): Provider | null => PROVIDERS.find((p) => matches(host, p.mx)) ?? null;
