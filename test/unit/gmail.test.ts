import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Arrival } from '../../src/report/types.ts';
import { predictGmail, verdictOf } from '../../src/simulate/gmail.ts';

type Row = [spf: string, dkim: string, dmarc: string, policy: string | null, action: string, code: string | null, verdict: string, dashAll?: boolean];

// SPF result, DKIM result, DMARC result and policy at Gmail's arrival -> action, reply code, verdict
const TABLE: Row[] = [
  ['fail', 'pass', 'pass', 'reject', 'inbox', null, 'pass'],
  ['pass', 'none', 'pass', 'reject', 'inbox', null, 'pass'],
  ['fail', 'none', 'fail', 'reject', 'reject', '550 5.7.26', 'fail'],
  ['softfail', 'none', 'fail', 'quarantine', 'spam', null, 'at-risk'],
  ['softfail', 'none', 'fail', 'none', 'reject', '550 5.7.26', 'fail'],
  ['fail', 'none', 'none', null, 'reject', '550 5.7.26', 'fail'],
  ['neutral', 'pass', 'none', null, 'inbox', null, 'pass'],
  ['temperror', 'none', 'fail', 'reject', 'tempfail', '451 4.7.26', 'unknown'],
  ['temperror', 'pass', 'pass', 'reject', 'inbox', null, 'pass'],
  ['fail', 'none', 'temperror', null, 'tempfail', '451 4.7.26', 'unknown'],
  ['permerror', 'none', 'fail', 'reject', 'reject', '550 5.7.26', 'fail'],
  // no enforcing policy: a DNS failure matters only when nothing else passed
  ['pass', 'temperror', 'none', null, 'inbox', null, 'pass'],
  ['temperror', 'none', 'none', null, 'tempfail', '421 4.7.26', 'unknown'],
  ['fail', 'temperror', 'fail', 'none', 'tempfail', '421 4.7.26', 'unknown'],
  // an enforcing policy with DNS trouble: 451
  ['fail', 'temperror', 'fail', 'reject', 'tempfail', '451 4.7.26', 'unknown'],
];

const arrival = (spf: string, dkim: string, dmarc: string, policy: string | null): Arrival =>
  ({
    relay: '203.0.113.7',
    relaySource: 'given',
    receiver: 'gmail',
    spf: { result: spf, domain: 'example.com', identity: 'mailfrom' },
    dkim: { result: dkim, aligned: dkim === 'pass', domain: dkim === 'pass' ? 'example.com' : null, selector: null, basis: 'assumed-intact', unreadable: [] },
    dmarc: { result: dmarc, policy, policyDomain: 'example.com', rfc7489: { result: dmarc, policy, policyDomain: 'example.com' } },
  }) as Arrival;

describe('predictGmail', () => {
  for (const [spf, dkim, dmarc, policy, action, code, verdict, dashAll = true] of TABLE) {
    it(`SPF ${spf}, DKIM ${dkim}, DMARC ${dmarc} (${policy}) -> ${action}`, () => {
      const p = predictGmail('example.com', arrival(spf, dkim, dmarc, policy), { spfDashAll: dashAll });
      assert.equal(p.action, action);
      assert.equal(p.smtp?.slice(0, 10) ?? null, code);
      assert.equal(verdictOf(p), verdict);
    });
  }
  it('names the -all hard fail only when the record ends in -all', () => {
    assert.equal(predictGmail('example.com', arrival('fail', 'none', 'none', null), { spfDashAll: true }).reasonCode, 'SPF_HARD_FAIL');
    assert.equal(predictGmail('example.com', arrival('fail', 'none', 'none', null), { spfDashAll: false }).reasonCode, 'UNAUTHENTICATED');
  });
});
