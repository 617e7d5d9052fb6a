// All wording of findings, advice and Gmail's reasons. The core only produces codes with
// arguments; every table here is keyed by code (`{ [K in Code]: ... }`), so a new code does not
// compile until it has its words. Texts are plain (no colour, no RFC numbers): the references go
// in `ref`, shown by the human report only with --verbose and appended in the JSON message.
import type { Advice, AdviceCode, AdviceOutcome, PopImportStatus } from './advice-types.ts';
import type { Modification } from '../simulate/parse-relay.ts';
import type { EnvelopeOddity } from '../envelope.ts';
import type { Finding, FindingCode } from './findings.ts';
import { forwardElsewhereMessage, onlyFetchIsSafeMessage } from './messages-receivers.ts';
import type { GmailAction, GmailPrediction, GmailReason, Report } from './types.ts';
import { defaultSignerForm, providerName } from '../records/providers.ts';
import type { SpfSyntaxReason } from '../records/parse-spf.ts';
import type { DkimKeyProblem } from '../records/parse-dkim.ts';
import type { DmarcIssueCode } from '../records/parse-dmarc.ts';

/** The provider-specific way to turn on a key of the customer's own (the providers' admin pages, 2026). */
const providerDkimFix = (provider: string, domain: string): string => {
  switch (provider) {
    case 'google-workspace':
      return `In the Google Admin console (Apps > Google Workspace > Gmail > Authenticate email), generate a 2048-bit DKIM key for ${domain}, publish it as TXT at google._domainkey.${domain}, then click "Start authentication"; Google then signs with d=${domain}, which aligns.`;
    case 'microsoft-365':
      return `Enable DKIM for ${domain} in Microsoft 365 (Defender portal > Email & collaboration > Policies > Email authentication settings > DKIM, or PowerShell: New-DkimSigningConfig -DomainName ${domain} -KeySize 2048 -Enabled $true), keeping the selector1/selector2 CNAMEs it shows; Exchange Online then signs with d=${domain}, which aligns.`;
    default:
      return `Set up DKIM for ${domain} at ${providerName(provider)} (its "domain authentication" page) with a 2048-bit RSA key, so that it signs with d=${domain}, which aligns, instead of its own domain.`;
  }
};

// English month names by hand: an Intl.DateTimeFormat costs ~10 ms of ICU start-up when this
// module loads, before a check can send its first query (issue 7), for twelve fixed words
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
/** "2027-01" -> "January 2027" */
const monthName = (ym: string): string => {
  const [year, month] = ym.split('-');
  const name = MONTHS[Number(month) - 1];
  return name === undefined ? ym : `${name} ${Number(year)}`;
};

/**
 * Where the human report shows a finding: under its record, in the path drawing (which says it
 * already: listed only with --verbose), or before everything as what the check could not settle.
 */
export type FindingGroup = 'check' | 'spf' | 'dmarc' | 'dkim' | 'path';

type FindingOf<K extends FindingCode> = Extract<Finding, { code: K }>;
interface FindingWording<K extends FindingCode> {
  group: FindingGroup;
  text: (f: FindingOf<K>) => string;
  /** The standard or page that backs the statement. */
  ref?: (f: FindingOf<K>) => string;
}

// exhaustive: a new syntax reason does not compile until it has its wording
const SPF_REASON: Record<SpfSyntaxReason, string> = {
  'unknown-mechanism': 'is not an SPF mechanism or modifier',
  'missing-argument': 'is missing its argument',
  'unexpected-argument': 'takes no argument here',
  'bad-domain-spec': 'has an invalid domain name',
  'bad-macro': 'has an invalid macro',
  'macro-letter-outside-exp': 'uses the c, r or t macro, which only exp text may use',
  'bad-ip': 'has an invalid IP address',
  'bad-cidr': 'has an invalid prefix length',
  'duplicate-modifier': 'appears twice',
  'bad-modifier-name': 'is not a valid modifier',
  'bad-whitespace': 'is separated by characters other than spaces',
  'non-ascii': 'contains non-ASCII characters',
};

const ENVELOPE_ODDITY: Record<EnvelopeOddity, string> = {
  'one-label': 'is a single label, not a domain',
  'address-literal': 'is an address literal, not a domain',
  'not-a-domain': 'has characters no domain name has',
  'label-too-long': 'has a label over 63 octets',
  'name-too-long': 'is longer than 253 octets',
  'empty-label': 'has an empty label',
  'empty-local-part': 'has an empty local part',
  'quoted-local-part': 'has a quoted local part',
  'unquoted-special': 'has characters in its local part that SMTP allows only quoted',
  'local-part-too-long': 'has a local part over 64 octets (RFC 5321 4.5.3.1.1)',
};

