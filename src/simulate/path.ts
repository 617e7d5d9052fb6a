// The forwarding path: the message leaves the sender, passes one or more relays, and arrives at
// each next receiver from the previous relay's IP. Every arrival is authenticated afresh: Gmail
// does not carry over an earlier hop's pass (Google support 175365).
import type { Resolver } from '../dns/types.ts';
import type { DkimRecords, DkimSelectorProbe } from '../records/fetch-dkim.ts';
import { appliedLookup, organizationalDomain7489, type DmarcRecords } from '../records/fetch-dmarc.ts';
import type { Arrival, ArrivalDkim, ArrivalDmarc } from '../report/types.ts';
import { evaluateDmarc, evaluateSpf } from '../auth/mailauth.ts';
import type { DmarcResult } from '../auth/types.ts';

/** RFC 5737 TEST-NET-1: stands for "a forwarder your SPF record does not list". */
export const ASSUMED_RELAY = '192.0.2.1';

export interface Hop {
  relay: string;
  source: 'given' | 'assumed';
}

export const buildHops = (relays: readonly string[]): Hop[] =>
  relays.length ? relays.map((relay) => ({ relay, source: 'given' as const })) : [{ relay: ASSUMED_RELAY, source: 'assumed' }];

export interface PathInput {
  fromDomain: string;
  mailFrom: string;
  helo: string;
  hops: Hop[];
  dkim: DkimRecords;
  dmarc: DmarcRecords;
}

/**
 * What DKIM gives at an arrival. Without a message, fwdcheck assumes the sender signs with the
 * strongest usable key it found at the From domain and that no relay modifies the message (the
 * condition for a signature to survive, RFC 6376 5.4). The assumption is recorded in "basis".
 */
export const simulateDkim = (dkim: DkimRecords): ArrivalDkim => {
  // Ed25519 ranks above any RSA size a zone publishes
  const strength = (p: DkimSelectorProbe) => (p.key?.keyType === 'ed25519' ? 4096 : (p.key?.bits ?? 0));
  const usable = dkim.selectors.filter((p) => (p.status === 'key' || p.status === 'multiple') && p.key?.usable).sort((a, b) => strength(b) - strength(a));
  const best = usable[0];
  if (best) return { result: 'pass', aligned: true, domain: dkim.domain, selector: best.selector, basis: 'assumed-intact' };
  const unusable = dkim.selectors.find((p) => p.status === 'key' || p.status === 'multiple');
  if (unusable) return { result: 'fail', aligned: true, domain: dkim.domain, selector: unusable.selector, basis: 'unusable-key' };
  // a probe that failed may be the selector the domain signs with: the outcome is open
  if (dkim.selectors.some((p) => p.status === 'dns-error')) {
    return { result: 'temperror', aligned: false, domain: null, selector: null, basis: 'dns-error' };
  }
  return { result: 'none', aligned: false, domain: null, selector: null, basis: 'no-usable-key' };
};

/** DMARC as RFC 7489 defines it (Public Suffix List discovery and alignment), beside mailauth's RFC 9989 result. */
const dmarc7489 = (dmarc: DmarcRecords, fromDomain: string, spfDomain: string | null, dkimDomain: string | null): ArrivalDmarc['rfc7489'] => {
  const d = dmarc.rfc7489;
  if (d.error) return { result: 'temperror', policy: null, policyDomain: null };
  const lookup = appliedLookup(d);
  if (!lookup?.parsed || lookup.parsed.effectiveP7489 === null) return { result: 'none', policy: null, policyDomain: null };
  const org = d.orgDomain ?? organizationalDomain7489(fromDomain);
  const aligns = (id: string | null, mode: 'r' | 's') => id !== null && (mode === 's' ? id === fromDomain : organizationalDomain7489(id) === org);
  const pass = aligns(spfDomain, lookup.parsed.tags.aspf) || aligns(dkimDomain, lookup.parsed.tags.adkim);
  return { result: pass ? 'pass' : 'fail', policy: d.policy, policyDomain: lookup.domain };
};

export const simulatePath = async (resolver: Resolver, input: PathInput): Promise<Arrival[]> => {
  const dkim = simulateDkim(input.dkim);
  return Promise.all(
    input.hops.map(async (hop, i): Promise<Arrival> => {
      const receiver = i === input.hops.length - 1 ? 'gmail' : `relay-${i + 2}`;
      const spf = await evaluateSpf(resolver, { ip: hop.relay, mailFrom: input.mailFrom, helo: input.helo, receiver: receiver === 'gmail' ? 'mx.google.com' : receiver });
      const spfDomain = spf.result === 'pass' ? spf.domain : null;
      const dkimDomain = dkim.result === 'pass' ? dkim.domain : null;
      const evaluated = await evaluateDmarc(resolver, { fromDomain: input.fromDomain, spfDomain, dkimDomains: dkimDomain ? [dkimDomain] : [] });
      const result: DmarcResult = evaluated.result;
      return {
        relay: hop.relay,
        relaySource: hop.source,
        receiver,
        spf: { result: spf.result, domain: spf.domain, identity: spf.identity },
        // d= is the From domain itself, so it aligns in relaxed and strict mode alike
        dkim: { ...dkim, aligned: dkim.domain === input.fromDomain || evaluated.dkimAligned },
        dmarc: {
          result,
          // the one applied policy (src/records/dmarc-policy.ts): mailauth knows no pct
          policy: result === 'none' ? null : input.dmarc.applied.policy,
          policyDomain: evaluated.policyDomain,
          rfc7489: dmarc7489(input.dmarc, input.fromDomain, spfDomain, dkimDomain),
        },
      };
    }),
  );
};
