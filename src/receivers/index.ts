// The receivers fwdcheck models, by id, and the one function that evaluates the last arrival for
// each receiver asked for (--to), best first for this sender.
import { organizationalDomain7489 } from '../records/fetch-dmarc.ts';
import type { DkimSelectorProbe } from '../records/fetch-dkim.ts';
import type { Arrival } from '../report/types.ts';
import { predictReceiver } from './evaluate.ts';
import { gmail } from './gmail.ts';
import { icloud } from './icloud.ts';
import { outlook } from './outlook.ts';
import { proton } from './proton.ts';
import { yahoo } from './yahoo.ts';
import { ACTION_RANK, RECEIVER_IDS, type ReceiverId, type ReceiverInput, type ReceiverModel, type ReceiverPrediction } from './types.ts';

export const RECEIVERS: Readonly<Record<ReceiverId, ReceiverModel>> = { gmail, outlook, yahoo, icloud, proton };

export { isReceiverId, receiverIdOf } from './ids.ts';

/** Whether an SPF pass for spfDomain aligns with From under aspf (RFC 7489 3.1.2). */
export const spfAligns = (spfDomain: string, fromDomain: string, aspf: 'r' | 's'): boolean =>
  aspf === 's' ? spfDomain === fromDomain : organizationalDomain7489(spfDomain) === organizationalDomain7489(fromDomain);

export interface ReceiverFacts {
  fromDomain: string;
  /** The last arrival: what every receiver sees. */
  arrival: Arrival;
  /** The SPF record in force for the MAIL FROM domain ends in "-all". */
  spfDashAll: boolean;
  /** The DKIM selectors probed at the From domain. */
  selectors: readonly Pick<DkimSelectorProbe, 'selector' | 'keyType' | 'key'>[];
  /** aspf of the DMARC record that applies ("r" without one). */
  aspf: 'r' | 's';
  /** false when the From domain does not exist. */
  domainExists?: boolean;
  /** Forward-confirmed reverse DNS of the last relay; absent: not checked. */
  relayFcrdns?: 'ok' | 'failed';
}

/** The facts every receiver needs, taken from a check. */
export const receiverInput = (facts: ReceiverFacts): ReceiverInput => {
  const { arrival, fromDomain } = facts;
  const keyTypes: Record<string, string | null> = {};
  for (const probe of facts.selectors) keyTypes[probe.selector] = probe.key?.keyType ?? probe.keyType ?? null;
  return {
    fromDomain,
    arrival,
    spfDashAll: facts.spfDashAll,
    keyTypes,
    spfAligned: arrival.spf.result === 'pass' && spfAligns(arrival.spf.domain, fromDomain, facts.aspf),
    domainExists: facts.domainExists ?? true,
    ...(facts.relayFcrdns ? { relayFcrdns: facts.relayFcrdns } : {}),
  };
};

/** Predictions for the receivers asked for, best first (then in the order of RECEIVER_IDS). */
export const predictReceivers = (ids: readonly ReceiverId[], input: ReceiverInput): ReceiverPrediction[] => {
  const unique = RECEIVER_IDS.filter((id) => ids.includes(id));
  const rank = (p: ReceiverPrediction) => ACTION_RANK[p.action] * 10 + (p.alternative ? ACTION_RANK[p.alternative.action] : ACTION_RANK[p.action]);
  return unique
    .map((id) => predictReceiver(RECEIVERS[id], input))
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map(({ p }) => p);
};

export { RECEIVER_IDS, type ReceiverId, type ReceiverModel, type ReceiverPrediction } from './types.ts';
