import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Arrival } from '../../src/report/types.ts';
import { authCase, predictReceiver } from '../../src/receivers/evaluate.ts';
import { predictReceivers, RECEIVERS, receiverIdOf, spfAligns } from '../../src/receivers/index.ts';
import { AUTH_CASES, RECEIVER_IDS, type ReceiverId, type ReceiverInput } from '../../src/receivers/types.ts';
import { noDomainPrediction, predictGmail } from '../../src/receivers/gmail.ts';
import * as reference from '../helpers/gmail-reference.ts';

// what one receiver does: action and the start of its reply (null: no reply text)
type Expect = [action: string, reply: string | null];
type Row = [spf: string, dkim: string, dmarc: string, policy: string | null, expected: Record<ReceiverId, Expect>];

const all = (action: string, reply: string | null = null): Record<ReceiverId, Expect> =>
  Object.fromEntries(RECEIVER_IDS.map((id) => [id, [action, reply]])) as Record<ReceiverId, Expect>;

// SPF, DKIM, DMARC result and policy at the last arrival -> each receiver's action and reply code
const TABLE: Row[] = [
  ['fail', 'pass', 'pass', 'reject', all('inbox')],
  ['pass', 'none', 'pass', 'reject', all('inbox')],
  // DMARC fails under p=reject: everyone but Proton rejects, each with its own reply
  ['fail', 'none', 'fail', 'reject', { gmail: ['reject', '550 5.7.26'], outlook: ['reject', '550 5.7.509'], yahoo: ['reject', '554 5.7.9'], icloud: ['reject', '550 5.7.1'], proton: ['inbox-warning', null] }],
  // an unaligned SPF pass (SRS) does not help under an enforcing policy
  ['pass', 'none', 'fail', 'reject', { gmail: ['reject', '550 5.7.26'], outlook: ['reject', '550 5.7.509'], yahoo: ['reject', '554 5.7.9'], icloud: ['reject', '550 5.7.1'], proton: ['inbox-warning', null] }],
  // p=quarantine: Outlook.com rejects it as it rejects p=reject
  ['softfail', 'none', 'fail', 'quarantine', { gmail: ['spam', null], outlook: ['reject', '550 5.7.509'], yahoo: ['spam', null], icloud: ['spam', null], proton: ['inbox-warning', null] }],
  // no enforcing policy, nothing passes: only Gmail and Yahoo publish a rule
  ['softfail', 'none', 'fail', 'none', { gmail: ['reject', '550 5.7.26'], outlook: ['unknown', null], yahoo: ['reject', null], icloud: ['unknown', null], proton: ['inbox-warning', null] }],
  ['fail', 'none', 'none', null, { gmail: ['reject', '550 5.7.26'], outlook: ['unknown', null], yahoo: ['reject', null], icloud: ['unknown', null], proton: ['inbox-warning', null] }],
  // no enforcing policy, SPF or DKIM passes (unaligned is enough)
  ['neutral', 'pass', 'none', null, all('inbox')],
  ['pass', 'none', 'fail', 'none', all('inbox')],
  // DNS trouble: Gmail names its reply, Yahoo publishes only "a 4xx", the others nothing
  ['temperror', 'none', 'fail', 'reject', { gmail: ['tempfail', '451 4.7.26'], outlook: ['unknown', null], yahoo: ['tempfail', null], icloud: ['unknown', null], proton: ['unknown', null] }],
  ['fail', 'none', 'temperror', null, { gmail: ['tempfail', null], outlook: ['unknown', null], yahoo: ['tempfail', null], icloud: ['unknown', null], proton: ['unknown', null] }],
  ['temperror', 'none', 'none', null, { gmail: ['tempfail', null], outlook: ['unknown', null], yahoo: ['tempfail', null], icloud: ['unknown', null], proton: ['unknown', null] }],
  // an aligned pass stands whatever DNS did elsewhere
  ['temperror', 'pass', 'pass', 'reject', all('inbox')],
  ['permerror', 'none', 'fail', 'reject', { gmail: ['reject', '550 5.7.26'], outlook: ['reject', '550 5.7.509'], yahoo: ['reject', '554 5.7.9'], icloud: ['reject', '550 5.7.1'], proton: ['inbox-warning', null] }],
];

