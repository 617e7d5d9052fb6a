import { isIP } from '../ip.ts';
import { isSpfDomain } from '../envelope.ts';
import { errorCode, isNoRecord, normalizeName, type Resolver } from '../dns/types.ts';
import { LOOKUP_MECHANISMS, isSpfRecord, parseSpf, type SpfSyntaxIssue, type SpfTerm } from './parse-spf.ts';

export type SpfNodeStatus =
  | 'found'
  | 'missing' // no SPF record at the name (NXDOMAIN, NODATA or no v=spf1 TXT)
  | 'multiple' // several SPF records: permerror (RFC 7208 4.5)
  | 'dns-error' // the TXT query failed: temperror
  | 'not-checked' // outside the zone files in --offline mode (EOFFLINE): not known
  | 'loop' // the name is already being evaluated higher up the tree
  | 'dynamic'; // the target contains a macro and depends on the message; not followed

export interface SpfNode {
  domain: string;
  via: 'root' | 'include' | 'redirect';
  status: SpfNodeStatus;
  /** The record in force at this name, as published (strings joined, RFC 7208 3.3). */
  record: string | null;
  /** Every v=spf1 record found at the name (more than one only with status "multiple"). */
  records: string[];
  /** The DNS error code for status "dns-error" and "not-checked". */
  error?: string;
  terms: SpfTerm[];
  issues: SpfSyntaxIssue[];
  /** DNS-querying terms in this record alone (include, a, mx, ptr, exists, redirect). */
  lookups: number;
  /** Include and redirect targets the walk followed, in evaluation order. */
  children: SpfNode[];
}

export interface SpfVoidLookup {
  /** The record where the term appears. */
  domain: string;
  term: string;
  name: string;
}

/** Where the walk stopped, as an evaluation would (RFC 7208 4.6.4): nothing after it was asked. */
export interface SpfWalkStop {
  reason: 'lookup-limit' | 'void-limit';
  /** The record and the term at which the limit was exceeded. */
  domain: string;
  term: string;
}

export interface SpfTree {
  root: SpfNode;
  /**
   * DNS-querying terms in evaluation order, as if no term matched (RFC 7208 4.6.4), counted up
   * to the one that exceeds a limit: 11 means "over 10, stopped there".
   */
  lookups: number;
  /** Void lookups (NXDOMAIN or no records, RFC 7208 4.6.4) in evaluation order, up to the stop. */
  voidLookups: SpfVoidLookup[];
  /** "mx" terms whose target has more than 10 MX hosts (RFC 7208 4.6.4). */
  mxOverLimit: { domain: string; term: string; count: number }[];
  /** Domain-specs with macros, which depend on the message and cannot be followed statically. */
  dynamicTerms: { domain: string; term: string }[];
  /** Set when a limit stopped the walk. */
  stopped: SpfWalkStop | null;
  /** ip4/ip6 networks of every record read, and addresses of a/mx targets: what the tree authorizes. */
  networks: string[];
}

// RFC 7208 4.6.4
export const SPF_LOOKUP_LIMIT = 10;
export const SPF_VOID_LIMIT = 2;
export const SPF_MX_PTR_NAMES = 10;

export interface SpfWalkOptions {
  /** Address families of the connecting relays: which address records a/mx terms ask for. */
  families?: readonly (4 | 6)[];
}

/** Fetches the TXT records at a name and selects the SPF ones (RFC 7208 4.5). */
export const fetchSpfRecords = async (resolver: Resolver, domain: string): Promise<{ records: string[]; void: boolean } | { error: string }> => {
  try {
    const txt = await resolver(domain, 'TXT');
    return { records: txt.map((strings) => strings.join('')).filter(isSpfRecord), void: txt.length === 0 };
  } catch (err) {
    // RFC 7208 4.6.4: a void lookup is NXDOMAIN or an answer with no records
    if (isNoRecord(err)) return { records: [], void: true };
    return { error: errorCode(err) };
  }
};

