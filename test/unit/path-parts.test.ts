// The pure parts of the path: --relay syntax, addresses, reverse names, envelope rewriting and
// what a relay does to a message's bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reverseName } from '../../src/records/fetch-ptr.ts';
import { firstHost, type Hop } from '../../src/simulate/hops.ts';
import { normalizeIp, parseRelaySpec } from '../../src/simulate/parse-relay.ts';
import { addReceived, applyModification, looksLikeMessage, messageFacts } from '../../src/simulate/message.ts';
import { rewriteEnvelope } from '../../src/simulate/path.ts';

describe('--relay syntax', () => {
  it('an address, a preset, a preset at an address or a domain, with properties', () => {
    assert.deepEqual(parseRelaySpec('203.0.113.7'), { raw: '203.0.113.7', preset: null, address: { kind: 'ip', ip: '203.0.113.7' }, srs: null, modify: null, arc: null, helo: null });
    const full = parseRelaySpec('203.0.113.7,srs=Fwd.Example,modify=footer+subject,arc,helo=mx.fwd.example');
    assert.deepEqual([full.srs, full.modify, full.arc, full.helo], [{ domain: 'fwd.example' }, ['footer', 'subject'], { sealer: null }, 'mx.fwd.example']);
    assert.deepEqual([parseRelaySpec('gmail').preset, parseRelaySpec('gmail').address], ['gmail', null]);
    assert.deepEqual(parseRelaySpec('m365@[2001:db8::7]').address, { kind: 'ip', ip: '2001:db8::7' });
    assert.deepEqual(parseRelaySpec('list@lists.example,noarc,modify=none').address, { kind: 'domain', domain: 'lists.example' });
    assert.deepEqual(parseRelaySpec('postfix@192.0.2.9,nosrs').srs, 'off');
    assert.deepEqual(parseRelaySpec('[2001:db8::1],arc=fwd.example').arc, { sealer: 'fwd.example' });
  });

  it('refuses what it cannot read, naming it', () => {
    assert.throws(() => parseRelaySpec('203.0.113.256'), /invalid relay IP "203\.0\.113\.256"/);
    assert.throws(() => parseRelaySpec('fe80::1%eth0'), /invalid relay IP/);
    assert.throws(() => parseRelaySpec('gmial'), /neither an IP address nor a preset/);
    assert.throws(() => parseRelaySpec('192.0.2.1,modify=footer+bogus'), /modify=bogus is not one of/);
    assert.throws(() => parseRelaySpec('list@not a domain'), /invalid --relay list@ domain/);
    assert.throws(() => parseRelaySpec(''), /expected an IP address or a preset/);
  });
});