const arrival = (spf: string, dkim: string, dmarc: string, policy: string | null, legacy?: { result: string; policy: string | null }, selector: string | null = null): Arrival =>
  ({
    relay: '203.0.113.7',
    relaySource: 'given',
    receiver: 'gmail',
    spf: { result: spf, domain: 'example.com', identity: 'mailfrom' },
    dkim: { result: dkim, aligned: dkim === 'pass', domain: dkim === 'pass' ? 'example.com' : null, selector: dkim === 'pass' ? (selector ?? 's1') : null, basis: 'assumed-intact' },
    dmarc: { result: dmarc, policy, policyDomain: 'example.com', rfc7489: { result: legacy?.result ?? dmarc, policy: legacy ? legacy.policy : policy, policyDomain: 'example.com' } },
  }) as Arrival;

const input = (a: Arrival, extra: Partial<ReceiverInput> = {}): ReceiverInput => ({
  fromDomain: 'example.com',
  arrival: a,
  spfDashAll: true,
  keyTypes: { s1: 'rsa', ed: 'ed25519' },
  spfAligned: a.spf.result === 'pass' && a.dmarc.result === 'pass',
  domainExists: true,
  ...extra,
});

describe('receivers: decision table', () => {
  for (const [spf, dkim, dmarc, policy, expected] of TABLE) {
    for (const id of RECEIVER_IDS) {
      const [action, reply] = expected[id];
      it(`${id}: SPF ${spf}, DKIM ${dkim}, DMARC ${dmarc} (${policy}) -> ${action}${reply ? ` ${reply}` : ''}`, () => {
        const p = predictReceiver(RECEIVERS[id], input(arrival(spf, dkim, dmarc, policy)));
        assert.equal(p.action, action);
        assert.equal(p.smtp?.slice(0, reply?.length ?? 0) ?? null, reply);
        assert.equal(p.id, id);
        // every prediction names where its rule comes from, or says nothing is published
        if (p.basis === 'not-published') assert.equal(p.sources.length, 0);
        else assert.ok(p.sources.length > 0, 'a published or second-hand rule cites a source');
      });
    }
  }

  it('fills the reply with the From domain, the SPF domain and the relay', () => {
    const a = arrival('fail', 'none', 'fail', 'reject');
    assert.equal(predictReceiver(RECEIVERS.outlook, input(a)).smtp, '550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.');
    assert.equal(predictReceiver(RECEIVERS.icloud, input(a)).smtp, '550 5.7.1 Your message was rejected due to example.com DMARC policy.');
    assert.equal(predictReceiver(RECEIVERS.icloud, input(a)).smtpBasis, 'second-hand');
    assert.equal(predictReceiver(RECEIVERS.yahoo, input(a)).smtpBasis, 'published');
    assert.match(predictReceiver(RECEIVERS.gmail, input(arrival('fail', 'none', 'none', null))).smtp ?? '', /\[example\.com\] .*\[203\.0\.113\.7\]/);
  });

  it('an Ed25519-only DKIM pass counts as no signature at every receiver (none is known to verify it)', () => {
    const a = arrival('fail', 'pass', 'pass', 'reject', undefined, 'ed');
    for (const id of RECEIVER_IDS) {
      const p = predictReceiver(RECEIVERS[id], input(a));
      assert.equal(p.ed25519Ignored, true, id);
      assert.equal(p.case, 'dmarc-reject', id);
    }
    // an aligned SPF pass still carries DMARC
    const viaSpf = predictReceiver(RECEIVERS.outlook, input(arrival('pass', 'pass', 'pass', 'reject', undefined, 'ed'), { spfAligned: true }));
    assert.deepEqual([viaSpf.action, viaSpf.ed25519Ignored], ['inbox', true]);
    // an RSA signature is not touched
    assert.equal(predictReceiver(RECEIVERS.gmail, input(arrival('fail', 'pass', 'pass', 'reject'))).ed25519Ignored, false);
  });

  it('keeps the other DMARC generation as the alternative, predicting the worse', () => {
    // RFC 9989 finds no policy, RFC 7489 finds p=reject
    const a = arrival('fail', 'none', 'none', null, { result: 'fail', policy: 'reject' });
    const outlook = predictReceiver(RECEIVERS.outlook, input(a));
    assert.deepEqual([outlook.action, outlook.case, outlook.alternative], ['reject', 'dmarc-reject', { action: 'unknown', method: 'rfc9989' }]);
    const yahoo = predictReceiver(RECEIVERS.yahoo, input(a));
    assert.deepEqual([yahoo.action, yahoo.alternative], ['reject', undefined]);
  });

  it('an ARC seal vouching for an earlier pass may help where the receiver weighs ARC, and never changes the action', () => {
    const sealed = (a: Arrival): Arrival => ({ ...a, arc: { sets: 1, sealers: ['fwd.example'], vouchedPass: true } });
    const flags = (a: Arrival) => RECEIVER_IDS.map((id) => {
      const p = predictReceiver(RECEIVERS[id], input(a));
      return `${id}:${p.action}:${p.arcMayHelp}`;
    });
    assert.deepEqual(flags(sealed(arrival('fail', 'none', 'fail', 'reject'))), ['gmail:reject:false', 'outlook:reject:true', 'yahoo:reject:true', 'icloud:reject:true', 'proton:inbox-warning:false']);
    assert.deepEqual(flags(sealed(arrival('fail', 'none', 'fail', 'quarantine'))), ['gmail:spam:false', 'outlook:reject:true', 'yahoo:spam:true', 'icloud:spam:true', 'proton:inbox-warning:false']);
    // nothing to save: a pass, or no DMARC policy at all
    assert.ok(flags(sealed(arrival('fail', 'pass', 'pass', 'reject'))).every((f) => f.endsWith(':false')));
    assert.ok(flags(sealed(arrival('fail', 'none', 'none', null))).every((f) => f.endsWith(':false')));
    // a seal that saw no pass vouches for nothing
    assert.ok(flags({ ...arrival('fail', 'none', 'fail', 'reject'), arc: { sets: 1, sealers: ['x'], vouchedPass: false } } as Arrival).every((f) => f.endsWith(':false')));
  });

  it('lists the receivers best first', () => {
    const order = predictReceivers(RECEIVER_IDS, input(arrival('softfail', 'none', 'fail', 'quarantine'))).map((p) => `${p.id}:${p.action}`);
    assert.deepEqual(order, ['proton:inbox-warning', 'gmail:spam', 'yahoo:spam', 'icloud:spam', 'outlook:reject']);
    assert.deepEqual(predictReceivers(['yahoo', 'yahoo'], input(arrival('pass', 'pass', 'pass', 'reject'))).map((p) => p.id), ['yahoo']);
  });

  it('names receivers by id or alias', () => {
    assert.deepEqual(['Hotmail', 'aol', 'ICLOUD', 'protonmail', 'gmail', 'fastmail'].map(receiverIdOf), ['outlook', 'yahoo', 'icloud', 'proton', 'gmail', null]);
  });

  it('aligns SPF under relaxed and strict aspf', () => {
    assert.equal(spfAligns('mail.example.com', 'example.com', 'r'), true);
    assert.equal(spfAligns('mail.example.com', 'example.com', 's'), false);
    assert.equal(spfAligns('fwd.example.net', 'example.com', 'r'), false);
  });

  it('every receiver has a rule for every case, every reply and rule source exists, every source is dated', () => {
    for (const model of Object.values(RECEIVERS)) {
      const ids = new Set(model.sources.map((s) => s.id));
      for (const c of AUTH_CASES) {
        const rule = model.rules[c];
        if (rule.reply !== null) assert.ok(model.replies[rule.reply], `${model.id} ${c}: reply ${rule.reply}`);
        if (rule.source !== null) assert.ok(ids.has(rule.source), `${model.id} ${c}: source ${rule.source}`);
        assert.equal(rule.source === null, rule.basis === 'not-published', `${model.id} ${c}: a source exactly when published`);
      }
      for (const reply of Object.values(model.replies)) assert.ok(ids.has(reply.source), `${model.id}: reply source ${reply.source}`);
      const ip = model.relayRules.noFcrdns;
      if (ip) assert.ok(ip.source !== null && ids.has(ip.source) && (ip.reply === null || model.replies[ip.reply]), `${model.id}: relay rule`);
      for (const s of model.sources) assert.match(s.read, /^\d{4}-\d{2}(-\d{2})?$/, `${model.id} ${s.id}`);
    }
    assert.equal(RECEIVERS.gmail.capabilities.verifiesEd25519, false);
    assert.equal(RECEIVERS.outlook.capabilities.verifiesEd25519, false);
  });
});

