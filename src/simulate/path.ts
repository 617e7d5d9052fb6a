// The forwarding path as a chain: the message leaves the sender, and each relay in turn receives
// it, changes it (envelope, header, body, seals) and hands it to the next receiver, which
// authenticates it afresh as it is then. Gmail does not carry over an earlier hop's pass
// (Google support 175365): the last arrival is Gmail's, judged on what reaches it.
//
// The fold runs over MessageState. Without --message, DKIM is modelled from the signatures the
// sender is expected to make and what each modification does to them (RFC 6376 5.4); with
// --message, the real bytes are modified and verified again after every change.
import { createHash } from 'node:crypto';
import type { Resolver } from '../dns/types.ts';
import { unsignedOutcome, type ExpectedSignature, type SignerModel, type UnsignedOutcome } from '../records/signers.ts';
import { appliedLookup, organizationalDomain7489, type DmarcRecords } from '../records/fetch-dmarc.ts';
import { fetchRelayIdentity, type RelayIdentity } from '../records/fetch-ptr.ts';
import { finding, type Finding } from '../report/findings.ts';
import type { Arrival, ArrivalArc, ArrivalDkim, ArrivalDmarc, ArrivalSignature, HopChange, MessageSummary, SignatureProblem } from '../report/types.ts';
import type { Hop } from './hops.ts';
import type { Modification } from './parse-relay.ts';
import { evaluateDmarc, evaluateSpf, verifyMessageDkim, type MessageDkimSignature } from '../auth/mailauth.ts';
import type { DmarcResult, SpfResult } from '../auth/types.ts';
import { addReceived, applyModification, type ModifyContext } from './message.ts';

/** RFC 5737 TEST-NET-1: stands for "a forwarder your SPF record does not list". */
export const ASSUMED_RELAY = '192.0.2.1';

export type { ExpectedSignature } from '../records/signers.ts';

export interface PathInput {
  fromDomain: string;
  mailFrom: string;
  /** The HELO name for hops that give none of their own and have no PTR name. */
  helo: string;
  /** --helo was given: it wins over the relay's PTR name. */
  heloGiven: boolean;
  hops: Hop[];
  /** Who signs the sender's mail (src/records/signers.ts). */
  signers: SignerModel;
  dmarc: DmarcRecords;
  /** The sender's expected signatures; `signers.signatures` when absent. */
  expected?: ExpectedSignature[];
  /** A real message, as received from the sender (--message). */
  message?: { bytes: Buffer; source: string };
  nowMs: number;
}

export interface PathResult {
  arrivals: Arrival[];
  findings: Finding[];
  message?: MessageSummary;
  /** The message as it reaches Gmail, for --message (what each hop really did to it). */
  finalMessage?: Buffer;
}

// ---------- the sender's signatures, modelled ----------

// ---------- message state ----------

interface ModelSignature {
  sig: ExpectedSignature;
  problem: SignatureProblem | null;
}

interface ArcSet {
  instance: number;
  sealer: string | null;
  dmarcOnArrival: DmarcResult | 'assumed-pass';
  /** A later hop changed the message without sealing again: this set's AMS no longer verifies. */
  broken: boolean;
}

interface MessageState {
  envelope: string;
  /** Modelled signatures (no --message). */
  model: ModelSignature[];
  /** The real bytes (--message), and which signatures passed as received. */
  bytes: Buffer | null;
  arc: ArcSet[];
  /** The first modification a hop made (model): from then on no signature of the sender survives. */
  modifiedAt: { modification: Modification; hop: number } | null;
}

// ---------- envelope rewriting ----------

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** SRS's hash and day stamp (libsrs2: 4 base64 hash characters, days mod 1024 in 2 base32 characters). */
const srsParts = (address: string, nowMs: number) => {
  const hash = createHash('sha256').update(address.toLowerCase()).digest('base64').replace(/[+/=]/g, 'x').slice(0, 4);
  const days = Math.floor(nowMs / 86_400_000) % 1024;
  return { hash, tt: `${BASE32[days >> 5]}${BASE32[days & 31]}` };
};

