// All wording of findings, advice and Gmail's reasons. The core only produces codes.
import type { EnvelopeOddity } from '../envelope.ts';
import type { Advice, AdviceOutcome, PopImportStatus } from './advice-types.ts';
import type { Finding } from './findings.ts';
import { forwardElsewhereMessage, onlyFetchIsSafeMessage } from './messages-receivers.ts';
import type { GmailAction, GmailPrediction, Report } from './types.ts';
import { defaultSignerForm, providerName } from '../records/providers.ts';

/** The provider-specific way to turn on a key of the customer's own (the providers' admin pages, 2026). */
const providerDkimFix = (provider: string, domain: string): string => {
  switch (provider) {
    case 'google-workspace':
      return `Sender domain: in the Google Admin console (Apps > Google Workspace > Gmail > Authenticate email), generate a 2048-bit DKIM key for ${domain}, publish it as TXT at google._domainkey.${domain}, then click "Start authentication"; Google then signs with d=${domain}, which aligns.`;
    case 'microsoft-365':
      return `Sender domain: enable DKIM for ${domain} in Microsoft 365 (Defender portal > Email & collaboration > Policies > Email authentication settings > DKIM, or PowerShell: New-DkimSigningConfig -DomainName ${domain} -KeySize 2048 -Enabled $true), keeping the selector1/selector2 CNAMEs it shows; Exchange Online then signs with d=${domain}, which aligns.`;
    default:
      return `Sender domain: set up DKIM for ${domain} at ${providerName(provider)} (its "domain authentication" page) with a 2048-bit RSA key, so that it signs with d=${domain}, which aligns, instead of its own domain.`;
  }
};

/** "2027-01" -> "January 2027" */
// toLocaleString builds a formatter each call (a tenth of a batch's CPU): one formatter, and the
// few months a run names remembered
const MONTH_FORMAT = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthNames = new Map<string, string>();
const monthName = (ym: string): string => {
  let name = monthNames.get(ym);
  if (name === undefined) {
    name = MONTH_FORMAT.format(new Date(`${ym}-15T00:00:00Z`));
    if (monthNames.size < 1000) monthNames.set(ym, name);
  }
  return name;
};

