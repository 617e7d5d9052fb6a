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
// This file parses (pure); resolving a preset's address needs DNS and lives in hops.ts. The
// CLI's first queries need only this part (first-wave.ts), so the SPF walker hops.ts uses does
// not load before they leave (issue 7, start-up).
import { isIP } from '../ip.ts';
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
