// The pure core: one domain in, one Report out. Every effect comes through deps.
import { buildAdvice } from './advice.ts';
import type { Clock } from './clock.ts';
import type { DnsClient } from './dns/client.ts';
import { dkimFindings, dmarcFindings, spfFindings } from './findings.ts';
import { fetchDkim } from './records/fetch-dkim.ts';
import { fetchDmarc, type DmarcRecords } from './records/fetch-dmarc.ts';
import { endsInDashAll, fetchSpfTree, type SpfTree } from './records/fetch-spf.ts';
import { finding, type Finding } from './report/findings.ts';
import type { DmarcSummary, Report, SpfSummary } from './report/types.ts';
import { predictGmail, verdictOf } from './simulate/gmail.ts';
import { parseRelaySpec, resolveHops } from './simulate/hops.ts';
import { messageFacts } from './simulate/message.ts';
import { ASSUMED_RELAY, simulatePath } from './simulate/path.ts';

export interface CheckOptions {
  /**
   * The relays in hop order, each an IP or a spec such as "gmail", "list@lists.example" or
   * "203.0.113.7,srs=fwd.example,modify=footer" (grammar in src/simulate/hops.ts); empty for
   * the assumed documentation relay.
   */
  relays: readonly string[];
  /** A real message as the sender sent it (--message): its DKIM is verified and carried along. */
  message?: { bytes: Buffer; source: string };
  /** The forwarded mailbox (--mailbox): its domain is where an SRS envelope lands. */
  mailbox?: string;
  /** The envelope sender; postmaster@DOMAIN by default, "" for the null sender. */
  mailFrom?: string;
  /** The name the (last) relay gives in HELO/EHLO. */
  helo?: string;
  /** DKIM selectors to probe; the common list when empty. */
  selectors: readonly string[];
}

export type ProgressStage = 'records' | 'simulate' | 'done';

export interface CheckDeps {
  dns: DnsClient;
  clock: Clock;
  onProgress?: (stage: ProgressStage) => void;
}

export const DEFAULT_HELO = 'forwarder.invalid';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

const summarizeSpf = (tree: SpfTree): SpfSummary => {
  const root = tree.root;
  const status: SpfSummary['status'] =
    root.status === 'found' ? (root.issues.length ? 'invalid' : 'found') : root.status === 'dns-error' ? 'dns-error' : root.status === 'multiple' ? 'invalid' : 'missing';
  return { status, domain: root.domain, record: root.record ?? root.records[0] ?? null, lookups: tree.lookups, voidLookups: tree.voidLookups.length, tree: root };
};

const summarizeDmarc = (dmarc: DmarcRecords): DmarcSummary => {
  const applied = dmarc.applied;
  const error = dmarc.rfc9989.error ?? dmarc.rfc7489.error;
  const multiple = [...dmarc.rfc9989.queried, ...dmarc.rfc7489.queried].some((q) => q.status === 'multiple');
  const status: DmarcSummary['status'] = applied
    ? applied.parsed?.effectiveP === null
      ? 'invalid'
      : 'found'
    : error
      ? 'dns-error'
      : multiple
        ? 'invalid'
        : 'missing';
  return {
    status,
    record: applied?.record ?? null,
    location: applied?.domain ?? null,
    policy: dmarc.rfc9989.error ? dmarc.rfc7489.policy : dmarc.rfc9989.policy,
    tags: applied?.parsed?.tags ?? null,
    rfc7489: dmarc.rfc7489,
    rfc9989: dmarc.rfc9989,
  };
};

/** Checks what happens to mail From `domain` forwarded through the relays to Gmail. */
export const check = async (domain: string, options: CheckOptions, deps: CheckDeps): Promise<Report> => {
  const started = deps.clock.now();
  const resolve = deps.dns.resolve;
  const fromDomain = domain.toLowerCase().replace(/\.$/, '');
  // a message says who sent it: its Return-Path, else its From address
  const facts = options.message ? messageFacts(options.message.bytes) : null;
  const mailFrom = options.mailFrom ?? facts?.returnPath ?? facts?.fromAddress ?? `postmaster@${fromDomain}`;
  const specs = options.relays.map(parseRelaySpec);
  const helo = options.helo ?? DEFAULT_HELO;
  // RFC 7208 2.4: with a null sender, SPF checks the HELO identity
  const spfDomain = mailFrom === '' ? helo : (mailFrom.split('@').pop() ?? fromDomain).toLowerCase();

  deps.onProgress?.('records');
  const [spfTree, dmarc, dkim] = await Promise.all([
    fetchSpfTree(resolve, spfDomain),
    fetchDmarc(resolve, fromDomain),
    fetchDkim(resolve, fromDomain, options.selectors),
  ]);

  deps.onProgress?.('simulate');
  const mailboxDomain = options.mailbox ? (options.mailbox.split('@').pop() ?? null) : null;
  const hops = await resolveHops(specs, { resolver: resolve, assumedRelay: ASSUMED_RELAY, mailboxDomain });
  const pathInput: Parameters<typeof simulatePath>[1] = { fromDomain, mailFrom, helo, heloGiven: options.helo !== undefined, hops, dkim, dmarc, nowMs: started };
  if (options.message) pathInput.message = options.message;
  const simulated = await simulatePath(resolve, pathInput);
  const path = simulated.arrivals;
  const last = path[path.length - 1]!;
  const relayFcrdns = simulated.findings.some((f) => f.code === 'RELAY_NO_FCRDNS' && f.receiver === 'gmail') ? 'failed' : 'ok';
  const gmail = predictGmail(fromDomain, last, { spfDashAll: endsInDashAll(spfTree.root), relayFcrdns });
  const verdict = verdictOf(gmail);

  const findings: Finding[] = [...spfFindings(spfTree), ...dmarcFindings(dmarc), ...dkimFindings(dkim)];
  for (const hop of hops) if (hop.source === 'assumed') findings.push(finding('RELAY_ASSUMED', 'info', { relay: hop.relay }));
  findings.push(...simulated.findings);
  if (last.dkim.basis === 'assumed-intact' && last.dkim.selector && last.dkim.domain) {
    findings.push(finding('DKIM_ASSUMED_INTACT', 'info', { domain: last.dkim.domain, selector: last.dkim.selector }));
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);

  const dmarcSummary = summarizeDmarc(dmarc);
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
    records: {
      spf: summarizeSpf(spfTree),
      dmarc: dmarcSummary,
      dkim: { domain: dkim.domain, source: dkim.source, selectors: dkim.selectors, wildcard: dkim.wildcard !== null },
    },
    ...(simulated.message ? { message: simulated.message } : {}),
    path,
    findings,
    advice: buildAdvice({ domain: fromDomain, verdict, path, findings, dmarcPolicy: dmarcSummary.policy, nowMs: now }),
    dns: { source: deps.dns.describe(), queries: stats.queries, cacheHits: stats.cacheHits, failures: stats.failures, reachable: stats.anyAnswer },
    elapsedMs: now - started,
  };
};
