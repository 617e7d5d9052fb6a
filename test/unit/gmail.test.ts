import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Arrival } from '../../src/report/types.ts';
import { gmailReply, predictGmail, verdictOf } from '../../src/receivers/gmail.ts';

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
  // DMARC could not be read: no reply is quoted (none of Google's texts is known to apply)
  ['fail', 'none', 'temperror', null, 'tempfail', null, 'unknown'],
  // the policy was read, the alignment was not: Google's 451 names the domain's DMARC policy
  ['fail', 'none', 'temperror', 'reject', 'tempfail', '451 4.7.26', 'unknown'],
  ['permerror', 'none', 'fail', 'reject', 'reject', '550 5.7.26', 'fail'],
  // no enforcing policy: a DNS failure matters only when nothing else passed
  ['pass', 'temperror', 'none', null, 'inbox', null, 'pass'],
  // 421 4.7.26 is Google's rate limiting, not a DNS-failure reply: nothing is quoted
  ['temperror', 'none', 'none', null, 'tempfail', null, 'unknown'],
  ['fail', 'temperror', 'fail', 'none', 'tempfail', null, 'unknown'],
  // an enforcing policy with DNS trouble: 451
  ['fail', 'temperror', 'fail', 'reject', 'tempfail', '451 4.7.26', 'unknown'],
];

const arrival = (spf: string, dkim: string, dmarc: string, policy: string | null): Arrival =>
  ({
    relay: '203.0.113.7',
    relaySource: 'given',
    receiver: 'gmail',
    spf: { result: spf, domain: 'example.com', identity: 'mailfrom' },
    dkim: { result: dkim, aligned: dkim === 'pass', domain: dkim === 'pass' ? 'example.com' : null, selector: null, basis: 'assumed-intact' },
    dmarc: { result: dmarc, policy, policyDomain: 'example.com', rfc7489: { result: dmarc, policy, policyDomain: 'example.com' } },
  }) as Arrival;

describe('Gmail replies in Google\'s current wording (support page 3726730)', () => {
  it('says "This email" and "(E)MAIL FROM"', () => {
    assert.match(gmailReply.unauthenticated('example.com', '192.0.2.1'), /^550 5\.7\.26 This email has been blocked because the sender is unauthenticated\./);
    assert.match(gmailReply.spfHardFail('example.com', '192.0.2.1'), /^550 5\.7\.26 The \(E\)MAIL FROM domain \[example\.com\] has an SPF record with a hard fail policy \(-all\)/);
    assert.match(gmailReply.unauthenticatedRateLimited('example.com', '192.0.2.1'), /^421 4\.7\.26 This email has been rate limited because it is unauthenticated\./);
    assert.match(gmailReply.dmarcTempfail('example.com'), /^451 4\.7\.26 Unauthenticated email from example\.com is not accepted due to domain's DMARC policy, but temporary DNS failures prevent authentication/);
  });
});

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