const emptyNode = (domain: string, via: SpfNode['via'], status: SpfNodeStatus): SpfNode => ({
  domain,
  via,
  status,
  record: null,
  records: [],
  terms: [],
  issues: [],
  lookups: 0,
  children: [],
});

/** A fetched include/redirect target: the node and whether its TXT lookup was void. */
interface Fetched {
  node: SpfNode;
  void: boolean;
}

/** The answer to an a/mx/exists term's own query, and for mx the hosts' addresses. */
interface TermLookup {
  void: boolean;
  /** A failure is not a void lookup. */
  failed: boolean;
  mxCount: number;
  addresses: string[];
}

const fetchNode = async (resolver: Resolver, domain: string, via: SpfNode['via']): Promise<Fetched> => {
  const fetched = await fetchSpfRecords(resolver, domain);
  if ('error' in fetched) return { node: { ...emptyNode(domain, via, fetched.error === 'EOFFLINE' ? 'not-checked' : 'dns-error'), error: fetched.error }, void: false };
  if (fetched.records.length === 0) return { node: emptyNode(domain, via, 'missing'), void: fetched.void };
  if (fetched.records.length > 1) return { node: { ...emptyNode(domain, via, 'multiple'), records: fetched.records }, void: false };
  const record = fetched.records[0]!;
  const { terms, issues } = parseSpf(record);
  const lookups = terms.filter((t) => (t.kind === 'mechanism' ? LOOKUP_MECHANISMS.has(t.mechanism) : t.name === 'redirect')).length;
  return { node: { ...emptyNode(domain, via, 'found'), record, records: fetched.records, terms, issues, lookups }, void: false };
};

const addresses = async (resolver: Resolver, name: string, families: readonly (4 | 6)[]): Promise<{ records: string[]; failed: boolean }> => {
  const out: string[] = [];
  let failed = false;
  for (const family of families) {
    try {
      out.push(...(await resolver(name, family === 4 ? 'A' : 'AAAA')));
    } catch (err) {
      if (!isNoRecord(err)) failed = true;
    }
  }
  return { records: out, failed };
};

const lookupTerm = async (resolver: Resolver, mechanism: string, name: string, families: readonly (4 | 6)[]): Promise<TermLookup> => {
  if (mechanism !== 'mx') {
    // exists always asks for A (RFC 7208 5.7); a asks for the connecting IP's family (5.3)
    const r = await addresses(resolver, name, mechanism === 'exists' ? [4] : families);
    return { void: !r.failed && r.records.length === 0, failed: r.failed, mxCount: 0, addresses: r.records };
  }
  let hosts: string[];
  try {
    hosts = (await resolver(name, 'MX')).map((m) => normalizeName(m.exchange)).sort();
  } catch (err) {
    return { void: isNoRecord(err), failed: !isNoRecord(err), mxCount: 0, addresses: [] };
  }
  // RFC 7208 4.6.4: at most 10 MX names are looked up; fetched here so that evaluation
  // finds them in the cache instead of asking one at a time
  const found = await Promise.all(hosts.slice(0, SPF_MX_PTR_NAMES).map((h) => addresses(resolver, h, families)));
  return { void: hosts.length === 0, failed: false, mxCount: hosts.length, addresses: found.flatMap((f) => f.records) };
};

/** A DNS-querying term, in the order an evaluation that matches nothing reaches it. */
const orderedLookupTerms = (node: SpfNode): SpfTerm[] => {
  const hasAll = node.terms.some((t) => t.kind === 'mechanism' && t.mechanism === 'all');
  const mechanisms = node.terms.filter((t) => t.kind === 'mechanism' && LOOKUP_MECHANISMS.has(t.mechanism));
  // RFC 7208 6.1: redirect is evaluated after every mechanism, and ignored when "all" is present
  const redirect = hasAll ? undefined : node.terms.find((t) => t.kind === 'modifier' && t.name === 'redirect');
  return redirect ? [...mechanisms, redirect] : mechanisms;
};