const DKIM_PROBLEM: Record<DkimKeyProblem, (bits: number | null) => string> = {
  revoked: () => 'is revoked (empty p=): signatures made with it fail',
  'weak-key': (bits) => `is an RSA key of ${bits} bits; Gmail and other verifiers refuse keys under 1024 bits`,
  'short-key': (bits) => `is an RSA key of ${bits} bits; accepted, but Gmail recommends 2048`,
  'sha1-only': () => 'allows only rsa-sha1, which verifiers no longer accept',
  testing: () => 'is in testing mode (t=y): verifiers may ignore its signatures',
  'unknown-key-type': () => 'has a key type verifiers do not know',
  'bad-key-data': () => 'has key data (p=) that cannot be read',
  'bad-version': () => 'has a version (v=) other than DKIM1',
  'not-for-email': () => 'is marked (s=) as not for email',
  'duplicate-tag': () => 'repeats a tag, which makes the whole key record invalid',
};

const DMARC_ISSUE: Record<DmarcIssueCode, string> = {
  'missing-policy': 'has no policy tag',
  'invalid-policy': 'has an invalid policy',
  'invalid-subdomain-policy': 'has an invalid subdomain policy',
  'invalid-np': 'has an invalid policy for non-existent subdomains',
  'invalid-alignment': 'has an invalid alignment mode',
  'invalid-pct': 'has an invalid percentage',
  'invalid-t': 'has an invalid testing flag',
  'duplicate-tag': 'repeats a tag',
  'unknown-tag': 'has a tag receivers ignore',
  'obsolete-tag': 'has a tag RFC 9989 dropped',
};

const unread = (name: string, error: string, what: string): string =>
  error === 'EOFFLINE' ? `The ${what} at ${name} was not checked (outside the zone files, --offline).` : `The ${what} at ${name} could not be read (${error}).`;

