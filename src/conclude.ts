// The second half of a check: from the records, read, to the Report. check.ts starts the
// lookups and imports this module while they are in flight, so that none of this code (the
// path simulation, the receivers, the findings and the advice) is loaded before the first query
// is sent (issue 7, start-up).
import { buildAdvice } from './advice.ts';
import type { CheckDeps, CheckOptions } from './check.ts';
import { envelopeNotes } from './envelope.ts';
import type { DnsClient } from './dns/client.ts';
import { wasAnswered } from './dns/session.ts';
import { dkimFindings, dmarcFindings, spfFindings } from './findings.ts';
import type { DmarcRecords } from './records/fetch-dmarc.ts';
import type { DomainExistence } from './records/fetch-existence.ts';
import type { MailboxDiscovery } from './records/fetch-srv.ts';
import { endsInDashAll, type SpfTree } from './records/fetch-spf.ts';
import { expectSigners, type ProviderMatch, type SignerModel } from './records/signers.ts';
import type { DkimRecords } from './records/fetch-dkim.ts';
import { unlistedAddress } from './records/spf-unlisted.ts';
import { finding, type Finding } from './report/findings.ts';
import type { DmarcSummary, Report, SpfSummary } from './report/types.ts';
import { receiverAdvice } from './receivers/advice.ts';
import { asSeenBy } from './receivers/evaluate.ts';
import { noDomainPrediction, predictGmail, verdictOf } from './receivers/gmail.ts';
import { predictReceivers, RECEIVERS, receiverInput } from './receivers/index.ts';
import { resolveHops } from './simulate/hops.ts';
import type { RelaySpec } from './simulate/parse-relay.ts';
import { ASSUMED_RELAY, simulatePath } from './simulate/path.ts';
import { mailboxAdvice } from './mailbox-advice.ts';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

const summarizeSpf = (tree: SpfTree): SpfSummary => {
  const root = tree.root;
  const status: SpfSummary['status'] =
    root.status === 'found'
      ? root.issues.length
        ? 'invalid'
        : 'found'
      : root.status === 'dns-error'
        ? 'dns-error'
        : root.status === 'not-checked'
          ? 'not-checked'
          : root.status === 'multiple'
            ? 'invalid'
            : 'missing';
  const summary: SpfSummary = { status, domain: root.domain, record: root.record ?? root.records[0] ?? null, lookups: tree.lookups, voidLookups: tree.voidLookups.length, tree: root };
  if (root.error) summary.error = root.error;
  return summary;
};

const summarizeDmarc = (dmarc: DmarcRecords): DmarcSummary => {
  const { lookup, ...applied } = dmarc.applied;
  // a record with typos, duplicate tags or published twice is found: the findings name the
  // problem and the advice the corrected record (issue 5)
  const status = applied.status === 'invalid' ? 'found' : applied.status;
  return { ...applied, status, tags: lookup?.parsed?.tags ?? null, rfc7489: dmarc.rfc7489, rfc9989: dmarc.rfc9989 };
};

/** The lookups that failed, in a stable order, for a verdict that DNS trouble left open. */
const unreadLookups = (dns: DnsClient) => {
  const seen = new Map<string, { name: string; type: string; error: string }>();
  // lookups that answered (an offline public suffix taken as non-existent is ENOTFOUND, with a
  // note): anything else left something unread
  for (const t of dns.trace()) if (!wasAnswered(t.outcome)) seen.set(`${t.name} ${t.type}`, { name: t.name, type: t.type, error: t.outcome });
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
};

/** adkim of the DMARC record that applies ("r" when none does, RFC 7489 6.3). */
const appliedAdkim = (dmarc: DmarcRecords): 'r' | 's' => dmarc.applied.lookup?.parsed?.tags.adkim ?? 'r';

const dkimSummary = (signers: SignerModel): Report['records']['dkim'] => {
  const from = signers.domains.find((d) => d.role === 'from')!;
  return {
    domain: from.domain,
    source: from.source,
    selectors: from.selectors,
    wildcard: from.wildcard !== null,
    adkim: signers.adkim,
    domains: signers.domains,
    providers: signers.providers,
    expected: signers.signatures,
  };
};

/** aspf of the DMARC record that applies (RFC 7489 6.3: relaxed by default). */
const appliedAspf = (dmarc: DmarcRecords): 'r' | 's' => dmarc.applied.lookup?.parsed?.tags.aspf ?? 'r';