const targetOf = (term: SpfTerm, domain: string): string | null => {
  if (term.kind === 'modifier') return term.value;
  // include and exists need a domain-spec; without one the record is a syntax error
  if ((term.mechanism === 'include' || term.mechanism === 'exists') && !term.domainSpec) return null;
  return term.domainSpec ?? domain;
};

/**
 * Fetches the SPF record of a domain and the records its include and redirect terms lead to
 * (RFC 7208 5.2, 6.1), with what its a, mx and exists terms ask, the way an evaluation that
 * matches nothing would: in evaluation order, and stopping where the limits of RFC 7208 4.6.4
 * stop it (10 DNS-querying terms, 2 void lookups, 10 MX names per term).
 *
 * The walk is driven by the answers: each time one arrives, the known part of the tree is walked
 * again and every lookup that now falls within the limits is asked at once, so a branch goes on
 * as soon as its own answer is in, without waiting for the other branches (issue 7: a tree costs
 * its longest chain of dependent lookups, not the sum of its levels' slowest answers). An
 * include whose record is not in yet counts as one term, so the terms after it may be asked and
 * then turn out past the stop once its subtree is known: in a tree over the limits, what is asked
 * beyond the stop depends on the order answers arrive in. It stays bounded: each walk asks only
 * terms within the limits on what it knows, and a check sends at most maxQueriesPerCheck queries.
 * The tree returned, its counts and where it stops depend on the DNS data only: it is built by a
 * last walk over every answer.
 */
export const fetchSpfTree = async (resolver: Resolver, domain: string, options: SpfWalkOptions = {}): Promise<SpfTree> => {
  const families = options.families?.length ? [...new Set(options.families)].sort() : ([4] as const);
  const nodes = new Map<string, Promise<Fetched>>();
  const termLookups = new Map<string, Promise<TermLookup>>();
  const settledNodes = new Map<string, Fetched>();
  const settledTerms = new Map<string, TermLookup>();
  const nodeKey = (name: string, via: SpfNode['via']) => `${via} ${name}`;
  const termKey = (mechanism: string, name: string) => `${mechanism} ${name}`;

  const rootName = normalizeName(domain);
  // RFC 7208 4.3: a malformed or single-label domain is "none" without a lookup
  if (!isSpfDomain(rootName)) {
    return { root: emptyNode(rootName, 'root', 'missing'), lookups: 0, voidLookups: [], mxOverLimit: [], dynamicTerms: [], stopped: null, networks: [] };
  }
  settledNodes.set(nodeKey(rootName, 'root'), await fetchNode(resolver, rootName, 'root'));

  await new Promise<void>((resolve, reject) => {
    let outstanding = 0;
    const settle = <T>(p: Promise<T>, keep: (value: T) => void) => {
      outstanding++;
      p.then((value) => {
        keep(value);
        outstanding--;
        pump();
      }, reject);
    };
    const needs: Needs = {
      needNode: (name, via) => {
        const key = nodeKey(name, via);
        if (nodes.has(key)) return;
        const p = fetchNode(resolver, name, via);
        nodes.set(key, p);
        settle(p, (f) => settledNodes.set(key, f));
      },
      needTerm: (mechanism, name) => {
        const key = termKey(mechanism, name);
        if (termLookups.has(key)) return;
        const p = lookupTerm(resolver, mechanism, name, families);
        termLookups.set(key, p);
        settle(p, (t) => settledTerms.set(key, t));
      },
    };
    // a walk over what is known asks what is missing; when nothing is missing or on its way, done
    const pump = () => {
      try {
        walkKnown(rootName, settledNodes, settledTerms, needs);
      } catch (err) {
        reject(err);
        return;
      }
      if (outstanding === 0) resolve();
    };
    pump();
  });
  return walkKnown(rootName, settledNodes, settledTerms, { needNode: () => {}, needTerm: () => {} });
};

interface Needs {
  needNode(name: string, via: SpfNode['via']): void;
  needTerm(mechanism: string, name: string): void;
}