const FINDINGS: { [K in FindingCode]: FindingWording<K> } = {
  DOMAIN_NOT_FOUND: {
    group: 'check',
    text: (f) =>
      f.how === 'nxdomain'
        ? `${f.domain} does not exist in the DNS: no mail can come from it. Check the spelling of the address.`
        : `${f.domain} has no DNS records of any kind (no address, mail server, TXT, DMARC or DKIM): it is not a mail domain. Check the spelling of the address.`,
  },
  OUTCOME_OPEN: {
    group: 'check',
    text: (f) =>
      f.unread.length && f.unread.every((u) => u.error === 'EOFFLINE')
        ? `Not checked (offline): ${f.unread.map((u) => `${u.type} ${u.name}`).join(', ')} ${f.unread.length === 1 ? 'is' : 'are'} outside the zone files, and the outcome depends on ${f.unread.length === 1 ? 'it' : 'them'}. Add ${f.unread.length === 1 ? 'it' : 'them'} to a zone file, or check without --offline.`
        : `DNS trouble leaves the outcome open: ${f.unread.length ? f.unread.map((u) => `${u.type} ${u.name} ${u.error === 'EOFFLINE' ? '(not checked: outside the zone files)' : `(${u.error})`}`).join(', ') : 'a lookup'} could not be read.`,
  },
  CHECK_DEADLINE: {
    group: 'check',
    text: (f) => `The check reached its deadline${f.deadlineMs === null ? '' : ` of ${f.deadlineMs} ms`} (--deadline) before every DNS lookup was answered${f.outcomeOpen === false ? '; what was read already decides the outcome' : ', so the outcome is open'}.`,
  },
  CHECK_QUERY_LIMIT: {
    group: 'check',
    text: (f) => `The check reached its cap of ${f.limit} DNS queries; the lookups past it were not made, so that records asking for unbounded work cannot flood the resolver.`,
  },
  ENVELOPE_UNUSUAL: {
    // what the person typed is odd: said before the details
    group: 'check',
    text: (f) =>
      `${f.what === 'helo' ? 'The HELO name' : 'The MAIL FROM address'} "${f.value}" ${ENVELOPE_ODDITY[f.oddity]}; fwdcheck checks it as a receiver would${f.what === 'helo' || ['one-label', 'address-literal', 'not-a-domain', 'label-too-long', 'name-too-long', 'empty-label'].includes(f.oddity) ? ' (SPF of a name that is no domain is "none")' : ''}.`,
    ref: () => 'RFC 7208 4.3',
  },
  SPF_MISSING: { group: 'spf', text: (f) => `${f.domain} publishes no SPF record, so SPF cannot pass anywhere.` },
  SPF_MULTIPLE_RECORDS: { group: 'spf', text: (f) => `${f.domain} publishes ${f.count} SPF records; receivers treat that as a broken SPF record.`, ref: () => 'RFC 7208 4.5' },
  SPF_SYNTAX_ERROR: { group: 'spf', text: (f) => `The term "${f.term}" ${SPF_REASON[f.reason]}; one such error breaks the whole record.`, ref: () => 'RFC 7208 4.6' },
  SPF_TOO_MANY_LOOKUPS: { group: 'spf', text: (f) => `The record needs more than the ${f.limit} DNS lookups allowed: servers listed after the limit fail SPF.`, ref: () => 'RFC 7208 4.6.4' },
  SPF_TOO_MANY_VOID_LOOKUPS: { group: 'spf', text: (f) => `${f.count} names in the record do not exist (${f.names.join(', ')}); more than ${f.limit} breaks the record.`, ref: () => 'RFC 7208 4.6.4' },
  SPF_PASS_ALL: { group: 'spf', text: (f) => `The record of ${f.domain} ends in "+all": every server in the world passes, so SPF proves nothing.` },
  SPF_NEUTRAL_ALL: { group: 'spf', text: (f) => `The record of ${f.domain} ends in "?all": unlisted servers are neither allowed nor refused, so SPF proves nothing for them.` },
  SPF_PTR: { group: 'spf', text: (f) => `The record uses "${f.term}", which is slow and unreliable; many receivers ignore it.`, ref: () => 'RFC 7208 5.5' },
  SPF_INCLUDE_LOOP: { group: 'spf', text: (f) => `The record of ${f.domain} includes ${f.target}, which includes it back: a loop, which breaks SPF.` },
  SPF_INCLUDE_MISSING: {
    group: 'spf',
    text: (f) => `The record of ${f.domain} points to ${f.target} (${f.via}), which has no SPF record: that breaks SPF.`,
    ref: (f) => `RFC 7208 ${f.via === 'include' ? '5.2' : '6.1'}`,
  },
  SPF_INCLUDE_MULTIPLE: { group: 'spf', text: (f) => `The record of ${f.domain} includes ${f.target}, which publishes several SPF records: that breaks SPF.` },
  SPF_WALK_STOPPED: {
    group: 'spf',
    text: (f) =>
      `fwdcheck stopped reading at "${f.term}" in the record of ${f.domain}, where ${f.reason === 'lookup-limit' ? 'the 11th DNS lookup' : 'the third lookup of a name that does not exist'} makes receivers stop too; nothing after it was looked up.`,
    ref: () => 'RFC 7208 4.6.4',
  },
  SPF_MX_TOO_MANY: { group: 'spf', text: (f) => `"${f.term}" in the record of ${f.domain} names ${f.count} mail servers, more than the 10 allowed: that breaks SPF.`, ref: () => 'RFC 7208 4.6.4' },
  SPF_MACRO_NOT_FOLLOWED: { group: 'spf', text: (f) => `"${f.term}" in the record of ${f.domain} depends on each message; fwdcheck counted only its own lookup.`, ref: () => 'RFC 7208 7' },
  SPF_DNS_ERROR: { group: 'spf', text: (f) => `${unread(f.name, f.error, 'SPF record')} Whether it has one is not known; receivers get a temporary error.` },
  SPF_RELAY_AUTHORIZED: { group: 'path', text: (f) => `The SPF record of ${f.domain} lists the forwarder ${f.relay}: forwarding through it does not break SPF.` },
  DMARC_MISSING: { group: 'dmarc', text: (f) => `${f.domain} has no DMARC record: Gmail only asks that SPF or DKIM passes.` },
  DMARC_MULTIPLE_RECORDS: { group: 'dmarc', text: (f) => `_dmarc.${f.location} holds ${f.count} DMARC records; receivers then apply none of them.`, ref: () => 'RFC 7489 6.6.3' },
  DMARC_TAG_ISSUE: {
    group: 'dmarc',
    text: (f) => `The record at _dmarc.${f.location} ${DMARC_ISSUE[f.issue]}: "${f.tag}${f.value !== null ? `=${f.value}` : ''}"${f.meant ? ` (meant ${f.tag}=${f.meant}?)` : ''}.`,
  },
  DMARC_NOT_APPLIED: { group: 'dmarc', text: (f) => `The record at _dmarc.${f.location} has no valid policy and no report address: receivers ignore it.`, ref: () => 'RFC 9989 4.10.1' },
  DMARC_POLICY_NONE: { group: 'dmarc', text: (f) => `The policy at _dmarc.${f.location} is "none" (monitoring only): failing DMARC alone gets no mail refused.` },
  DMARC_INHERITED: {
    group: 'dmarc',
    text: (f) => `${f.domain} has no DMARC record of its own; the record of ${f.location} applies${f.policy ? `, with policy ${f.policy} for subdomains` : ''}.`,
  },
  DMARC_DISCOVERY_DIFFERS: {
    group: 'dmarc',
    text: (f) =>
      `Receivers that find DMARC the old way (Public Suffix List) see ${f.rfc7489.location ?? 'no record'} (${f.rfc7489.policy ?? 'no policy'}); the new way (DNS tree walk) sees ${f.rfc9989.location ?? 'no record'} (${f.rfc9989.policy ?? 'no policy'}). Receivers may differ.`,
    ref: () => 'RFC 7489 6.6.3, RFC 9989 4.10',
  },
  DMARC_PCT_PARTIAL: {
    group: 'dmarc',
    text: (f) => `The record at _dmarc.${f.location} has pct=${f.pct}: at older receivers ${f.pct}% of failing mail gets ${f.policy} and the rest ${f.rest}; newer ones ignore pct.`,
    ref: () => 'RFC 7489 6.6.4',
  },
  DMARC_POLICY_LOWERED: {
    group: 'dmarc',
    text: (f) => `The record at _dmarc.${f.location} says ${f.published}, but ${f.reason === 'pct' ? 'pct=0' : 't=y (testing)'} makes receivers apply the next lower policy: ${f.policy}.`,
    ref: (f) => (f.reason === 'pct' ? 'RFC 7489 6.6.4' : 'RFC 9989 4.7'),
  },
  DMARC_DNS_ERROR: { group: 'dmarc', text: (f) => `${unread(f.name, f.error, 'DMARC record')} Whether one is there is not known.` },
  DKIM_NO_KEY_FOUND: {
    group: 'dkim',
    text: (f) => {
      const where = f.parents.length ? ` or ${f.parents.join(', ')}` : '';
      if (f.source === 'given') return `No DKIM key for ${f.domain}${where} at the ${f.tried} selector${f.tried === 1 ? '' : 's'} given.`;
      if (f.skipped > 0) return `No DKIM key for ${f.domain}${where}: _domainkey.${f.domain} does not exist, so no selector can exist below it.`;
      return `No DKIM key for ${f.domain}${where} at ${f.tried} common selectors. If it signs with another one, add --selector NAME (or --dkim-domain for another signing domain).`;
    },
    ref: (f) => (f.skipped > 0 ? 'RFC 8020' : ''),
  },
  DKIM_KEY_PROBLEM: { group: 'dkim', text: (f) => `The key at ${f.selector}._domainkey.${f.domain} ${DKIM_PROBLEM[f.problem](f.bits)}.`, ref: (f) => (f.problem === 'weak-key' || f.problem === 'sha1-only' ? 'RFC 8301' : 'RFC 6376 3.6.1') },
  DKIM_NOT_A_KEY: { group: 'dkim', text: (f) => `${f.name} answers with a TXT record that is not a DKIM key.` },
  DKIM_MULTIPLE_KEYS: { group: 'dkim', text: (f) => `${f.name} holds ${f.count} key records; verifiers may pick any of them, so fwdcheck judges the weakest. Publish one.`, ref: () => 'RFC 6376 3.6.2.2' },
  DKIM_WILDCARD: { group: 'dkim', text: (f) => `Every name under _domainkey.${f.domain} answers (a wildcard); such answers are not counted as keys.` },
  DKIM_DNS_ERROR: {
    group: 'dkim',
    text: (f) =>
      f.selectors.length === 1
        ? `The DKIM key at ${f.selectors[0]}._domainkey.${f.domain} could not be read (${f.error}): whether a key is there is not known.`
        : `The DKIM keys at ${f.selectors.length} selectors of ${f.domain} could not be read (${f.error}): ${f.selectors.join(', ')}; whether a key is there is not known.`,
  },
  DKIM_NOT_CHECKED: { group: 'dkim', text: (f) => `DKIM selectors of ${f.domain} were not checked: outside the zone files (--offline): ${f.selectors.join(', ')}.` },
  DKIM_PARENT_KEY: {
    group: 'dkim',
    text: (f) => `${f.domain} has no usable DKIM key of its own; mail signed as ${f.parent} (selector ${f.selector}) still counts as from ${f.domain} under relaxed alignment.`,
    ref: () => 'RFC 7489 3.1.1',
  },
  DKIM_PARENT_NOT_ALIGNED_STRICT: {
    group: 'dkim',
    text: (f) => `${f.parent} publishes a DKIM key (${f.selector}), but the DMARC record asks for strict alignment (adkim=s): a signature as ${f.parent} does not count for ${f.domain}.`,
  },
  DKIM_ED25519_ONLY: {
    group: 'dkim',
    text: (f) => `${f.domain} publishes only Ed25519 DKIM keys (${f.selectors.join(', ')}): Gmail and Microsoft do not verify Ed25519, so there the mail counts as unsigned.`,
    ref: () => 'RFC 8463',
  },
  DKIM_M365_NOT_ENABLED: {
    group: 'dkim',
    text: (f) =>
      `${f.selectors.map((s) => `${s}._domainkey.${f.domain}`).join(' and ')} point (CNAME) to ${f.targets.join(', ')}, which do${f.targets.length === 1 ? 'es' : ''} not exist: DKIM was never enabled for ${f.domain} in the Microsoft 365 tenant.`,
  },
  DKIM_PROVIDER_DEFAULT: {
    group: 'dkim',
    text: (f) =>
      `Inferred, not seen: ${providerName(f.provider)} signs mail without a key of ${f.from} as d=${defaultSignerForm(f.provider, f.domain, f.from)} (evidence: ${f.evidence.join('; ')}). That signature passes DKIM and meets Gmail's "SPF or DKIM" rule, but it is not from ${f.from}: it never satisfies DMARC.`,
  },
  DKIM_ASSUMED_INTACT: { group: 'path', text: (f) => `Assumed: mail from ${f.domain} is signed with selector ${f.selector}, and no forwarder changes it. fwdcheck has no message to verify.` },
  RELAY_ASSUMED: {
    group: 'path',
    text: (f) =>
      f.spfAuthorizesAny
        ? `No --relay given, and the SPF of ${f.spfAuthorizesAny} authorizes every forwarder address tried (${f.relay} among them: +all, a network covering them, or an exists/ptr term that matches any address): SPF passes whatever server forwards the mail, so the prediction takes SPF as passing.`
        : `No --relay given: ${f.relay} stands for a forwarder your SPF does not list (it is outside every network the SPF tree names).`,
  },
  // the path (src/simulate/path.ts)
  RELAY_LOOP: {
    group: 'path',
    text: (f) => `The forwarder ${f.relay} appears twice on the path (hops ${f.hops.join(' and ')}): a forwarding loop. Real servers stop it after too many Received fields and bounce the message.`,
    ref: () => 'RFC 5321 6.3',
  },
  RELAY_ADDRESS_FROM_DNS: {
    group: 'path',
    text: (f) =>
      f.network
        ? `Hop ${f.hop} (${f.preset}): no address given, so fwdcheck uses ${f.relay}, the first address of ${f.network} in the published SPF of ${f.domain}.`
        : `Hop ${f.hop} (${f.preset}): no address given, so fwdcheck uses ${f.relay}, the address of ${f.domain}.`,
  },
  RELAY_IPV4_MAPPED: { group: 'path', text: (f) => `Hop ${f.hop}: ${f.given} is an IPv4-mapped IPv6 address; receivers check it as ${f.relay}.` },
  RELAY_NO_FCRDNS: {
    group: 'path',
    text: (f) =>
      `${f.status === 'no-ptr' ? `The forwarder ${f.relay} (hop ${f.hop}) has no reverse DNS name (PTR).` : `The reverse DNS name of the forwarder ${f.relay} (hop ${f.hop}: ${f.ptr.join(', ')}) does not point back to it.`} ${f.receiver === 'gmail' ? 'Gmail requires that of every sending server: it defers (451 4.7.23), then rejects (550 5.7.25).' : 'Many receivers refuse or score down such a sender.'}`,
  },
  RELAY_FCRDNS_NOT_CHECKED: { group: 'path', text: (f) => `The reverse DNS of the forwarder ${f.relay} (hop ${f.hop}) could not be read (${f.error}); Gmail's PTR rule is not checked.` },
  SRS_SPF_NOT_COVERING: {
    group: 'path',
    text: (f) => `Hop ${f.hop} rewrites the envelope to ${f.domain}, but the SPF of ${f.domain} does not authorize its relay ${f.relay} (SPF ${f.result}): SRS only helps when the forwarder's own SPF lists the relay.`,
  },
  SRS_DOMAIN_ASSUMED: { group: 'path', text: (f) => `Hop ${f.hop} (${f.preset}): the forwarding mailbox's domain is not known (give srs=DOMAIN or --mailbox); assumed to publish the provider's SPF (${f.domain}).` },
  SRS_SKIPPED_SPF_FAILED: { group: 'path', text: (f) => `Hop ${f.hop} (${f.relay}) keeps the envelope: Microsoft 365 skips SRS for mail that already failed SPF when it arrived.` },
  DKIM_BROKEN_BY_RELAY: {
    group: 'path',
    text: (f) => `Hop ${f.hop} (${f.relay}) ${MODIFICATION_TEXT[f.modification]}, which breaks the DKIM signature d=${f.domain}${f.selector ? ` (selector ${f.selector})` : ''}.`,
    ref: () => 'RFC 6376 5.4',
  },
  DKIM_BODY_LENGTH_RISK: {
    group: 'dkim',
    text: (f) =>
      `The signature d=${f.domain}${f.selector ? ` (selector ${f.selector})` : ''} survives hop ${f.hop}'s footer only because it signs a limited body length (l=): anyone can append to such a message and keep the pass. Sign the whole body.`,
    ref: () => 'RFC 6376 8.2',
  },
  ARC_MAY_HELP: {
    group: 'path',
    text: (f) =>
      `The message carries ARC seals (${f.sealers.join(', ') || 'unnamed sealer'})${f.vouchedPass ? ' vouching for an earlier DMARC pass' : ''}. A receiver may, by its own policy, accept it anyway; no receiver promises to (Google withdrew its ARC advice in March 2026).`,
  },
  MESSAGE_VERIFIED: {
    group: 'path',
    text: (f) =>
      `The prediction rests on the message ${f.source}: ${f.signatures} DKIM signature${f.signatures === 1 ? '' : 's'} verified against the DNS (${f.passing} passing, ${f.aligned} aligned), modified and verified again hop by hop.`,
  },
};

