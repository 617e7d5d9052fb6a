// A real DNS server for the tests and the bench: UDP and TCP on 127.0.0.1, a free port,
// answering from zone files through fwdcheck's own zone index, with faults injected per name
// and type: no answer, a delay (fixed or random), any rcode, a malformed message, a wrong id,
// QR=0, records owned by another name, truncation, CNAME and DNAME loops. UDP answers that do
// not fit the client's buffer are truncated (TC), so clients must retry over TCP.
import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { ZoneIndex, ZoneRecord } from '../../src/dns/zone.ts';

export interface QueryLogEntry {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
}

export type Rcode = 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | 'YXDOMAIN' | 'YXRRSET' | 'NXRRSET' | 'NOTAUTH' | 'NOTZONE';

export type Fault =
  /** No answer at all: the client times out. */
  | { kind: 'drop' }
  /** This rcode and nothing else. */
  | { kind: 'rcode'; rcode: Rcode }
  /** The right id, then bytes that do not decode (an answer section cut short). */
  | { kind: 'malformed' }
  /** The right answer under another message id. */
  | { kind: 'wrong-id' }
  /** The right answer with QR=0, as if it were a query. */
  | { kind: 'qr0' }
  /** The answer's records owned by another name (a cache-poisoning attempt). */
  | { kind: 'foreign-owner'; owner: string; txt?: string }
  /** Over UDP, TC=1 and no records, whatever the size; the full answer over TCP. */
  | { kind: 'truncate' }
  /** Over UDP, TC=1 and the full answer cut inside its first record, its counts kept; the full answer over TCP. */
  | { kind: 'truncate-cut' }
  /** name CNAME loop-1.name, loop-1.name CNAME name. */
  | { kind: 'cname-loop' }
  /** A DNAME that maps the name below itself, so the synthesized CNAMEs never end (RFC 6672). */
  | { kind: 'dname-loop' };

export interface FaultRule {
  /** The name the rule applies to (and its subdomains with subdomains: true). */
  name: string;
  /** One type, or every type when absent. */
  type?: string;
  subdomains?: boolean;
  /** Wait this long before answering (or before the fault). */
  delayMs?: number;
  /** Plus a random 0..jitterMs. */
  jitterMs?: number;
  fault?: Fault;
}

export interface TestDnsServer {
  host: string;
  port: number;
  /** "host:port" for --resolver. */
  address: string;
  log: QueryLogEntry[];
  /** The fault rules in force; tests may change them between queries (first match wins). */
  faults: FaultRule[];
  close(): Promise<void>;
}

export interface TestDnsServerOptions {
  zone: ZoneIndex;
  faults?: FaultRule[];
  /** A delay added to every answer (the bench's per-query latency). */
  delayMs?: number;
  /** Plus a random 0..jitterMs for every answer. */
  jitterMs?: number;
  /** Names (and their subdomains) whose queries get no answer. */
  dropNames?: string[];
  /** Names (and their subdomains) answered with SERVFAIL. */
  servfailNames?: string[];
  /** The negative-caching TTL of the SOA sent with NXDOMAIN and NODATA (RFC 2308 3). */
  negativeTtl?: number;
}

const RCODE: Record<Rcode | 'NOERROR', number> = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, YXDOMAIN: 6, YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10,
};

const under = (name: string, base: string) => name === base || name.endsWith(`.${base}`);

const toAnswer = (r: ZoneRecord): dnsPacket.Answer | null => {
  const base = { name: r.name, ttl: r.ttl, class: 'IN' as const };
  switch (r.type) {
    case 'A':
    case 'AAAA':
    case 'PTR':
    case 'CNAME':
    case 'NS':
      return { ...base, type: r.type, data: r.data } as dnsPacket.Answer;
    case 'TXT':
    case 'SPF':
      // the zone holds each octet as one latin1 character (parse-zone.ts): send the same octets
      return { ...base, type: 'TXT', data: r.data.map((s) => Buffer.from(s, 'latin1')) } as dnsPacket.Answer;
    case 'MX':
      return { ...base, type: 'MX', data: { preference: r.data.priority, exchange: r.data.exchange } } as dnsPacket.Answer;
    case 'SRV':
      return { ...base, type: 'SRV', data: { priority: r.data.priority, weight: r.data.weight, port: r.data.port, target: r.data.name } } as dnsPacket.Answer;
    case 'OTHER':
      return null;
  }
};

