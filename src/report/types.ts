// The Report: the one typed value a check produces. Renderers turn it into text or JSON; the
// CLI derives the exit code from it. Nothing in here is wording: findings and advice are codes
// with arguments, and the renderers own the sentences.
import type { DkimSelectorProbe } from '../records/fetch-dkim.ts';
import type { AppliedDmarc, DmarcDiscovery } from '../records/fetch-dmarc.ts';
import type { DmarcTags } from '../records/parse-dmarc.ts';
import type { SpfNode } from '../records/fetch-spf.ts';
import type { DmarcPolicy, DmarcResult, SpfResult } from '../auth/types.ts';
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
  | 'DNS_FAILURE' // DNS errors prevented authentication
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
}

export interface ArrivalSpf {
  result: SpfResult;
  domain: string;
  identity: 'mailfrom' | 'helo';
}

export interface ArrivalDkim {
  result: 'pass' | 'fail' | 'none' | 'temperror';
  aligned: boolean;
  domain: string | null;
  selector: string | null;
  /** How the result was reached: fwdcheck has no message, so a pass is an assumption. */
  basis: 'assumed-intact' | 'no-usable-key' | 'unusable-key' | 'dns-error';
}

export interface ArrivalDmarc {
  result: DmarcResult;
  policy: DmarcPolicy | null;
  policyDomain: string | null;
  /** The RFC 7489 view (Public Suffix List discovery), beside mailauth's RFC 9989 one. */
  rfc7489: { result: DmarcResult; policy: DmarcPolicy | null; policyDomain: string | null };
}

export interface Arrival {
  /** The connecting IP this receiver sees: the relay that hands the message over. */
  relay: string;
  relaySource: 'given' | 'assumed';
  /** "gmail" for the last arrival, otherwise the next relay (relay-2, relay-3, ...). */
  receiver: string;
  spf: ArrivalSpf;
  dkim: ArrivalDkim;
  dmarc: ArrivalDmarc;
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
  path: Arrival[];
  findings: Finding[];
  advice: Advice[];
  dns: { source: string; queries: number; cacheHits: number; failures: number; reachable: boolean };
  elapsedMs: number;
}
