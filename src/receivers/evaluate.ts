// One evaluation for every receiver: the arrival is reduced to an authentication case, and the
// receiver's rule for that case (data) gives the action and the reply.
import type { Arrival } from '../report/types.ts';
import { ACTION_RANK, type AuthCase, type PredictionCase, type ReceiverAction, type ReceiverInput, type ReceiverModel, type ReceiverPrediction, type ReceiverRule } from './types.ts';

type DmarcView = Pick<Arrival['dmarc'], 'result' | 'policy'>;

/**
 * The authentication case of an arrival under one DMARC view, in Gmail's decision order: a DNS
 * failure only matters when it leaves the outcome open (an aligned pass stands on its own).
 */
export const authCase = (arrival: Pick<Arrival, 'spf' | 'dkim'>, dmarc: DmarcView, spfDashAll: boolean, domainExists = true): AuthCase => {
  if (!domainExists) return 'no-domain';
  const spfPass = arrival.spf.result === 'pass';
  const dkimPass = arrival.dkim.result === 'pass';
  // an unreadable key lookup leaves aligned DKIM open while no aligned signature passes
  const dnsTrouble = arrival.spf.result === 'temperror' || arrival.dkim.result === 'temperror' || (!arrival.dkim.aligned && (arrival.dkim.unreadable?.length ?? 0) > 0);
  const enforcing = dmarc.policy === 'reject' || dmarc.policy === 'quarantine';
  // DMARC could not be evaluated: the DMARC replies name "domain's DMARC policy", so they apply
  // only when an enforcing policy was read; otherwise the outcome is simply open
  if (dmarc.result === 'temperror') return enforcing ? 'dmarc-dns-trouble' : 'auth-dns-trouble';
  if (dmarc.result === 'pass') return 'dmarc-pass';
  const enforced = dmarc.result === 'fail' && enforcing;
  if (enforced && dnsTrouble) return 'dmarc-dns-trouble';
  if (enforced) return dmarc.policy === 'reject' ? 'dmarc-reject' : 'dmarc-quarantine';
  // no enforcing policy: the all-senders rule, SPF or DKIM must pass (Gmail 81126, Yahoo)
  if (spfPass || dkimPass) return 'authenticated';
  if (dnsTrouble) return 'auth-dns-trouble';
  if (arrival.spf.result === 'fail' && spfDashAll) return 'spf-hard-fail';
  return 'unauthenticated';
};

/**
 * The arrival as a receiver that does not verify Ed25519 (RFC 8463) sees it: a passing signature
 * made with an Ed25519 key counts as no signature, and a DMARC pass that rested on it alone
 * becomes a fail (RFC 7489 4.2: SPF must then pass aligned). README "Sources": never predict a pass
 * that rests on an Ed25519 key alone where verification is not known.
 */
export const asSeenBy = (model: ReceiverModel, input: ReceiverInput): { arrival: Arrival; ed25519Ignored: boolean } => {
  const { arrival } = input;
  const selector = arrival.dkim.selector;
  const keyType = selector === null ? null : (input.keyTypes[selector] ?? null);
  if (model.capabilities.verifiesEd25519 === true || arrival.dkim.result !== 'pass' || keyType !== 'ed25519') return { arrival, ed25519Ignored: false };
  const spfCarries = arrival.spf.result === 'pass' && input.spfAligned;
  const demote = <T extends { result: Arrival['dmarc']['result'] }>(d: T): T => (d.result === 'pass' && !spfCarries ? { ...d, result: 'fail' } : d);
  return {
    arrival: {
      ...arrival,
      dkim: {
        ...arrival.dkim,
        result: 'none',
        aligned: false,
        // each Ed25519 signature says why it counts for nothing here, so that no view of the
        // arrival shows a pass the receiver does not see
        signatures: (arrival.dkim.signatures ?? []).map((s) => (s.keyType === 'ed25519' && s.result === 'pass' ? { ...s, result: 'none', problem: { code: 'receiver-ignores-ed25519' } } : s)),
      },
      dmarc: { ...demote(arrival.dmarc), rfc7489: demote(arrival.dmarc.rfc7489) },
    },
    ed25519Ignored: true,
  };
};