/** What a relay does to the message, as a verb phrase. */
export const MODIFICATION_TEXT: Record<Modification, string> = {
  subject: 'tags the Subject',
  footer: 'appends a footer to the body',
  reencode: 're-encodes the body',
  headers: 'rewrites signed header fields (Reply-To, List-*)',
};

const wordingOf = <K extends FindingCode>(f: FindingOf<K>): FindingWording<K> => FINDINGS[f.code] as FindingWording<K>;

export const findingGroup = (f: Finding): FindingGroup => wordingOf(f).group;
/** The plain sentence, without references. */
export const findingText = (f: Finding): string => wordingOf(f).text(f);
export const findingRef = (f: Finding): string | null => wordingOf(f).ref?.(f) ?? null;
/** The sentence with its reference, as the JSON carries it. */
export const findingMessage = (f: Finding): string => {
  const ref = findingRef(f);
  return ref ? `${findingText(f)} (${ref})` : findingText(f);
};

type AdviceOf<K extends AdviceCode> = Extract<Advice, { code: K }>;
interface AdviceWording<K extends AdviceCode> {
  /** The full advice, for the "What to do" section and the JSON. */
  text: (a: AdviceOf<K>) => string;
  /** A short imperative for the report's third line ("Do now: ..."), said to whoever runs fwdcheck. */
  now: (a: AdviceOf<K>) => string;
}

