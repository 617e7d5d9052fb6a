import { errorCode, isNoRecord, normalizeName, type Resolver } from '../dns/types.ts';
import { LOOKUP_MECHANISMS, isSpfRecord, parseSpf, type SpfSyntaxIssue, type SpfTerm } from './parse-spf.ts';

export type SpfNodeStatus =
  | 'found'
  | 'missing' // no SPF record at the name (NXDOMAIN, NODATA or no v=spf1 TXT)
  | 'multiple' // several SPF records: permerror (RFC 7208 4.5)
  | 'dns-error' // the TXT query failed: temperror
  | 'loop' // the name is already being evaluated higher up the tree
  | 'dynamic' // the target contains a macro and depends on the message; not followed
  | 'too-deep';

export interface SpfNode {
  domain: string;
  via: 'root' | 'include' | 'redirect';
  status: SpfNodeStatus;
  /** The record in force at this name, as published (strings joined, RFC 7208 3.3). */
  record: string | null;
  /** Every v=spf1 record found at the name (more than one only with status "multiple"). */
  records: string[];
  /** The DNS error code for status "dns-error". */
  error?: string;
  terms: SpfTerm[];
  issues: SpfSyntaxIssue[];
  /** DNS-querying terms in this record alone (include, a, mx, ptr, exists, redirect). */
  lookups: number;
  children: SpfNode[];
}

export interface SpfVoidLookup {
  /** The record where the term appears. */
  domain: string;
  term: string;
  name: string;
}

export interface SpfTree {
  root: SpfNode;
  /** DNS-querying terms over the whole tree, whatever the connecting IP (RFC 7208 4.6.4). */
  lookups: number;
  /** Names in the tree that return NXDOMAIN or no records (void lookups, RFC 7208 4.6.4). */
  voidLookups: SpfVoidLookup[];
  /** "mx" terms whose target has more than 10 MX hosts (RFC 7208 4.6.4). */
  mxOverLimit: { domain: string; term: string; count: number }[];
  /** Domain-specs with macros, which depend on the message and cannot be followed statically. */
  dynamicTerms: { domain: string; term: string }[];
}

// A bound on the walk itself, so that a hostile or broken tree cannot make the check slow; the
// evaluation is already cut at 10 lookups, so a tree past this size is broken anyway.
const MAX_NODES = 60;
const MAX_DEPTH = 12;

