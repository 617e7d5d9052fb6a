// Turns fetched records into coded findings. Pure: no DNS, no wording.
import { isSpfDomain } from './envelope.ts';
import { NEXT_LOWER } from './records/dmarc-policy.ts';
import type { DmarcRecords } from './records/fetch-dmarc.ts';
import { closestValue } from './records/parse-dmarc.ts';
import { SPF_LOOKUP_LIMIT, SPF_VOID_LIMIT, type SpfNode, type SpfTree } from './records/fetch-spf.ts';
import type { DkimKeyProblem } from './records/parse-dkim.ts';
import type { SignerModel } from './records/signers.ts';
import { finding, type Finding, type Severity } from './report/findings.ts';


const walkNodes = (node: SpfNode, visit: (n: SpfNode, parent: SpfNode | null) => void, parent: SpfNode | null = null): void => {
  visit(node, parent);
  for (const child of node.children) walkNodes(child, visit, node);
};

export const spfFindings = (tree: SpfTree): Finding[] => {
  const out: Finding[] = [];
  const root = tree.root;
  // a name that is no domain has no record to miss: the envelope warning says what is odd
  if (root.status === 'missing' && isSpfDomain(root.domain)) out.push(finding('SPF_MISSING', 'warning', { domain: root.domain }));
  walkNodes(root, (node, parent) => {
    const from = parent?.domain ?? node.domain;
    switch (node.status) {
      case 'found':
        break;
      case 'missing':
        // RFC 7208 5.2, 6.1: an include or redirect without an SPF record is permerror
        if (parent) out.push(finding('SPF_INCLUDE_MISSING', 'error', { domain: from, target: node.domain, via: node.via === 'redirect' ? 'redirect' : 'include' }));
        return;
      case 'multiple':
        // RFC 7208 4.5
        if (parent) out.push(finding('SPF_INCLUDE_MULTIPLE', 'error', { domain: from, target: node.domain }));
        else out.push(finding('SPF_MULTIPLE_RECORDS', 'error', { domain: node.domain, count: node.records.length }));
        return;
      case 'dns-error':
      case 'not-checked':
        // unreadable is never missing: the record may well be there
        out.push(finding('SPF_DNS_ERROR', 'error', { name: node.domain, error: node.error ?? 'EUNKNOWN' }));
        return;
      case 'loop':
        out.push(finding('SPF_INCLUDE_LOOP', 'error', { domain: from, target: node.domain }));
        return;
      case 'dynamic':
        return;
    }
    for (const issue of node.issues) out.push(finding('SPF_SYNTAX_ERROR', 'error', { domain: node.domain, term: issue.term, reason: issue.reason }));
    for (const term of node.terms) {
      if (term.kind !== 'mechanism') continue;
      if (term.mechanism === 'all' && term.qualifier === '+') out.push(finding('SPF_PASS_ALL', 'error', { domain: node.domain }));
      if (term.mechanism === 'all' && term.qualifier === '?') out.push(finding('SPF_NEUTRAL_ALL', 'warning', { domain: node.domain }));
      // RFC 7208 5.5: "ptr" SHOULD NOT be used
      if (term.mechanism === 'ptr') out.push(finding('SPF_PTR', 'warning', { domain: node.domain, term: term.raw }));
    }
  });
  if (tree.lookups > SPF_LOOKUP_LIMIT) out.push(finding('SPF_TOO_MANY_LOOKUPS', 'error', { count: tree.lookups, limit: SPF_LOOKUP_LIMIT }));
  if (tree.voidLookups.length > SPF_VOID_LIMIT) {
    out.push(finding('SPF_TOO_MANY_VOID_LOOKUPS', 'error', { count: tree.voidLookups.length, limit: SPF_VOID_LIMIT, names: tree.voidLookups.map((v) => v.name) }));
  }
  for (const mx of tree.mxOverLimit) out.push(finding('SPF_MX_TOO_MANY', 'error', mx));
  if (tree.stopped) out.push(finding('SPF_WALK_STOPPED', 'info', tree.stopped));
  for (const d of tree.dynamicTerms) out.push(finding('SPF_MACRO_NOT_FOLLOWED', 'info', d));
  return out;
};