const answers = (records: ZoneRecord[]) => records.map(toAnswer).filter((a) => a !== null);

/**
 * The SOA sent with NXDOMAIN and NODATA (RFC 2308 3): the name's last two labels as the zone's
 * apex, the negative-caching TTL as its TTL and MINIMUM.
 */
const soaRecord = (name: string, options: TestDnsServerOptions): dnsPacket.Answer & { name: string } => {
  const apex = name.split('.').slice(-2).join('.');
  const ttl = options.negativeTtl ?? 60;
  return { name: apex, type: 'SOA', ttl, class: 'IN', data: { mname: `ns.${apex}`, rname: `hostmaster.${apex}`, serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: ttl } };
};

/** What to send: a message, raw bytes (malformed), or nothing. */
type Reply = { packet: dnsPacket.Packet; truncate?: boolean | 'cut' } | { raw: Buffer } | null;

const ruleFor = (rules: FaultRule[], name: string, type: string): FaultRule | undefined =>
  rules.find((r) => (r.subdomains ? under(name, r.name) : name === r.name) && (r.type === undefined || r.type.toUpperCase() === type));

const respond = (query: dnsPacket.Packet, options: TestDnsServerOptions, rules: FaultRule[]): Reply => {
  const question = query.questions?.[0];
  const base = { id: query.id, type: 'response' as const, questions: query.questions ?? [] };
  // RD copied, AA set
  const flags = (rcode: number) => dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode;
  if (!question) return { packet: { ...base, flags: flags(RCODE.FORMERR) } };
  const name = question.name.toLowerCase().replace(/\.$/, '');
  if ((options.dropNames ?? []).some((n) => under(name, n))) return null;
  if ((options.servfailNames ?? []).some((n) => under(name, n))) return { packet: { ...base, flags: flags(RCODE.SERVFAIL) } };

  const normal = (): dnsPacket.Packet => {
    const soa = (): dnsPacket.Answer[] => [soaRecord(name, options)];
    const result = options.zone.lookup(name, question.type);
    switch (result.kind) {
      case 'fault':
        return { ...base, flags: flags(RCODE.SERVFAIL) };
      case 'nxdomain':
        return { ...base, flags: flags(RCODE.NXDOMAIN), answers: answers(result.cnames), authorities: soa() };
      case 'nodata':
        return { ...base, flags: flags(RCODE.NOERROR), answers: answers(result.cnames), authorities: soa() };
      case 'answer':
        return { ...base, flags: flags(RCODE.NOERROR), answers: answers([...result.cnames, ...result.records]) };
    }
  };
  const zoneFault = options.zone.lookup(name, question.type);
  if (zoneFault.kind === 'fault' && zoneFault.fault === 'timeout') return null;

  const fault = ruleFor(rules, name, question.type)?.fault;
  if (!fault) return { packet: normal() };
  switch (fault.kind) {
    case 'drop':
      return null;
    case 'rcode':
      return { packet: { ...base, flags: flags(RCODE[fault.rcode]) } };
    case 'malformed': {
      // a header that promises an answer, then the answer cut off inside its owner name
      const full = dnsPacket.encode({ ...base, flags: flags(RCODE.NOERROR), answers: [{ name, type: 'TXT', ttl: 60, class: 'IN', data: 'v=DKIM1; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA' }] });
      const questionEnd = dnsPacket.encode({ ...base, flags: flags(RCODE.NOERROR) }).length;
      return { raw: full.subarray(0, questionEnd + 3) };
    }
    case 'wrong-id':
      return { packet: { ...normal(), id: (query.id! + 1) & 0xffff } };
    case 'qr0':
      return { packet: { ...normal(), type: 'query' } };
    case 'foreign-owner': {
      const records = (normal().answers ?? []).map((a) => ({ ...a, name: fault.owner }));
      const forged = fault.txt !== undefined ? [{ name: fault.owner, type: 'TXT', ttl: 60, class: 'IN', data: fault.txt } as dnsPacket.Answer] : [];
      return { packet: { ...base, flags: flags(RCODE.NOERROR), answers: [...records, ...forged] } };
    }
    case 'truncate':
      return { packet: normal(), truncate: true };
    case 'truncate-cut':
      return { packet: normal(), truncate: 'cut' };
    case 'cname-loop':
      return {
        packet: {
          ...base,
          flags: flags(RCODE.NOERROR),
          answers: [
            { name, type: 'CNAME', ttl: 60, class: 'IN', data: `loop-1.${name}` },
            { name: `loop-1.${name}`, type: 'CNAME', ttl: 60, class: 'IN', data: name },
          ],
        },
      };
    case 'dname-loop': {
      // owner DNAME a.owner: x.owner -> x.a.owner -> x.a.a.owner ... (RFC 6672 2.2)
      const [first, ...rest] = name.split('.');
      const owner = rest.join('.');
      const chain: dnsPacket.Answer[] = [{ name: owner, type: 'DNAME', ttl: 60, class: 'IN', data: `a.${owner}` } as unknown as dnsPacket.Answer];
      let current = name;
      for (let i = 1; i <= 12 && current.length < 200; i++) {
        const next = `${first}.${'a.'.repeat(i)}${owner}`;
        chain.push({ name: current, type: 'CNAME', ttl: 60, class: 'IN', data: next });
        current = next;
      }
      return { packet: { ...base, flags: flags(RCODE.NOERROR), answers: chain } };
    }
  }
};

