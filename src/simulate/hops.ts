// Where each relay on the path is, and what it does: the hops resolved from the relay specs
// (parse-relay.ts), a preset's address from its published SPF.
import { isIP } from '../ip.ts';
import { errorCode, isNoRecord, type Resolver } from '../dns/types.ts';
import { UsageError } from '../options.ts';
import { fetchSpfTree, type SpfNode } from '../records/fetch-spf.ts';
import { normalizeIp, PRESETS, type EnvelopeStyle, type Modification, type PresetId, type RelaySpec } from './parse-relay.ts';

/** Where a hop's address came from. */
export type AddressOrigin =
  | { kind: 'given' }
  /** spfAuthorizesAny: the sender's SPF authorized every stand-in address tried, so it stands for any forwarder */
  | { kind: 'assumed'; spfAuthorizesAny?: boolean }
  /** the first address of the first network the SPF record at `domain` lists */
  | { kind: 'spf'; domain: string; network: string }
  /** the address record of `domain` */
  | { kind: 'address-record'; domain: string };

export interface Hop {
  /** The connecting IP the next receiver sees (an IPv4-mapped address as its IPv4 host). */
  relay: string;
  /** The address as typed, when it was an IPv4-mapped IPv6 address. */
  relayAsGiven?: string;
  source: 'given' | 'assumed' | 'preset';
  preset?: PresetId;
  origin: AddressOrigin;
  /** The domain the envelope sender is rewritten to, or null when it is kept. */
  srs: string | null;
  srsSource: 'given' | 'preset' | 'forwarder-domain' | 'mailbox' | 'assumed' | null;
  envelopeStyle: EnvelopeStyle;
  srsUnlessSpfFailed: boolean;
  modify: Modification[];
  arc: boolean;
  arcSealer: string | null;
  /** The HELO name given for this hop, if any. */
  helo: string | null;
}

export interface ResolveContext {
  resolver: Resolver;
  /**
   * Stands for "a forwarder your SPF does not list" when no address is known; asked only then
   * (working it out reads the whole SPF tree's networks: work a check given its relays skips).
   */
  assumedRelay: () => string;
  /** The domain of --mailbox: the forwarding mailbox's domain, where an SRS envelope lands. */
  mailboxDomain: string | null;
}

/** The first address of a network: "192.0.2.0/24" -> 192.0.2.1, a /32 -> itself. */
export const firstHost = (network: string, cidr: number | undefined): string => {
  if (isIP(network) === 4) {
    const n = network.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const host = cidr !== undefined && cidr < 31 ? n + 1 : n;
    return [24, 16, 8, 0].map((s) => Math.floor(host / 2 ** s) % 256).join('.');
  }
  if (cidr !== undefined && cidr < 127 && /::$/.test(network)) return `${network}1`;
  return network;
};

/** Depth-first, in record order: the first network a "+" ip4/ip6 term lists. */
const firstNetwork = (node: SpfNode): { network: string; cidr: number | undefined; family: 4 | 6 } | null => {
  for (const t of node.terms) {
    if (t.kind !== 'mechanism' || t.qualifier !== '+') continue;
    if ((t.mechanism === 'ip4' || t.mechanism === 'ip6') && t.network) {
      return { network: t.network, cidr: t.mechanism === 'ip4' ? t.cidr4 : t.cidr6, family: t.mechanism === 'ip4' ? 4 : 6 };
    }
    if (t.mechanism === 'include') {
      const child = node.children.find((c) => c.via === 'include' && c.domain === t.domainSpec?.toLowerCase());
      const found = child ? firstNetwork(child) : null;
      if (found) return found;
    }
  }
  const redirect = node.children.find((c) => c.via === 'redirect');
  return redirect ? firstNetwork(redirect) : null;
};

/**
 * A preset's or a forwarder domain's address could not be read from the DNS: no path can be
 * simulated, and the outcome is open (exit 3, like any verdict DNS trouble prevents).
 */
export class RelayAddressError extends Error {
  override name = 'RelayAddressError';
}

const treeError = (node: SpfNode): string | null => {
  if (node.status === 'dns-error') return node.error ?? 'EUNKNOWN';
  for (const child of node.children) {
    const e = treeError(child);
    if (e) return e;
  }
  return null;
};

