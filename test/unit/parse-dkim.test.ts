import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { looksLikeDkimKey, parseDkimKey, rsaBitsCacheSize, rsaBitsOf } from '../../src/records/parse-dkim.ts';

const rsa = (bits: number, type: 'spki' | 'pkcs1' = 'spki') =>
  generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type, format: 'der' }).toString('base64');
const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('base64');

describe('parseDkimKey', () => {
  const table: { name: string; record: string; keyType: string; bits: number | null; usable: boolean; problems: string[] }[] = [
    { name: 'RSA 2048', record: `v=DKIM1; k=rsa; p=${rsa(2048)}`, keyType: 'rsa', bits: 2048, usable: true, problems: [] },
    { name: 'RSA 1024 PKCS#1, testing', record: `v=DKIM1; t=y; p=${rsa(1024, 'pkcs1')}`, keyType: 'rsa', bits: 1024, usable: true, problems: ['testing', 'short-key'] },
    { name: 'RSA 512', record: `p=${rsa(512)}`, keyType: 'rsa', bits: 512, usable: false, problems: ['weak-key'] },
    { name: 'Ed25519', record: `v=DKIM1; k=ed25519; p=${ed}`, keyType: 'ed25519', bits: 256, usable: true, problems: [] },
    { name: 'revoked', record: 'v=DKIM1; p=', keyType: 'rsa', bits: null, usable: false, problems: ['revoked'] },
    { name: 'sha1 only', record: `v=DKIM1; h=sha1; p=${rsa(2048)}`, keyType: 'rsa', bits: 2048, usable: false, problems: ['sha1-only'] },
    { name: 'garbage key', record: 'v=DKIM1; p=!!!', keyType: 'rsa', bits: null, usable: false, problems: ['bad-key-data'] },
    { name: 'unknown type', record: 'v=DKIM1; k=dsa; p=AAAA', keyType: 'dsa', bits: null, usable: false, problems: ['unknown-key-type'] },
  ];
  for (const c of table) {
    it(c.name, () => {
      const key = parseDkimKey(c.record);
      assert.equal(key.keyType, c.keyType);
      assert.equal(key.bits, c.bits);
      assert.equal(key.usable, c.usable);
      assert.deepEqual([...key.problems].sort(), [...c.problems].sort());
    });
  }
  it('tells key records from other TXT answers', () => {
    assert.equal(looksLikeDkimKey('v=DKIM1; p=abc'), true);
    assert.equal(looksLikeDkimKey('v=spf1 -all'), false);
    assert.equal(looksLikeDkimKey('google-site-verification=xyz'), false);
  });
});

describe('the RSA key-size cache', () => {
  it('gives the same answer for a key met again, whatever the record around it', () => {
    const p = rsa(1024);
    const first = parseDkimKey(`v=DKIM1; p=${p}`);
    const again = parseDkimKey(`v=DKIM1; k=rsa; t=y; p=${p}`);
    assert.equal(first.bits, 1024);
    assert.equal(again.bits, 1024);
    assert.deepEqual([...again.problems].sort(), ['short-key', 'testing']);
    // an unreadable key is cached as unreadable
    assert.equal(rsaBitsOf('AAAA'), null);
    assert.equal(rsaBitsOf('AAAA'), null);
    assert.deepEqual(parseDkimKey('v=DKIM1; p=AAAA').problems, ['bad-key-data']);
  });
  it('stays bounded', () => {
    for (let i = 0; i < 2000; i++) rsaBitsOf(Buffer.from(`not a key ${i}`).toString('base64').replace(/=+$/, ''));
    assert.ok(rsaBitsCacheSize() <= 512);
    // and still answers for keys evicted and met again
    const p = rsa(2048);
    assert.equal(rsaBitsOf(p), 2048);
    assert.equal(parseDkimKey(`p=${p}`).bits, 2048);
  });
});