describe('addresses', () => {
  it('an IPv4-mapped IPv6 address is its IPv4 host (RFC 7208 5.6)', () => {
    assert.deepEqual(normalizeIp('::ffff:192.0.2.1'), { ip: '192.0.2.1', mapped: true });
    assert.deepEqual(normalizeIp('::FFFF:c000:0201'), { ip: '192.0.2.1', mapped: true });
    assert.deepEqual(normalizeIp('0:0:0:0:0:ffff:192.0.2.1'), { ip: '192.0.2.1', mapped: true });
    assert.deepEqual(normalizeIp('2001:DB8::1'), { ip: '2001:db8::1', mapped: false });
  });

  it('reverse names (RFC 1035 3.5, RFC 3596 2.5)', () => {
    assert.equal(reverseName('198.51.100.25'), '25.100.51.198.in-addr.arpa');
    assert.equal(reverseName('2001:db8::1'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    assert.equal(reverseName('::ffff:192.0.2.1'), '1.0.2.0.0.0.0.c.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa');
  });

  it('the first address of a published network', () => {
    assert.equal(firstHost('209.85.128.0', 17), '209.85.128.1');
    assert.equal(firstHost('40.92.0.5', 32), '40.92.0.5');
    assert.equal(firstHost('2a00:1450:4000::', 36), '2a00:1450:4000::1');
  });
});

describe('envelope rewriting', () => {
  const hop = (envelopeStyle: Hop['envelopeStyle']): Hop => ({
    relay: '192.0.2.9', source: 'given', origin: { kind: 'given' }, srs: 'fwd.example', srsSource: 'given', envelopeStyle, srsUnlessSpfFailed: false, modify: [], arc: false, arcSealer: null, helo: null,
  });
  const now = Date.parse('2026-11-30T12:00:00Z');

  it('SRS0, then SRS1 at a second SRS hop; the null sender is never rewritten', () => {
    const once = rewriteEnvelope('alice@sender.example', hop('srs'), 'fwd.example', now);
    assert.match(once, /^SRS0=[A-Za-z0-9]{4}=[A-Z2-7]{2}=sender\.example=alice@fwd\.example$/);
    const twice = rewriteEnvelope(once, hop('srs'), 'second.example', now);
    assert.match(twice, /^SRS1=[A-Za-z0-9]{4}=fwd\.example==[A-Za-z0-9]{4}=[A-Z2-7]{2}=sender\.example=alice@second\.example$/);
    assert.equal(rewriteEnvelope('', hop('srs'), 'fwd.example', now), '');
    assert.equal(rewriteEnvelope('alice@sender.example', hop('srs'), 'fwd.example', now), once);
  });

  it("each forwarder's own form", () => {
    assert.match(rewriteEnvelope('a@s.example', hop('gmail-caf'), 'gmail.com', now), /^forwarder\+caf_=a=s\.example@gmail\.com$/);
    assert.match(rewriteEnvelope('a@s.example', hop('microsoft-srs'), 'company.example', now), /^bounces\+SRS=.{4}=.{2}=s\.example=a@company\.example$/);
    assert.equal(rewriteEnvelope('a@s.example', hop('list-bounces'), 'lists.example', now), 'list-bounces+a=s.example@lists.example');
  });
});

describe('what a relay does to the bytes', () => {
  const ctx = { tag: 'lists', listAddress: 'lists@lists.example' };
  const msg = (headers: string[], body: string) => Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'latin1');
  const text = (b: Buffer) => b.toString('latin1');

  it('reads From, Return-Path and the signatures', () => {
    const m = msg(['Return-Path: <bounce@sender.example>', 'DKIM-Signature: v=1; d=sender.example', 'From: "News" <News@Sender.Example>', 'Subject: Hi'], 'x\r\n');
    assert.deepEqual(messageFacts(m), { fromAddress: 'News@Sender.Example', fromDomain: 'sender.example', returnPath: 'bounce@sender.example', subject: 'Hi', dkimSignatures: 1 });
    assert.equal(looksLikeMessage(m), true);
    assert.equal(looksLikeMessage(Buffer.from('hello world\n')), false);
  });

  it('tags the Subject once, keeping folded lines', () => {
    const m = msg(['From: a@s.example', 'Subject: a long', ' subject'], 'x\r\n');
    const tagged = applyModification(m, 'subject', ctx);
    assert.match(text(tagged), /\r\nSubject: \[lists\] a long\r\n subject\r\n/);
    assert.equal(text(applyModification(tagged, 'subject', ctx)), text(tagged));
  });

  it('appends a footer in the body encoding: plain, quoted-printable, base64', () => {
    const plain = text(applyModification(msg(['From: a@s.example'], 'Hello\r\n'), 'footer', ctx));
    assert.match(plain, /\r\n\r\nHello\r\n_{47}\r\nlists mailing list -- lists@lists\.example\r\n/);
    const b64 = applyModification(msg(['From: a@s.example', 'Content-Transfer-Encoding: base64'], `${Buffer.from('Hello\r\n').toString('base64')}\r\n`), 'footer', ctx);
    const body = text(b64).split('\r\n\r\n')[1]!;
    assert.match(Buffer.from(body, 'base64').toString('latin1'), /^Hello\r\n_{47}\r\nlists mailing list/);
  });

  it('adds a footer part to a multipart message, inside the closing boundary', () => {
    const m = msg(['From: a@s.example', 'Content-Type: multipart/mixed; boundary="zz"'], '--zz\r\nContent-Type: text/plain\r\n\r\nHi\r\n--zz--\r\n');
    const out = text(applyModification(m, 'footer', ctx));
    assert.match(out, /--zz\r\nContent-Type: text\/plain\r\n\r\nHi\r\n--zz\r\nContent-Type: text\/plain; charset="us-ascii"[\s\S]*lists mailing list[\s\S]*\r\n--zz--\r\n$/);
  });

  it('re-encodes: 8bit to quoted-printable, 7bit to base64, base64 to quoted-printable', () => {
    const eight = text(applyModification(msg(['From: a@s.example', 'Content-Transfer-Encoding: 8bit'], 'Gr\xfc\xdfe = gut\r\n'), 'reencode', ctx));
    assert.match(eight, /Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe =3D gut\r\n$/);
    const seven = text(applyModification(msg(['From: a@s.example'], 'Hello\r\n'), 'reencode', ctx));
    assert.match(seven, /Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8NCg==\r\n$/);
    const back = text(applyModification(Buffer.from(seven, 'latin1'), 'reencode', ctx));
    assert.match(back, /Content-Transfer-Encoding: quoted-printable\r\n\r\nHello\r\n$/);
  });

  it('sets Reply-To and the List-* fields; prepends a Received field', () => {
    const out = text(applyModification(msg(['From: a@s.example', 'Reply-To: a@s.example'], 'x\r\n'), 'headers', ctx));
    assert.match(out, /Reply-To: lists@lists\.example\r\n/);
    assert.match(out, /List-Id: <lists\.lists\.example>\r\nList-Post: <mailto:lists@lists\.example>\r\nList-Unsubscribe: <mailto:lists-leave@lists\.example>/);
    const rec = text(addReceived(msg(['From: a@s.example'], 'x\r\n'), { from: 'mx.uni.example', ip: '198.51.100.25', by: 'mx.google.com', date: new Date('2026-11-30T12:00:00Z') }));
    assert.match(rec, /^Received: from mx\.uni\.example \(\[198\.51\.100\.25\]\)\r\n\tby mx\.google\.com with ESMTP; Mon, 30 Nov 2026 12:00:00 \+0000\r\nFrom:/);
  });
});
