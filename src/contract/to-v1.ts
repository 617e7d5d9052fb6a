// The one mapping from the internal Report to the published v1 document (src/contract/v1.ts).
// Pure. Every field a reader sees is chosen here; an internal field reaches the JSON only by a
// line in this file (or, with --debug, under `debug`).
import { createRequire } from 'node:module';
import type { SpfNode } from '../records/fetch-spf.ts';
import { adviceMessage, findingMessage, gmailReason } from '../report/messages.ts';
import { receiverReason } from '../report/messages-receivers.ts';
import type { ProviderEndpoint } from '../data/mail-providers.ts';
import type { DkimSelectorProbe } from '../records/fetch-dkim.ts';
import type { MailboxDiscovery, ServiceDiscovery } from '../records/fetch-srv.ts';
import type { DmarcDiscovery as InternalDiscovery } from '../records/fetch-dmarc.ts';
import type { RelayIdentity } from '../records/fetch-ptr.ts';
import type { Arrival as InternalArrival, ArrivalSignature, DmarcSummary, HopChange, Report as InternalReport } from '../report/types.ts';
import type { AddressOrigin } from '../simulate/hops.ts';
import type * as v1 from './v1.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export const GENERATOR: v1.Report['generator'] = { name: 'fwdcheck', version };

/** Removes the tag and the severity/audience, leaving the values the message is built from. */
const argsOf = <T extends { code: string }>(item: T, drop: readonly (keyof T)[]): v1.Args => {
  const args: v1.Args = {};
  for (const [key, value] of Object.entries(item)) if (!drop.includes(key as keyof T)) args[key] = value;
  return args;
};

/** The SPF tree below the root as a flat list, depth first in record order. */
const includesOf = (root: SpfNode): v1.SpfInclude[] => {
  const out: v1.SpfInclude[] = [];
  const walk = (node: SpfNode): void => {
    for (const child of node.children) {
      out.push({
        domain: child.domain,
        parent: node.domain,
        via: child.via === 'redirect' ? 'redirect' : 'include',
        status: child.status,
        record: child.record,
        error: child.error ?? null,
      });
      walk(child);
    }
  };
  walk(root);
  return out;
};

const dmarcTags = (tags: NonNullable<DmarcSummary['tags']>): v1.DmarcTags => ({
  p: tags.p ?? null,
  sp: tags.sp ?? null,
  np: tags.np ?? null,
  adkim: tags.adkim,
  aspf: tags.aspf,
  pct: tags.pct,
  testing: tags.t,
  rua: tags.rua,
  ruf: tags.ruf,
});

const dkimSelector = (s: DkimSelectorProbe): v1.DkimSelector => ({
  selector: s.selector,
  name: s.name,
  status: s.status,
  origin: s.origin,
  keyType: s.keyType,
  bits: s.bits,
  record: s.record,
  records: [...(s.records ?? [])],
  cname: s.cname ?? null,
  error: s.error ?? null,
});

const discovery = (d: InternalDiscovery): v1.DmarcDiscovery => ({
  location: d.location,
  orgDomain: d.orgDomain,
  policy: d.policy,
  queried: d.queried.map((q) => ({ domain: q.domain, status: q.status, records: [...q.records], error: q.error ?? null })),
});

const dmarcRecord = (d: DmarcSummary): v1.DmarcRecord => ({
  status: d.status,
  method: d.method,
  record: d.record,
  records: [...d.records],
  location: d.location,
  published: d.published,
  policy: d.policy,
  lowered: d.lowered,
  sampled: d.sampled,
  corrected: d.corrected,
  error: d.error ?? null,
  errorName: d.errorName ?? null,
  tags: d.tags ? dmarcTags(d.tags) : null,
  discovery: {
    rfc7489: discovery(d.rfc7489),
    rfc9989: discovery(d.rfc9989),
  },
});