/** An address for a forwarder known only by its domain: its SPF's first network, else its A/AAAA. */
const addressFor = async (resolver: Resolver, domain: string, what: string, label: string): Promise<{ ip: string; origin: AddressOrigin }> => {
  const tree = await fetchSpfTree(resolver, domain);
  const net = firstNetwork(tree.root);
  if (net) {
    const ip = firstHost(net.network, net.cidr);
    return { ip, origin: { kind: 'spf', domain, network: net.cidr !== undefined ? `${net.network}/${net.cidr}` : net.network } };
  }
  let error = treeError(tree.root);
  for (const type of ['A', 'AAAA'] as const) {
    try {
      const [ip] = await resolver(domain, type);
      if (ip) return { ip, origin: { kind: 'address-record', domain } };
    } catch (err) {
      // no address of this family; try the other
      if (!isNoRecord(err)) error ??= errorCode(err);
    }
  }
  if (error) throw new RelayAddressError(`cannot find an address for ${what}: looking it up in the SPF of ${domain} failed (${error}); give the address as ${label}@IP`);
  throw new UsageError(`cannot find an address for ${what}: ${domain} lists no ip4/ip6 network in its SPF and has no address record; give it as ${label}@IP`);
};

/** Turns the parsed --relay values into hops, looking up preset addresses in their SPF. */
export const resolveHops = async (specs: readonly RelaySpec[], ctx: ResolveContext): Promise<Hop[]> => {
  if (!specs.length) {
    return [{
      relay: ctx.assumedRelay(), source: 'assumed', origin: { kind: 'assumed' }, srs: null, srsSource: null, envelopeStyle: 'srs',
      srsUnlessSpfFailed: false, modify: [], arc: false, arcSealer: null, helo: null,
    }];
  }
  const hops: Hop[] = [];
  for (const spec of specs) {
    const def = spec.preset ? PRESETS[spec.preset] : null;
    const label = spec.preset ?? 'relay';
    let relay: string;
    let origin: AddressOrigin;
    let relayAsGiven: string | undefined;
    const forwarderDomain = spec.address?.kind === 'domain' ? spec.address.domain : null;
    if (spec.address?.kind === 'ip') {
      const n = normalizeIp(spec.address.ip);
      relay = n.ip;
      if (n.mapped) relayAsGiven = spec.address.ip;
      origin = { kind: 'given' };
    } else if (forwarderDomain) {
      ({ ip: relay, origin } = await addressFor(ctx.resolver, forwarderDomain, `${label}@${forwarderDomain}`, label));
    } else if (def?.spfDomain) {
      ({ ip: relay, origin } = await addressFor(ctx.resolver, def.spfDomain, label, label));
    } else if (spec.preset === 'list') {
      throw new UsageError(`--relay list needs the list's address or domain: list@IP or list@lists.example (a mailing list sends from its own server)`);
    } else {
      relay = ctx.assumedRelay();
      origin = { kind: 'assumed' };
    }

    // the envelope: explicit srs= or nosrs first, then what the preset does
    let srs: string | null = null;
    let srsSource: Hop['srsSource'] = null;
    if (spec.srs === 'off') srs = null;
    else if (spec.srs) [srs, srsSource] = [spec.srs.domain, 'given'];
    else if (def?.envelope.kind === 'fixed') [srs, srsSource] = [def.envelope.domain, 'preset'];
    else if (def?.envelope.kind === 'forwarder') {
      if (forwarderDomain) [srs, srsSource] = [forwarderDomain, 'forwarder-domain'];
      else if (ctx.mailboxDomain) [srs, srsSource] = [ctx.mailboxDomain, 'mailbox'];
      else if (def.spfDomain) [srs, srsSource] = [def.spfDomain, 'assumed'];
      else throw new UsageError(`--relay ${spec.raw}: say which domain the envelope is rewritten to (srs=DOMAIN), or give ${label}@DOMAIN`);
    }
    const arc = spec.arc === 'off' ? false : spec.arc ? true : def?.arcSealer !== null && def?.arcSealer !== undefined;
    const arcSealer = spec.arc && spec.arc !== 'off' ? (spec.arc.sealer ?? def?.arcSealer ?? srs ?? forwarderDomain ?? null) : arc ? (def?.arcSealer ?? null) : null;
    const hop: Hop = {
      relay,
      source: spec.preset ? 'preset' : origin.kind === 'assumed' ? 'assumed' : 'given',
      origin,
      srs,
      srsSource,
      envelopeStyle: spec.srs && spec.srs !== 'off' && !def ? 'srs' : (def?.envelopeStyle ?? 'srs'),
      srsUnlessSpfFailed: def?.srsUnlessSpfFailed ?? false,
      modify: spec.modify ?? def?.modify ?? [],
      arc,
      arcSealer,
      helo: spec.helo,
    };
    if (spec.preset) hop.preset = spec.preset;
    if (relayAsGiven) hop.relayAsGiven = relayAsGiven;
    hops.push(hop);
  }
  return hops;
};