const ACTION: Record<GmailAction, string> = { inbox: 'the inbox', spam: 'spam', reject: 'a rejection', tempfail: 'a deferral' };
/** What a remedy changes, said after it: "(a rejection becomes the inbox)". */
const changes = (o: AdviceOutcome): string => `(${ACTION[o.before]} becomes ${ACTION[o.after]})`;

const TLS_WORDS = { implicit: 'SSL/TLS', starttls: 'STARTTLS' } as const;
const SERVICE_WORDS = { imap: 'IMAP', pop3: 'POP3', submission: 'outgoing SMTP' } as const;

const mailboxSettings = (a: Extract<Advice, { code: 'RECIPIENT_MAILBOX_SETTINGS' }>): string => {
  const domain = a.address.slice(a.address.lastIndexOf('@') + 1);
  const server = (what: string, c: { host: string; port: number; tls: 'implicit' | 'starttls' }) => `${what} server ${c.host}, port ${c.port}, ${TLS_WORDS[c.tls]}`;
  if (a.source === 'none' || (!a.imap && !a.pop3)) {
    const said = a.notOffered.length ? ` (${domain} says it offers no ${a.notOffered.map((s) => SERVICE_WORDS[s]).join(' or ')})` : '';
    return `To fetch ${a.address} instead of forwarding it: ${domain} publishes no IMAP or POP3 server settings (RFC 6186 SRV records)${said}, and its MX is no provider fwdcheck knows. Ask its provider for the IMAP server; the username is usually the full address, ${a.username}.`;
  }
  const parts: string[] = [];
  if (a.imap) parts.push(server('incoming IMAP', a.imap));
  if (a.submission) parts.push(server('outgoing SMTP', a.submission));
  const from = a.source === 'srv' ? `from ${domain}'s SRV records, RFC 6186` : `${a.provider?.name}'s settings, recognized by ${domain}'s MX; see ${a.provider?.source}`;
  let text = `To fetch ${a.address} instead of forwarding it, enter in the Gmail app (Add another account > Other) or a mail client: ${parts.join('; ')}; username ${a.username} (the full address) and the mailbox's own password (${from}).`;
  if (a.notOffered.length) text += ` ${domain} says it does not offer ${a.notOffered.map((s) => SERVICE_WORDS[s]).join(' or ')}.`;
  if (a.pop3) {
    const pop = server('POP3', a.pop3);
    switch (a.popImport) {
      case 'available':
        text += ` Gmail on the web can also fetch it by POP3 (Settings > Accounts > Check mail from other accounts): ${pop}.`;
        break;
      case 'existing-only':
        text += ` Gmail on the web's POP3 import (${pop}) takes no new accounts as of ${a.asOf}; an import set up before then keeps working until about ${monthName(a.existingUntil)}.`;
        break;
      case 'ended':
        text += ` Gmail on the web's POP3 import has ended as of ${a.asOf}; use IMAP.`;
        break;
    }
  } else if (a.notOffered.includes('pop3')) {
    text += ` Gmail's POP3 import could not fetch it anyway.`;
  }
  return text;
};