/** Fills a reply template: {domain}, {spfDomain}, {ip}, {policy}. */
export const fillReply = (template: string, vars: Record<'domain' | 'spfDomain' | 'ip' | 'policy', string>): string =>
  template.replace(/\{(domain|spfDomain|ip|policy)\}/g, (_, key: keyof typeof vars) => vars[key]);

interface Outcome {
  action: ReceiverAction;
  case: AuthCase;
}

const fromRule = (model: ReceiverModel, rule: ReceiverRule, c: PredictionCase, vars: Parameters<typeof fillReply>[1], ed25519Ignored: boolean): ReceiverPrediction => {
  const reply = rule.reply === null ? undefined : model.replies[rule.reply];
  const sourceIds = new Set([rule.source, reply?.source].filter((s): s is string => s !== null && s !== undefined));
  return {
    id: model.id,
    name: model.name,
    action: rule.action,
    smtp: reply ? fillReply(reply.text, vars) : null,
    case: c,
    basis: rule.basis,
    smtpBasis: reply?.basis ?? null,
    ed25519Ignored,
    arcMayHelp: false,
    sources: model.sources.filter((s) => sourceIds.has(s.id)),
  };
};

/** DMARC failures a forwarder's ARC seal may save at a receiver that weighs ARC. */
const ARC_CASES: ReadonlySet<PredictionCase> = new Set(['dmarc-reject', 'dmarc-quarantine']);

/**
 * One receiver's prediction for its arrival. Receivers run both DMARC generations today; when
 * RFC 7489 and RFC 9989 lead to different actions, the worse one is predicted and the other is
 * kept as the alternative (as for Gmail).
 */
export const predictReceiver = (model: ReceiverModel, input: ReceiverInput): ReceiverPrediction => {
  const { arrival, ed25519Ignored } = asSeenBy(model, input);
  const vars = { domain: input.fromDomain, spfDomain: arrival.spf.domain, ip: arrival.relay, policy: arrival.dmarc.policy ?? 'none' };
  // a rule about the relay's IP comes first: the receiver knows the IP before it sees the message
  const ipRule = input.relayFcrdns === 'failed' && input.domainExists ? model.relayRules.noFcrdns : null;
  if (ipRule) return fromRule(model, ipRule, 'relay-no-fcrdns', vars, ed25519Ignored);
  const outcome = (dmarc: DmarcView): Outcome => {
    const c = authCase(arrival, dmarc, input.spfDashAll, input.domainExists);
    return { action: model.rules[c].action, case: c };
  };
  const modern = outcome(arrival.dmarc);
  const legacy = outcome(arrival.dmarc.rfc7489);
  const legacyWorse = ACTION_RANK[legacy.action] > ACTION_RANK[modern.action];
  const chosen = legacyWorse ? legacy : modern;
  const policy = (legacyWorse ? arrival.dmarc.rfc7489.policy : arrival.dmarc.policy) ?? 'none';
  const prediction = fromRule(model, model.rules[chosen.case], chosen.case, { ...vars, policy }, ed25519Ignored);
  // RFC 8617: a receiver may, by its own policy, accept a DMARC failure that a trusted sealer
  // vouches for; it never turns DMARC into a pass (README "Sources"), so only a flag, never the action
  prediction.arcMayHelp = model.capabilities.considersArc === true && ARC_CASES.has(chosen.case) && (arrival.arc?.vouchedPass ?? false);
  if (modern.action !== legacy.action) {
    prediction.alternative = legacyWorse ? { action: modern.action, method: 'rfc9989' } : { action: legacy.action, method: 'rfc7489' };
  }
  return prediction;
};
