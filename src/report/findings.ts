import type { EnvelopeOddity } from '../envelope.ts';
import type { DkimKeyProblem } from '../records/parse-dkim.ts';
import type { DmarcPolicy } from '../auth/types.ts';
import type { DmarcIssueCode } from '../records/parse-dmarc.ts';
import type { SpfSyntaxReason } from '../records/parse-spf.ts';
import type { Modification } from '../simulate/parse-relay.ts';
import type { SpfResult } from '../auth/types.ts';

export type Severity = 'error' | 'warning' | 'info';

/** The arguments of each finding, by code. The wording is in src/report/messages.ts. */
export interface FindingArgs {
  /** Something unusual about the HELO name or MAIL FROM address given (src/envelope.ts). */
  ENVELOPE_UNUSUAL: { what: 'helo' | 'mail-from'; value: string; oddity: EnvelopeOddity };
  /** The From domain does not exist: NXDOMAIN, or no records of any kind at the name. */
  DOMAIN_NOT_FOUND: { domain: string; how: 'nxdomain' | 'no-records' };
  /** DNS lookups that failed and leave the outcome open (verdict unknown). */
  OUTCOME_OPEN: { unread: { name: string; type: string; error: string }[] };
  /** The check reached its --deadline before its lookups were answered: verdict unknown. */
  /** outcomeOpen: false when what was read decides the outcome anyway (e.g. Gmail refuses the relay's IP). */
  CHECK_DEADLINE: { deadlineMs: number | null; outcomeOpen?: boolean };
  /** The check reached its cap on DNS queries; lookups past it were not made. */
  CHECK_QUERY_LIMIT: { limit: number };
  SPF_MISSING: { domain: string };
  SPF_MULTIPLE_RECORDS: { domain: string; count: number };
  SPF_SYNTAX_ERROR: { domain: string; term: string; reason: SpfSyntaxReason };
  SPF_TOO_MANY_LOOKUPS: { count: number; limit: number };
  SPF_TOO_MANY_VOID_LOOKUPS: { count: number; limit: number; names: string[] };
  SPF_PASS_ALL: { domain: string };
  SPF_NEUTRAL_ALL: { domain: string };
  SPF_PTR: { domain: string; term: string };
  SPF_INCLUDE_LOOP: { domain: string; target: string };
  SPF_INCLUDE_MISSING: { domain: string; target: string; via: 'include' | 'redirect' };
  SPF_INCLUDE_MULTIPLE: { domain: string; target: string };
  /** The walk stopped where an evaluation stops (RFC 7208 4.6.4); nothing after it was asked. */
  SPF_WALK_STOPPED: { reason: 'lookup-limit' | 'void-limit'; domain: string; term: string };
  SPF_MX_TOO_MANY: { domain: string; term: string; count: number };
  SPF_MACRO_NOT_FOLLOWED: { domain: string; term: string };
  SPF_DNS_ERROR: { name: string; error: string };
  SPF_RELAY_AUTHORIZED: { relay: string; domain: string };
  DMARC_MISSING: { domain: string };
  DMARC_MULTIPLE_RECORDS: { location: string; count: number };
  /** meant: the valid value a mistyped one is closest to (p=rejet: reject). */
  DMARC_TAG_ISSUE: { location: string; issue: DmarcIssueCode; tag: string; value: string | null; meant: string | null };
  DMARC_NOT_APPLIED: { location: string };
  DMARC_POLICY_NONE: { location: string };
  DMARC_INHERITED: { domain: string; location: string; policy: DmarcPolicy | null };
  DMARC_DISCOVERY_DIFFERS: {
    rfc7489: { location: string | null; policy: DmarcPolicy | null };
    rfc9989: { location: string | null; policy: DmarcPolicy | null };
  };
  /** RFC 7489 6.6.4: pct% of failing mail gets `policy`, the rest `rest`. */
  DMARC_PCT_PARTIAL: { location: string; pct: number; policy: DmarcPolicy; rest: DmarcPolicy };
  /** pct=0 (RFC 7489 6.6.4) or t=y (RFC 9989 4.7): receivers apply the next lower policy. */
  DMARC_POLICY_LOWERED: { location: string; published: DmarcPolicy; policy: DmarcPolicy; reason: 'pct' | 'testing' };
  DMARC_DNS_ERROR: { name: string; error: string };
  /** skipped: common selectors not asked because _domainkey.DOMAIN does not exist (RFC 8020). */
  DKIM_NO_KEY_FOUND: { domain: string; source: 'given' | 'common'; tried: number; skipped: number; parents: string[] };
  DKIM_KEY_PROBLEM: { domain: string; selector: string; problem: DkimKeyProblem; bits: number | null };
  DKIM_NOT_A_KEY: { selector: string; name: string };
  DKIM_MULTIPLE_KEYS: { selector: string; name: string; count: number };
  DKIM_WILDCARD: { domain: string };
  DKIM_DNS_ERROR: { domain: string; selectors: string[]; error: string };
  DKIM_NOT_CHECKED: { domain: string; selectors: string[]; error: string };
  DKIM_PARENT_KEY: { domain: string; parent: string; selector: string };
  DKIM_PARENT_NOT_ALIGNED_STRICT: { domain: string; parent: string; selector: string };
  DKIM_ED25519_ONLY: { domain: string; selectors: string[] };
  DKIM_M365_NOT_ENABLED: { domain: string; selectors: string[]; targets: string[] };
  /** An inference: the provider's own signature (d= not aligned with From), from the evidence named. */
  DKIM_PROVIDER_DEFAULT: { provider: string; domain: string; from: string; evidence: string[] };
  DKIM_ASSUMED_INTACT: { domain: string; selector: string };
  /** spfAuthorizesAny: the domain whose SPF authorized every stand-in address tried (+all, exists, huge ranges). */
  RELAY_ASSUMED: { relay: string; spfAuthorizesAny?: string };
  // the path (src/simulate/path.ts)
  RELAY_LOOP: { relay: string; hops: number[] };
  RELAY_ADDRESS_FROM_DNS: { hop: number; preset: string; relay: string; domain: string; network: string | null };
  RELAY_IPV4_MAPPED: { hop: number; given: string; relay: string };
  RELAY_NO_FCRDNS: { hop: number; relay: string; status: 'no-ptr' | 'not-confirmed'; ptr: string[]; receiver: string };
  RELAY_FCRDNS_NOT_CHECKED: { hop: number; relay: string; error: string };
  SRS_SPF_NOT_COVERING: { hop: number; relay: string; domain: string; result: SpfResult };
  SRS_DOMAIN_ASSUMED: { hop: number; preset: string; domain: string };
  SRS_SKIPPED_SPF_FAILED: { hop: number; relay: string };
  DKIM_BROKEN_BY_RELAY: { hop: number; relay: string; modification: Modification; domain: string; selector: string | null };
  DKIM_BODY_LENGTH_RISK: { hop: number; domain: string; selector: string | null };
  ARC_MAY_HELP: { sealers: string[]; vouchedPass: boolean };
  MESSAGE_VERIFIED: { source: string; signatures: number; passing: number; aligned: number };
}

export type FindingCode = keyof FindingArgs;

export type Finding = { [K in FindingCode]: { code: K; severity: Severity } & FindingArgs[K] }[FindingCode];

export const finding = <K extends FindingCode>(code: K, severity: Severity, args: FindingArgs[K]): Finding =>
  ({ code, severity, ...args }) as Finding;
