// The wire client's reading of a response, against dns-packet's own decoding of the same bytes.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type * as dnsPacket from 'dns-packet';
import { parseResponse, type SectionCodecs } from '../../src/dns/parse-response.ts';

const codec = createRequire(import.meta.url)('dns-packet') as typeof dnsPacket;
const sections = codec as unknown as SectionCodecs;

const soa = (name: string, ttl: number, minimum: number): dnsPacket.Answer => ({
  name, type: 'SOA', ttl, class: 'IN',
  data: { mname: 'ns1.example', rname: 'hostmaster.example', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum },
});
const opt = { name: '.', type: 'OPT', udpPayloadSize: 1232, flags: 0, options: [] } as unknown as dnsPacket.Answer;

const encode = (packet: dnsPacket.Packet): Buffer => codec.encode(packet);

describe('reading a response', () => {
  it('reads what dns-packet reads of the header, question and answers', () => {
    const msg = encode({
      id: 4242, type: 'response', flags: codec.RECURSION_DESIRED | codec.RECURSION_AVAILABLE,
      questions: [{ name: 'Sel._domainkey.Example.com', type: 'TXT', class: 'IN' }],
      answers: [
        { name: 'sel._domainkey.example.com', type: 'CNAME', ttl: 300, class: 'IN', data: 'key.provider.example' },
        { name: 'key.provider.example', type: 'TXT', ttl: 60, class: 'IN', data: ['v=DKIM1; k=rsa; ', 'p=MIIB'] },
      ],
      authorities: [{ name: 'provider.example', type: 'NS', ttl: 60, class: 'IN', data: 'ns.provider.example' }],
      additionals: [opt],
    });
    const full = codec.decode(msg);
    const ours = parseResponse(sections, msg);
    assert.equal(ours.id, full.id);
    assert.equal(ours.type, 'response');
    assert.equal(ours.flag_tc, false);
    assert.equal(ours.rcode, 'NOERROR');
    assert.deepEqual(ours.questions, full.questions);
    assert.deepEqual(ours.answers, full.answers);
    assert.equal(ours.negativeTtl, null, 'no SOA: no negative caching');
  });

  it('reads min(SOA TTL, MINIMUM) from the authority section (RFC 2308 5), after other records there', () => {
    const nx = (ttl: number, minimum: number) =>
      encode({
        id: 7, type: 'response', flags: 3, // NXDOMAIN
        questions: [{ name: 'nope.example.com', type: 'TXT', class: 'IN' }],
        authorities: [{ name: 'example.com', type: 'NS', ttl: 60, class: 'IN', data: 'ns1.example.com' }, soa('example.com', ttl, minimum)],
        additionals: [opt],
      });
    assert.deepEqual([parseResponse(sections, nx(3600, 300)).negativeTtl, parseResponse(sections, nx(120, 900)).negativeTtl], [300, 120]);
    assert.equal(parseResponse(sections, nx(3600, 300)).rcode, 'NXDOMAIN');
  });

  it('names every RCODE dns-packet names, and the rest RCODE_n; reads QR and TC', () => {
    for (let rcode = 0; rcode < 16; rcode++) {
      const msg = encode({ id: 1, type: 'response', flags: rcode | codec.TRUNCATED_RESPONSE, questions: [{ name: 'x.example', type: 'A', class: 'IN' }] });
      const full = codec.decode(msg) as unknown as { rcode: string };
      const ours = parseResponse(sections, msg);
      if (rcode <= 10) assert.equal(ours.rcode, full.rcode);
      else assert.equal(ours.rcode, `RCODE_${rcode}`);
      assert.equal(ours.flag_tc, true);
    }
    assert.equal(parseResponse(sections, encode({ id: 1, type: 'query', questions: [] })).type, 'query');
  });

  it('throws on a message cut short anywhere it reads, never reads past the end', () => {
    const msg = encode({
      id: 9, type: 'response', flags: 3,
      questions: [{ name: 'nope.example.com', type: 'TXT', class: 'IN' }],
      answers: [{ name: 'nope.example.com', type: 'TXT', ttl: 60, class: 'IN', data: ['x'] }],
      authorities: [soa('example.com', 60, 60)],
    });
    for (let cut = 0; cut < msg.length; cut++) assert.throws(() => parseResponse(sections, msg.subarray(0, cut)), `cut at ${cut} of ${msg.length}`);
    assert.doesNotThrow(() => parseResponse(sections, msg));
  });

  it('reads only the header and question of a message with TC set that came over UDP', () => {
    const msg = encode({ id: 5, type: 'response', flags: codec.TRUNCATED_RESPONSE, questions: [{ name: 'w.example', type: 'MX', class: 'IN' }], answers: [{ name: 'w.example', type: 'MX', ttl: 60, class: 'IN', data: { preference: 10, exchange: 'mx.w.example' } }] });
    const cut = msg.subarray(0, msg.length - 5);
    assert.throws(() => parseResponse(sections, cut));
    const head = parseResponse(sections, cut, true);
    assert.deepEqual([head.flag_tc, head.questions, head.answers, head.negativeTtl], [true, [{ name: 'w.example', type: 'MX', class: 'IN' }], [], null]);
  });

  it('does not read the additional section: a broken OPT there does not fail the answer', () => {
    const msg = encode({ id: 3, type: 'response', questions: [{ name: 'a.example', type: 'A', class: 'IN' }], answers: [{ name: 'a.example', type: 'A', ttl: 5, class: 'IN', data: '192.0.2.1' }], additionals: [opt] });
    // the OPT record's RDLENGTH says more octets than there are
    const broken = Buffer.from(msg);
    broken.writeUInt16BE(500, broken.length - 2);
    assert.throws(() => codec.decode(broken));
    assert.deepEqual(parseResponse(sections, broken).answers, codec.decode(msg).answers);
  });
});
