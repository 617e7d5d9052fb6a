// The published JSON document, schema version 1: what `fwdcheck --json` prints and what CI scripts
// read. Written for its readers, not for the code that builds it: the internal Report
// (src/report/types.ts) may change freely; src/contract/to-v1.ts is the one place that maps it here.
//
// The promise: while schemaVersion is 1, fields are only ever added, never renamed, removed or
// given new meanings; enumerations may gain values (a script should treat an unknown value as
// "not pass"). schema/report.schema.json describes the same document and is tested against
// these types (test/contract/schema.test.ts) and against every JSON document the e2e tests print.
//
// To add a field: add it here, in to-v1.ts, in schema/report.schema.json, and in the key
// witness of test/contract/schema.test.ts (tsc fails until you do).

export const SCHEMA_VERSION = 1;

/**
 * The answer for forwarded mail from the domain:
 * - `pass`: expected in the inbox;
 * - `at-risk`: expected to be delivered, but to spam, or only by the grace of an assumption;
 * - `fail`: expected to be rejected or lost;
 * - `unknown`: DNS trouble (or the --deadline) left the outcome open; see `findings`;
 * - `no-domain`: the From domain does not exist in the DNS; nothing else is judged.
 */
export const VERDICTS = ['pass', 'at-risk', 'fail', 'unknown', 'no-domain'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What a receiving mailbox provider does with the forwarded message. */
export const MAIL_ACTIONS = ['inbox', 'spam', 'reject', 'tempfail'] as const;
export type MailAction = (typeof MAIL_ACTIONS)[number];

/**
 * Whether a record could be read: `missing` is a definite "not published" (NXDOMAIN or no such
 * record); `dns-error` means it could not be read (see `error`); `not-checked` means fwdcheck did
 * not look it up (e.g. a name outside the zone files in --offline mode).
 */
export const RECORD_STATUSES = ['found', 'missing', 'invalid', 'dns-error', 'not-checked'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** RFC 7208 2.6. */
export const SPF_RESULTS = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror'] as const;
export type SpfResult = (typeof SPF_RESULTS)[number];

/** RFC 6376 / RFC 8601 words, as a receiver would write them in Authentication-Results. */
export const DKIM_RESULTS = ['pass', 'fail', 'none', 'temperror', 'permerror'] as const;
export type DkimResult = (typeof DKIM_RESULTS)[number];

export const DMARC_RESULTS = ['pass', 'fail', 'none', 'temperror', 'permerror'] as const;
export type DmarcResult = (typeof DMARC_RESULTS)[number];

export const DMARC_POLICIES = ['none', 'quarantine', 'reject'] as const;
export type DmarcPolicy = (typeof DMARC_POLICIES)[number];

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const AUDIENCES = ['recipient', 'relay', 'sender'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** The arguments of a finding or an advice: the values its message is built from. */
export type Args = { [name: string]: unknown };

/** Gmail's prediction; the verdict is derived from it. */
export interface GmailPrediction {
  action: MailAction;
  /** The SMTP reply Gmail would give (e.g. "550 5.7.26 ..."), or null when it accepts the message. */
  smtp: string | null;
  /** Why, in one sentence. */
  reason: string;
  /** The same reason as a stable code (e.g. DMARC_REJECT), for scripts. */
  reasonCode: string;
  /**
   * Set when the two DMARC generations (RFC 7489 with the Public Suffix List, RFC 9989 with the
   * DNS tree walk) lead to a different action; `action` is the more severe of the two.
   */
  alternative: { action: MailAction; method: 'rfc7489' | 'rfc9989' } | null;
}

/** What a receiver does with the message; `inbox-warning`: delivered with a warning banner; `unknown`: the receiver publishes no rule for the case. */
export const RECEIVER_ACTIONS = ['inbox', 'inbox-warning', 'spam', 'reject', 'tempfail', 'unknown'] as const;
export type ReceiverAction = (typeof RECEIVER_ACTIONS)[number];

/** How a rule or a reply text is known: on the receiver's own pages, second-hand (bounce reports, third parties), or not published at all. */
export const BASES = ['published', 'second-hand', 'not-published'] as const;
export type Basis = (typeof BASES)[number];

/**
 * The authentication case at the last arrival, the same for every receiver: what their rules
 * are keyed by.
 */
export const AUTH_CASES = [
  'dmarc-pass', 'dmarc-dns-trouble', 'dmarc-reject', 'dmarc-quarantine', 'authenticated', 'auth-dns-trouble', 'spf-hard-fail', 'unauthenticated', 'no-domain',
  // the relay's address has no forward-confirmed reverse DNS (Gmail: all senders), decided before authentication
  'relay-no-fcrdns',
] as const;
export type AuthCase = (typeof AUTH_CASES)[number];

/** A page a receiver's rules come from. */
export interface Source {
  /** Short id the receiver's rules refer to. */
  id: string;
  title: string;
  url: string;
  /** The day the page was read (YYYY-MM-DD), or the month (YYYY-MM) when only that is known: the prediction is as of then. */
  read: string;
  basis: 'published' | 'second-hand';
}

/** One receiver's prediction (`--to`), for the message as it arrives at the end of the path. */
export interface Receiver {
  /** Stable id: gmail, outlook, yahoo, icloud, proton. */
  id: string;
  /** The name people know it by. */
  name: string;
  action: ReceiverAction;
  /** The SMTP reply it would give, or null (accepted, or no reply text is published). */
  smtp: string | null;
  /** Why, in one sentence or two. */
  reason: string;
  case: AuthCase;
  /** How the rule applied is known. */
  basis: Basis;
  /** How the reply text is known, when there is one. */
  smtpBasis: 'published' | 'second-hand' | null;
  /** DKIM passed only with an Ed25519 key this receiver is not known to verify, so it counted as none. */
  ed25519Ignored: boolean;
  /** An ARC seal vouches for an earlier DMARC pass and this receiver says it may weigh ARC: it may accept, never a guarantee; the action stays the published rule's. */
  arcMayHelp: boolean;
  /** Set when the two DMARC generations (RFC 7489, RFC 9989) lead to a different action. */
  alternative: { action: ReceiverAction; method: 'rfc7489' | 'rfc9989' } | null;
  sources: Source[];
}

/** One name in the SPF include/redirect tree below the checked domain. */
export interface SpfInclude {
  domain: string;
  /** The domain whose record names this one. */
  parent: string;
  via: 'include' | 'redirect';
  status: 'found' | 'missing' | 'multiple' | 'dns-error' | 'not-checked' | 'loop' | 'dynamic' | 'too-deep';
  record: string | null;
  /** The DNS error code (ETIMEOUT, ESERVFAIL, ...) when status is dns-error. */
  error: string | null;
}

export interface SpfRecord {
  status: RecordStatus;
  /** The domain whose SPF is evaluated (the envelope sender's, or the HELO name for <>). */
  domain: string;
  /** The record as published, or null. */
  record: string | null;
  /** The DNS error code when status is dns-error. */
  error: string | null;
  /** DNS-querying terms over the whole tree (RFC 7208 4.6.4: over 10 is a permerror). */
  lookups: number;
  /** Names in the tree that answer NXDOMAIN or no record (RFC 7208 4.6.4: over 2 is a permerror). */
  voidLookups: number;
  /** Every name the tree includes or redirects to, depth first in record order. */
  includes: SpfInclude[];
}

/** The DMARC tags as published (defaults filled in), for the record that applies. */
export interface DmarcTags {
  p: DmarcPolicy | null;
  sp: DmarcPolicy | null;
  np: DmarcPolicy | null;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  pct: number;
  /** t=y: RFC 9989 receivers apply the next weaker policy. */
  testing: boolean;
  rua: string[];
  ruf: string[];
}

/** One _dmarc name a discovery queried, and what it found there. */
export interface DmarcQuery {
  /** The domain whose _dmarc name was queried. */
  domain: string;
  /** `multiple`: several DMARC records, so none applies; `not-checked`: outside the zone files (--offline). */
  status: 'found' | 'missing' | 'multiple' | 'dns-error' | 'not-checked';
  /** Every DMARC record found there, as published. */
  records: string[];
  /** The DNS error code when status is dns-error. */
  error: string | null;
}

export interface DmarcDiscovery {
  /** The domain whose _dmarc record applies, or null. */
  location: string | null;
  /** The Organizational Domain this method finds. */
  orgDomain: string | null;
  /** The policy this method applies to failing mail from the domain. */
  policy: DmarcPolicy | null;
  /** The names queried, in order. */
  queried: DmarcQuery[];
}

export interface DmarcRecord {
  /** `invalid`: records were found but do not apply as published (several at one name, a broken or mistyped policy). */
  status: RecordStatus;
  /** The discovery whose record applies: rfc9989 (the DNS tree walk, what mailauth applies), else rfc7489. */
  method: 'rfc7489' | 'rfc9989' | null;
  /** The record that applies (at the From domain or an ancestor), or null. */
  record: string | null;
  /** Every DMARC record found at the location (several: none applies). */
  records: string[];
  /** The domain whose _dmarc record applies (the From domain or an ancestor), or null. */
  location: string | null;
  /** p, sp or np as published for the From domain. */
  published: DmarcPolicy | null;
  /** The policy applied to failing mail from the From domain, after pct=0 and t=y (the next lower). */
  policy: DmarcPolicy | null;
  /** Why `policy` is below `published`: pct=0, or t=y. */
  lowered: 'pct' | 'testing' | null;
  /** RFC 7489 pct from 1 to 99: the share of failing mail that gets `published`. */
  sampled: number | null;
  /** The record to publish instead, when the one found has duplicate tags, typos or no p. */
  corrected: string | null;
  /** The DNS error code when status is dns-error. */
  error: string | null;
  /** The name whose lookup failed, with `error`. */
  errorName: string | null;
  tags: DmarcTags | null;
  /** Both discovery methods; they differ for some subdomains (finding DMARC_DISCOVERY_DIFFERS). */
  discovery: { rfc7489: DmarcDiscovery; rfc9989: DmarcDiscovery };
}

export interface DkimSelector {
  selector: string;
  /** The name queried: SELECTOR._domainkey.DOMAIN. */
  name: string;
  /**
   * key; missing; not-a-key (a TXT record that is not a DKIM key); wildcard (the answer any
   * selector gets); multiple (several key records: judged by the weakest); dangling-cname (a CNAME
   * to a name that does not exist: Microsoft 365 DKIM never enabled); dns-error; not-checked.
   */
  status: 'key' | 'missing' | 'not-a-key' | 'wildcard' | 'multiple' | 'dangling-cname' | 'dns-error' | 'not-checked';
  /** Why it was probed: given (--selector), provider (the sending provider's selector), common (fwdcheck's list). */
  origin: 'given' | 'provider' | 'common';
  keyType: string | null;
  bits: number | null;
  record: string | null;
  /** Every key record at the name, for status multiple; else empty. */
  records: string[];
  /** The CNAME target, for dangling-cname. */
  cname: string | null;
  /** The DNS error code when status is dns-error. */
  error: string | null;
}

/** The DKIM probes at one domain. */
export interface DkimDomain {
  domain: string;
  /** from: the From domain; parent: a parent up to the organizational domain (relaxed alignment); given: --dkim-domain. */
  role: 'from' | 'parent' | 'given';
  /** `given`: the selectors named with --selector; `common`: the built-in list (and the provider's). */
  source: 'given' | 'common';
  /** What _domainkey.DOMAIN answered: nxdomain means no selector exists below it (RFC 8020), so the common list was skipped. */
  subtree: 'exists' | 'nxdomain' | 'unreadable' | 'not-tested';
  /** Common selectors not probed for that reason. */
  skipped: number;
  /** The zone answers any selector (a wildcard), so a found key proves nothing. */
  wildcard: boolean;
  selectors: DkimSelector[];
}

/** A sending provider the SPF tree (or, without SPF, the MX) names. */
export interface Provider {
  /** providers.ts id: google-workspace, microsoft-365, ... */
  id: string;
  evidence: string[];
}

/** A signature the sender's mail is expected to carry. */
export interface ExpectedSignature {
  /** d= */
  domain: string;
  /** null for a provider's default signature (inferred, not a published key). */
  selector: string | null;
  keyType: 'rsa' | 'ed25519' | null;
  bits: number | null;
  /** Aligned with the From domain under the applied adkim. */
  aligned: boolean;
  /** published-key: a key found in the DNS; provider-default: inferred from the provider (an inference). */
  basis: 'published-key' | 'provider-default';
  provider: string | null;
  /** Why fwdcheck expects it, e.g. "include:_spf.google.com in the SPF record". */
  evidence: string[];
}

export interface DkimRecords {
  /** The From domain. */
  domain: string;
  /** `given`: the selectors named with --selector; `common`: fwdcheck's list of common selectors. */
  source: 'given' | 'common';
  /** The selectors probed at the From domain (as in `domains[0]`). */
  selectors: DkimSelector[];
  /** The From domain answers any selector (a wildcard), so a found key proves nothing. */
  wildcard: boolean;
  /** The applied DMARC adkim: which signing domains align with From. */
  adkim: 'r' | 's';
  /** Every domain probed: the From domain, its parents up to the organizational domain, --dkim-domain. */
  domains: DkimDomain[];
  providers: Provider[];
  /** The signatures the mail is expected to carry, aligned ones first. */
  expected: ExpectedSignature[];
}

/** Why a signature does not pass at an arrival. */
export interface SignatureProblem {
  /** modified: a relay changed what it signs (see modification, hop); unusable-key; dns-error; verify-failed: --message, see detail; receiver-ignores-ed25519: a valid Ed25519 signature this receiver does not verify (RFC 8463), so none to it. */
  code: 'modified' | 'unusable-key' | 'dns-error' | 'verify-failed' | 'receiver-ignores-ed25519';
  modification: string | null;
  /** The hop that modified the message. */
  hop: number | null;
  detail: string | null;
}

/** A DKIM signature on the message, as one receiver sees it. */
export interface Signature {
  /** d= */
  domain: string;
  /** s=; null for a provider's default signature fwdcheck infers. */
  selector: string | null;
  result: 'pass' | 'fail' | 'neutral' | 'policy' | 'temperror' | 'permerror' | 'none';
  /** d= aligns with the From domain (relaxed alignment). */
  aligned: boolean;
  /** message: verified on the real bytes (--message); published-key / provider-default: an expected signature, modelled. */
  basis: 'published-key' | 'provider-default' | 'message';
  keyType: 'rsa' | 'ed25519' | null;
  bits: number | null;
  /** l= (RFC 6376 3.5): the body octets signed, or null for the whole body. */
  bodyLengthLimit: number | null;
  problem: SignatureProblem | null;
}

/** What the hop that hands the message over changed: the envelope rewritten (SRS), kept, the message modified, an ARC set added. */
export type HopChange = EnvelopeRewritten | EnvelopeKept | MessageModified | ArcSealed;

export interface EnvelopeRewritten {
  kind: 'envelope-rewritten';
  /** The envelope sender before and after. */
  from: string;
  to: string;
  /** The domain SPF is then checked for. */
  domain: string;
  style: 'srs' | 'gmail-caf' | 'microsoft-srs' | 'list-bounces';
  /** Where that domain came from. */
  domainSource: 'given' | 'preset' | 'forwarder-domain' | 'mailbox' | 'assumed';
}

export interface EnvelopeKept {
  kind: 'envelope-kept';
  reason: 'no-srs' | 'spf-failed-on-arrival';
}

export interface MessageModified {
  kind: 'modified';
  modification: 'subject' | 'footer' | 'reencode' | 'headers';
  /** The signatures this broke. */
  broke: { domain: string; selector: string | null }[];
  /** The signatures an l= body length let through (a risk, RFC 6376 8.2). */
  survivedByLength: { domain: string; selector: string | null }[];
}

export interface ArcSealed {
  kind: 'arc-sealed';
  /** i= of the new ARC set. */
  instance: number;
  sealer: string | null;
  /** DMARC as the sealer saw it on arrival ('assumed-pass' for the origin's own hop). */
  dmarcOnArrival: DmarcResult | 'assumed-pass';
}

/** PTR and forward-confirmed reverse DNS of a relay's address (Gmail requires it of all senders). */
export interface RelayIdentity {
  ip: string;
  family: 4 | 6;
  /** The reverse name queried. */
  reverseName: string;
  status: 'confirmed' | 'no-ptr' | 'not-confirmed' | 'dns-error';
  ptr: string[];
  /** The PTR name that resolves back to the address, for `confirmed`. */
  confirmedName: string | null;
  error: string | null;
}

/** One arrival: what the next receiver sees when the previous hop hands the message over. */
export interface Arrival {
  /** 1-based: the relay's place on the path. */
  hop: number;
  /** The connecting IP address this receiver sees. */
  relay: string;
  /** The address as given, when it was an IPv4-mapped IPv6 address; else null. */
  relayAsGiven: string | null;
  /** `given` on the command line, `assumed`: an address the sender's SPF does not list, `preset`: from a --relay preset. */
  relaySource: 'given' | 'assumed' | 'preset';
  /** The --relay preset (gmail, microsoft365, list, postfix), or null. */
  preset: string | null;
  /** Where the address came from: given, assumed, a provider's SPF record (domain, network), an address record (domain). */
  relayOrigin: { kind: 'given' | 'assumed' | 'spf' | 'address-record'; domain: string | null; network: string | null };
  /** Who receives: `gmail` for the last arrival, otherwise the next relay (relay-2, ...). */
  receiver: string;
  /** The envelope sender and HELO name as this receiver sees them. */
  mailFrom: string;
  helo: string;
  relayIdentity: RelayIdentity | null;
  /** What the hop changed on the way, in order. */
  changes: HopChange[];
  spf: { result: SpfResult; domain: string; identity: 'mailfrom' | 'helo' };
  dkim: {
    /** The best signature's result: an aligned pass, else any pass, else the first. */
    result: DkimResult;
    /** Whether the passing signature is aligned with the From domain. */
    aligned: boolean;
    domain: string | null;
    selector: string | null;
    /** How the result was reached: assumed-intact (no message: the sender's signature assumed unbroken), provider-default (a provider's signature, inferred), no-usable-key, unusable-key, dns-error, modified, message. */
    basis: 'assumed-intact' | 'provider-default' | 'no-usable-key' | 'unusable-key' | 'dns-error' | 'modified' | 'message';
    /** Every signature on the message as this receiver sees it. */
    signatures: Signature[];
    /**
     * Key lookups (names) at domains that would align whose answer could not be read: while no
     * aligned signature passes, an aligned one may rest on them, so DMARC stays open.
     */
    unreadable: string[];
  };
  dmarc: {
    result: DmarcResult;
    policy: DmarcPolicy | null;
    policyDomain: string | null;
    /** The same under RFC 7489 discovery (Public Suffix List); `gmail.alternative` says when the outcomes differ. */
    rfc7489: { result: DmarcResult; policy: DmarcPolicy | null; policyDomain: string | null };
  };
  /** ARC sets on the message (RFC 8617) and whether one vouches for an earlier DMARC pass. */
  arc: { sets: number; sealers: (string | null)[]; vouchedPass: boolean };
}

/** A server a mail client connects to. */
export interface Endpoint {
  host: string;
  port: number;
  /** implicit: TLS from the first byte (RFC 8314); starttls: upgraded on the connection. */
  tls: 'implicit' | 'starttls';
}

/** One client service of the forwarded mailbox, from its RFC 6186 SRV records. */
export interface MailboxService {
  service: 'imap' | 'pop3' | 'submission';
  /** found: at least one server; not-offered: the domain says so (target "."); missing: nothing published. */
  status: 'found' | 'not-offered' | 'missing' | 'dns-error';
  /** The servers in the order a client tries them (priority, then weight; RFC 2782). */
  endpoints: (Endpoint & { priority: number; weight: number })[];
  /** The SRV names queried and what each gave. */
  lookups: { name: string; status: 'found' | 'not-offered' | 'missing' | 'dns-error'; error: string | null }[];
}

/** --mailbox: where the forwarded mailbox can be fetched from instead. */
export interface Mailbox {
  address: string;
  domain: string;
  services: { imap: MailboxService; pop3: MailboxService; submission: MailboxService };
  /** The mailbox domain's MX hosts (a hint when it publishes no SRV records). */
  mx: { hosts: string[]; error: string | null };
  /** A provider recognized by its MX host, with its published client settings, when there are no SRV records. */
  provider: { id: string; name: string; source: string; imap: Endpoint | null; pop3: Endpoint | null; submission: Endpoint | null } | null;
}

/** The real message given with --message. */
export interface Message {
  /** The file name, or "-" for standard input. */
  source: string;
  fromDomain: string | null;
  returnPath: string | null;
  /** Its signatures as it reached the first relay, verified against the DNS. */
  signatures: Signature[];
}

export interface Finding {
  /** Stable code, e.g. SPF_TOO_MANY_LOOKUPS. */
  code: string;
  severity: Severity;
  /** One sentence for people. Scripts should match on `code`, not on this text. */
  message: string;
  args: Args;
}

export interface Advice {
  /** Stable code, e.g. RELAY_USE_SRS. */
  code: string;
  /** Who can act on it. */
  audience: Audience;
  message: string;
  args: Args;
}

export interface DnsStats {
  /** Where the answers came from, in words (the resolver's address, the zone files). */
  source: string;
  queries: number;
  cacheHits: number;
  failures: number;
  /** Whether any query was answered at all (false: the resolver is unreachable). */
  reachable: boolean;
}

/** `fwdcheck DOMAIN --json`: one document per checked domain. */
export interface Report {
  schemaVersion: 1;
  /** The program that wrote the document. */
  generator: { name: 'fwdcheck'; version: string };
  /** The From domain checked (lower-case, ASCII/punycode). */
  domain: string;
  /** The envelope sender the path starts with; "" for the null sender. */
  mailFrom: string;
  /** The name the last relay gives in HELO/EHLO. */
  helo: string;
  /** When the check ran (ISO 8601, UTC). */
  checkedAt: string;
  verdict: Verdict;
  gmail: GmailPrediction;
  /** One prediction per receiver asked for with --to, best first; empty without --to. */
  receivers: Receiver[];
  records: { spf: SpfRecord; dmarc: DmarcRecord; dkim: DkimRecords };
  /** message: DKIM rests on a real message (--message) verified hop by hop; model: on the published keys. */
  basis: 'model' | 'message';
  /** The message given with --message, or null. */
  message: Message | null;
  /** The forwarded mailbox's client services (--mailbox), or null. */
  mailbox: Mailbox | null;
  /** One entry per arrival, in order; the last is Gmail's view. */
  path: Arrival[];
  findings: Finding[];
  advice: Advice[];
  dns: DnsStats;
  /** Wall time of the check. */
  elapsedMs: number;
  /**
   * Only with --debug: internal state (whole SPF trees, both DMARC discoveries' queries). Not
   * part of the contract: its shape changes between releases.
   */
  debug?: unknown;
}

/** A domain or a line of --domains-file that was not checked (batch mode). */
export interface BatchError {
  schemaVersion: 1;
  /** The text given. */
  input: string;
  /** Its line in --domains-file, or null for a command-line argument. */
  line: number | null;
  /** INVALID_DOMAIN: not a domain name (the message says why); INTERNAL_ERROR: a bug. */
  error: { code: 'INVALID_DOMAIN' | 'INTERNAL_ERROR'; message: string };
}

/** The tally of a batch run. */
export interface BatchSummary {
  /** Domains and lines processed, checked or not. */
  total: number;
  checked: number;
  /** Domains per verdict; every verdict is present, with 0 when none. */
  verdicts: Record<Verdict, number>;
  inputErrors: number;
  internalErrors: number;
  /** The process's exit code: the worst of all domains and lines (4 > 3 > 2 > 1 > 0; 2 for a line that is not a domain). */
  exitCode: number;
  elapsedMs: number;
}

/** `fwdcheck A B C --json` or `--domains-file F --json`: one document for the run. */
export interface BatchDocument {
  schemaVersion: 1;
  /** In the order the checks finished. */
  reports: Report[];
  errors: BatchError[];
  summary: BatchSummary;
}

/** One line of `--format ndjson`: a report, or a line of input that is not a domain. */
export type NdjsonLine = Report | BatchError;