export const dmarcFindings = (dmarc: DmarcRecords): Finding[] => {
  const out: Finding[] = [];
  const applied = dmarc.applied;
  const seen = new Set<string>();
  // the RFC 9989 walk first: it asks the From domain first and goes up, as RFC 7489 does
  for (const q of [...dmarc.rfc9989.queried, ...dmarc.rfc7489.queried]) {
    const key = `${q.status} ${q.domain}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (q.status === 'multiple') out.push(finding('DMARC_MULTIPLE_RECORDS', 'error', { location: q.domain, count: q.records.length }));
    if (q.status === 'dns-error' || q.status === 'not-checked') {
      // only a failure that leaves the applied policy unknown is an error
      const severity = applied.status === 'dns-error' || applied.status === 'not-checked' ? 'error' : 'info';
      out.push(finding('DMARC_DNS_ERROR', severity, { name: `_dmarc.${q.domain}`, error: q.error ?? 'EUNKNOWN' }));
    }
  }
  if (applied.status === 'missing') {
    out.push(finding('DMARC_MISSING', 'warning', { domain: dmarc.domain }));
    return out;
  }
  const lookup = applied.lookup;
  if (!lookup?.parsed || !applied.location) return out;
  const parsed = lookup.parsed;
  const location = applied.location;
  for (const issue of parsed.issues) {
    const severity = issue.code === 'unknown-tag' || issue.code === 'obsolete-tag' ? 'info' : 'warning';
    const meant = issue.value !== undefined ? closestValue(issue.tag, issue.value) : null;
    out.push(finding('DMARC_TAG_ISSUE', severity, { location, issue: issue.code, tag: issue.tag, value: issue.value ?? null, meant }));
  }
  if (applied.published === null) out.push(finding('DMARC_NOT_APPLIED', 'warning', { location }));
  else if (applied.published === 'none') out.push(finding('DMARC_POLICY_NONE', 'info', { location }));
  if (applied.published !== null && applied.policy !== null && applied.lowered) {
    out.push(finding('DMARC_POLICY_LOWERED', 'info', { location, published: applied.published, policy: applied.policy, reason: applied.lowered }));
  }
  if (applied.sampled !== null && applied.published !== null) {
    out.push(finding('DMARC_PCT_PARTIAL', 'info', { location, pct: applied.sampled, policy: applied.published, rest: NEXT_LOWER[applied.published] }));
  }
  if (location !== dmarc.domain) out.push(finding('DMARC_INHERITED', 'info', { domain: dmarc.domain, location, policy: applied.policy }));
  const a = dmarc.rfc7489;
  const b = dmarc.rfc9989;
  if (!a.error && !b.error && (a.location !== b.location || a.policy !== b.policy)) {
    out.push(finding('DMARC_DISCOVERY_DIFFERS', 'warning', { rfc7489: { location: a.location, policy: a.policy }, rfc9989: { location: b.location, policy: b.policy } }));
  }
  return out;
};

// testing and short keys still verify; everything else makes the key unusable
const DKIM_PROBLEM_SEVERITY: Record<DkimKeyProblem, Severity> = {
  testing: 'info',
  'short-key': 'warning',
  revoked: 'error',
  'weak-key': 'error',
  'sha1-only': 'error',
  'unknown-key-type': 'error',
  'bad-key-data': 'error',
  'bad-version': 'error',
  'not-for-email': 'error',
  'duplicate-tag': 'error',
};

export const dkimFindings = (signers: SignerModel): Finding[] => {
  const out: Finding[] = [];
  const from = signers.fromDomain;
  for (const dkim of signers.domains) {
    const domain = dkim.domain;
    for (const probe of dkim.selectors) {
      switch (probe.status) {
        case 'key':
        case 'multiple':
          if (probe.status === 'multiple') out.push(finding('DKIM_MULTIPLE_KEYS', 'warning', { selector: probe.selector, name: probe.name, count: probe.records?.length ?? 2 }));
          for (const problem of probe.key?.problems ?? []) {
            out.push(finding('DKIM_KEY_PROBLEM', DKIM_PROBLEM_SEVERITY[problem], { domain, selector: probe.selector, problem, bits: probe.key?.bits ?? null }));
          }
          break;
        case 'not-a-key':
          if (dkim.source === 'given') out.push(finding('DKIM_NOT_A_KEY', 'warning', { selector: probe.selector, name: probe.name }));
          break;
        case 'dns-error':
        case 'not-checked': {
          // one finding per domain and error code: an unreachable resolver fails every probe alike
          const error = probe.error ?? 'EUNKNOWN';
          const code = probe.status === 'dns-error' ? 'DKIM_DNS_ERROR' : 'DKIM_NOT_CHECKED';
          const same = out.find((f) => (f.code === 'DKIM_DNS_ERROR' || f.code === 'DKIM_NOT_CHECKED') && f.code === code && f.domain === domain && f.error === error);
          if (same && (same.code === 'DKIM_DNS_ERROR' || same.code === 'DKIM_NOT_CHECKED')) same.selectors.push(probe.selector);
          else out.push(finding(code, 'warning', { domain, selectors: [probe.selector], error }));
          break;
        }
        case 'dangling-cname':
        case 'missing':
        case 'wildcard':
          break;
      }
    }
    if (dkim.wildcard !== null) out.push(finding('DKIM_WILDCARD', 'info', { domain }));
  }

  const aligned = signers.signatures.filter((s) => s.aligned);
  const parentSig = aligned.find((s) => s.basis === 'published-key' && s.domain !== from && signers.domains.some((d) => d.domain === s.domain && d.role === 'parent'));
  if (parentSig?.selector) out.push(finding('DKIM_PARENT_KEY', 'info', { domain: from, parent: parentSig.domain, selector: parentSig.selector }));
  if (signers.adkim === 's') {
    // RFC 7489 3.1.1: under adkim=s a parent's key does not align
    for (const d of signers.domains.filter((r) => r.role === 'parent')) {
      const key = d.selectors.find((p) => (p.status === 'key' || p.status === 'multiple') && p.key?.usable);
      if (key) out.push(finding('DKIM_PARENT_NOT_ALIGNED_STRICT', 'warning', { domain: from, parent: d.domain, selector: key.selector }));
    }
  }
  if (aligned.length && aligned.every((s) => s.keyType === 'ed25519')) {
    out.push(finding('DKIM_ED25519_ONLY', 'warning', { domain: aligned[0]!.domain, selectors: aligned.map((s) => s.selector ?? '') }));
  }
  if (signers.m365NotEnabled) out.push(finding('DKIM_M365_NOT_ENABLED', 'warning', signers.m365NotEnabled));
  for (const s of signers.signatures) {
    if (s.basis !== 'provider-default' || !s.provider) continue;
    out.push(finding('DKIM_PROVIDER_DEFAULT', 'warning', { provider: s.provider, domain: s.domain, from, evidence: s.evidence }));
  }
  const fromRecords = signers.domains.find((d) => d.role === 'from');
  const anyKey = signers.domains.some((d) => d.role !== 'given' && d.selectors.some((p) => p.status === 'key' || p.status === 'multiple'));
  // "no key" only when every probe was answered: an unreadable one may hold it
  if (fromRecords && !anyKey && signers.unreadable.length === 0) {
    out.push(
      finding('DKIM_NO_KEY_FOUND', 'warning', {
        domain: fromRecords.domain,
        source: fromRecords.source,
        tried: fromRecords.selectors.length,
        skipped: fromRecords.skipped,
        parents: signers.domains.filter((d) => d.role === 'parent').map((d) => d.domain),
      }),
    );
  }
  return out;
};