describe('receivers: Gmail moved behind the interface unchanged', () => {
  const SPF = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror'];
  const DKIM = ['pass', 'fail', 'none', 'temperror'];
  const DMARC = ['pass', 'fail', 'none', 'temperror', 'permerror'];
  const POLICY = [null, 'none', 'quarantine', 'reject'];
  it('predictGmail and the Gmail receiver agree with the frozen pre-move Gmail on every combination (both DMARC generations, -all or not)', () => {
    let n = 0;
    for (const spf of SPF) for (const dkim of DKIM) for (const dmarc of DMARC) for (const policy of POLICY) for (const legacy of ['fail', 'none', 'temperror']) for (const dashAll of [true, false]) for (const relayFcrdns of [undefined, 'ok', 'failed'] as const) for (const unreadable of [[], ['google._domainkey.example.com']]) {
      const a = arrival(spf, dkim, dmarc, policy, { result: legacy, policy: legacy === 'fail' ? 'reject' : legacy === 'temperror' ? 'quarantine' : null });
      a.dkim.unreadable = unreadable;
      const ctx = relayFcrdns ? { spfDashAll: dashAll, relayFcrdns } : { spfDashAll: dashAll };
      const before = reference.predictGmail('example.com', a, ctx);
      const label = `${spf} ${dkim} ${dmarc} ${policy} ${legacy} ${dashAll} ${relayFcrdns} ${unreadable.length}`;
      assert.deepEqual(predictGmail('example.com', a, ctx), before, label);
      assert.equal(reference.verdictOf(before), reference.verdictOf(predictGmail('example.com', a, ctx)), label);
      const receiver = predictReceiver(RECEIVERS.gmail, input(a, ctx));
      assert.deepEqual([receiver.action, receiver.smtp, receiver.alternative], [before.action, before.smtp, before.alternative], label);
      n++;
    }
    assert.equal(n, SPF.length * DKIM.length * DMARC.length * POLICY.length * 36);
    assert.deepEqual(noDomainPrediction(), reference.noDomainPrediction());
  });

  it('a relay without forward-confirmed reverse DNS: Gmail rejects it first, the others decide by authentication', () => {
    const a = arrival('fail', 'pass', 'pass', 'reject');
    const got = RECEIVER_IDS.map((id) => {
      const p = predictReceiver(RECEIVERS[id], input(a, { relayFcrdns: 'failed' }));
      return `${id}:${p.case}:${p.action}:${p.smtp?.slice(0, 10) ?? null}`;
    });
    assert.deepEqual(got, ['gmail:relay-no-fcrdns:reject:550 5.7.25', 'outlook:dmarc-pass:inbox:null', 'yahoo:dmarc-pass:inbox:null', 'icloud:dmarc-pass:inbox:null', 'proton:dmarc-pass:inbox:null']);
  });

  it('a From domain that does not exist: the no-domain case at every receiver', () => {
    const a = arrival('none', 'none', 'none', null);
    const got = RECEIVER_IDS.map((id) => {
      const p = predictReceiver(RECEIVERS[id], input(a, { domainExists: false }));
      return `${id}:${p.case}:${p.action}`;
    });
    assert.deepEqual(got, ['gmail:no-domain:reject', 'outlook:no-domain:unknown', 'yahoo:no-domain:reject', 'icloud:no-domain:unknown', 'proton:no-domain:inbox-warning']);
  });
});
