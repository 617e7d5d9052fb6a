// The Report: the one typed value a check produces. Renderers turn it into text or JSON; the
// CLI derives the exit code from it. Nothing in here is wording: findings and advice are codes
// with arguments, and the renderers own the sentences.
import type { DkimRecords, DkimSelectorProbe } from '../records/fetch-dkim.ts';
import type { ExpectedSignature, ProviderMatch } from '../records/signers.ts';
import type { AppliedDmarc, DmarcDiscovery } from '../records/fetch-dmarc.ts';
import type { DmarcTags } from '../records/parse-dmarc.ts';
import type { SpfNode } from '../records/fetch-spf.ts';
import type { DmarcPolicy, DmarcResult, SpfResult } from '../auth/types.ts';
import type { RelayIdentity } from '../records/fetch-ptr.ts';
import type { MailboxDiscovery } from '../records/fetch-srv.ts';
import type { AddressOrigin, Hop } from '../simulate/hops.ts';
import type { EnvelopeStyle, Modification, PresetId } from '../simulate/parse-relay.ts';
import type { Finding } from './findings.ts';
import type { Advice } from './advice-types.ts';
import type { ReceiverPrediction } from '../receivers/types.ts';

/** no-domain: the From domain does not exist in the DNS (NXDOMAIN, or no records of any kind). */
export type Verdict = 'pass' | 'at-risk' | 'fail' | 'unknown' | 'no-domain';
export type GmailAction = 'inbox' | 'spam' | 'reject' | 'tempfail';

export type GmailReason =
  | 'DMARC_PASS' // aligned SPF or DKIM passed
  | 'AUTHENTICATED_NO_DMARC' // SPF or DKIM passed, the domain has no enforcing DMARC policy
  | 'DMARC_REJECT' // DMARC failed under p=reject
  | 'DMARC_QUARANTINE' // DMARC failed under p=quarantine
  | 'SPF_HARD_FAIL' // no DKIM, SPF -all fails from the relay
  | 'UNAUTHENTICATED' // neither SPF nor DKIM passed
  | 'RELAY_NO_FCRDNS' // the last relay's IP has no PTR, or it is not forward-confirmed (all senders rule)
  | 'DNS_FAILURE' // DNS errors prevented authentication
  | 'NOT_CHECKED' // --offline: names outside the zone files that decide it were not checked; no DNS failure happened
  | 'DOMAIN_NOT_FOUND'; // the From domain does not exist

export interface GmailPrediction {
  action: GmailAction;
  /** The SMTP reply Gmail would give, or null when it accepts the message. */
  smtp: string | null;
  reasonCode: GmailReason;
  /** Set when the two DMARC generations (RFC 7489, RFC 9989) lead to different actions. */
  alternative?: { action: GmailAction; method: 'rfc7489' | 'rfc9989' };
}

export interface SpfSummary {
  /** not-checked: outside the zone files in --offline mode; dns-error: the lookup failed (see error). */
  status: 'found' | 'missing' | 'invalid' | 'dns-error' | 'not-checked';
  error?: string;
  domain: string;
  record: string | null;
  /** DNS-querying terms over the whole tree (RFC 7208 4.6.4 limit: 10). */
  lookups: number;
  voidLookups: number;
  tree: SpfNode;
}

/** The applied DMARC policy (src/records/dmarc-policy.ts) with the record's tags and both discoveries. */
export interface DmarcSummary extends Omit<AppliedDmarc, 'lookup'> {
  tags: DmarcTags | null;
  rfc7489: DmarcDiscovery;
  rfc9989: DmarcDiscovery;
}

export interface DkimSummary {
  domain: string;
  source: 'given' | 'common';
  selectors: DkimSelectorProbe[];
  wildcard: boolean;
  /** The applied DMARC adkim: which signing domains align with From. */
  adkim: 'r' | 's';
  /** Every domain probed: the From domain, its parents up to the organizational domain, --dkim-domain. */
  domains: DkimRecords[];
  /** Sending providers the SPF tree (or MX) names, with the evidence. */
  providers: ProviderMatch[];
  /** The signatures the mail is expected to carry (published keys, or a provider's default: an inference). */
  expected: ExpectedSignature[];
}

export interface ArrivalSpf {
  result: SpfResult;
  domain: string;
  identity: 'mailfrom' | 'helo';
}

/** Why a signature does not pass at an arrival. */
export type SignatureProblem =
  | { code: 'modified'; modification: Modification; hop: number } // a relay changed what it signs (RFC 6376 5.4)
  | { code: 'unusable-key' } // the published key cannot verify (revoked, weak, bad data)
  | { code: 'dns-error' } // the key lookup failed
  | { code: 'verify-failed'; detail: string | null } // --message: mailauth's own reason
  | { code: 'receiver-ignores-ed25519' }; // valid, but this receiver does not verify Ed25519 (RFC 8463): no signature to it