const FETCH_NOW: Record<PopImportStatus, string> = {
  available: 'stop forwarding and let Gmail fetch the old mailbox (POP3) instead.',
  'existing-only': 'read the old mailbox over IMAP in the Gmail app instead of forwarding.',
  ended: 'read the old mailbox over IMAP in the Gmail app instead of forwarding.',
};

const fetchInstead = (status: PopImportStatus, asOf: string, existingUntil: string): string => {
  switch (status) {
    case 'available':
      return 'Stop forwarding: let Gmail fetch the old mailbox instead (Settings > Accounts > "Check mail from other accounts", POP3). Fetched mail is not checked again the way forwarded mail is. Google has announced that POP fetching ends in January 2026.';
    case 'existing-only':
      return `If you already fetch this mailbox with Gmail's POP3 import ("Check mail from other accounts"), fetch instead of forwarding: as of ${asOf} it takes no new accounts (closed since early 2026), and existing ones keep working until about ${monthName(existingUntil)} (Google gives no exact day).`;
    case 'ended':
      return `Gmail's POP3 import has ended (reported until about ${monthName(existingUntil)}); as of ${asOf} use IMAP.`;
  }
};

const ADVICE: { [K in AdviceCode]: AdviceWording<K> } = {
  RECIPIENT_FORWARD_ELSEWHERE: {
    text: (a) => forwardElsewhereMessage(a),
    now: (a) => `forward to ${a.receivers[0]?.name ?? 'another mailbox'} instead of Gmail, or fetch the mail.`,
  },
  RECIPIENT_ONLY_FETCH_IS_SAFE: {
    text: (a) => onlyFetchIsSafeMessage(a),
    now: () => 'stop forwarding; read the old mailbox over IMAP instead.',
  },
  RECIPIENT_MAILBOX_SETTINGS: {
    text: (a) => mailboxSettings(a),
    now: (a) => (a.imap ? `read ${a.address} over IMAP (${a.imap.host}) in the Gmail app instead of forwarding.` : `read ${a.address} over IMAP in the Gmail app instead of forwarding.`),
  },
  RECIPIENT_FETCH_INSTEAD: { text: (a) => fetchInstead(a.popImport, a.asOf, a.existingUntil), now: (a) => FETCH_NOW[a.popImport] },
  RECIPIENT_IMAP_IN_GMAIL_APP: {
    text: (a) => `Stop forwarding: add the old mailbox to the Gmail app over IMAP (Google's suggested replacement for POP import), or to a desktop mail client; the mail stays where it is and is never forwarded ${changes(a.outcome)}.`,
    now: () => 'read the old mailbox over IMAP in the Gmail app instead of forwarding.',
  },
  RECIPIENT_ASK_SENDER: {
    text: (a) => `Ask ${a.domain} to sign its mail with DKIM as ${a.domain}: the one proof that survives forwarding ${changes(a.outcome)}.`,
    now: (a) => `ask ${a.domain} to sign its mail with DKIM.`,
  },
  RELAY_USE_SRS: {
    // the address is not repeated: without --relay it is only a stand-in
    text: (a) => `Rewrite the envelope sender with SRS (your own domain's SPF record must list the forwarder): that meets Gmail's "SPF or DKIM" rule ${changes(a.outcome)}, but never DMARC.`,
    now: () => "ask the forwarder's operator to rewrite the envelope sender (SRS).",
  },
  RELAY_SRS_NOT_ENOUGH: {
    text: (a) => `SRS alone will not save this mail: ${a.domain}'s DMARC policy (${a.policy}) needs its own DKIM signature, left intact; SPF under SRS names your domain, which never matches.`,
    now: (a) => `ask ${a.domain} to sign its mail with DKIM.`,
  },
  RELAY_STOP_MODIFYING: {
    text: (a) =>
      `Stop changing the message (${a.hops.map((h) => `hop ${h.hop}, ${h.relay}: ${h.modifications.map((m) => MODIFICATION_TEXT[m].replace(/^(\S+)s /, '$1 ')).join(', ')}`).join('; ')}): it breaks ${a.domain}'s aligned DKIM signature, the one thing that passes DMARC after forwarding ${changes(a.outcome)}. A mailing list that must keep its Subject tag and footer can instead rewrite From to its own address for senders with an enforcing DMARC policy (Mailman's DMARC mitigation).`,
    now: () => 'ask the forwarder to stop changing messages (Subject tags, footers).',
  },
  RELAY_DO_NOT_MODIFY: {
    text: () => "Forward messages unchanged (no footers, Subject tags or re-encoding), so that the sender's DKIM signature survives.",
    now: () => 'make sure the forwarder does not change messages (footers, Subject tags).',
  },
  RELAY_ARC_SEAL: {
    text: () => 'ARC seals may help at some receivers (Microsoft, Yahoo, iCloud ask forwarders for them); never a guarantee, and Google withdrew its ARC advice on 2026-03-12.',
    now: () => "ask the forwarder's operator to add ARC seals.",
  },
  SENDER_SIGN_ALIGNED_DKIM: {
    // Gmail and Microsoft do not verify Ed25519: RSA first, Ed25519 only beside it
    text: (a) => `Sign all mail with DKIM as d=${a.domain} (the From domain), with a ${a.bits}-bit RSA key (optionally dual-signed with Ed25519 as well; never Ed25519 alone, which Gmail does not verify) ${changes(a.outcome)}.`,
    now: (a) => `if you run ${a.domain}: sign its mail with DKIM.`,
  },
  SENDER_ENABLE_PROVIDER_DKIM: {
    text: (a) => `${providerDkimFix(a.provider, a.domain).replace(/\.$/, '')} ${changes(a.outcome)}.`,
    now: (a) => `if you run ${a.domain}: turn on its own DKIM key at ${providerName(a.provider)}.`,
  },
  SENDER_STRONGER_DKIM_KEY: {
    text: (a) => `Replace the DKIM key at selector ${a.selector}${a.bits ? ` (${a.bits} bits)` : ''} with a 2048-bit RSA key.`,
    now: (a) => `replace the DKIM key at selector ${a.selector} with a 2048-bit RSA key.`,
  },
  SENDER_FIX_SPF: {
    text: (a) =>
      a.record
        ? `Publish this one SPF record at ${a.domain}, replacing what is there: "${a.record}" (it leaves out ${a.removed.map((t) => `"${t}"`).join(', ')}, which make receivers answer permerror or should not be used).`
        : `Fix the SPF record of ${a.domain} (see SPF above): receivers get an error from it.`,
    now: (a) => (a.record ? `publish the corrected SPF record of ${a.domain}.` : `fix the SPF record of ${a.domain}.`),
  },
  SENDER_FIX_DMARC: {
    text: (a) =>
      `Publish this one record at ${a.name}, replacing what is there: "${a.record}". Receivers then apply ${a.policy ? `p=${a.policy}` : 'no policy'}${a.outcome.after !== a.outcome.before ? ` ${changes(a.outcome)}` : ' (the forwarded outcome stays the same)'}.${a.undoesSrs ? ` Once it applies, SRS at the relay no longer saves forwarded mail: p=${a.policy} needs a DKIM signature aligned with ${a.domain}, which SRS does not give. Sign with aligned DKIM first, then publish this record.` : ''}`,
    now: (a) => (a.undoesSrs ? `sign with DKIM aligned with ${a.domain}, then publish the corrected DMARC record at ${a.name}.` : `publish the corrected DMARC record at ${a.name}.`),
  },
};