const SPF_REASON: Record<string, string> = {
  'unknown-mechanism': 'is not an SPF mechanism or modifier',
  'missing-argument': 'is missing its argument',
  'unexpected-argument': 'takes no argument here',
  'bad-domain-spec': 'has an invalid domain name',
  'bad-macro': 'has an invalid macro',
  'macro-letter-outside-exp': 'uses the c, r or t macro, allowed only in exp text (RFC 7208 7.2)',
  'bad-ip': 'has an invalid IP address',
  'bad-cidr': 'has an invalid prefix length',
  'duplicate-modifier': 'appears twice (RFC 7208 6)',
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

export const findingMessage = (f: Finding): string => {
  switch (f.code) {
    case 'DOMAIN_NOT_FOUND':
      return f.how === 'nxdomain'
        ? `${f.domain} does not exist in the DNS (NXDOMAIN): no mail can come from it. Check the spelling of the address.`
        : `${f.domain} has no DNS records of any kind (no address, MX, TXT or NS records, no DMARC record, no DKIM key): it is not a mail domain. Check the spelling of the address.`;
    case 'ENVELOPE_UNUSUAL':
      return `${f.what === 'helo' ? 'The HELO name' : 'The MAIL FROM address'} "${f.value}" ${ENVELOPE_ODDITY[f.oddity]}; fwdcheck checks it as a receiver would${f.what === 'helo' || ['one-label', 'address-literal', 'not-a-domain', 'label-too-long', 'name-too-long', 'empty-label'].includes(f.oddity) ? ' (SPF of a name that is no domain is "none", RFC 7208 4.3)' : ''}.`;
    case 'OUTCOME_OPEN':
      if (f.unread.length && f.unread.every((u) => u.error === 'EOFFLINE')) {
        return `Not checked (offline): ${f.unread.map((u) => `${u.type} ${u.name}`).join(', ')} ${f.unread.length === 1 ? 'is' : 'are'} outside the zone files, and the outcome depends on ${f.unread.length === 1 ? 'it' : 'them'}. Add ${f.unread.length === 1 ? 'it' : 'them'} to a zone file, or check without --offline.`;
      }
      return `DNS trouble leaves the outcome open: ${f.unread.length ? f.unread.map((u) => `${u.type} ${u.name} ${u.error === 'EOFFLINE' ? '(not checked: outside the zone files)' : `(${u.error})`}`).join(', ') : 'a lookup'} could not be read.`;
    case 'CHECK_DEADLINE':
      return `The check reached its deadline${f.deadlineMs === null ? '' : ` of ${f.deadlineMs} ms`} (--deadline) before every DNS lookup was answered${f.outcomeOpen === false ? '; what was read already decides the outcome' : ', so the outcome is open'}.`;
    case 'CHECK_QUERY_LIMIT':
      return `The check reached its cap of ${f.limit} DNS queries; the lookups past it were not made (records that ask for unbounded work cannot flood the resolver).`;
    case 'SPF_MISSING':
      return `${f.domain} publishes no SPF record: SPF gives "none" everywhere.`;
    case 'SPF_MULTIPLE_RECORDS':
      return `${f.domain} publishes ${f.count} SPF records; more than one is a permerror (RFC 7208 4.5).`;
    case 'SPF_SYNTAX_ERROR':
      return `SPF record of ${f.domain}: "${f.term}" ${SPF_REASON[f.reason] ?? f.reason}; a syntax error anywhere makes the record permerror (RFC 7208 4.6).`;
    case 'SPF_TOO_MANY_LOOKUPS':
      return `The SPF tree needs more than ${f.limit} DNS lookups; past the ${f.limit}th, evaluation gives permerror (RFC 7208 4.6.4) for every IP listed after it.`;
    case 'SPF_TOO_MANY_VOID_LOOKUPS':
      return `The SPF tree has ${f.count} void lookups (${f.names.join(', ')}); over ${f.limit} is a permerror (RFC 7208 4.6.4).`;
    case 'SPF_PASS_ALL':
      return `SPF record of ${f.domain} ends in "+all": any IP passes, which makes SPF meaningless.`;
    case 'SPF_NEUTRAL_ALL':
      return `SPF record of ${f.domain} ends in "?all": unlisted IPs get neutral, which authenticates nothing.`;
    case 'SPF_PTR':
      return `SPF record of ${f.domain} uses "${f.term}"; ptr is slow and SHOULD NOT be used (RFC 7208 5.5).`;
    case 'SPF_INCLUDE_LOOP':
      return `SPF of ${f.domain} includes ${f.target}, which is already being evaluated: a loop, permerror.`;
    case 'SPF_INCLUDE_MISSING':
      return `SPF of ${f.domain} uses ${f.via}:${f.target}, which has no SPF record: permerror (RFC 7208 ${f.via === 'include' ? '5.2' : '6.1'}).`;
    case 'SPF_INCLUDE_MULTIPLE':
      return `SPF of ${f.domain} includes ${f.target}, which publishes several SPF records: permerror.`;
    case 'SPF_WALK_STOPPED':
      return `fwdcheck stopped reading the SPF tree at "${f.term}" in the record of ${f.domain}, where ${f.reason === 'lookup-limit' ? 'the 11th DNS lookup' : 'the third void lookup'} makes evaluation stop with permerror (RFC 7208 4.6.4); nothing after it was looked up.`;
    case 'SPF_MX_TOO_MANY':
      return `"${f.term}" in the SPF of ${f.domain} names ${f.count} MX hosts; over 10 is a permerror (RFC 7208 4.6.4).`;
    case 'SPF_MACRO_NOT_FOLLOWED':
      return `"${f.term}" in the SPF of ${f.domain} depends on the message (macro); not counted past its own lookup.`;
    case 'SPF_DNS_ERROR':
      return f.error === 'EOFFLINE'
        ? `The SPF record of ${f.name} was not checked (outside the zone files, --offline): not known.`
        : `The SPF lookup of ${f.name} failed (${f.error}): not known whether it has a record; evaluation gives temperror.`;
    case 'SPF_RELAY_AUTHORIZED':
      return `The relay ${f.relay} is authorized by the SPF of ${f.domain}: forwarding through it does not break SPF.`;
    case 'DMARC_MISSING':
      return `No DMARC record applies to ${f.domain}: no DMARC policy, and Gmail's rule that SPF or DKIM must pass decides.`;
    case 'DMARC_MULTIPLE_RECORDS':
      return `_dmarc.${f.location} has ${f.count} DMARC records; several records count as none (RFC 7489 6.6.3).`;
    case 'DMARC_TAG_ISSUE':
      return `DMARC record at ${f.location}: ${f.issue.replace(/-/g, ' ')} "${f.tag}${f.value !== null ? `=${f.value}` : ''}"${f.meant ? ` (meant ${f.tag}=${f.meant}?)` : ''}.`;
    case 'DMARC_NOT_APPLIED':
      return `The DMARC record at ${f.location} has no valid policy and no report address: receivers apply no DMARC to it.`;
    case 'DMARC_POLICY_NONE':
      return `DMARC at ${f.location} is p=none (monitoring only): a DMARC failure alone does not get mail rejected.`;
    case 'DMARC_INHERITED':
      return `${f.domain} has no DMARC record of its own; it inherits the record of ${f.location}${f.policy ? ` (policy ${f.policy} for subdomains)` : ''}.`;
    case 'DMARC_DISCOVERY_DIFFERS':
      return `RFC 7489 (Public Suffix List) finds ${f.rfc7489.location ?? 'no record'} (${f.rfc7489.policy ?? 'no policy'}), RFC 9989 (tree walk) finds ${f.rfc9989.location ?? 'no record'} (${f.rfc9989.policy ?? 'no policy'}): receivers may differ.`;
    case 'DMARC_PCT_PARTIAL':
      return `DMARC at ${f.location} has pct=${f.pct}: under RFC 7489 ${f.pct}% of failing mail gets ${f.policy} and the rest ${f.rest} (6.6.4); RFC 9989 ignores pct.`;
    case 'DMARC_POLICY_LOWERED':
      return `DMARC at ${f.location} publishes ${f.published}, but ${f.reason === 'pct' ? 'pct=0 (RFC 7489 6.6.4; RFC 9989: the same as t=y)' : 't=y (testing, RFC 9989)'} makes receivers apply the next lower policy: ${f.policy}.`;
    case 'DMARC_DNS_ERROR':
      return f.error === 'EOFFLINE'
        ? `The DMARC record at ${f.name} was not checked (outside the zone files, --offline): not known.`
        : `The DMARC lookup of ${f.name} failed (${f.error}): not known whether a record is there.`;
    case 'DKIM_NO_KEY_FOUND': {
      const where = f.parents.length ? ` or its parent domain${f.parents.length > 1 ? 's' : ''} ${f.parents.join(', ')}` : '';
      if (f.source === 'given') return `No DKIM key found for ${f.domain}${where} at the ${f.tried} selector(s) given.`;
      if (f.skipped > 0) {
        return `No DKIM key found for ${f.domain}${where}: _domainkey.${f.domain} does not exist (NXDOMAIN), so no selector can exist below it (RFC 8020); ${f.tried} provider selector(s) confirmed it.`;
      }
      return `No DKIM key found for ${f.domain}${where} at ${f.tried} common selectors; if the domain signs with another selector, pass it with --selector (or --dkim-domain for another signing domain).`;
    }
    case 'DKIM_KEY_PROBLEM':
      return `DKIM key ${f.selector}._domainkey.${f.domain}: ${dkimProblem(f.problem, f.bits)}.`;
    case 'DKIM_NOT_A_KEY':
      return `${f.name} answers with a TXT record that is not a DKIM key.`;
    case 'DKIM_MULTIPLE_KEYS':
      return `${f.name} has ${f.count} key records; verifiers may pick any of them (RFC 6376 3.6.2.2), so fwdcheck judges the weakest. Publish one.`;
    case 'DKIM_WILDCARD':
      return `_domainkey.${f.domain} answers any selector (a wildcard); such answers are not counted as keys.`;
    case 'DKIM_DNS_ERROR':
      return f.selectors.length === 1
        ? `The DKIM key lookup ${f.selectors[0]}._domainkey.${f.domain} failed (${f.error}): not known whether a key is there.`
        : `The DKIM key lookups for ${f.selectors.length} selectors of ${f.domain} failed (${f.error}): ${f.selectors.join(', ')}; not known whether a key is there.`;
    case 'DKIM_NOT_CHECKED':
      return `DKIM selectors of ${f.domain} not checked: outside the zone files in --offline mode (${f.selectors.join(', ')}).`;
    case 'DKIM_PARENT_KEY':
      return `${f.domain} has no usable DKIM key of its own; mail signed with d=${f.parent} (selector ${f.selector}) aligns under relaxed alignment (RFC 7489 3.1.1).`;
    case 'DKIM_PARENT_NOT_ALIGNED_STRICT':
      return `${f.parent} publishes a DKIM key (${f.selector}), but the DMARC record asks for strict alignment (adkim=s): a d=${f.parent} signature does not align with ${f.domain}.`;
    case 'DKIM_ED25519_ONLY':
      return `${f.domain} publishes only Ed25519 DKIM keys (${f.selectors.join(', ')}): Gmail and Microsoft do not verify Ed25519 (RFC 8463), so there the mail counts as unsigned.`;
    case 'DKIM_M365_NOT_ENABLED':
      return `${f.selectors.map((s) => `${s}._domainkey.${f.domain}`).join(' and ')} point (CNAME) to ${f.targets.join(', ')}, which do${f.targets.length === 1 ? 'es' : ''} not exist: DKIM was never enabled for ${f.domain} in the Microsoft 365 tenant.`;
    case 'DKIM_PROVIDER_DEFAULT':
      return `Inferred, not seen: ${providerName(f.provider)} signs mail without a key of ${f.from} as d=${defaultSignerForm(f.provider, f.domain, f.from)} (evidence: ${f.evidence.join('; ')}). That signature passes DKIM and meets Gmail's "SPF or DKIM" rule, but it does not align with ${f.from}: it never satisfies DMARC.`;
    case 'DKIM_ASSUMED_INTACT':
      return `Assumed: mail from ${f.domain} is signed with selector ${f.selector}, and the relay does not modify it. fwdcheck has no message to verify.`;
    case 'RELAY_ASSUMED':
      return f.spfAuthorizesAny
        ? `No --relay given, and the SPF of ${f.spfAuthorizesAny} authorizes every forwarder address tried (${f.relay} among them: +all, a network covering them, or an exists/ptr term that matches any address): SPF passes whatever server forwards the mail, so the prediction takes SPF as passing.`
        : `No --relay given: ${f.relay} stands for a forwarder your SPF does not list (it is outside every network the SPF tree names).`;
    case 'RELAY_LOOP':
      return `The relay ${f.relay} appears twice on the path (hops ${f.hops.join(' and ')}): a forwarding loop. Real servers stop it after too many Received fields (RFC 5321 6.3) and bounce the message.`;
    case 'RELAY_ADDRESS_FROM_DNS':
      return f.network
        ? `Hop ${f.hop} (${f.preset}): no address given, so fwdcheck uses ${f.relay}, the first address of ${f.network} in the published SPF of ${f.domain}.`
        : `Hop ${f.hop} (${f.preset}): no address given, so fwdcheck uses ${f.relay}, the address of ${f.domain}.`;
    case 'RELAY_IPV4_MAPPED':
      return `Hop ${f.hop}: ${f.given} is an IPv4-mapped IPv6 address; receivers check it as ${f.relay} (SPF ip4 mechanisms, PTR under in-addr.arpa).`;
    case 'RELAY_NO_FCRDNS':
      return f.status === 'no-ptr'
        ? `The relay ${f.relay} (hop ${f.hop}) has no PTR record. ${f.receiver === 'gmail' ? 'Gmail requires forward-confirmed reverse DNS of every sending IP: it defers (451 4.7.23), then rejects (550 5.7.25).' : 'Many receivers refuse or score down such a sender.'}`
        : `The PTR name of the relay ${f.relay} (hop ${f.hop}: ${f.ptr.join(', ')}) does not resolve back to it. ${f.receiver === 'gmail' ? 'Gmail requires forward-confirmed reverse DNS of every sending IP: it defers (451 4.7.23), then rejects (550 5.7.25).' : 'Many receivers refuse or score down such a sender.'}`;
    case 'RELAY_FCRDNS_NOT_CHECKED':
      return `The reverse DNS of the relay ${f.relay} (hop ${f.hop}) could not be read (${f.error}); Gmail's PTR rule is not checked.`;
    case 'SRS_SPF_NOT_COVERING':
      return `Hop ${f.hop} rewrites the envelope to ${f.domain}, but the SPF of ${f.domain} does not authorize its relay ${f.relay} (SPF ${f.result}): SRS only helps when the forwarder's own SPF lists the relay.`;
    case 'SRS_DOMAIN_ASSUMED':
      return `Hop ${f.hop} (${f.preset}): the forwarding mailbox's domain is not known (give srs=DOMAIN or --mailbox); assumed to publish the provider's SPF (${f.domain}).`;
    case 'SRS_SKIPPED_SPF_FAILED':
      return `Hop ${f.hop} (${f.relay}) does not rewrite the envelope: Microsoft 365 skips SRS for mail that already failed SPF when it arrived.`;
    case 'DKIM_BROKEN_BY_RELAY':
      return `Hop ${f.hop} (${f.relay}) ${MODIFICATION_TEXT[f.modification]}, which breaks the DKIM signature d=${f.domain}${f.selector ? ` (selector ${f.selector})` : ''} (RFC 6376 5.4).`;
    case 'DKIM_BODY_LENGTH_RISK':
      return `The signature d=${f.domain}${f.selector ? ` (selector ${f.selector})` : ''} survives hop ${f.hop}'s footer only because it signs a limited body length (l=): anyone can append to such a message and keep the pass. Sign the whole body.`;
    case 'ARC_MAY_HELP':
      return `The message carries ARC seals (${f.sealers.join(', ') || 'unnamed sealer'})${f.vouchedPass ? ' vouching for an earlier DMARC pass' : ''}. A receiver may, by its own policy, accept it anyway; no receiver promises to (Google withdrew its ARC advice in March 2026).`;
    case 'MESSAGE_VERIFIED':
      return `The prediction rests on the message ${f.source}: ${f.signatures} DKIM signature${f.signatures === 1 ? '' : 's'} verified against the DNS (${f.passing} passing, ${f.aligned} aligned), modified and verified again hop by hop.`;
  }
};

const MODIFICATION_TEXT: Record<import('../simulate/hops.ts').Modification, string> = {
  subject: 'tags the Subject',
  footer: 'appends a footer to the body',
  reencode: 're-encodes the body',
  headers: 'rewrites signed header fields (Reply-To, List-*)',
};

const dkimProblem = (problem: string, bits: number | null): string => {
  switch (problem) {
    case 'revoked':
      return 'revoked (empty p=)';
    case 'weak-key':
      return `RSA key of ${bits} bits; under 1024 bits verifiers and Gmail refuse it (RFC 8301 3.2)`;
    case 'short-key':
      return `RSA key of ${bits} bits; accepted, but Gmail recommends 2048`;
    case 'sha1-only':
      return 'allows only rsa-sha1, which RFC 8301 forbids';
    case 'testing':
      return 'in testing mode (t=y)';
    case 'unknown-key-type':
      return 'unknown key type';
    case 'bad-key-data':
      return 'the key data (p=) cannot be read';
    case 'bad-version':
      return 'v= is not DKIM1';
    case 'not-for-email':
      return 'its service type (s=) excludes email';
    case 'duplicate-tag':
      return 'a tag appears twice, which makes the whole key record invalid (RFC 6376 3.2)';
    default:
      return problem;
  }
};

const ACTION: Record<GmailAction, string> = { inbox: 'the inbox', spam: 'spam', reject: 'a rejection', tempfail: 'a deferral' };
const changes = (o: AdviceOutcome): string => `(${ACTION[o.before]} becomes ${ACTION[o.after]})`;

export const adviceMessage = (a: Advice): string => {
  switch (a.code) {
    case 'RECIPIENT_FORWARD_ELSEWHERE':
      return forwardElsewhereMessage(a);
    case 'RECIPIENT_ONLY_FETCH_IS_SAFE':
      return onlyFetchIsSafeMessage(a);
    case 'RECIPIENT_MAILBOX_SETTINGS':
      return mailboxSettings(a);
    case 'RECIPIENT_FETCH_INSTEAD':
      return fetchInstead(a.popImport, a.asOf, a.existingUntil);
    case 'RECIPIENT_IMAP_IN_GMAIL_APP':
      return `Stop forwarding: add the old mailbox to the Gmail app over IMAP (Google's own suggested replacement for POP import), or to a desktop mail client over IMAP; the mail stays where it is and is never forwarded ${changes(a.outcome)}.`;
    case 'RECIPIENT_ASK_SENDER':
      return `Ask ${a.domain} to sign its mail with DKIM aligned with its From domain: that is what survives forwarding ${changes(a.outcome)}.`;
    case 'RELAY_USE_SRS':
      return `Relay operator: rewrite the envelope sender with SRS, so that SPF is checked for the relay's own domain (whose SPF must list ${a.relay}). That meets Gmail's "SPF or DKIM" rule ${changes(a.outcome)}; it does not align with From, so it never passes DMARC.`;
    case 'RELAY_SRS_NOT_ENOUGH':
      return `Relay operator: SRS alone will not save this mail. ${a.domain}'s DMARC policy (${a.policy}) needs aligned DKIM, and SPF under SRS is the relay's domain, which never aligns; only the sender's aligned DKIM signature, left intact, gets it through.`;
    case 'RELAY_DO_NOT_MODIFY':
      return 'Relay operator: forward the message unmodified (no footers, Subject tags, re-encoding or link rewriting): the outcome rests on the sender\'s DKIM signature surviving.';
    case 'RELAY_STOP_MODIFYING':
      return `Relay operator: stop changing the message (${a.hops.map((h) => `hop ${h.hop}, ${h.relay}: ${h.modifications.map((m) => MODIFICATION_TEXT[m].replace(/^(\S+)s /, '$1 ')).join(', ')}`).join('; ')}): it breaks ${a.domain}'s aligned DKIM signature, the one thing that passes DMARC after forwarding ${changes(a.outcome)}. A mailing list that must keep its Subject tag and footer can instead rewrite From to its own address for senders with an enforcing DMARC policy (Mailman's DMARC mitigation).`;
    case 'RELAY_ARC_SEAL':
      return 'Relay operator: ARC seals (RFC 8617) may help at some receivers (Microsoft, Yahoo, iCloud ask forwarders for them); never a guarantee, and Google withdrew its ARC advice on 2026-03-12.';
    case 'SENDER_SIGN_ALIGNED_DKIM':
      // Gmail and Microsoft do not verify Ed25519: RSA first, Ed25519 only beside it
      return `Sender domain: sign all mail with DKIM using d=${a.domain} (aligned with From) and a ${a.bits}-bit RSA key (optionally dual-signed with Ed25519 as well; never Ed25519 alone, which Gmail does not verify) ${changes(a.outcome)}.`;
    case 'SENDER_ENABLE_PROVIDER_DKIM':
      return `${providerDkimFix(a.provider, a.domain).replace(/\.$/, '')} ${changes(a.outcome)}.`;
    case 'SENDER_STRONGER_DKIM_KEY':
      return `Sender domain: replace DKIM key ${a.selector}${a.bits ? ` (${a.bits} bits)` : ''} with a 2048-bit RSA key.`;
    case 'SENDER_FIX_SPF':
      return `Sender domain: fix the SPF record of ${a.domain} (${a.problems.join(', ')}): receivers get permerror from it.`;
    case 'SENDER_FIX_DMARC':
      return `Sender domain: publish this one record at ${a.name}, replacing what is there: "${a.record}". Receivers then apply ${a.policy ? `p=${a.policy}` : 'no policy'}${a.outcome.after !== a.outcome.before ? ` ${changes(a.outcome)}` : ' (the forwarded outcome stays the same)'}.${a.undoesSrs ? ` Once it applies, SRS at the relay no longer saves forwarded mail: p=${a.policy} needs a DKIM signature aligned with ${a.domain}, which SRS does not give. Sign with aligned DKIM first, then publish this record.` : ''}`;
  }
};

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

const fetchInstead = (status: PopImportStatus, asOf: string, existingUntil: string): string => {
  switch (status) {
    case 'available':
      return 'Stop forwarding: let Gmail fetch the mailbox instead (Settings > Accounts > "Check mail from other accounts", POP3). Fetched mail is not re-authenticated as forwarded mail is. Google has announced that POP fetching ends in January 2026.';
    case 'existing-only':
      return `If you already fetch this mailbox with Gmail's POP3 import ("Check mail from other accounts"), fetch instead of forwarding: as of ${asOf} it takes no new accounts (closed since early 2026), and existing ones keep working until about ${monthName(existingUntil)} (Google gives no exact day; see support.google.com/mail/answer/16604719).`;
    case 'ended':
      return `Gmail's POP3 import has ended (reported until about ${monthName(existingUntil)}); as of ${asOf} use IMAP, above.`;
  }
};

export const gmailReason = (g: GmailPrediction, report: Pick<Report, 'domain' | 'path'>): string => {
  const last = report.path[report.path.length - 1];
  const relay = last?.relay ?? '?';
  let text: string;
  switch (g.reasonCode) {
    case 'DMARC_PASS':
      text = last?.dkim.result === 'pass'
        ? `DKIM (d=${last.dkim.domain}, selector ${last.dkim.selector}) passes and aligns with From, so DMARC passes although SPF is ${last.spf.result} from ${relay}.`
        : `SPF passes for ${last?.spf.domain} from ${relay} and aligns with From, so DMARC passes.`;
      break;
    case 'AUTHENTICATED_NO_DMARC':
      text = `${last?.dkim.result === 'pass' ? 'DKIM' : 'SPF'} passes, which meets Gmail's "SPF or DKIM" rule; no DMARC policy is enforced.`;
      break;
    case 'DMARC_REJECT':
      text = `SPF is ${last?.spf.result} from the relay ${relay} and no aligned DKIM signature passes, so DMARC fails and ${report.domain}'s policy is reject.`;
      break;
    case 'DMARC_QUARANTINE':
      text = `DMARC fails (SPF ${last?.spf.result} from ${relay}, no aligned DKIM) and the policy is quarantine: Gmail puts it in spam.`;
      break;
    case 'SPF_HARD_FAIL':
      text = `Neither SPF nor DKIM passes, and the SPF record hard-fails (-all) the relay ${relay}.`;
      break;
    case 'UNAUTHENTICATED':
      text = `Neither SPF (${last?.spf.result} from ${relay}) nor DKIM passes: Gmail requires one of them. Under rate limiting it defers such mail first (421 4.7.26 "This email has been rate limited because it is unauthenticated").`;
      break;
    case 'DNS_FAILURE':
      text = g.smtp
        ? `${report.domain} has an enforcing DMARC policy, and DNS failures left SPF or DKIM undecided: Gmail defers such mail with a temporary error.`
        : 'DNS lookups that decide the outcome failed (see OUTCOME_OPEN): Gmail, meeting the same failures, defers the message with a temporary error and tries again later.';
      break;
    case 'NOT_CHECKED':
      text = 'Names the outcome depends on were not checked (--offline, outside the zone files; see OUTCOME_OPEN), so what Gmail does is not known. No DNS failure happened.';
      break;
    case 'DOMAIN_NOT_FOUND':
      text = `${report.domain} does not exist in the DNS: mail from it cannot authenticate, and the forwarding question does not arise.`;
      break;
    case 'RELAY_NO_FCRDNS':
      text = `The relay ${relay} that hands the message to Gmail has no forward-confirmed reverse DNS (PTR), which Gmail requires of every sender; it may defer first (451 4.7.23).`;
      break;
  }
  if (g.alternative) {
    text += ` Under ${g.alternative.method === 'rfc7489' ? 'RFC 7489' : 'RFC 9989'} DMARC discovery the outcome would be "${g.alternative.action}" instead.`;
  }
  // --message: the DKIM part of this is a fact, not an assumption
  if (last?.dkim.basis === 'message') text += ' This rests on the message itself: its DKIM signatures were verified against the DNS at every hop.';
  return text;
};

/** What Gmail does, in a few words, for the headline. */
export const gmailActionText = (g: GmailPrediction): string =>
  g.reasonCode === 'NOT_CHECKED'
    ? 'is not known to accept or refuse it (names it needs were not checked, --offline)'
    : { inbox: 'delivers to the inbox', spam: 'delivers to spam', reject: 'rejects the message', tempfail: 'defers the message (temporary error)' }[g.action];

/** The words after UNKNOWN: DNS errors, a deadline, or names not checked offline. */
export const unknownText = (report: Pick<Report, 'findings'>): string => {
  const open = report.findings.find((f) => f.code === 'OUTCOME_OPEN');
  if (open?.code === 'OUTCOME_OPEN' && open.unread.length && open.unread.every((u) => u.error === 'EOFFLINE')) return 'not checked (offline): names the outcome depends on are outside the zone files';
  if (report.findings.some((f) => f.code === 'CHECK_DEADLINE')) return 'the deadline stopped the check before the outcome was known';
  return 'DNS errors prevented a verdict';
};