// The types a plain query may ask on the fast path (dns-packet's names for them).
const QTYPE_NAMES: ReadonlyMap<number, string> = new Map([[1, 'A'], [2, 'NS'], [5, 'CNAME'], [6, 'SOA'], [12, 'PTR'], [15, 'MX'], [16, 'TXT'], [28, 'AAAA'], [33, 'SRV'], [99, 'SPF']]);

/** A plain query read from its bytes: one question, no other section but an OPT record. */
interface PlainQuery {
  id: number;
  flags: number;
  name: string;
  type: string;
  /** Where the question ends. */
  questionEnd: number;
  udpLimit: number;
}

/**
 * Reads a query without decoding it into objects, when it is plain: a standard query (QR=0,
 * opcode 0) with one question whose labels are printable ASCII without dots or backslashes, class
 * IN, a known type, and at most an OPT record without options. Anything else is null, and the
 * decoder reads it. The bench's server answers ~30,000 such queries a run on the same two cores
 * as the fwdcheck it measures (issue 7): decoding and encoding each as objects cost it ~40 % of
 * its CPU.
 */
const readPlainQuery = (msg: Buffer): PlainQuery | null => {
  if (msg.length < 17) return null;
  const flags = msg.readUInt16BE(2);
  if (flags & 0xf800 || msg.readUInt16BE(4) !== 1 || msg.readUInt16BE(6) !== 0 || msg.readUInt16BE(8) !== 0) return null;
  const additionals = msg.readUInt16BE(10);
  if (additionals > 1) return null;
  let at = 12;
  let name = '';
  for (;;) {
    const len = msg[at++];
    // the message ends inside the name
    if (len === undefined) return null;
    if (len === 0) break;
    if (len > 63 || at + len > msg.length) return null;
    for (let i = at; i < at + len; i++) {
      const c = msg[i]!;
      if (c < 0x21 || c > 0x7e || c === 0x2e || c === 0x5c) return null;
    }
    name += (name ? '.' : '') + msg.toString('latin1', at, at + len);
    at += len;
  }
  if (name === '' || at + 4 > msg.length) return null;
  const type = QTYPE_NAMES.get(msg.readUInt16BE(at));
  if (type === undefined || msg.readUInt16BE(at + 2) !== 1) return null;
  const questionEnd = at + 4;
  let udpLimit = 512;
  if (additionals === 1) {
    // an OPT record (RFC 6891 6.1.2): root owner, type 41, class = payload size, no options
    if (msg.length !== questionEnd + 11 || msg[questionEnd] !== 0 || msg.readUInt16BE(questionEnd + 1) !== 41 || msg.readUInt16BE(questionEnd + 9) !== 0) return null;
    udpLimit = Math.max(512, msg.readUInt16BE(questionEnd + 3));
  } else if (msg.length !== questionEnd) return null;
  return { id: msg.readUInt16BE(0), flags, name: name.toLowerCase(), type, questionEnd, udpLimit };
};

