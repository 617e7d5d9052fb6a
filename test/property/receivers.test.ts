// Property tests of the receiver models (fast-check) over random arrivals: the invariants every
// receiver keeps whatever SPF, DKIM and DMARC gave.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { asSeenBy, predictReceiver } from '../../src/receivers/evaluate.ts';
import { predictGmail } from '../../src/receivers/gmail.ts';
import { predictReceivers, RECEIVERS } from '../../src/receivers/index.ts';
import { ACTION_RANK, RECEIVER_IDS, type ReceiverInput } from '../../src/receivers/types.ts';
import type { Arrival } from '../../src/report/types.ts';

const RUNS = { numRuns: 300 } as const;

const spfResult = fc.constantFrom('pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror');
const dmarcResult = fc.constantFrom('pass', 'fail', 'none', 'temperror', 'permerror');
const policy = fc.constantFrom(null, 'none', 'quarantine', 'reject');

const inputs = fc
  .record({
    spf: spfResult,
    dkim: fc.constantFrom('pass', 'fail', 'none', 'temperror'),
    selector: fc.constantFrom('rsa1', 'ed1'),
    dmarc: dmarcResult,
    policy,
    legacy: dmarcResult,
    legacyPolicy: policy,
    unreadable: fc.boolean(),
    spfDashAll: fc.boolean(),
    spfAligned: fc.boolean(),
    domainExists: fc.boolean(),
    relayFcrdns: fc.constantFrom(undefined, 'ok', 'failed'),
  })
  .map((r): ReceiverInput => {
    const arrival = {
      relay: '203.0.113.7',
      relaySource: 'given',
      receiver: 'gmail',
      spf: { result: r.spf, domain: 'example.com', identity: 'mailfrom' },
      dkim: { result: r.dkim, aligned: r.dkim === 'pass', domain: 'example.com', selector: r.selector, basis: 'assumed-intact', signatures: [], unreadable: r.unreadable ? ['x._domainkey.example.com'] : [] },
      dmarc: { result: r.dmarc, policy: r.policy, policyDomain: 'example.com', rfc7489: { result: r.legacy, policy: r.legacyPolicy, policyDomain: 'example.com' } },
    } as unknown as Arrival;
    const input: ReceiverInput = {
      fromDomain: 'example.com',
      arrival,
      spfDashAll: r.spfDashAll,
      keyTypes: { rsa1: 'rsa', ed1: 'ed25519' },
      spfAligned: r.spf === 'pass' && r.spfAligned,
      domainExists: r.domainExists,
    };
    if (r.relayFcrdns) input.relayFcrdns = r.relayFcrdns;
    return input;
  });

describe('receiver models over random arrivals', () => {
  it('list best first, quote a reply only for what is not delivered, cite a source unless nothing is published', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const all = predictReceivers(RECEIVER_IDS, input);
        assert.deepEqual(all.map((p) => p.id).sort(), [...RECEIVER_IDS].sort());
        for (let i = 1; i < all.length; i++) assert.ok(ACTION_RANK[all[i - 1]!.action] <= ACTION_RANK[all[i]!.action]);
        for (const p of all) {
          if (p.action === 'inbox' || p.action === 'inbox-warning' || p.action === 'spam' || p.action === 'unknown') assert.equal(p.smtp, null, `${p.id} ${p.action}`);
          assert.equal(p.sources.length === 0, p.basis === 'not-published', p.id);
          if (p.alternative) assert.ok(ACTION_RANK[p.alternative.action] < ACTION_RANK[p.action], 'the worse of the two generations is predicted');
        }
      }),
      RUNS,
    );
  });

  it('never deliver on an Ed25519 signature alone at a receiver not known to verify it', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        for (const id of RECEIVER_IDS) {
          const p = predictReceiver(RECEIVERS[id], input);
          const restsOnEd25519 = input.arrival.dkim.result === 'pass' && input.arrival.dkim.selector === 'ed1' && !input.spfAligned;
          if (restsOnEd25519 && RECEIVERS[id].capabilities.verifiesEd25519 !== true) assert.notEqual(p.case, 'dmarc-pass', id);
        }
      }),
      RUNS,
    );
  });

  it('the top-level Gmail prediction is the Gmail receiver on Gmail\'s view of the arrival', () => {
    fc.assert(
      fc.property(inputs.filter((i) => i.domainExists), (input) => {
        const view = asSeenBy(RECEIVERS.gmail, input).arrival;
        const ctx = input.relayFcrdns ? { spfDashAll: input.spfDashAll, relayFcrdns: input.relayFcrdns } : { spfDashAll: input.spfDashAll };
        const top = predictGmail(input.fromDomain, view, ctx);
        const entry = predictReceiver(RECEIVERS.gmail, input);
        assert.deepEqual([entry.action, entry.smtp, entry.alternative], [top.action, top.smtp, top.alternative]);
      }),
      RUNS,
    );
  });
});