const signature = (sig: ArrivalSignature): v1.Signature => ({
  domain: sig.domain,
  selector: sig.selector,
  result: sig.result,
  aligned: sig.aligned,
  basis: sig.basis,
  keyType: sig.keyType,
  bits: sig.bits,
  bodyLengthLimit: sig.bodyLengthLimit,
  problem: sig.problem && {
    code: sig.problem.code,
    modification: sig.problem.code === 'modified' ? sig.problem.modification : null,
    hop: sig.problem.code === 'modified' ? sig.problem.hop : null,
    detail: sig.problem.code === 'verify-failed' ? sig.problem.detail : null,
  },
});

const change = (c: HopChange): v1.HopChange => {
  switch (c.kind) {
    case 'envelope-rewritten':
      return { kind: c.kind, from: c.from, to: c.to, domain: c.domain, style: c.style, domainSource: c.domainSource };
    case 'envelope-kept':
      return { kind: c.kind, reason: c.reason };
    case 'modified':
      return {
        kind: c.kind,
        modification: c.modification,
        broke: c.broke.map((b) => ({ domain: b.domain, selector: b.selector })),
        survivedByLength: c.survivedByLength.map((b) => ({ domain: b.domain, selector: b.selector })),
      };
    case 'arc-sealed':
      return { kind: c.kind, instance: c.instance, sealer: c.sealer, dmarcOnArrival: c.dmarcOnArrival };
  }
};

const relayOrigin = (o: AddressOrigin): v1.Arrival['relayOrigin'] => {
  switch (o.kind) {
    case 'given':
    case 'assumed':
      return { kind: o.kind, domain: null, network: null };
    case 'spf':
      return { kind: o.kind, domain: o.domain, network: o.network };
    case 'address-record':
      return { kind: o.kind, domain: o.domain, network: null };
  }
};

const relayIdentity = (r: RelayIdentity | null): v1.RelayIdentity | null =>
  r && { ip: r.ip, family: r.family, reverseName: r.reverseName, status: r.status, ptr: [...r.ptr], confirmedName: r.confirmedName, error: r.error ?? null };

const arrival = (a: InternalArrival): v1.Arrival => ({
  hop: a.hop,
  relay: a.relay,
  relayAsGiven: a.relayAsGiven ?? null,
  relaySource: a.relaySource,
  preset: a.preset ?? null,
  relayOrigin: relayOrigin(a.relayOrigin),
  receiver: a.receiver,
  mailFrom: a.mailFrom,
  helo: a.helo,
  relayIdentity: relayIdentity(a.relayIdentity),
  changes: a.changes.map(change),
  spf: { result: a.spf.result, domain: a.spf.domain, identity: a.spf.identity },
  dkim: {
    result: a.dkim.result,
    aligned: a.dkim.aligned,
    domain: a.dkim.domain,
    selector: a.dkim.selector,
    basis: a.dkim.basis,
    signatures: a.dkim.signatures.map(signature),
    unreadable: [...a.dkim.unreadable],
  },
  dmarc: {
    result: a.dmarc.result,
    policy: a.dmarc.policy,
    policyDomain: a.dmarc.policyDomain,
    rfc7489: { result: a.dmarc.rfc7489.result, policy: a.dmarc.rfc7489.policy, policyDomain: a.dmarc.rfc7489.policyDomain },
  },
  arc: { sets: a.arc.sets, sealers: [...a.arc.sealers], vouchedPass: a.arc.vouchedPass },
});

const endpoint = (e: ProviderEndpoint): v1.Endpoint => ({ host: e.host, port: e.port, tls: e.tls });

const service = (s: ServiceDiscovery): v1.MailboxService => ({
  service: s.service,
  status: s.status,
  endpoints: s.endpoints.map((e) => ({ ...endpoint(e), priority: e.priority, weight: e.weight })),
  lookups: s.lookups.map((l) => ({ name: l.name, status: l.status, error: l.error ?? null })),
});

