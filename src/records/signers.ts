// Who really signs the sender's mail. fwdcheck has no message, so it infers the DKIM signatures
// the mail is expected to carry: keys published at the From domain, at its parents up to the
// organizational domain (aligned under relaxed alignment, RFC 7489 3.1.1) and at --dkim-domain;
// and, when no aligned key is found, the default signature of the sending provider the SPF tree
// names (Google Workspace signs d=<domain>.<date>.gappssmtp.com, Microsoft 365
// d=<tenant>.onmicrosoft.com, ...: README "Sources"). Such a signature passes DKIM but never
// aligns with From: it meets Gmail's "SPF or DKIM" rule, never DMARC.
import { normalizeName, type Resolver } from '../dns/types.ts';
import { fetchDkim, type DkimRecords, type DkimSelectorProbe } from './fetch-dkim.ts';
import { organizationalDomain7489 } from './fetch-dmarc.ts';
import type { SpfNode, SpfTree } from './fetch-spf.ts';
import type { DkimKeyProblem } from './parse-dkim.ts';
import { providerById, providerForMx, providerForSpfName, type ProviderId } from './providers.ts';

export interface ExpectedSignature {
  domain: string; // d=
  selector: string | null; // null for an inferred provider default
  keyType: 'rsa' | 'ed25519' | null;
  bits: number | null;
  aligned: boolean; // with the From domain under the applied adkim (relaxed: same org domain)
  basis: 'published-key' | 'provider-default'; // path adds 'message' for --message
  provider: string | null; // 'google-workspace' | 'microsoft-365' | ... (providers.ts ids)
  evidence: string[]; // e.g. 'include:_spf.google.com in the SPF record'
}

/** A sending provider named by the SPF tree (or, without an SPF record, the MX). */
export interface ProviderMatch {
  id: ProviderId;
  evidence: string[];
}

/** A key lookup whose answer could not be read (a DNS error, or not checked offline). */
export interface UnreadableProbe {
  domain: string;
  selector: string;
  name: string;
  error: string;
}

export interface SignerModel {
  fromDomain: string;
  adkim: 'r' | 's';
  /** Every domain probed: the From domain, its parents (nearest first), then --dkim-domain. */
  domains: DkimRecords[];
  providers: ProviderMatch[];
  /** The signatures the mail is expected to carry, aligned ones first. */
  signatures: ExpectedSignature[];
  /** Aligned keys found but unusable (revoked, weak, invalid): a signature with them fails. */
  broken: { domain: string; selector: string; problems: DkimKeyProblem[] }[];
  /**
   * Probes at domains that would align whose answer could not be read: an aligned signature may
   * rest on one of them, so while no usable aligned key is found the aligned outcome is open.
   */
  unreadable: UnreadableProbe[];
  /** Microsoft 365 selector CNAMEs into a tenant where DKIM was never enabled for the domain. */
  m365NotEnabled: { domain: string; selectors: string[]; targets: string[] } | null;
}

/** The From domain's parents up to its organizational domain (RFC 7489 3.2), nearest first. */
export const parentDomains = (fromDomain: string): string[] => {
  const org = organizationalDomain7489(fromDomain);
  const out: string[] = [];
  let d = fromDomain;
  while (d !== org && d.includes('.')) {
    d = d.slice(d.indexOf('.') + 1);
    out.push(d);
    if (d === org) break;
  }
  return d === org ? out : [];
};

/** RFC 7489 3.1.1: strict needs the exact From domain, relaxed the same organizational domain. */
export const alignsWith = (signingDomain: string, fromDomain: string, adkim: 'r' | 's'): boolean =>
  adkim === 's' ? signingDomain === fromDomain : organizationalDomain7489(signingDomain) === organizationalDomain7489(fromDomain);

/** Providers the SPF tree names, in tree order; without an SPF record, the MX hosts. */
export const identifyProviders = (spf: SpfNode, mxHosts: readonly string[]): ProviderMatch[] => {
  const out: ProviderMatch[] = [];
  const note = (id: ProviderId, evidence: string) => {
    const m = out.find((p) => p.id === id);
    if (!m) out.push({ id, evidence: [evidence] });
    else if (!m.evidence.includes(evidence)) m.evidence.push(evidence);
  };
  const walk = (node: SpfNode, parent: SpfNode | null) => {
    if (parent) {
      const p = providerForSpfName(node.domain);
      // the provider's own nested includes (_netblocks.google.com, ...) add nothing once it is named
      if (p && !(providerForSpfName(parent.domain)?.id === p.id)) note(p.id, `${node.via}:${node.domain} in the SPF record of ${parent.domain}`);
    }
    for (const child of node.children) walk(child, node);
  };
  walk(spf, null);
  if (spf.status === 'missing') {
    for (const host of mxHosts) {
      const p = providerForMx(host);
      if (p) note(p.id, `MX ${normalizeName(host)} (no SPF record)`);
    }
  }
  return out;
};

