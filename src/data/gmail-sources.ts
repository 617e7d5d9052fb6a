// The Google pages Gmail's model (src/simulate/gmail.ts) is built from (DOMAIN.md "Gmail").
// The day each was read is not recorded in the facts fwdcheck was built from: null, not a guess.
export interface ReceiverSource {
  title: string;
  url: string;
  read: string | null;
}

export const GMAIL_SOURCES: readonly ReceiverSource[] = [
  { title: 'Email sender guidelines', url: 'https://support.google.com/a/answer/81126', read: null },
  { title: 'Email sender guidelines FAQ', url: 'https://support.google.com/a/answer/14229414', read: null },
  { title: 'Gmail SMTP errors and codes', url: 'https://support.google.com/a/answer/3726730', read: null },
  { title: 'Best practices for forwarding email to Gmail', url: 'https://support.google.com/mail/answer/175365', read: null },
];
