import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDmarcRecord, parseDmarc } from '../../src/records/parse-dmarc.ts';

describe('parseDmarc', () => {
  it('takes tag names and enumerated values case-insensitively', () => {
    const { tags, effectiveP } = parseDmarc('v=DMARC1; P=Reject; SP=quarantine; NP=Reject; adkim=S; ASPF=s; pct=50; t=y; rua=mailto:a@example.com, mailto:b@example.com; fo=1');
    assert.equal(effectiveP, 'reject');
    assert.deepEqual(
      { p: tags.p, sp: tags.sp, np: tags.np, adkim: tags.adkim, aspf: tags.aspf, pct: tags.pct, t: tags.t, rua: tags.rua, fo: tags.fo },
      { p: 'reject', sp: 'quarantine', np: 'reject', adkim: 's', aspf: 's', pct: 50, t: true, rua: ['mailto:a@example.com', 'mailto:b@example.com'], fo: '1' },
    );
  });
  it('defaults: relaxed alignment, pct 100', () => {
    const { tags } = parseDmarc('v=DMARC1; p=none');
    assert.deepEqual([tags.adkim, tags.aspf, tags.pct, tags.t], ['r', 'r', 100, false]);
  });
  const table: [string, 'none' | 'quarantine' | 'reject' | null, string[]][] = [
    ['v=DMARC1; p=bogus; rua=mailto:x@example.com', 'none', ['invalid-policy']],
    ['v=DMARC1; p=bogus', null, ['invalid-policy']],
    ['v=DMARC1; rua=mailto:x@example.com', 'none', ['missing-policy']],
    ['v=DMARC1; p=reject; sp=maybe', null, ['invalid-subdomain-policy']],
    ['v=DMARC1; p=reject; adkim=x; pct=101; zz=1; ri=3600', 'reject', ['invalid-alignment', 'invalid-pct', 'unknown-tag', 'obsolete-tag']],
    ['v=DMARC1; p=reject; p=none', 'none', ['duplicate-tag']],
  ];
  for (const [record, effective, codes] of table) {
    it(`${record} -> ${effective}`, () => {
      const parsed = parseDmarc(record);
      assert.equal(parsed.effectiveP, effective);
      for (const code of codes) assert.ok(parsed.issues.some((i) => i.code === code), `${code} in ${JSON.stringify(parsed.issues)}`);
    });
  }
  it('recognizes records', () => {
    assert.equal(isDmarcRecord('v=DMARC1; p=none'), true);
    assert.equal(isDmarcRecord('v=DMARC1'), true);
    assert.equal(isDmarcRecord('v=spf1 -all'), false);
    assert.equal(isDmarcRecord('p=none; v=DMARC1'), false);
  });
});