const splitAddress = (address: string): { local: string; domain: string } => {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
};

/** The envelope sender after the hop rewrites it to `domain`. The null sender is never rewritten. */
export const rewriteEnvelope = (envelope: string, hop: Hop, domain: string, nowMs: number): string => {
  if (envelope === '') return '';
  const { local, domain: origDomain } = splitAddress(envelope);
  const { hash, tt } = srsParts(envelope, nowMs);
  switch (hop.envelopeStyle) {
    case 'srs': {
      // RFC-less but universal (libsrs2): a second SRS hop shortens SRS0 to SRS1
      const srs0 = /^SRS0[=+-]([^=]+)=([^=]+)=(.*)$/i.exec(local);
      if (srs0) return `SRS1=${hash}=${origDomain}==${srs0[1]}=${srs0[2]}=${srs0[3]}@${domain}`;
      const srs1 = /^SRS1[=+-]([^=]+)=([^=]+)==(.*)$/i.exec(local);
      if (srs1) return `SRS1=${hash}=${srs1[2]}==${srs1[3]}@${domain}`;
      return `SRS0=${hash}=${tt}=${origDomain}=${local}@${domain}`;
    }
    case 'microsoft-srs':
      return `bounces+SRS=${hash}=${tt}=${origDomain}=${local}@${domain}`;
    case 'gmail-caf':
      return `forwarder+caf_=${local}=${origDomain}@${domain}`;
    case 'list-bounces':
      return `list-bounces+${local}=${origDomain}@${domain}`;
  }
};

// ---------- DMARC ----------

/** DMARC as RFC 7489 defines it (Public Suffix List discovery and alignment), beside mailauth's RFC 9989 result. */
const dmarc7489 = (dmarc: DmarcRecords, fromDomain: string, spfDomain: string | null, dkimDomains: string[]): ArrivalDmarc['rfc7489'] => {
  const d = dmarc.rfc7489;
  if (d.error) return { result: 'temperror', policy: null, policyDomain: null };
  const lookup = appliedLookup(d);
  if (!lookup?.parsed || lookup.parsed.effectiveP7489 === null) return { result: 'none', policy: null, policyDomain: null };
  const org = d.orgDomain ?? organizationalDomain7489(fromDomain);
  const aligns = (id: string | null, mode: 'r' | 's') => id !== null && (mode === 's' ? id === fromDomain : organizationalDomain7489(id) === org);
  const pass = aligns(spfDomain, lookup.parsed.tags.aspf) || dkimDomains.some((d2) => aligns(d2, lookup.parsed!.tags.adkim));
  return { result: pass ? 'pass' : 'fail', policy: d.policy, policyDomain: lookup.domain };
};

const relaxedAligned = (domain: string, fromDomain: string): boolean => organizationalDomain7489(domain) === organizationalDomain7489(fromDomain);

// ---------- DKIM at an arrival ----------

const toTopResult = (r: ArrivalSignature['result']): ArrivalDkim['result'] => (r === 'pass' ? 'pass' : r === 'temperror' ? 'temperror' : r === 'none' ? 'none' : 'fail');

