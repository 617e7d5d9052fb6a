// A DNS response (RFC 1035 4.1), read as far as fwdcheck needs it: the header, the question, the
// answer section (each record by dns-packet's decoder), and of the authority section only the
// SOA's TTL and MINIMUM (RFC 2308 5), read in place; the additional section is not read. A
// negative answer (most of a batch: DKIM selector probes) then costs no name decoding beyond its
// question: dns-packet's whole-message decode spent ~1 KB of strings a message on the SOA's names.
import type * as dnsPacket from 'dns-packet';

export interface ParsedResponse {
  id: number;
  /** QR: "response", or "query" for a message that is not an answer. */
  type: 'query' | 'response';
  /** TC: the answer did not fit (RFC 1035 4.1.1); asked again over TCP. */
  flag_tc: boolean;
  /** The header's RCODE by name (RFC 1035 4.1.1, RFC 6895 2.3); RCODE_n for one without a name. */
  rcode: string;
  questions: { name: string; type: string; class: string }[];
  answers: dnsPacket.Answer[];
  /** min(SOA TTL, SOA MINIMUM) of the authority section's first SOA, or null without one (RFC 2308 5). */
  negativeTtl: number | null;
}

type Decoder<T> = { (buf: Buffer, offset: number): T; bytes: number };
/** dns-packet's section codecs: exported by the package, not declared by @types/dns-packet. */
export interface SectionCodecs {
  question: { decode: Decoder<ParsedResponse['questions'][number]> };
  answer: { decode: Decoder<dnsPacket.Answer> };
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

const SOA = 6;
// RFC 1035 3.3.13: SERIAL, REFRESH, RETRY, EXPIRE and MINIMUM end the SOA's RDATA, 4 octets each
const SOA_MINIMUM_FROM_END = 4;
const SOA_MIN_RDATA = 2 + 20; // two root names at least, then the five numbers

/** The offset after a (possibly compressed) name at `at` (RFC 1035 4.1.4); throws past the end. */
const skipName = (msg: Buffer, at: number): number => {
  for (;;) {
    const len = msg[at];
    if (len === undefined) throw new RangeError('name runs past the end of the message');
    if (len === 0) return at + 1;
    // a pointer ends the name where it stands
    if ((len & 0xc0) === 0xc0) return at + 2;
    if ((len & 0xc0) !== 0) throw new RangeError('bad label type');
    at += 1 + len;
  }
};

/**
 * Where a dns-packet decoder says its item ended. Its record decoders read a record cut short as
 * far as they can (a TXT string past the end becomes NaN octets long), so an end that is not
 * inside the message is a message cut short.
 */
const ended = (at: number, bytes: number, msg: Buffer): number => {
  const end = at + bytes;
  if (!Number.isInteger(end) || end > msg.length) throw new RangeError('record runs past the end of the message');
  return end;
};

/**
 * Reads a response with dns-packet's record decoders; throws on a message cut short or malformed.
 * Over UDP (`viaUdp`), a message with TC set is read to its question only (answers empty, no
 * negative TTL): a server may cut it anywhere, even inside a record its counts still include,
 * and the client asks again over TCP (RFC 1035 4.1.1).
 */
export const parseResponse = (codec: SectionCodecs, msg: Buffer, viaUdp = false): ParsedResponse => {
  if (msg.length < 12) throw new RangeError('shorter than a DNS header');
  const flags = msg.readUInt16BE(2);
  const readAll = !(viaUdp && (flags & 0x0200) !== 0);
  const qdcount = msg.readUInt16BE(4);
  const ancount = msg.readUInt16BE(6);
  const nscount = msg.readUInt16BE(8);
  let at = 12;
  const questions: ParsedResponse['questions'] = [];
  for (let i = 0; i < qdcount; i++) {
    questions.push(codec.question.decode(msg, at));
    at = ended(at, codec.question.decode.bytes, msg);
  }
  const answers: dnsPacket.Answer[] = [];
  for (let i = 0; i < (readAll ? ancount : 0); i++) {
    answers.push(codec.answer.decode(msg, at));
    at = ended(at, codec.answer.decode.bytes, msg);
  }
  let negativeTtl: number | null = null;
  for (let i = 0; i < (readAll ? nscount : 0) && negativeTtl === null; i++) {
    at = skipName(msg, at);
    if (at + 10 > msg.length) throw new RangeError('record runs past the end of the message');
    const type = msg.readUInt16BE(at);
    const ttl = msg.readUInt32BE(at + 4);
    const rdlength = msg.readUInt16BE(at + 8);
    const end = at + 10 + rdlength;
    if (end > msg.length) throw new RangeError('record data runs past the end of the message');
    if (type === SOA && rdlength >= SOA_MIN_RDATA) negativeTtl = Math.min(ttl, msg.readUInt32BE(end - SOA_MINIMUM_FROM_END));
    at = end;
  }
  return {
    id: msg.readUInt16BE(0),
    type: flags & 0x8000 ? 'response' : 'query',
    flag_tc: (flags & 0x0200) !== 0,
    rcode: RCODES[flags & 0xf] ?? `RCODE_${flags & 0xf}`,
    questions,
    answers,
    negativeTtl,
  };
};