const mailbox = (m: MailboxDiscovery): v1.Mailbox => ({
  address: m.address,
  domain: m.domain,
  services: { imap: service(m.services.imap), pop3: service(m.services.pop3), submission: service(m.services.submission) },
  mx: { hosts: [...m.mx.hosts], error: m.mx.error ?? null },
  provider: m.provider && {
    id: m.provider.id,
    name: m.provider.name,
    source: m.provider.source,
    imap: m.provider.imap && endpoint(m.provider.imap),
    pop3: m.provider.pop3 && endpoint(m.provider.pop3),
    submission: m.provider.submission && endpoint(m.provider.submission),
  },
});

export interface ToV1Options {
  /** Adds the internal records under `debug` (not part of the contract). */
  debug?: boolean;
}

/** The v1 document for one report. */
export const toV1 = (report: InternalReport, options: ToV1Options = {}): v1.Report => {
  const { records, gmail } = report;
  const gmailV1: v1.GmailPrediction = {
    action: gmail.action,
    smtp: gmail.smtp,
    reason: gmailReason(gmail, report),
    reasonCode: gmail.reasonCode,
    alternative: gmail.alternative ?? null,
  };
  const doc: v1.Report = {
    schemaVersion: 1,
    generator: GENERATOR,
    domain: report.domain,
    mailFrom: report.mailFrom,
    helo: report.helo,
    checkedAt: report.checkedAt,
    verdict: report.verdict,
    gmail: gmailV1,
    receivers: report.receivers.map((r) => ({
      id: r.id,
      name: r.name,
      action: r.action,
      smtp: r.smtp,
      reason: receiverReason(r, report),
      case: r.case,
      basis: r.basis,
      smtpBasis: r.smtpBasis,
      ed25519Ignored: r.ed25519Ignored,
      arcMayHelp: r.arcMayHelp,
      alternative: r.alternative ?? null,
      sources: r.sources.map((src) => ({ id: src.id, title: src.title, url: src.url, read: src.read, basis: src.basis })),
    })),
    records: {
      spf: {
        status: records.spf.status,
        domain: records.spf.domain,
        record: records.spf.record,
        error: records.spf.error ?? records.spf.tree.error ?? null,
        lookups: records.spf.lookups,
        voidLookups: records.spf.voidLookups,
        includes: includesOf(records.spf.tree),
      },
      dmarc: dmarcRecord(records.dmarc),
      dkim: {
        domain: records.dkim.domain,
        source: records.dkim.source,
        selectors: records.dkim.selectors.map(dkimSelector),
        wildcard: records.dkim.wildcard,
        adkim: records.dkim.adkim,
        domains: records.dkim.domains.map((d) => ({
          domain: d.domain,
          role: d.role,
          source: d.source,
          subtree: d.subtree,
          skipped: d.skipped,
          wildcard: d.wildcard !== null,
          selectors: d.selectors.map(dkimSelector),
        })),
        providers: records.dkim.providers.map((p) => ({ id: p.id, evidence: [...p.evidence] })),
        expected: records.dkim.expected.map((e) => ({
          domain: e.domain,
          selector: e.selector,
          keyType: e.keyType,
          bits: e.bits,
          aligned: e.aligned,
          basis: e.basis,
          provider: e.provider,
          evidence: [...e.evidence],
        })),
      },
    },
    basis: report.basis,
    message: report.message
      ? { source: report.message.source, fromDomain: report.message.fromDomain, returnPath: report.message.returnPath, signatures: report.message.signatures.map(signature) }
      : null,
    mailbox: report.mailbox ? mailbox(report.mailbox) : null,
    path: report.path.map(arrival),
    findings: report.findings.map((f) => ({ code: f.code, severity: f.severity, message: findingMessage(f), args: argsOf(f, ['code', 'severity']) })),
    advice: report.advice.map((a) => ({ code: a.code, audience: a.audience, message: adviceMessage(a), args: argsOf(a, ['code', 'audience']) })),
    dns: { ...report.dns },
    elapsedMs: report.elapsedMs,
  };
  if (options.debug) doc.debug = { records: report.records, path: report.path };
  return doc;
};