export interface ArrivalSignature {
  domain: string;
  selector: string | null;
  result: 'pass' | 'fail' | 'neutral' | 'policy' | 'temperror' | 'permerror' | 'none';
  /** d= aligns with the From domain under relaxed alignment. */
  aligned: boolean;
  /** "message": verified on the real bytes; otherwise an expected signature, modelled. */
  basis: 'published-key' | 'provider-default' | 'message';
  keyType: 'rsa' | 'ed25519' | null;
  bits: number | null;
  /** l= (RFC 6376 3.5): the body octets signed, or null for the whole body. */
  bodyLengthLimit: number | null;
  problem: SignatureProblem | null;
}

export interface ArrivalDkim {
  /** The best signature's result: an aligned pass, else any pass, else the first. */
  result: 'pass' | 'fail' | 'none' | 'temperror';
  aligned: boolean;
  domain: string | null;
  selector: string | null;
  /** How the result was reached: a verified message, or an assumption about the sender's signing. */
  basis: 'assumed-intact' | 'provider-default' | 'no-usable-key' | 'unusable-key' | 'dns-error' | 'modified' | 'message';
  /** Every signature on the message as this receiver sees it. */
  signatures: ArrivalSignature[];
  /**
   * Key lookups at domains that would align whose answer could not be read. Non-empty while no
   * aligned signature passes (or only an Ed25519 one does): an aligned signature may rest on
   * them, so DMARC stays open. Empty when the message is real or a hop breaks every signature.
   */
  unreadable: string[];
}

export interface ArrivalDmarc {
  result: DmarcResult;
  policy: DmarcPolicy | null;
  policyDomain: string | null;
  /** The RFC 7489 view (Public Suffix List discovery), beside mailauth's RFC 9989 one. */
  rfc7489: { result: DmarcResult; policy: DmarcPolicy | null; policyDomain: string | null };
}

/** What the hop that hands the message to this receiver changed. */
export type HopChange =
  | { kind: 'envelope-rewritten'; from: string; to: string; domain: string; style: EnvelopeStyle; domainSource: NonNullable<Hop['srsSource']> }
  | { kind: 'envelope-kept'; reason: 'no-srs' | 'spf-failed-on-arrival' }
  | { kind: 'modified'; modification: Modification; broke: { domain: string; selector: string | null }[]; survivedByLength: { domain: string; selector: string | null }[] }
  | { kind: 'arc-sealed'; instance: number; sealer: string | null; dmarcOnArrival: DmarcResult | 'assumed-pass' };

export interface ArrivalArc {
  /** ARC sets on the message (RFC 8617 4.2.1: i=1..n). */
  sets: number;
  sealers: (string | null)[];
  /** Whether a sealer saw DMARC pass where it received the message: then a receiver that trusts it may accept. */
  vouchedPass: boolean;
}

export interface Arrival {
  /** 1-based: the relay's place on the path. */
  hop: number;
  /** The connecting IP this receiver sees: the relay that hands the message over. */
  relay: string;
  /** The address as given, when it was an IPv4-mapped IPv6 address. */
  relayAsGiven?: string;
  relaySource: 'given' | 'assumed' | 'preset';
  preset?: PresetId;
  /** Where the relay's address came from (given, assumed, a provider's SPF). */
  relayOrigin: AddressOrigin;
  /** "gmail" for the last arrival, otherwise the next relay (relay-2, relay-3, ...). */
  receiver: string;
  /** The envelope sender (MAIL FROM) and HELO name as this receiver sees them. */
  mailFrom: string;
  helo: string;
  /** PTR and forward-confirmed reverse DNS of the relay. */
  relayIdentity: RelayIdentity | null;
  changes: HopChange[];
  spf: ArrivalSpf;
  dkim: ArrivalDkim;
  dmarc: ArrivalDmarc;
  arc: ArrivalArc;
}

export interface MessageSummary {
  /** The file name, or "-" for standard input. */
  source: string;
  fromDomain: string | null;
  returnPath: string | null;
  /** The signatures as the message arrived at the first relay, verified against the DNS. */
  signatures: ArrivalSignature[];
}

export interface Report {
  schemaVersion: 1;
  domain: string;
  mailFrom: string;
  helo: string;
  checkedAt: string;
  verdict: Verdict;
  gmail: GmailPrediction;
  /** One prediction per receiver asked for with --to, best first for this sender; empty without --to. */
  receivers: ReceiverPrediction[];
  records: { spf: SpfSummary; dmarc: DmarcSummary; dkim: DkimSummary };
  /** "message": DKIM rests on a real message verified hop by hop; "model": on the published keys. */
  basis: 'model' | 'message';
  message?: MessageSummary;
  /** --mailbox: the forwarded mailbox's client services (RFC 6186), for fetching it instead. */
  mailbox?: MailboxDiscovery;
  path: Arrival[];
  findings: Finding[];
  advice: Advice[];
  dns: { source: string; queries: number; cacheHits: number; failures: number; reachable: boolean };
  elapsedMs: number;
}