/** What check() has read, and what it was asked. */
export interface ConcludeInput {
  fromDomain: string;
  options: CheckOptions;
  deps: CheckDeps;
  /** When the check started (the clock's ms). */
  started: number;
  mailFrom: string;
  specs: RelaySpec[];
  helo: string;
  existence: DomainExistence;
  spfTree: SpfTree;
  dmarc: DmarcRecords;
  signerRecords: { domains: DkimRecords[]; providers: ProviderMatch[] };
  mailbox: MailboxDiscovery | null;
}

/** Simulates the path and predicts what the receivers do, from the records check() read. */
export const conclude = async (input: ConcludeInput): Promise<Report> => {
  const { fromDomain, options, deps, started, mailFrom, specs, helo, existence, spfTree, dmarc, signerRecords, mailbox } = input;
  const resolve = deps.dns.resolve;
  const signers = expectSigners({ fromDomain, adkim: appliedAdkim(dmarc), ...signerRecords });
  const dkim = signers.domains.find((d) => d.role === 'from')!;

  deps.onProgress?.('simulate');
  const mailboxDomain = options.mailbox ? (options.mailbox.split('@').pop() ?? null) : null;
  // without --relay: a forwarder the sender's SPF does not list, checked against the networks
  // and addresses the tree authorizes; should evaluation still authorize it (exists, ptr,
  // macros), the next candidate is taken
  const simulate = async (assumedRelay: () => string) => {
    const hops = await resolveHops(specs, { resolver: resolve, assumedRelay, mailboxDomain });
    const pathInput: Parameters<typeof simulatePath>[1] = { fromDomain, mailFrom, helo, heloGiven: options.helo !== undefined, hops, signers, dmarc, nowMs: started };
    if (options.message) pathInput.message = options.message;
    return { hops, simulated: await simulatePath(resolve, pathInput) };
  };
  let { hops, simulated } = await simulate(() => unlistedAddress(spfTree.networks) ?? ASSUMED_RELAY);
  for (const tried: string[] = []; hops[0]?.source === 'assumed' && simulated.arrivals[0]?.spf.result === 'pass' && tried.length < 3; ) {
    tried.push(hops[0].relay);
    const next = unlistedAddress(spfTree.networks, tried);
    if (!next) break;
    ({ hops, simulated } = await simulate(() => next));
  }
  // every stand-in tried passes SPF (+all, an exists that matches any address, a network
  // covering every candidate): the sender's SPF authorizes any forwarder, and the report says so
  const spfAuthorizesAny = hops[0]?.source === 'assumed' && simulated.arrivals[0]?.spf.result === 'pass';
  const path = spfAuthorizesAny
    ? simulated.arrivals.map((a) => (a.relaySource === 'assumed' ? { ...a, relayOrigin: { kind: 'assumed' as const, spfAuthorizesAny: true } } : a))
    : simulated.arrivals;
  const last = path[path.length - 1]!;
  const relayFcrdns = simulated.findings.some((f) => f.code === 'RELAY_NO_FCRDNS' && f.receiver === 'gmail') ? 'failed' as const : 'ok' as const;
  const gmailContext = { spfDashAll: endsInDashAll(spfTree.root), relayFcrdns };
  // a name that exists only as the parent of _dmarc or _domainkey records is no mail domain
  // either, but it is not "no records of any kind": it holds a DMARC record or a key
  const ownRecords = dmarc.rfc9989.queried.some((q) => q.domain === fromDomain && q.status !== 'missing') || dkim.selectors.some((p) => p.status !== 'missing');
  const absent = existence.status === 'nxdomain' ? 'nxdomain' : existence.status === 'no-records' && !ownRecords ? 'no-records' : null;
  const receiverFacts = receiverInput({
    fromDomain,
    arrival: last,
    spfDashAll: endsInDashAll(spfTree.root),
    selectors: signers.domains.flatMap((d) => d.selectors),
    aspf: appliedAspf(dmarc),
    domainExists: absent === null,
    relayFcrdns,
  });
  // Gmail does not verify Ed25519 (README "Sources"): its verdict and advice rest on the arrival as Gmail sees it
  const gmailArrival = asSeenBy(RECEIVERS.gmail, receiverFacts).arrival;
  let gmail = absent ? noDomainPrediction() : predictGmail(fromDomain, gmailArrival, gmailContext);
  // --offline: names outside the zone files were not checked, and no DNS failure happened, so
  // Gmail's replies to DNS trouble (451 4.7.26) say nothing here: the outcome is simply open
  const unread = unreadLookups(deps.dns);
  const notChecked = unread.length > 0 && unread.every((u) => u.error === 'EOFFLINE');
  if (gmail.reasonCode === 'DNS_FAILURE' && notChecked) gmail = { action: 'tempfail', smtp: null, reasonCode: 'NOT_CHECKED' };
  // a deadline that cut lookups short leaves the outcome open
  const cutShort = deps.dns.stats().deadlineHit;
  // unless what was read decides it whatever the rest says: Gmail refuses a relay without
  // forward-confirmed reverse DNS before it looks at the message (550 5.7.25)
  const decidedAnyway = gmail.reasonCode === 'RELAY_NO_FCRDNS';
  const verdict = cutShort && !absent && !decidedAnyway ? 'unknown' : verdictOf(gmail);
  // every receiver asked for evaluates the same last arrival by its own rules
  const receivers = predictReceivers(options.receivers ?? [], receiverFacts);

  const findings: Finding[] = [];
  if (absent) {
    // said first, and alone: findings about records a domain does not have help no one
    findings.push(finding('DOMAIN_NOT_FOUND', 'error', { domain: fromDomain, how: absent }));
  } else {
    const dnsLimits = deps.dns.stats();
    if (dnsLimits.deadlineHit) findings.push(finding('CHECK_DEADLINE', 'error', { deadlineMs: dnsLimits.deadlineMs, outcomeOpen: verdict === 'unknown' }));
    if (dnsLimits.limitHit) findings.push(finding('CHECK_QUERY_LIMIT', 'warning', { limit: dnsLimits.maxQueries }));
    if (verdict === 'unknown') findings.push(finding('OUTCOME_OPEN', 'error', { unread }));
    for (const note of envelopeNotes(mailFrom, helo, options.helo !== undefined)) findings.push(finding('ENVELOPE_UNUSUAL', 'warning', note));
    findings.push(...spfFindings(spfTree), ...dmarcFindings(dmarc), ...dkimFindings(signers));
    for (const hop of hops) if (hop.source === 'assumed') findings.push(finding('RELAY_ASSUMED', 'info', spfAuthorizesAny ? { relay: hop.relay, spfAuthorizesAny: spfTree.root.domain } : { relay: hop.relay }));
    findings.push(...simulated.findings);
    if (last.dkim.basis === 'assumed-intact' && last.dkim.selector && last.dkim.domain) {
      findings.push(finding('DKIM_ASSUMED_INTACT', 'info', { domain: last.dkim.domain, selector: last.dkim.selector }));
    }
    // stable: equal severities keep the order above
    findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  }

  const now = deps.clock.now();
  const stats = deps.dns.stats();
  deps.onProgress?.('done');
  return {
    schemaVersion: 1,
    domain: fromDomain,
    mailFrom,
    helo,
    checkedAt: new Date(now).toISOString(),
    verdict,
    gmail,
    basis: options.message ? 'message' : 'model',
    receivers,
    records: {
      spf: summarizeSpf(spfTree),
      dmarc: summarizeDmarc(dmarc),
      dkim: dkimSummary(signers),
    },
    ...(simulated.message ? { message: simulated.message } : {}),
    ...(mailbox ? { mailbox } : {}),
    // the last arrival as Gmail sees it (no Ed25519), so that path, summary and findings agree
    path: last.receiver === 'gmail' ? [...path.slice(0, -1), gmailArrival] : path,
    findings,
    advice: [
      // what the other receivers (--to) change for the recipient comes first: it is the recipient's best move
      ...receiverAdvice({ verdict, gmailAction: gmail.action, receivers, nowMs: now }),
      // --mailbox: the settings to fetch it instead, right where the recipient reads what to do
      ...(mailbox ? [mailboxAdvice(mailbox, now)] : []),
      ...buildAdvice({ domain: fromDomain, verdict, gmail, gmailContext, path: [...path.slice(0, -1), gmailArrival], findings, dmarc, spf: { domain: spfTree.root.domain, record: spfTree.root.record }, nowMs: now }),
    ],
    dns: { source: deps.dns.describe(), queries: stats.queries, cacheHits: stats.cacheHits, failures: stats.failures, reachable: stats.anyAnswer },
    elapsedMs: now - started,
  };
};