const implied = (providers: readonly ProviderMatch[]) => {
  const selectors: string[] = [];
  const cnameCheck: string[] = [];
  for (const m of providers) {
    const p = providerById(m.id);
    for (const s of p.selectors) if (!selectors.includes(s)) selectors.push(s);
    for (const s of p.cnameSelectors ?? []) if (!cnameCheck.includes(s)) cnameCheck.push(s);
  }
  return { selectors, cnameCheck };
};

export interface SignerFetchInput {
  fromDomain: string;
  /** --selector values: the only selectors probed when given. */
  selectors: readonly string[];
  /** --dkim-domain values: further domains the mail may be signed with. */
  dkimDomains: readonly string[];
}

/**
 * Fetches every DKIM record the signer model needs. The probes at each domain start at once; the
 * SPF tree (being walked at the same time) only adds the provider's own selectors when it is in.
 */
export const fetchSignerRecords = async (
  resolver: Resolver,
  input: SignerFetchInput,
  spfTree: Promise<SpfTree>,
): Promise<{ domains: DkimRecords[]; providers: ProviderMatch[] }> => {
  const from = normalizeName(input.fromDomain);
  const providersP = spfTree.then(async (tree) => {
    let mx: string[] = [];
    if (tree.root.status === 'missing') {
      try {
        mx = (await resolver(from, 'MX')).map((r) => r.exchange);
      } catch {
        mx = []; // no MX, or unreadable: no evidence either way
      }
    }
    return identifyProviders(tree.root, mx);
  });
  const impliedP = providersP.then(implied);
  const targets: { domain: string; role: DkimRecords['role'] }[] = [{ domain: from, role: 'from' }];
  for (const p of parentDomains(from)) targets.push({ domain: p, role: 'parent' });
  for (const g of input.dkimDomains) {
    const d = normalizeName(g);
    if (!targets.some((t) => t.domain === d)) targets.push({ domain: d, role: 'given' });
  }
  const [domains, providers] = await Promise.all([
    Promise.all(targets.map((t) => fetchDkim(resolver, t.domain, { role: t.role, given: input.selectors, implied: impliedP }))),
    providersP,
  ]);
  return { domains, providers };
};

const holdsKey = (p: DkimSelectorProbe) => p.status === 'key' || p.status === 'multiple';
const keyTypeOf = (p: DkimSelectorProbe): 'rsa' | 'ed25519' | null => (p.key?.keyType === 'rsa' ? 'rsa' : p.key?.keyType === 'ed25519' ? 'ed25519' : null);

/** The signature a domain's keys imply: its strongest usable RSA key, and its Ed25519 key when it has one (dual signing). */
const signaturesAt = (records: DkimRecords, aligned: boolean, providers: readonly ProviderMatch[]): ExpectedSignature[] => {
  const usable = records.selectors.filter((p) => holdsKey(p) && p.key?.usable);
  const best = (type: 'rsa' | 'ed25519') =>
    usable.filter((p) => keyTypeOf(p) === type).sort((a, b) => (b.bits ?? 0) - (a.bits ?? 0) || a.selector.localeCompare(b.selector))[0];
  return [best('rsa'), best('ed25519')]
    .filter((p): p is DkimSelectorProbe => p !== undefined)
    .map((p) => {
      const provider = providers.find((m) => providerById(m.id).selectors.includes(p.selector)) ?? null;
      return {
        domain: records.domain,
        selector: p.selector,
        keyType: keyTypeOf(p),
        bits: p.bits,
        aligned,
        basis: 'published-key' as const,
        provider: provider?.id ?? null,
        evidence: [`key at ${p.name}`],
      };
    });
};

export interface SignerModelInput {
  fromDomain: string;
  adkim: 'r' | 's';
  domains: DkimRecords[];
  providers: ProviderMatch[];
}