/**
 * One pass over what is known, in evaluation order. Lookups not yet made are reported through
 * `needs` and taken as neither void nor matching, so later terms can be asked in the same round;
 * the final pass, with everything known, builds the tree.
 */
const walkKnown = (rootName: string, nodes: ReadonlyMap<string, Fetched>, terms: ReadonlyMap<string, TermLookup>, needs: Needs): SpfTree => {
  let count = 0;
  let stopped: SpfWalkStop | null = null;
  const voidLookups: SpfVoidLookup[] = [];
  const mxOverLimit: SpfTree['mxOverLimit'] = [];
  const dynamicTerms: SpfTree['dynamicTerms'] = [];
  const networks: string[] = [];

  const countVoid = (v: SpfVoidLookup) => {
    voidLookups.push(v);
    if (voidLookups.length > SPF_VOID_LIMIT) stopped = { reason: 'void-limit', domain: v.domain, term: v.term };
  };

  const visit = (node: SpfNode, stack: string[]): void => {
    if (node.status !== 'found') return;
    for (const term of node.terms) {
      if (term.kind === 'mechanism' && term.network && (term.mechanism === 'ip4' || term.mechanism === 'ip6') && isIP(term.network)) {
        networks.push(`${term.network}/${term.mechanism === 'ip4' ? (term.cidr4 ?? 32) : (term.cidr6 ?? 128)}`);
      }
    }
    const nextStack = [...stack, node.domain];
    for (const term of orderedLookupTerms(node)) {
      if (stopped) return;
      count++;
      if (count > SPF_LOOKUP_LIMIT) {
        stopped = { reason: 'lookup-limit', domain: node.domain, term: term.raw };
        return;
      }
      const target = targetOf(term, node.domain);
      if (target === null) continue;
      if (target.includes('%')) {
        dynamicTerms.push({ domain: node.domain, term: term.raw });
        continue;
      }
      const name = normalizeName(target);
      const mechanism = term.kind === 'modifier' ? 'redirect' : term.mechanism;
      if (mechanism === 'include' || mechanism === 'redirect') {
        const via = mechanism;
        if (nextStack.includes(name)) {
          node.children.push(emptyNode(name, via, 'loop'));
          continue;
        }
        const fetched = nodes.get(`${via} ${name}`);
        if (!fetched) {
          needs.needNode(name, via);
          continue;
        }
        // a fresh copy: the same target may be reached from two places in the tree
        const child: SpfNode = { ...fetched.node, children: [] };
        node.children.push(child);
        if (fetched.void) countVoid({ domain: node.domain, term: term.raw, name });
        visit(child, nextStack);
        continue;
      }
      if (mechanism === 'ptr') continue; // depends on the connecting IP: asked by the evaluation
      const lookup = terms.get(`${mechanism} ${name}`);
      if (!lookup) {
        needs.needTerm(mechanism, name);
        continue;
      }
      networks.push(...lookup.addresses.map((a) => `${a}/${isIP(a) === 6 ? 128 : 32}`));
      if (lookup.mxCount > SPF_MX_PTR_NAMES) mxOverLimit.push({ domain: node.domain, term: term.raw, count: lookup.mxCount });
      if (lookup.void) countVoid({ domain: node.domain, term: term.raw, name });
    }
  };

  const root = nodes.get(`root ${rootName}`)!;
  const rootNode: SpfNode = { ...root.node, children: [] };
  visit(rootNode, []);
  return { root: rootNode, lookups: Math.min(count, SPF_LOOKUP_LIMIT + 1), voidLookups, mxOverLimit, dynamicTerms, stopped, networks: [...new Set(networks)].sort() };
};

/** Whether the record in force ends in "-all", following a redirect when it has no "all" (RFC 7208 6.1). */
export const endsInDashAll = (node: SpfNode): boolean => {
  const all = node.terms.find((t) => t.kind === 'mechanism' && t.mechanism === 'all');
  if (all && all.kind === 'mechanism') return all.qualifier === '-';
  const redirect = node.children.find((c) => c.via === 'redirect');
  return redirect ? endsInDashAll(redirect) : false;
};