interface WalkState {
  nodes: number;
  voidLookups: SpfVoidLookup[];
  mxOverLimit: SpfTree['mxOverLimit'];
  dynamicTerms: SpfTree['dynamicTerms'];
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

const isVoid = async (resolver: Resolver, name: string, types: ('A' | 'AAAA' | 'MX')[]): Promise<{ void: boolean; count: number }> => {
  let count = 0;
  for (const type of types) {
    try {
      count += (await resolver(name, type)).length;
    } catch (err) {
      if (!isNoRecord(err)) return { void: false, count }; // a failure is not a void lookup
    }
  }
  return { void: count === 0, count };
};

/**
 * Fetches the SPF record of a domain and, recursively, of every include and redirect target
 * (RFC 7208 5.2, 6.1), keeping each node's record and syntax issues, and counts the lookups
 * and void lookups over the whole tree. Evaluation for one IP may stop earlier; this is the
 * static view, which is what decides whether the record works for every sender.
 */
export const fetchSpfTree = async (resolver: Resolver, domain: string): Promise<SpfTree> => {
  const state: WalkState = { nodes: 0, voidLookups: [], mxOverLimit: [], dynamicTerms: [] };
  const root = await walk(resolver, normalizeName(domain), 'root', [], state);
  return { root, lookups: countLookups(root), voidLookups: state.voidLookups, mxOverLimit: state.mxOverLimit, dynamicTerms: state.dynamicTerms };
};

const countLookups = (node: SpfNode): number => node.lookups + node.children.reduce((n, c) => n + countLookups(c), 0);

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

const walk = async (resolver: Resolver, domain: string, via: SpfNode['via'], stack: string[], state: WalkState): Promise<SpfNode> => {
  if (stack.includes(domain)) return emptyNode(domain, via, 'loop');
  if (stack.length >= MAX_DEPTH || state.nodes >= MAX_NODES) return emptyNode(domain, via, 'too-deep');
  state.nodes++;

  const fetched = await fetchSpfRecords(resolver, domain);
  if ('error' in fetched) return { ...emptyNode(domain, via, 'dns-error'), error: fetched.error };
  if (fetched.records.length === 0) {
    if (via !== 'root' && fetched.void) state.voidLookups.push({ domain: stack[stack.length - 1] ?? domain, term: `${via}:${domain}`, name: domain });
    return emptyNode(domain, via, 'missing');
  }
  if (fetched.records.length > 1) return { ...emptyNode(domain, via, 'multiple'), records: fetched.records };

  const record = fetched.records[0]!;
  const { terms, issues } = parseSpf(record);
  const node: SpfNode = { ...emptyNode(domain, via, 'found'), record, records: fetched.records, terms, issues };
  const hasAll = terms.some((t) => t.kind === 'mechanism' && t.mechanism === 'all');
  const nextStack = [...stack, domain];

  const childWalks: Promise<SpfNode>[] = [];
  const voidChecks: Promise<void>[] = [];
  for (const term of terms) {
    if (term.kind === 'modifier') {
      // RFC 7208 6.1: redirect is ignored when the record has an "all" mechanism
      if (term.name !== 'redirect' || hasAll) continue;
      node.lookups++;
      if (term.value.includes('%')) state.dynamicTerms.push({ domain, term: term.raw });
      else childWalks.push(walk(resolver, normalizeName(term.value), 'redirect', nextStack, state));
      continue;
    }
    if (!LOOKUP_MECHANISMS.has(term.mechanism)) continue;
    node.lookups++;
    // include and exists need a domain-spec; without one the record is a syntax error, not a walk
    if ((term.mechanism === 'include' || term.mechanism === 'exists') && !term.domainSpec) continue;
    const target = term.domainSpec ?? domain;
    if (target.includes('%')) {
      state.dynamicTerms.push({ domain, term: term.raw });
      continue;
    }
    const name = normalizeName(target);
    switch (term.mechanism) {
      case 'include':
        childWalks.push(walk(resolver, name, 'include', nextStack, state));
        break;
      case 'a':
      case 'exists':
        voidChecks.push(
          // the IPv4 view: strict evaluation counts only the query for the client's address type
          isVoid(resolver, name, ['A']).then((r) => {
            if (r.void) state.voidLookups.push({ domain, term: term.raw, name });
          }),
        );
        break;
      case 'mx':
        voidChecks.push(
          isVoid(resolver, name, ['MX']).then((r) => {
            if (r.void) state.voidLookups.push({ domain, term: term.raw, name });
            // RFC 7208 4.6.4: evaluating "mx" with more than 10 MX names is permerror
            if (r.count > 10) state.mxOverLimit.push({ domain, term: term.raw, count: r.count });
          }),
        );
        break;
      default:
        break; // ptr depends on the connecting IP
    }
  }
  const [children] = await Promise.all([Promise.all(childWalks), Promise.all(voidChecks)]);
  node.children = children;
  return node;
};

/** Whether the record in force ends in "-all", following a redirect when it has no "all" (RFC 7208 6.1). */
export const endsInDashAll = (node: SpfNode): boolean => {
  const all = node.terms.find((t) => t.kind === 'mechanism' && t.mechanism === 'all');
  if (all && all.kind === 'mechanism') return all.qualifier === '-';
  const redirect = node.children.find((c) => c.via === 'redirect');
  return redirect ? endsInDashAll(redirect) : false;
};
