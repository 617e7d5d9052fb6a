import type { DmarcPolicy } from '../records/parse-dmarc.ts';
import type { GmailAction } from './types.ts';
import type { Modification } from '../simulate/parse-relay.ts';

export type Audience = 'recipient' | 'relay' | 'sender';

/** Where Gmail's "Check mail from other accounts" (POP3 import) stands on the check's date. */
export type PopImportStatus = 'available' | 'existing-only' | 'ended';

/** What a remedy changes: Gmail's action now, and once the remedy is in place. */
export interface AdviceOutcome {
  before: GmailAction;
  after: GmailAction;
}

/** A receiver named in the recipient's advice, with what it does with this sender's forwarded mail. */
export interface ReceiverMention {
  id: string;
  name: string;
  action: string;
}

/** One server setting a person types into a mail client. */
export interface ClientSetting {
  host: string;
  port: number;
  /** implicit: "SSL/TLS" in most clients; starttls: "STARTTLS". */
  tls: 'implicit' | 'starttls';
}

export interface AdviceArgs {
  /** --mailbox: the forwarded mailbox's client settings, for fetching it instead (RFC 6186 SRV, else the MX's provider). */
  RECIPIENT_MAILBOX_SETTINGS: {
    address: string;
    source: 'srv' | 'provider' | 'none';
    provider: { name: string; source: string } | null;
    imap: ClientSetting | null;
    pop3: ClientSetting | null;
    submission: ClientSetting | null;
    /** The domain says it does not offer the service (SRV target "."). */
    notOffered: ('imap' | 'pop3' | 'submission')[];
    /** The username most servers expect: the full address. */
    username: string;
    popImport: PopImportStatus;
    /** Existing POP3 imports are reported to work until about this month (src/data/gmail-fetch.ts). */
    existingUntil: string;
    asOf: string;
  };
  /** Forwarding to Gmail loses the mail, another receiver checked (--to) keeps it. */
  RECIPIENT_FORWARD_ELSEWHERE: { asOf: string; gmailAction: 'inbox' | 'spam' | 'reject' | 'tempfail'; receivers: ReceiverMention[] };
  /** No receiver checked (--to) is known to keep the forwarded mail: fetching is the safe way. */
  RECIPIENT_ONLY_FETCH_IS_SAFE: { asOf: string; receivers: ReceiverMention[] };
  RECIPIENT_FETCH_INSTEAD: { popImport: PopImportStatus; asOf: string; newAccountsClosedSince: string; existingUntil: string };
  RECIPIENT_IMAP_IN_GMAIL_APP: { outcome: AdviceOutcome };
  RECIPIENT_ASK_SENDER: { domain: string; outcome: AdviceOutcome };
  /** SRS makes SPF pass for the relay's own domain: it changes the outcome (outcome.after). */
  RELAY_USE_SRS: { relay: string; outcome: AdviceOutcome };
  /** SRS cannot help: an enforcing DMARC policy needs aligned DKIM, which only the sender can add. */
  RELAY_SRS_NOT_ENOUGH: { domain: string; policy: DmarcPolicy };
  RELAY_DO_NOT_MODIFY: Record<string, never>;
  /** A hop's modification broke the sender's aligned signature: undoing it is the remedy (the sender already signs). */
  RELAY_STOP_MODIFYING: { hops: { hop: number; relay: string; modifications: Modification[] }[]; domain: string; outcome: AdviceOutcome };
  RELAY_ARC_SEAL: Record<string, never>;
  SENDER_SIGN_ALIGNED_DKIM: { domain: string; bits: number; outcome: AdviceOutcome };
  /** The provider signs with its own domain (or Microsoft 365 DKIM was never enabled): turn on the customer's key there. */
  SENDER_ENABLE_PROVIDER_DKIM: { provider: string; domain: string; outcome: AdviceOutcome };
  SENDER_STRONGER_DKIM_KEY: { selector: string; bits: number | null };
  /** record: the corrected record when the fix is mechanical (src/records/spf-fix.ts), else null. */
  SENDER_FIX_SPF: { domain: string; problems: string[]; record: string | null; removed: string[] };
  /** The DMARC record to publish instead of a broken one, and the policy it gives. */
  /** undoesSrs: the corrected policy is enforcing, so the relay's SRS (advised beside it) no longer saves the mail. */
  SENDER_FIX_DMARC: { name: string; record: string; policy: DmarcPolicy | null; outcome: AdviceOutcome; domain: string; undoesSrs: boolean };
}

export type AdviceCode = keyof AdviceArgs;

export type Advice = { [K in AdviceCode]: { code: K; audience: Audience } & AdviceArgs[K] }[AdviceCode];

export const advice = <K extends AdviceCode>(code: K, audience: Audience, args: AdviceArgs[K]): Advice =>
  ({ code, audience, ...args }) as Advice;
