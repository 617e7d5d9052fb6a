import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSpfRecord, parseSpf } from '../../src/records/parse-spf.ts';

describe('isSpfRecord', () => {
  const table: [string, boolean][] = [
    ['v=spf1 -all', true],
    ['v=spf1', true],
    ['V=SPF1 mx', true],
    ['v=spf10 -all', false],
    ['v=spf1-all', false],
    [' v=spf1 -all', false],
    ['spf2.0/pra -all', false],
  ];
  for (const [txt, expected] of table) it(`${JSON.stringify(txt)} -> ${expected}`, () => assert.equal(isSpfRecord(txt), expected));
});

describe('parseSpf', () => {
  it('parses mechanisms, qualifiers, cidrs and modifiers', () => {
    const { terms, issues } = parseSpf('v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a:mail.example.com/28//64 -mx ~include:_spf.example.net redirect=example.org');
    assert.deepEqual(issues, []);
    assert.deepEqual(
      terms.map((t) => (t.kind === 'mechanism' ? [t.qualifier, t.mechanism, t.domainSpec ?? t.network ?? null, t.cidr4 ?? null, t.cidr6 ?? null] : [t.name, t.value])),
      [
        ['+', 'ip4', '192.0.2.0', 24, null],
        ['+', 'ip6', '2001:db8::', null, 32],
        ['+', 'a', 'mail.example.com', 28, 64],
        ['-', 'mx', null, null, null],
        ['~', 'include', '_spf.example.net', null, null],
        ['redirect', 'example.org'],
      ],
    );
  });
  const errors: [string, string][] = [
    ['v=spf1 ip4:192.0.2.1 foo:bar', 'unknown-mechanism'],
    ['v=spf1 include -all', 'missing-argument'],
    ['v=spf1 include:example -all', 'bad-domain-spec'],
    ['v=spf1 a:example.123 -all', 'bad-domain-spec'],
    ['v=spf1 ip4:192.0.2.300', 'bad-ip'],
    ['v=spf1 ip4:192.0.2.0/33', 'bad-cidr'],
    ['v=spf1 ip6:2001:db8::/129', 'bad-cidr'],
    ['v=spf1 a/032', 'bad-cidr'],
    ['v=spf1 exists:%{c}.example.com', 'macro-letter-outside-exp'],
    ['v=spf1 exists:%{x}.example.com', 'bad-macro'],
    ['v=spf1 exists:%{i0}.example.com', 'bad-macro'],
    ['v=spf1 redirect=a.example redirect=b.example', 'duplicate-modifier'],
    ['v=spf1 all:x', 'unexpected-argument'],
    ['v=spf1 exp=', 'missing-argument'],
  ];
  for (const [record, reason] of errors) {
    it(`${record} -> ${reason}`, () => assert.ok(parseSpf(record).issues.some((i) => i.reason === reason), JSON.stringify(parseSpf(record).issues)));
  }
  it('accepts macros in domain-specs and unknown modifiers', () => {
    assert.deepEqual(parseSpf('v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} moo=bar%%baz -all').issues, []);
  });
});