const adviceWording = <K extends AdviceCode>(a: AdviceOf<K>): AdviceWording<K> => ADVICE[a.code] as AdviceWording<K>;
export const adviceMessage = (a: Advice): string => adviceWording(a).text(a);
export const adviceNow = (a: Advice): string => adviceWording(a).now(a);

/** Gmail's reason as one full sentence, for the JSON and --verbose. */
export const gmailReason = (g: GmailPrediction, report: Pick<Report, 'domain' | 'path'>): string => {
  const last = report.path[report.path.length - 1];
  const relay = last?.relay ?? '?';
  let text = GMAIL_REASON[g.reasonCode]({ domain: report.domain, relay, last, smtp: g.smtp });
  // --message: the DKIM part of this is a fact, not an assumption
  if (last?.dkim.basis === 'message') text += ' This rests on the message itself: its DKIM signatures were verified against the DNS at every hop.';
  if (!g.alternative) return text;
  return `${text} Under ${g.alternative.method === 'rfc7489' ? 'RFC 7489' : 'RFC 9989'} DMARC discovery the outcome would be "${g.alternative.action}" instead.`;
};

interface ReasonContext {
  domain: string;
  relay: string;
  last: Report['path'][number] | undefined;
  smtp: string | null;
}

const GMAIL_REASON: Record<GmailReason, (c: ReasonContext) => string> = {
  DMARC_PASS: ({ last, relay }) =>
    last?.dkim.result === 'pass'
      ? `DKIM (d=${last.dkim.domain}, selector ${last.dkim.selector}) passes and matches the From domain, so DMARC passes although SPF gives ${last.spf.result} for ${relay}.`
      : `SPF passes for ${last?.spf.domain} from ${relay} and matches the From domain, so DMARC passes.`,
  AUTHENTICATED_NO_DMARC: ({ last }) => `${last?.dkim.result === 'pass' ? 'DKIM' : 'SPF'} passes, which meets Gmail's "SPF or DKIM" rule; no DMARC policy is enforced.`,
  DMARC_REJECT: ({ last, relay, domain }) => `SPF gives ${last?.spf.result} for the forwarder ${relay} and no DKIM signature from ${domain} passes, so DMARC fails and ${domain}'s policy is reject.`,
  DMARC_QUARANTINE: ({ last, relay }) => `DMARC fails (SPF gives ${last?.spf.result} for ${relay}, no DKIM signature from the From domain) and the policy is quarantine: Gmail puts it in spam.`,
  SPF_HARD_FAIL: ({ relay }) => `Neither SPF nor DKIM passes, and the SPF record refuses (-all) the forwarder ${relay}.`,
  UNAUTHENTICATED: ({ last, relay }) =>
    `Neither SPF (${last?.spf.result} for ${relay}) nor DKIM passes: Gmail requires one of them. Under rate limiting it defers such mail first (421 4.7.26 "This email has been rate limited because it is unauthenticated").`,
  DNS_FAILURE: ({ domain, smtp }) =>
    smtp
      ? `${domain} has an enforcing DMARC policy, and DNS failures left SPF or DKIM undecided: Gmail defers such mail with a temporary error.`
      : 'DNS lookups that decide the outcome failed (see OUTCOME_OPEN): Gmail, meeting the same failures, defers the message with a temporary error and tries again later.',
  NOT_CHECKED: () => 'Names the outcome depends on were not checked (--offline, outside the zone files; see OUTCOME_OPEN), so what Gmail does is not known. No DNS failure happened.',
  DOMAIN_NOT_FOUND: ({ domain }) => `${domain} does not exist in the DNS: mail from it cannot authenticate, and the forwarding question does not arise.`,
  RELAY_NO_FCRDNS: ({ relay }) => `The relay ${relay} that hands the message to Gmail has no forward-confirmed reverse DNS (PTR), which Gmail requires of every sender; it may defer first (451 4.7.23).`,
};
