// What each relay on the path does, as the user describes it on the command line.
//
//   --relay SPEC          one hop; repeat for each hop, in the order the message travels
//   SPEC   = BASE *( "," PROP )
//   BASE   = IP                      a relay at that address (IPv4, IPv6, IPv4-mapped IPv6)
//          | PRESET                  a known forwarder; its address from its published SPF
//          | PRESET "@" IP           a known forwarder at that address
//          | PRESET "@" DOMAIN       a forwarder of that domain; its address from the domain's SPF
//   PRESET = gmail | microsoft365 | list | postfix
//   PROP   = "srs=" DOMAIN           rewrites the envelope sender to DOMAIN (SRS, VERP, ...)
//          | "nosrs"                 keeps the envelope sender
//          | "modify=" MOD *("+" MOD)   changes the message: subject, footer, reencode, headers
//          | "modify=none"
//          | "arc" | "arc=" DOMAIN | "noarc"   seals an ARC set (RFC 8617), as DOMAIN
//          | "helo=" NAME            the name it gives in HELO/EHLO
//
// Parsing is pure; resolving a preset's address needs DNS and lives in resolveHops.
import { isIP } from '../ip.ts';
import { errorCode, isNoRecord, type Resolver } from '../dns/types.ts';
import { fetchSpfTree, type SpfNode } from '../records/fetch-spf.ts';
import { UsageError, parseDomain } from '../options.ts';

export type Modification = 'subject' | 'footer' | 'reencode' | 'headers';
export const MODIFICATIONS: readonly Modification[] = ['subject', 'footer', 'reencode', 'headers'];

export type PresetId = 'gmail' | 'microsoft365' | 'list' | 'postfix';

/** How a forwarder writes the new envelope sender (only the form differs; SPF then checks its domain). */
export type EnvelopeStyle = 'srs' | 'gmail-caf' | 'microsoft-srs' | 'list-bounces';

interface PresetDef {
  /** The SPF domain that lists the provider's outbound addresses, for a preset without an address. */
  spfDomain: string | null;
  /** The domain the envelope is rewritten to: a fixed one, the forwarder's own, or none. */
  envelope: { kind: 'fixed'; domain: string } | { kind: 'forwarder' } | { kind: 'keep' };
  envelopeStyle: EnvelopeStyle;
  modify: Modification[];
  arcSealer: string | null;
  /** Microsoft 365 leaves the envelope alone when the message already failed SPF on arrival. */
  srsUnlessSpfFailed: boolean;
}

/**
 * The forwarders people use, from README "Sources" ("How big forwarders behave"):
 * - Gmail's auto-forwarding rewrites the envelope to user+caf_=...@gmail.com, seals ARC as
 *   google.com and leaves the message and its DKIM intact (outbound addresses: _spf.google.com).
 * - Microsoft 365 rewrites the envelope with SRS on every auto-forward since late 2023, except
 *   for mail that already failed SPF on arrival; the new envelope is at the forwarding mailbox's
 *   domain, which publishes include:spf.protection.outlook.com. It seals ARC as microsoft.com
 *   (ARC-Seal d=microsoft.com s=arcselector9901 on the mail it relays).
 * - A mailing list sends from its own bounce address (VERP) and adds a Subject tag and a footer.
 * - A plain Postfix forward (.forward, virtual aliases) changes nothing unless postsrsd is set up.
 */
export const PRESETS: Record<PresetId, PresetDef> = {
  gmail: { spfDomain: '_spf.google.com', envelope: { kind: 'fixed', domain: 'gmail.com' }, envelopeStyle: 'gmail-caf', modify: [], arcSealer: 'google.com', srsUnlessSpfFailed: false },
  microsoft365: { spfDomain: 'spf.protection.outlook.com', envelope: { kind: 'forwarder' }, envelopeStyle: 'microsoft-srs', modify: [], arcSealer: 'microsoft.com', srsUnlessSpfFailed: true },
  list: { spfDomain: null, envelope: { kind: 'forwarder' }, envelopeStyle: 'list-bounces', modify: ['subject', 'footer'], arcSealer: null, srsUnlessSpfFailed: false },
  postfix: { spfDomain: null, envelope: { kind: 'keep' }, envelopeStyle: 'srs', modify: [], arcSealer: null, srsUnlessSpfFailed: false },
};

const PRESET_ALIASES: Record<string, PresetId> = {
  gmail: 'gmail', google: 'gmail',
  microsoft365: 'microsoft365', m365: 'microsoft365', office365: 'microsoft365', o365: 'microsoft365',
  list: 'list', mailinglist: 'list', mailman: 'list',
  postfix: 'postfix',
};