/** The signature that speaks for the message: an aligned pass, else any pass, else the first. */
const summarizeDkim = (signatures: ArrivalSignature[], fallback: UnsignedOutcome, fromMessage: boolean, modified: boolean): ArrivalDkim => {
  const best =
    signatures.find((s) => s.result === 'pass' && s.aligned) ??
    signatures.find((s) => s.result === 'pass') ??
    signatures.find((s) => s.result !== 'none') ??
    signatures[0];
  // an unread key lookup keeps aligned DKIM open, unless a real message decides it, a hop broke
  // every signature anyway, or an aligned (non-Ed25519) signature already passes
  const settled = fromMessage || modified || (best?.result === 'pass' && best.aligned && best.keyType !== 'ed25519');
  const unreadable = settled ? [] : fallback.unreadable;
  if (!best) {
    if (fromMessage) return { result: 'none', aligned: false, domain: null, selector: null, basis: 'message', signatures, unreadable };
    const unusable = fallback.unusable;
    return {
      result: modified || unreadable.length === 0 ? (fallback.result === 'temperror' ? 'none' : fallback.result) : 'temperror',
      aligned: fallback.basis === 'unusable-key',
      domain: unusable?.domain ?? null,
      selector: unusable?.selector ?? null,
      basis: fallback.basis,
      signatures,
      unreadable,
    };
  }
  const basis: ArrivalDkim['basis'] = fromMessage
    ? 'message'
    : best.problem?.code === 'modified'
      ? 'modified'
      : best.problem?.code === 'unusable-key'
        ? 'unusable-key'
        : best.basis === 'provider-default'
          ? 'provider-default'
          : 'assumed-intact';
  return { result: toTopResult(best.result), aligned: best.aligned, domain: best.domain, selector: best.selector, basis, signatures, unreadable };
};

// Whether a receiver verifies Ed25519 (RFC 8463) is its own capability: the receiver models
// (src/receivers) apply it to the arrival; the path reports the signatures as they are.
const modelSignaturesAt = (state: MessageState, fallback: UnsignedOutcome): ArrivalSignature[] => {
  const fromKeys = state.model.map(({ sig, problem }): ArrivalSignature => {
    const base = { domain: sig.domain, selector: sig.selector, aligned: sig.aligned, basis: sig.basis, keyType: sig.keyType, bits: sig.bits, bodyLengthLimit: null };
    if (problem) return { ...base, result: 'fail', problem };
    return { ...base, result: 'pass', problem: null };
  });
  if (fromKeys.length) return fromKeys;
  // a key that exists but cannot verify: the sender signs, the signature fails (RFC 8301 3.2);
  // not while another key lookup could not be read, which may hold the key the sender uses
  const u = fallback.unusable;
  if (u && fallback.result === 'fail') {
    return [{ domain: u.domain, selector: u.selector, result: 'fail', aligned: true, basis: 'published-key', keyType: u.keyType, bits: u.bits, bodyLengthLimit: null, problem: { code: 'unusable-key' } }];
  }
  return [];
};

const fromMessageSignature = (s: MessageDkimSignature, problem: SignatureProblem | null): ArrivalSignature => {
  const keyType = s.algorithm?.startsWith('ed25519') ? 'ed25519' : s.algorithm?.startsWith('rsa') ? 'rsa' : null;
  const base = { domain: s.domain, selector: s.selector || null, aligned: s.aligned, basis: 'message' as const, keyType, bits: s.bits, bodyLengthLimit: s.bodyLengthLimit } as const;
  if (s.result === 'pass') return { ...base, result: 'pass', problem: null };
  return { ...base, result: s.result, problem: problem ?? { code: 'verify-failed', detail: s.comment } };
};

// ---------- the fold ----------

const SPF_FAILED: ReadonlySet<SpfResult> = new Set(['fail']);

const receiverName = (i: number, count: number): string => (i === count - 1 ? 'gmail' : `relay-${i + 2}`);

/** The name a relay gives in HELO: its own, else --helo, else its confirmed PTR name, else the default. */
const heloFor = (hop: Hop, input: PathInput, identity: RelayIdentity | null): string => {
  if (hop.helo) return hop.helo;
  if (input.heloGiven) return input.helo;
  return identity?.confirmedName ?? input.helo;
};

const modifyContext = (hop: Hop, i: number): ModifyContext => {
  const domain = hop.srs ?? 'lists.example';
  const tag = domain.split('.')[0] ?? `relay${i + 1}`;
  return { tag, listAddress: `${tag}@${domain}` };
};