/** The signatures the mail is expected to carry, from the records fetched. Pure. */
export const expectSigners = (input: SignerModelInput): SignerModel => {
  const from = normalizeName(input.fromDomain);
  const aligns = (d: string) => alignsWith(d, from, input.adkim);
  const signatures: ExpectedSignature[] = [];
  // the nearest aligned domain with a usable key signs: the From domain, else a parent
  for (const records of input.domains.filter((r) => r.role !== 'given' && aligns(r.domain))) {
    const found = signaturesAt(records, true, input.providers);
    if (found.length) {
      signatures.push(...found);
      break;
    }
  }
  // --dkim-domain: the user says the mail is signed there
  for (const records of input.domains.filter((r) => r.role === 'given')) signatures.push(...signaturesAt(records, aligns(records.domain), input.providers));

  const broken: SignerModel['broken'] = [];
  const unreadable: UnreadableProbe[] = [];
  for (const records of input.domains) {
    if (!aligns(records.domain)) continue;
    for (const p of records.selectors) {
      if (holdsKey(p) && p.key && !p.key.usable) broken.push({ domain: records.domain, selector: p.selector, problems: p.key.problems });
      if (p.status === 'dns-error' || p.status === 'not-checked') unreadable.push({ domain: records.domain, selector: p.selector, name: p.name, error: p.error ?? 'EUNKNOWN' });
    }
  }

  const fromRecords = input.domains.find((r) => r.role === 'from');
  const dangling = fromRecords?.selectors.filter((p) => p.status === 'dangling-cname') ?? [];
  // never enabled: the CNAMEs lead nowhere and no Microsoft selector holds a key (a tenant with
  // DKIM on may publish only the selector in use)
  const m365Selectors = providerById('microsoft-365').selectors;
  const m365Key = fromRecords?.selectors.some((p) => m365Selectors.includes(p.selector) && holdsKey(p)) ?? false;
  const m365 = input.providers.some((m) => m.id === 'microsoft-365') && dangling.length && !m365Key
    ? { domain: from, selectors: dangling.map((p) => p.selector), targets: dangling.map((p) => p.cname!) }
    : null;

  if (!signatures.some((s) => s.aligned)) {
    for (const m of input.providers) {
      const p = providerById(m.id);
      if (!p.defaultSigner) continue;
      // the CNAME target names the tenant: selector1-<domain>._domainkey.<tenant>.onmicrosoft.com
      const tenant = m.id === 'microsoft-365' ? m365?.targets.map((t) => t.split('._domainkey.')[1]).find((t) => t?.endsWith('.onmicrosoft.com')) : undefined;
      const domain = tenant ?? p.defaultSigner.domain;
      const evidence = [...m.evidence];
      if (tenant) evidence.push(`${m365!.selectors[0]}._domainkey.${from} is a CNAME to ${m365!.targets[0]}`);
      signatures.push({ domain, selector: null, keyType: null, bits: null, aligned: aligns(domain), basis: 'provider-default', provider: m.id, evidence });
    }
  }
  return { fromDomain: from, adkim: input.adkim, domains: input.domains, providers: input.providers, signatures, broken, unreadable, m365NotEnabled: m365 };
};

/** When no expected signature passes: why, for the arrival's DKIM result and basis. */
export interface UnsignedOutcome {
  result: 'fail' | 'none' | 'temperror';
  basis: 'unusable-key' | 'dns-error' | 'no-usable-key';
  /** The aligned key a signature would fail with (revoked, weak, invalid). */
  unusable: { domain: string; selector: string; keyType: 'rsa' | 'ed25519' | null; bits: number | null } | null;
  /** Names of the key lookups that could not be read at domains that would align. */
  unreadable: string[];
}

/**
 * Why no usable aligned signature is expected. A key lookup that could not be read comes first:
 * it may hold the key the sender signs with, so the outcome is open (temperror), whatever other
 * selectors hold (a revoked `google` beside a timed-out `selector1` is not a DKIM fail). Then an
 * unusable aligned key (the signature fails), else none.
 */
export const unsignedOutcome = (model: SignerModel): UnsignedOutcome => {
  const unreadable = model.unreadable.map((u) => u.name);
  const b = model.broken[0];
  const probe = b ? model.domains.find((d) => d.domain === b.domain)?.selectors.find((p) => p.selector === b.selector) : undefined;
  const unusable = b ? { domain: b.domain, selector: b.selector, keyType: probe ? keyTypeOf(probe) : null, bits: probe?.bits ?? null } : null;
  if (unreadable.length) return { result: 'temperror', basis: 'dns-error', unusable, unreadable };
  if (unusable) return { result: 'fail', basis: 'unusable-key', unusable, unreadable };
  return { result: 'none', basis: 'no-usable-key', unusable: null, unreadable };
};