// dns-packet's encoder of one record (not in its type definitions)
const encodeAnswer = (a: dnsPacket.Answer): Buffer => (dnsPacket as unknown as { answer: { encode(a: dnsPacket.Answer): Buffer } }).answer.encode(a);

/** Each record's bytes, encoded once (dns-packet writes names uncompressed: they fit anywhere). */
const recordBytes = new WeakMap<ZoneRecord, Buffer | null>();
const encodedRecord = (r: ZoneRecord): Buffer | null => {
  const known = recordBytes.get(r);
  if (known !== undefined) return known;
  const a = toAnswer(r);
  const bytes = a === null ? null : encodeAnswer(a);
  recordBytes.set(r, bytes);
  return bytes;
};

/**
 * The answer to a plain query with no fault on it, as bytes, the same bytes respond() and
 * dns-packet give (test/unit/dns-server.test.ts compares them); null when the reply is not a
 * plain one (a fault, a drop, truncation): respond() makes it then.
 */
const plainReply = (q: PlainQuery, msg: Buffer, options: TestDnsServerOptions, rules: FaultRule[], soaBytes: Map<string, Buffer>): Buffer | null => {
  const { name, type } = q;
  if ((options.dropNames ?? []).some((n) => under(name, n)) || (options.servfailNames ?? []).some((n) => under(name, n))) return null;
  if (rules.length && ruleFor(rules, name, type)?.fault !== undefined) return null;
  const result = options.zone.lookup(name, type);
  if (result.kind === 'fault') return null;
  const records = result.kind === 'answer' ? [...result.cnames, ...result.records] : result.cnames;
  const answers: Buffer[] = [];
  for (const r of records) {
    const bytes = encodedRecord(r);
    if (bytes) answers.push(bytes);
  }
  let authority: Buffer | null = null;
  if (result.kind !== 'answer') {
    const soa = soaRecord(name, options);
    authority = soaBytes.get(soa.name) ?? null;
    if (!authority) {
      authority = encodeAnswer(soa);
      soaBytes.set(soa.name, authority);
    }
  }
  const question = msg.subarray(12, q.questionEnd);
  let length = 12 + question.length + (authority?.length ?? 0);
  for (const a of answers) length += a.length;
  if (length > q.udpLimit) return null;
  // one buffer from node's pool, the pieces copied in
  const out = Buffer.allocUnsafe(length);
  out.writeUInt16BE(q.id, 0);
  out.writeUInt16BE(0x8000 | dnsPacket.AUTHORITATIVE_ANSWER | (q.flags & dnsPacket.RECURSION_DESIRED) | (result.kind === 'nxdomain' ? RCODE.NXDOMAIN : RCODE.NOERROR), 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(answers.length, 6);
  out.writeUInt16BE(authority ? 1 : 0, 8);
  out.writeUInt16BE(0, 10);
  let at = 12 + question.copy(out, 12);
  for (const a of answers) at += a.copy(out, at);
  if (authority) authority.copy(out, at);
  return out;
};

/** The reply to a UDP query, as respond() and dns-packet make it: for any query, and the reference for plainReply. */
const udpReply = (query: dnsPacket.Packet, options: TestDnsServerOptions, rules: FaultRule[]): Buffer | null => {
  const reply = respond(query, options, rules);
  if (!reply) return null;
  if ('raw' in reply) return reply.raw;
  let out = dnsPacket.encode(reply.packet);
  if (reply.truncate === 'cut') {
    // what fits, cut anywhere (here 3 octets into the first answer), the counts left as they were
    const questionEnd = dnsPacket.encode({ ...reply.packet, answers: [], authorities: [], additionals: [] }).length;
    out = Buffer.from(out.subarray(0, questionEnd + 3));
    out.writeUInt16BE(out.readUInt16BE(2) | dnsPacket.TRUNCATED_RESPONSE, 2);
  } else if (reply.truncate || out.length > udpLimit(query)) {
    // RFC 1035 4.2.1: set TC and send what fits; here, the question alone
    out = dnsPacket.encode({ ...reply.packet, flags: (reply.packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [] });
  }
  return out;
};

/**
 * The bytes a UDP query gets (null: no answer), and the question for the log: the fast path for
 * a plain query, else the decoder and respond(). `plain: false` takes the decoder for every query
 * (the reference the tests compare the fast path with).
 */
export const answerUdp = (
  msg: Buffer,
  options: TestDnsServerOptions,
  rules: FaultRule[],
  soaBytes: Map<string, Buffer> = new Map(),
  plain = true,
): { name: string; type: string; out: Buffer | null; via: 'plain' | 'decoder' } | null => {
  const q = plain ? readPlainQuery(msg) : null;
  if (q) {
    const out = plainReply(q, msg, options, rules, soaBytes);
    if (out) return { name: q.name, type: q.type, out, via: 'plain' };
  }
  let query: dnsPacket.Packet;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    return null;
  }
  const question = query.questions?.[0];
  return { name: (question?.name ?? '').toLowerCase().replace(/\.$/, ''), type: question?.type ?? '', out: udpReply(query, options, rules), via: 'decoder' };
};

const udpLimit = (query: dnsPacket.Packet): number => {
  // RFC 6891 6.2.5: the requestor's UDP payload size from its OPT record, at least 512
  const opt = (query.additionals ?? []).find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  return Math.max(512, opt?.udpPayloadSize ?? 512);
};

export const startDnsServer = async (options: TestDnsServerOptions): Promise<TestDnsServer> => {
  const log: QueryLogEntry[] = [];
  const faults = [...(options.faults ?? [])];
  const host = '127.0.0.1';
  // Replies given the same delay in one turn of the event loop share one timer: node starts every
  // timer of a turn from the same cached loop time, so they fire together anyway (the bench's
  // server sends ~30,000 a run, in bursts).
  const timers = new Set<NodeJS.Timeout>();
  const turn = new Map<number, (() => void)[]>();
  /** Runs send after the rule's and the global delay. */
  const later = (name: string, type: string, send: () => void) => {
    const rule = ruleFor(faults, name, type);
    const ms = (options.delayMs ?? 0) + Math.random() * (options.jitterMs ?? 0) + (rule?.delayMs ?? 0) + Math.random() * (rule?.jitterMs ?? 0);
    if (ms <= 0) return send();
    const batch = turn.get(ms);
    if (batch) return void batch.push(send);
    if (turn.size === 0) setImmediate(() => turn.clear());
    const sends = [send];
    turn.set(ms, sends);
    const timer = setTimeout(() => {
      timers.delete(timer);
      for (const s of sends) s();
    }, ms);
    timers.add(timer);
  };
  const questionOf = (query: dnsPacket.Packet) => {
    const q = query.questions?.[0];
    return { name: (q?.name ?? '').toLowerCase().replace(/\.$/, ''), type: q?.type ?? '' };
  };

  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve());
    });
    const port = udp.address().port;
    const sockets = new Set<net.Socket>();
    const tcp = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      let buffered = Buffer.alloc(0);
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        // RFC 1035 4.2.2: each message is prefixed with a two-octet length
        while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          const len = buffered.readUInt16BE(0);
          const msg = buffered.subarray(2, 2 + len);
          buffered = buffered.subarray(2 + len);
          let query: dnsPacket.Packet;
          try {
            query = dnsPacket.decode(msg);
          } catch {
            socket.destroy();
            return;
          }
          const { name, type } = questionOf(query);
          log.push({ name, type, transport: 'tcp' });
          const reply = respond(query, options, faults);
          if (!reply) continue;
          const out = 'raw' in reply ? reply.raw : dnsPacket.encode(reply.packet);
          const framed = Buffer.alloc(2 + out.length);
          framed.writeUInt16BE(out.length);
          out.copy(framed, 2);
          later(name, type, () => {
            if (!socket.destroyed) socket.write(framed);
          });
        }
      });
    });
    const tcpOk = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    if (!tcpOk) {
      udp.close();
      if (attempt > 20) throw new Error('no free port for both UDP and TCP');
      continue;
    }
    const soaBytes = new Map<string, Buffer>();
    udp.on('message', (msg, rinfo) => {
      const reply = answerUdp(msg, options, faults, soaBytes);
      if (!reply) return;
      const { name, type, out } = reply;
      log.push({ name, type, transport: 'udp' });
      if (out) later(name, type, () => udp.send(out, rinfo.port, rinfo.address));
    });
    return {
      host,
      port,
      address: `${host}:${port}`,
      log,
      faults,
      close: async () => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
      },
    };
  }
};
