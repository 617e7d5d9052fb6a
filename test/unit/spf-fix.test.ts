import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spfFix } from '../../src/records/spf-fix.ts';
import { finding, type Finding } from '../../src/report/findings.ts';

const RECORD = 'v=spf1 ip4:203.0.113.7 ptr include:nospf.broken.example -all foo:bar';
const MECHANICAL: Finding[] = [
  finding('SPF_SYNTAX_ERROR', 'error', { domain: 'broken.example', term: 'foo:bar', reason: 'unknown-mechanism' }),
  finding('SPF_PTR', 'warning', { domain: 'broken.example', term: 'ptr' }),
  finding('SPF_INCLUDE_MISSING', 'error', { domain: 'broken.example', target: 'nospf.broken.example', via: 'include' }),
];

describe('the corrected SPF record (mechanical fixes only)', () => {
  it('leaves out the terms that make receivers answer permerror, and ptr', () => {
    assert.deepEqual(spfFix('broken.example', RECORD, MECHANICAL), {
      record: 'v=spf1 ip4:203.0.113.7 -all',
      removed: ['ptr', 'include:nospf.broken.example', 'foo:bar'],
    });
  });

  it('gives no record where a fix needs judgement: over 10 lookups, several records, +all', () => {
    for (const extra of [
      finding('SPF_TOO_MANY_LOOKUPS', 'error', { count: 11, limit: 10 }),
      finding('SPF_TOO_MANY_VOID_LOOKUPS', 'error', { count: 3, limit: 2, names: ['a.example', 'b.example', 'c.example'] }),
      finding('SPF_MULTIPLE_RECORDS', 'error', { domain: 'broken.example', count: 2 }),
      finding('SPF_PASS_ALL', 'error', { domain: 'broken.example' }),
    ]) {
      assert.equal(spfFix('broken.example', RECORD, [...MECHANICAL, extra]), null, extra.code);
    }
  });

  it('ignores problems of other domains in the tree, and has nothing to say without a problem of its own', () => {
    const other = finding('SPF_SYNTAX_ERROR', 'error', { domain: 'other.example', term: 'foo:bar', reason: 'unknown-mechanism' });
    assert.equal(spfFix('broken.example', RECORD, [other]), null);
    assert.equal(spfFix('broken.example', null, MECHANICAL), null);
  });

  it('a syntax issue over a stretch of text (bad white space) is not a term to drop: no record', () => {
    const ws = finding('SPF_SYNTAX_ERROR', 'error', { domain: 'broken.example', term: 'ip4:203.0.113.7\tptr', reason: 'bad-whitespace' });
    assert.equal(spfFix('broken.example', RECORD, [...MECHANICAL, ws]), null);
  });
});
