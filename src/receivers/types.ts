// The receiver model: what a mailbox provider does with a forwarded message on its arrival, from
// the rules it publishes. Every receiver is data (src/receivers/<id>.ts): its rules per
// authentication case, its reply texts, its capabilities and the pages they come from, each with
// the date it was read and whether the provider itself published it.
import type { Arrival } from '../report/types.ts';

export const RECEIVER_IDS = ['gmail', 'outlook', 'yahoo', 'icloud', 'proton'] as const;
export type ReceiverId = (typeof RECEIVER_IDS)[number];

/**
 * What the receiver does with the message. `inbox-warning`: delivered, with a warning shown to
 * the reader (Proton's banner). `unknown`: the receiver publishes no rule for the case, and
 * fwdcheck does not guess one.
 */
export type ReceiverAction = 'inbox' | 'inbox-warning' | 'spam' | 'reject' | 'tempfail' | 'unknown';

/** Best first: the order in which receivers are listed for a sender. */
export const ACTION_RANK: Record<ReceiverAction, number> = { inbox: 0, 'inbox-warning': 1, spam: 2, unknown: 3, tempfail: 4, reject: 5 };

/**
 * The authentication case at an arrival, the same for every receiver: what the receiver's rules
 * are keyed by. Mirrors Gmail's decision order (support pages 81126, 3726730): a DMARC verdict
 * first, then the all-senders "SPF or DKIM" rule when no enforcing policy applies.
 */
export type AuthCase =
  | 'dmarc-pass' // aligned SPF or DKIM passed (RFC 7489 4.2)
  | 'dmarc-dns-trouble' // DMARC temperror, or an enforcing policy with SPF/DKIM left open by DNS errors
  | 'dmarc-reject' // DMARC failed, policy reject
  | 'dmarc-quarantine' // DMARC failed, policy quarantine
  | 'authenticated' // no enforcing policy; SPF or DKIM passed (unaligned is enough)
  | 'auth-dns-trouble' // no enforcing policy; nothing passed and DNS errors left it open
  | 'spf-hard-fail' // no enforcing policy; nothing passed, SPF fails against a "-all" record
  | 'unauthenticated' // no enforcing policy; neither SPF nor DKIM passed
  | 'no-domain'; // the From domain does not exist (NXDOMAIN, or no records of any kind)

export const AUTH_CASES: readonly AuthCase[] = [
  'dmarc-pass', 'dmarc-dns-trouble', 'dmarc-reject', 'dmarc-quarantine', 'authenticated', 'auth-dns-trouble', 'spf-hard-fail', 'unauthenticated', 'no-domain',
];

/**
 * What a prediction rests on: an authentication case, or a rule about the connecting IP that the
 * receiver applies before it looks at the message (Gmail's forward-confirmed reverse DNS).
 */
export type PredictionCase = AuthCase | 'relay-no-fcrdns';

/** How a rule or a reply text is known. */
export type Basis =
  | 'published' // on the receiver's own pages
  | 'second-hand' // bounce reports, third-party pages, surveys: not the receiver's word
  | 'not-published'; // the receiver publishes nothing for this case

export interface ReceiverSource {
  id: string;
  title: string;
  url: string;
  /** The day the page was read (ISO date); the prediction is as of then. */
  read: string;
  basis: Exclude<Basis, 'not-published'>;
}

/**
 * A reply the receiver gives, as a template: {domain} is the From domain, {spfDomain} the
 * domain SPF checked, {ip} the connecting relay, {policy} the DMARC policy applied.
 */
export interface ReplyTemplate {
  text: string;
  basis: Exclude<Basis, 'not-published'>;
  source: string;
}

export interface ReceiverRule {
  action: ReceiverAction;
  /** A key of the receiver's replies, or null: accepted, or no reply text is known. */
  reply: string | null;
  basis: Basis;
  /** The source id the rule comes from; null when nothing is published. */
  source: string | null;
}

export interface ReceiverCapabilities {
  /**
   * Whether Ed25519 signatures (RFC 8463) are verified. false: reported not to be (README "Sources":
   * Gmail, Microsoft); null: nothing published, so a pass never rests on Ed25519 alone there.
   */
  verifiesEd25519: boolean | null;
  /** Whether the receiver says it may weigh ARC seals (RFC 8617) of forwarders; null: not published. */
  considersArc: boolean | null;
  /** Rejects DMARC failures under p=quarantine too (Outlook.com since 2023). */
  rejectsQuarantine: boolean;
}

export interface ReceiverModel {
  id: ReceiverId;
  name: string;
  /** What it covers, e.g. "personal Gmail accounts (not Google Workspace)". */
  scope: string;
  capabilities: ReceiverCapabilities;
  sources: readonly ReceiverSource[];
  replies: Readonly<Record<string, ReplyTemplate>>;
  rules: Readonly<Record<AuthCase, ReceiverRule>>;
  /**
   * Rules about the connecting relay's IP, applied first. null: the receiver publishes none, and
   * its authentication rules decide.
   */
  relayRules: { noFcrdns: ReceiverRule | null };
}

/** What a receiver sees: its arrival (the last one), plus facts its rules need. */
export interface ReceiverInput {
  fromDomain: string;
  arrival: Arrival;
  /** The SPF record in force for the MAIL FROM domain ends in "-all". */
  spfDashAll: boolean;
  /** The key type of each DKIM selector found at the From domain (for Ed25519). */
  keyTypes: Readonly<Record<string, string | null>>;
  /** Whether a passing SPF result aligns with From (RFC 7489 3.1.2), for re-evaluating DMARC without DKIM. */
  spfAligned: boolean;
  /** false when the From domain does not exist: every receiver then sees mail from nowhere. */
  domainExists: boolean;
  /** Forward-confirmed reverse DNS of the relay that hands the message over; absent: not checked. */
  relayFcrdns?: 'ok' | 'failed';
}

export interface ReceiverPrediction {
  id: ReceiverId;
  name: string;
  action: ReceiverAction;
  /** The SMTP reply, filled in, or null (accepted, or no reply text is published). */
  smtp: string | null;
  case: PredictionCase;
  basis: Basis;
  /** How the reply text is known, when there is one. */
  smtpBasis: Exclude<Basis, 'not-published'> | null;
  /** Set when DKIM passed only with an Ed25519 key this receiver is not known to verify. */
  ed25519Ignored: boolean;
  /**
   * DMARC fails, but a forwarder's ARC seal vouches for an earlier pass and this receiver says it
   * may weigh ARC (RFC 8617): it may accept the message by its own policy. Never a guarantee, so
   * the action stays what the published rule says.
   */
  arcMayHelp: boolean;
  /** Set when the two DMARC generations (RFC 7489, RFC 9989) lead to different actions. */
  alternative?: { action: ReceiverAction; method: 'rfc7489' | 'rfc9989' };
  sources: ReceiverSource[];
}