/** One --relay value, parsed. Nulls mean "the preset's default". */
export interface RelaySpec {
  raw: string;
  preset: PresetId | null;
  address: { kind: 'ip'; ip: string } | { kind: 'domain'; domain: string } | null;
  srs: { domain: string } | 'off' | null;
  modify: Modification[] | null;
  arc: { sealer: string | null } | 'off' | null;
  helo: string | null;
}

/**
 * An IP as the receiver sees it. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4
 * host it maps: RFC 7208 5.6 and 4.3 evaluate it with ip4 mechanisms, and its PTR is under
 * in-addr.arpa.
 */
export const normalizeIp = (input: string): { ip: string; mapped: boolean } => {
  const ip = input.trim().toLowerCase();
  const m = /^(?:0{0,4}:){0,4}:?(?:0{0,4}:)?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (m && isIP(m[1]!) === 4) return { ip: m[1]!, mapped: true };
  // ::ffff:c000:0201, the hexadecimal form
  const h = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (h && isIP(ip) === 6) {
    const hi = parseInt(h[1]!, 16);
    const lo = parseInt(h[2]!, 16);
    return { ip: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, mapped: true };
  }
  return { ip, mapped: false };
};

const parseModify = (value: string, raw: string): Modification[] => {
  if (value === 'none' || value === '') return [];
  const out: Modification[] = [];
  for (const part of value.split('+')) {
    const m = part.trim().toLowerCase();
    if (!(MODIFICATIONS as readonly string[]).includes(m)) {
      throw new UsageError(`invalid --relay "${raw}": modify=${part} is not one of ${MODIFICATIONS.join(', ')} (join several with +)`);
    }
    if (!out.includes(m as Modification)) out.push(m as Modification);
  }
  return out;
};

/** Parses one --relay value (see the grammar at the top of this file). */
export const parseRelaySpec = (input: string): RelaySpec => {
  const raw = input.trim();
  const [base = '', ...props] = raw.split(',');
  const spec: RelaySpec = { raw, preset: null, address: null, srs: null, modify: null, arc: null, helo: null };
  const baseValue = base.trim();
  if (baseValue === '') throw new UsageError(`invalid --relay "${input}": expected an IP address or a preset (${Object.keys(PRESETS).join(', ')})`);
  const at = baseValue.indexOf('@');
  const head = (at >= 0 ? baseValue.slice(0, at) : baseValue).toLowerCase();
  const preset = PRESET_ALIASES[head];
  if (preset) {
    spec.preset = preset;
    if (at >= 0) {
      const target = baseValue.slice(at + 1).trim();
      // an IPv6 address may come bracketed
      const unbracketed = target.replace(/^\[(.*)\]$/, '$1');
      if (isIP(unbracketed)) spec.address = { kind: 'ip', ip: unbracketed };
      else spec.address = { kind: 'domain', domain: parseDomain(target, `--relay ${head}@ domain`) };
    }
  } else {
    const unbracketed = baseValue.replace(/^\[(.*)\]$/, '$1');
    // what looks like an address but is not one gets the plain message
    if ((unbracketed.includes(':') || /^[0-9.]+$/.test(unbracketed)) && (!isIP(unbracketed) || unbracketed.includes('%'))) {
      throw new UsageError(`invalid relay IP "${baseValue}": not an IPv4 or IPv6 address`);
    }
    if (!isIP(unbracketed)) {
      throw new UsageError(`invalid --relay "${input}": "${baseValue}" is neither an IP address nor a preset (${Object.keys(PRESETS).join(', ')}, optionally PRESET@IP or PRESET@DOMAIN)`);
    }
    spec.address = { kind: 'ip', ip: unbracketed };
  }
  for (const prop of props) {
    const p = prop.trim();
    const eq = p.indexOf('=');
    const key = (eq >= 0 ? p.slice(0, eq) : p).toLowerCase();
    const value = eq >= 0 ? p.slice(eq + 1).trim() : null;
    switch (key) {
      case 'srs':
        if (!value) throw new UsageError(`invalid --relay "${input}": srs needs the forwarder's domain, as srs=fwd.example`);
        spec.srs = { domain: parseDomain(value, 'srs= domain') };
        break;
      case 'nosrs':
        spec.srs = 'off';
        break;
      case 'modify':
        if (value === null) throw new UsageError(`invalid --relay "${input}": modify needs a value, as modify=footer+subject`);
        spec.modify = parseModify(value, input);
        break;
      case 'arc':
        spec.arc = { sealer: value ? parseDomain(value, 'arc= domain') : null };
        break;
      case 'noarc':
        spec.arc = 'off';
        break;
      case 'helo':
        if (!value) throw new UsageError(`invalid --relay "${input}": helo needs a name`);
        spec.helo = value;
        break;
      default:
        throw new UsageError(`invalid --relay "${input}": unknown property "${p}" (expected srs=DOMAIN, nosrs, modify=..., arc, noarc, helo=NAME)`);
    }
  }
  return spec;
};

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