export const simulatePath = async (resolver: Resolver, input: PathInput): Promise<PathResult> => {
  const findings: Finding[] = [];
  const { hops, fromDomain } = input;
  const expected = input.expected ?? input.signers.signatures;
  const fallback = unsignedOutcome(input.signers);

  // the relays' own names, all at once; an assumed relay has no identity to check
  const identities = await Promise.all(hops.map((h) => (h.source === 'assumed' ? Promise.resolve(null) : fetchRelayIdentity(resolver, h.relay))));

  const state: MessageState = {
    envelope: input.mailFrom,
    model: input.message ? [] : expected.map((sig) => ({ sig, problem: null })),
    bytes: input.message?.bytes ?? null,
    arc: [],
    modifiedAt: null,
  };

  // --message: the signatures as the sender's mail reaches the first relay
  let verified: MessageDkimSignature[] = [];
  let summary: MessageSummary | undefined;
  if (state.bytes) {
    verified = (await verifyMessageDkim(resolver, state.bytes, input.nowMs)).signatures;
    summary = {
      source: input.message!.source,
      fromDomain,
      returnPath: input.mailFrom || null,
      signatures: verified.map((s) => fromMessageSignature(s, null)),
    };
  }
  // a signature broken by a relay keeps that reason at every later arrival
  const brokenBy = new Map<string, SignatureProblem>();

  const arrivals: Arrival[] = [];
  const seen = new Map<string, number[]>();
  let dmarcAtRelay: DmarcResult | 'assumed-pass' = 'assumed-pass';
  let spfAtRelay: SpfResult | 'assumed-pass' = 'assumed-pass';

  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i]!;
    const identity = identities[i] ?? null;
    const receiver = receiverName(i, hops.length);
    const changes: HopChange[] = [];
    seen.set(hop.relay, [...(seen.get(hop.relay) ?? []), i + 1]);

    // 1. the envelope (SRS and its kin)
    if (hop.srs && hop.srsSource) {
      if (hop.srsUnlessSpfFailed && spfAtRelay !== 'assumed-pass' && SPF_FAILED.has(spfAtRelay)) {
        changes.push({ kind: 'envelope-kept', reason: 'spf-failed-on-arrival' });
        findings.push(finding('SRS_SKIPPED_SPF_FAILED', 'warning', { hop: i + 1, relay: hop.relay }));
      } else if (state.envelope !== '') {
        const to = rewriteEnvelope(state.envelope, hop, hop.srs, input.nowMs);
        changes.push({ kind: 'envelope-rewritten', from: state.envelope, to, domain: hop.srs, style: hop.envelopeStyle, domainSource: hop.srsSource });
        state.envelope = to;
      } else {
        changes.push({ kind: 'envelope-kept', reason: 'no-srs' });
      }
    } else {
      changes.push({ kind: 'envelope-kept', reason: 'no-srs' });
    }

    // 2. the message: each modification, as it really works on the signatures
    const ctx = modifyContext(hop, i);
    if (state.bytes) {
      state.bytes = addReceived(state.bytes, { from: heloFor(hop, input, identity), ip: hop.relay, by: receiver === 'gmail' ? 'mx.google.com' : receiver, date: new Date(input.nowMs) });
    }
    for (const mod of hop.modify) {
      const broke: { domain: string; selector: string | null }[] = [];
      const survivedByLength: { domain: string; selector: string | null }[] = [];
      if (state.bytes) {
        const before = new Map(verified.map((s) => [s.id, s]));
        state.bytes = applyModification(state.bytes, mod, ctx);
        verified = (await verifyMessageDkim(resolver, state.bytes, input.nowMs)).signatures;
        for (const s of verified) {
          const prev = before.get(s.id);
          if (prev?.result === 'pass' && s.result !== 'pass') {
            broke.push({ domain: s.domain, selector: s.selector });
            brokenBy.set(s.id, { code: 'modified', modification: mod, hop: i + 1 });
          } else if (prev?.result === 'pass' && s.result === 'pass' && mod === 'footer' && s.bodyLengthLimit !== null && s.unsignedBodyOctets > (prev.unsignedBodyOctets ?? 0)) {
            survivedByLength.push({ domain: s.domain, selector: s.selector });
          }
        }
      } else {
        state.modifiedAt ??= { modification: mod, hop: i + 1 };
        for (const m of state.model) {
          if (m.problem) continue;
          // RFC 6376 5.4.1: Subject, Reply-To and the List-* fields are signed; a footer or a new
          // transfer encoding changes the body hash (3.7); the model has no l= to let a footer through
          m.problem = { code: 'modified', modification: mod, hop: i + 1 };
          broke.push({ domain: m.sig.domain, selector: m.sig.selector });
        }
      }
      changes.push({ kind: 'modified', modification: mod, broke, survivedByLength });
      for (const b of broke) {
        findings.push(finding('DKIM_BROKEN_BY_RELAY', 'warning', { hop: i + 1, relay: hop.relay, modification: mod, domain: b.domain, selector: b.selector }));
      }
      for (const s of survivedByLength) {
        findings.push(finding('DKIM_BODY_LENGTH_RISK', 'warning', { hop: i + 1, domain: s.domain, selector: s.selector }));
      }
      // the latest ARC set signed the message before this change (RFC 8617 5.2)
      for (const set of state.arc) set.broken = true;
    }

    // 3. ARC: the relay records what it saw on arrival under its seal (RFC 8617 4)
    if (hop.arc) {
      const set: ArcSet = { instance: state.arc.length + 1, sealer: hop.arcSealer, dmarcOnArrival: dmarcAtRelay, broken: false };
      // sealing re-signs the message as it now is: earlier breakage stays in the earlier sets
      state.arc.push(set);
      changes.push({ kind: 'arc-sealed', instance: set.instance, sealer: set.sealer, dmarcOnArrival: set.dmarcOnArrival });
    }

    // 4. the arrival at the next receiver, authenticated as it is now
    const helo = heloFor(hop, input, identity);
    const spf = await evaluateSpf(resolver, { ip: hop.relay, mailFrom: state.envelope, helo, receiver: receiver === 'gmail' ? 'mx.google.com' : receiver });
    let signatures: ArrivalSignature[];
    if (state.bytes) {
      if (!hop.modify.length) verified = (await verifyMessageDkim(resolver, state.bytes, input.nowMs)).signatures;
      signatures = verified.map((s) => fromMessageSignature(s, brokenBy.get(s.id) ?? null));
    } else {
      signatures = modelSignaturesAt(state, fallback);
    }
    const passingDomains = [...new Set(signatures.filter((s) => s.result === 'pass').map((s) => s.domain))];
    const spfDomain = spf.result === 'pass' ? spf.domain : null;
    const evaluated = await evaluateDmarc(resolver, { fromDomain, spfDomain, dkimDomains: passingDomains });
    let dkim = summarizeDkim(signatures, fallback, state.bytes !== null, state.modifiedAt !== null);
    if (dkim.result === 'pass' && dkim.domain) {
      // mailauth applies adkim: a relaxed-aligned d= under adkim=s is not aligned
      dkim = { ...dkim, aligned: dkim.domain === fromDomain || (evaluated.dkimAligned && relaxedAligned(dkim.domain, fromDomain)) };
    }
    const dmarc: ArrivalDmarc = {
      result: evaluated.result,
      // the one applied policy (src/records/dmarc-policy.ts): mailauth knows no pct
      policy: evaluated.result === 'none' ? null : input.dmarc.applied.policy,
      policyDomain: evaluated.policyDomain,
      rfc7489: dmarc7489(input.dmarc, fromDomain, spfDomain, passingDomains),
    };
    const arc: ArrivalArc = {
      sets: state.arc.length,
      sealers: state.arc.map((s) => s.sealer),
      vouchedPass: state.arc.length > 0 && !state.arc[state.arc.length - 1]!.broken && state.arc.some((s) => s.dmarcOnArrival === 'pass' || s.dmarcOnArrival === 'assumed-pass'),
    };
    const arrival: Arrival = {
      hop: i + 1,
      relay: hop.relay,
      relaySource: hop.source,
      relayOrigin: hop.origin,
      receiver,
      mailFrom: state.envelope,
      helo,
      relayIdentity: identity,
      changes,
      spf: { result: spf.result, domain: spf.domain, identity: spf.identity },
      dkim,
      dmarc,
      arc,
    };
    if (hop.relayAsGiven) arrival.relayAsGiven = hop.relayAsGiven;
    if (hop.preset) arrival.preset = hop.preset;
    arrivals.push(arrival);

    // what the relay itself looks like, and what its SPF says
    if (hop.relayAsGiven) findings.push(finding('RELAY_IPV4_MAPPED', 'info', { hop: i + 1, given: hop.relayAsGiven, relay: hop.relay }));
    if (hop.origin.kind === 'spf' || hop.origin.kind === 'address-record') {
      findings.push(finding('RELAY_ADDRESS_FROM_DNS', 'info', { hop: i + 1, preset: hop.preset ?? 'relay', relay: hop.relay, domain: hop.origin.domain, network: hop.origin.kind === 'spf' ? hop.origin.network : null }));
    }
    if (hop.srsSource === 'assumed' && hop.srs) findings.push(finding('SRS_DOMAIN_ASSUMED', 'info', { hop: i + 1, preset: hop.preset ?? 'relay', domain: hop.srs }));
    const rewritten = changes.some((c) => c.kind === 'envelope-rewritten');
    if (rewritten && spf.result !== 'pass' && spf.result !== 'temperror') {
      findings.push(finding('SRS_SPF_NOT_COVERING', 'warning', { hop: i + 1, relay: hop.relay, domain: spf.domain, result: spf.result }));
    }
    if (!rewritten && spf.result === 'pass' && state.envelope !== '' && state.envelope === input.mailFrom) {
      findings.push(finding('SPF_RELAY_AUTHORIZED', 'info', { relay: hop.relay, domain: spf.domain }));
    }
    if (identity && identity.status !== 'confirmed') {
      // an address picked from a provider's published range stands for its hosts, whose own names are set up
      const picked = hop.origin.kind === 'spf' || hop.origin.kind === 'address-record';
      if (identity.status === 'dns-error') findings.push(finding('RELAY_FCRDNS_NOT_CHECKED', 'info', { hop: i + 1, relay: hop.relay, error: identity.error ?? 'EUNKNOWN' }));
      else if (!picked) {
        findings.push(finding('RELAY_NO_FCRDNS', receiver === 'gmail' ? 'error' : 'warning', { hop: i + 1, relay: hop.relay, status: identity.status, ptr: identity.ptr, receiver }));
      }
    }

    dmarcAtRelay = dmarc.result;
    spfAtRelay = spf.result;
  }

  for (const [relay, at] of seen) if (at.length > 1) findings.push(finding('RELAY_LOOP', 'error', { relay, hops: at }));

  const last = arrivals[arrivals.length - 1];
  if (last && last.arc.sets > 0 && last.dmarc.result !== 'pass') {
    findings.push(finding('ARC_MAY_HELP', 'info', { sealers: last.arc.sealers.filter((s): s is string => s !== null), vouchedPass: last.arc.vouchedPass }));
  }
  if (summary) {
    const passing = summary.signatures.filter((s) => s.result === 'pass');
    findings.push(finding('MESSAGE_VERIFIED', 'info', { source: summary.source, signatures: summary.signatures.length, passing: passing.length, aligned: passing.filter((s) => s.aligned).length }));
  }
  const result: PathResult = { arrivals, findings };
  if (summary) result.message = summary;
  if (state.bytes) result.finalMessage = state.bytes;
  return result;
};
