// fwdcheck's own DNS client: one question per message over UDP (TCP after truncation), to the
// system's name servers or to --resolver. It sees each answer, so one bad answer fails only
// its own query, every rcode keeps its meaning, and answers are checked against the question.
import dgram from 'node:dgram';
import { getServers } from 'node:dns';
import net from 'node:net';
import { createRequire } from 'node:module';
import type * as dnsPacket from 'dns-packet';
import { isIP } from '../ip.ts';
import { parseResponse, type ParsedResponse, type SectionCodecs } from './parse-response.ts';
import { setLoopTimeout } from './loop-timer.ts';
import { asking } from './servers.ts';
import {
  DnsError,
  normalizeName,
  type DnsErrorCode,
  type QuerySink,
  type RRType,
  type SelfTimedUpstream,
  type ServerAddress,
  type TimedQueryContext,
  type UpstreamAnswer,
} from './types.ts';

export interface WireResolverOptions {
  /** The servers to ask, in order; the system's (dns.getServers()) when absent. */
  servers?: readonly ServerAddress[];
  /** How the servers were chosen, for describe(). */
  label?: string;
  /** EDNS0 UDP payload size (RFC 6891 6.2.5); 1232 avoids IP fragmentation (DNS flag day 2020). 0: no EDNS. */
  udpPayloadSize?: number;
  /**
   * UDP sockets per server at most, each on its own random port; a new one is opened when every
   * open one has SOCKET_LOAD queries in flight (a check needs one; a batch of 1,024 queries in
   * flight, 16), so that no socket's receive buffer overflows while the event loop is busy.
   */
  sockets?: number;
}

/** The system's name servers as node knows them (/etc/resolv.conf on Unix). */
export const systemServers = (): ServerAddress[] =>
  getServers().map((entry) => {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2] ?? 53) };
    const hostPort = /^([^:]+):(\d+)$/.exec(entry);
    if (hostPort) return { host: hostPort[1]!, port: Number(hostPort[2]) };
    return { host: entry, port: 53 };
  });

const RCODE_ERRORS: Record<string, DnsErrorCode> = {
  FORMERR: 'EFORMERR',
  SERVFAIL: 'ESERVFAIL',
  NOTIMP: 'ENOTIMP',
  REFUSED: 'EREFUSED',
  YXDOMAIN: 'EYXDOMAIN',
  YXRRSET: 'EYXRRSET',
  NXRRSET: 'ENXRRSET',
  NOTAUTH: 'ENOTAUTH',
  NOTZONE: 'ENOTZONE',
};

// A server that answers these may be alone in its trouble: the next server is asked, if any
// (as the system's stub resolver does).
const TRY_NEXT_SERVER = new Set<DnsErrorCode>(['ESERVFAIL', 'EREFUSED', 'ENOTIMP', 'EFORMERR']);

// RFC 1034 3.6.2: a chain longer than this inside one answer is treated as a loop.
const MAX_CHAIN_IN_ANSWER = 8;

/**
 * TXT character-strings as text: each octet becomes the character of the same code point
 * (latin1), so the string holds the exact bytes, whatever they are; zone files are read the
 * same way (parse-zone.ts), and the renderers escape what is not printable ASCII.
 */
export const txtToString = (bytes: Buffer): string => bytes.toString('latin1');

type Answer = dnsPacket.Answer;
/** A response as the wire client reads it (parse-response.ts). */
export type DecodedPacket = ParsedResponse;

/** Records in node's dns.promises.resolve shapes, which mailauth expects. */
const toNodeShape = (a: Answer): unknown => {
  switch (a.type) {
    case 'TXT': {
      const data = a.data;
      const parts = Array.isArray(data) ? data : [data];
      return parts.map((p) => (typeof p === 'string' ? p : txtToString(p)));
    }
    case 'MX':
      return { exchange: a.data.exchange, priority: a.data.preference ?? 0 };
    case 'SRV':
      return { name: a.data.target, port: a.data.port, priority: a.data.priority ?? 0, weight: a.data.weight ?? 0 };
    default:
      return (a as { data: unknown }).data;
  }
};

/**
 * The answer to (qname, qtype) in a validated response: the records owned by qname, or by the
 * end of the CNAME chain that starts there; records owned by any other name are ignored
 * (RFC 5452 9.1; RFC 2181 5.4.1: data not on the chain is not trusted as an answer).
 */
export const interpretResponse = (packet: DecodedPacket, qname: string, qtype: RRType): UpstreamAnswer => {
  const rcode = packet.rcode ?? 'NOERROR';
  if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') throw new DnsError(RCODE_ERRORS[rcode] ?? 'EBADRCODE', qname, qtype);
  const answers = (packet.answers ?? []).filter((a) => (a as { class?: string }).class === undefined || (a as { class?: string }).class === 'IN');
  const start = normalizeName(qname);
  let current = start;
  let ttl = Infinity;
  // the chain's names, once it has more than its start
  let seen: Set<string> | null = null;
  for (;;) {
    let cname: dnsPacket.StringAnswer | undefined;
    const matching: Answer[] = [];
    for (const a of answers) {
      if (normalizeName(a.name) !== current) continue;
      if (a.type === qtype) matching.push(a);
      else if (a.type === 'CNAME' && qtype !== 'CNAME') cname ??= a as dnsPacket.StringAnswer;
    }
    if (matching.length > 0) {
      // RFC 2181 5: an RRset holds each record once
      let records = matching.map(toNodeShape);
      if (records.length > 1) records = [...new Map(records.map((r) => [typeof r === 'string' ? r : JSON.stringify(r), r])).values()];
      let least = ttl;
      for (const a of matching) least = Math.min(least, (a as { ttl?: number }).ttl ?? 0);
      return { kind: 'records', records, ttl: least };
    }
    if (!cname) break;
    const target = normalizeName(cname.data);
    seen ??= new Set([start]);
    if (seen.has(target) || seen.size > MAX_CHAIN_IN_ANSWER) throw new DnsError('ELOOP', qname, qtype);
    seen.add(target);
    ttl = Math.min(ttl, cname.ttl ?? 0);
    current = target;
  }
  // RFC 2308 5: a negative answer may be cached for min(SOA TTL, SOA MINIMUM); no SOA, no caching
  const negative = Math.min(ttl, packet.negativeTtl ?? 0);
  // RFC 6604 3: the rcode speaks of the last name of the chain
  if (rcode === 'NXDOMAIN') return current === start ? { kind: 'nxdomain', ttl: negative } : { kind: 'nxdomain', ttl: negative, chained: true };
  // a chain that ends in a name without data: its owner's server may be another one
  if (current !== start) return { kind: 'cname', target: current, ttl: ttl === Infinity ? 0 : ttl };
  return { kind: 'nodata', ttl: negative };
};

/** Whether a decoded message answers our question (RFC 5452 9.1: id, QR, the question echoed). */
const answersQuestion = (packet: DecodedPacket, id: number, qname: string, qtype: RRType): boolean => {
  if (packet.id !== id || packet.type !== 'response') return false;
  const q = packet.questions ?? [];
  return q.length === 1 && normalizeName(q[0]!.name) === normalizeName(qname) && q[0]!.type === qtype && (q[0]!.class ?? 'IN') === 'IN';
};

// RFC 1035 4.1.1: the RD bit of the header's second 16-bit word
const RECURSION_DESIRED = 1 << 8;

// dns-packet reads the answers; queries are written here (buildQuery). It is required when the
// first query has been sent, not before: ~5 ms of start-up off the first round trip (issue 7).
let packetCodec: typeof dnsPacket | undefined;
const codec = (): typeof dnsPacket => (packetCodec ??= createRequire(import.meta.url)('dns-packet') as typeof dnsPacket);

/** Queries in flight on each UDP socket before the next is opened (see WireResolverOptions.sockets). */
const SOCKET_LOAD = 64;

const QTYPE: Record<RRType, number> = { A: 1, NS: 2, CNAME: 5, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33 };

/**
 * A query message (RFC 1035 4.1), written directly: it is the same every time but for the id,
 * name and type. RD=1; with udpPayloadSize, an EDNS0 OPT record (RFC 6891 6.1.2).
 */
export const buildQuery = (id: number, name: string, type: RRType, udpPayloadSize: number): Buffer => {
  const labels = name === '' ? [] : name.split('.');
  // a label's length is in octets (UTF-8), not in characters; each label is written in place
  let nameLength = 1;
  for (const l of labels) nameLength += 1 + Buffer.byteLength(l, 'utf8');
  const buf = Buffer.alloc(12 + nameLength + 4 + (udpPayloadSize > 0 ? 11 : 0));
  buf.writeUInt16BE(id, 0);
  buf.writeUInt16BE(RECURSION_DESIRED, 2);
  buf.writeUInt16BE(1, 4); // QDCOUNT
  buf.writeUInt16BE(udpPayloadSize > 0 ? 1 : 0, 10); // ARCOUNT
  let at = 12;
  for (const l of labels) {
    const written = buf.write(l, at + 1, 'utf8');
    buf[at] = written;
    at += 1 + written;
  }
  buf[at++] = 0;
  buf.writeUInt16BE(QTYPE[type], at);
  buf.writeUInt16BE(1, at + 2); // IN
  at += 4;
  if (udpPayloadSize > 0) {
    // owner ".", type OPT (41), class = payload size, TTL 0 (extended rcode, version 0, flags), no options
    buf[at] = 0;
    buf.writeUInt16BE(41, at + 1);
    buf.writeUInt16BE(udpPayloadSize, at + 3);
  }
  return buf;
};

/** What a UDP channel calls back: the query waiting under a message id. */
interface UdpWaiter {
  onMessage(msg: Buffer, id: number, server: ServerAddress): void;
  /** The server cannot be reached: ECONNREFUSED (nothing listens), or ESEND (the query could not be sent). */
  onUnreachable(server: ServerAddress, code: 'ECONNREFUSED' | 'ESEND'): void;
  /** The resolver closes: the query ends (ECANCELLED). */
  cancel(): void;
}

/**
 * A UDP socket connected to one server (so the kernel drops datagrams from any other address,
 * and sends skip the address lookup), shared by many queries told apart by message id.
 */
const createUdpChannel = (server: ServerAddress, health: { refusedAt: number }) => {
  const waiters = new Map<number, UdpWaiter>();
  const socket = dgram.createSocket({ type: isIP(server.host) === 6 ? 'udp6' : 'udp4', recvBufferSize: 4 << 20 });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    // ICMP port unreachable on a connected socket: nothing listens there, say so at once
    // rather than after --timeout; the socket can still be used (other errors: the queries
    // time out or retry)
    if (err.code !== 'ECONNREFUSED') return;
    health.refusedAt = Date.now();
    for (const w of [...waiters.values()]) w.onUnreachable(server, 'ECONNREFUSED');
  });
  socket.on('message', (msg) => {
    // anything shorter than a header, or with an id we did not send, is dropped
    if (msg.length < 12) return;
    const id = msg.readUInt16BE(0);
    waiters.get(id)?.onMessage(msg, id, server);
  });
  let isConnected = false;
  const connected = new Promise<boolean>((resolve) =>
    socket.connect(server.port, server.host, (err?: Error) => {
      isConnected = !err;
      resolve(!err);
    }),
  );
  socket.unref();
  // the kernel rate-limits ICMP errors: a port that refused a moment ago is taken as still closed
  const checkRefused = (waiter: UdpWaiter) => {
    if (Date.now() - health.refusedAt < 5000) waiter.onUnreachable(server, 'ECONNREFUSED');
  };
  // dgram's send() without a callback drops a send error silently (lib/dgram.js: no "error"
  // event), so a query that could not be sent (ENETUNREACH, EHOSTUNREACH, EPERM from a firewall)
  // would wait out --timeout. One function per socket, not a closure per send: the socket is
  // connected to one server, so a failed send fails the route every query on it shares; each
  // tries its next server, or fails at once (ESEND). A send that worked costs a process.nextTick.
  const onSent = (err: Error | null) => {
    if (err) for (const w of [...waiters.values()]) w.onUnreachable(server, 'ESEND');
  };
  return {
    /** Reserves a free random id (RFC 5452 9.2) for a query. */
    register(waiter: UdpWaiter): number {
      for (;;) {
        const id = Math.floor(Math.random() * 65536);
        if (!waiters.has(id)) {
          waiters.set(id, waiter);
          return id;
        }
      }
    },
    release: (id: number) => waiters.delete(id),
    load: () => waiters.size,
    /** The queries waiting on this socket. */
    waiting: (): UdpWaiter[] => [...waiters.values()],
    send: (msg: Buffer, waiter: UdpWaiter): void => {
      if (isConnected) {
        socket.send(msg, onSent);
        checkRefused(waiter);
        return;
      }
      void connected.then((ok) => {
        // a socket that could not connect (no route to the server) sends nothing
        if (!ok) return waiter.onUnreachable(server, 'ESEND');
        socket.send(msg, onSent);
        checkRefused(waiter);
      });
    },
    close: () => {
      waiters.clear();
      try {
        socket.close();
      } catch {
        // already closed
      }
    },
  };
};

type UdpChannel = ReturnType<typeof createUdpChannel>;

/** One query over TCP (RFC 7766): after a truncated UDP answer. */
const queryTcp = (server: ServerAddress, query: Buffer, signal: AbortSignal): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port });
    let buffered = Buffer.alloc(0);
    const done = (err: Error | null, msg?: Buffer) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(msg!);
    };
    const onAbort = () => done(new DnsError('ETIMEOUT', '', ''));
    signal.addEventListener('abort', onAbort);
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) done(null, buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => done(Object.assign(err, { code: err.code === 'ECONNREFUSED' ? 'ECONNREFUSED' : 'EBADRESP' })));
    socket.on('end', () => done(Object.assign(new Error('connection closed before a full answer'), { code: 'EBADRESP' })));
  });

/**
 * The wire client. Retry policy: a query has ctx.timeoutMs in all; it is sent at once and
 * sent again (to the next server, if several) every timeoutMs / (retries + 1) until a valid
 * answer comes; an answer to any of its transmissions counts, up to the last millisecond, so
 * a server that needs most of the timeout is never given up on early. A truncated answer
 * (TC=1) is asked again over TCP; FORMERR to an EDNS query is asked again without EDNS
 * (RFC 6891 7). Each retransmission is counted through ctx.onRetry.
 */
export const createWireResolver = (options: WireResolverOptions = {}): SelfTimedUpstream => {
  const servers = options.servers?.length ? [...options.servers] : systemServers();
  if (servers.length === 0) servers.push({ host: '127.0.0.1', port: 53 });
  const udpPayloadSize = options.udpPayloadSize ?? 1232;
  const poolSize = Math.max(1, options.sockets ?? 16);
  const pools = new Map<ServerAddress, UdpChannel[]>();
  const health = new Map(servers.map((s) => [s, { refusedAt: -Infinity }]));
  let closed = false;

  const channel = (server: ServerAddress): UdpChannel => {
    let pool = pools.get(server);
    if (!pool) {
      pool = [];
      pools.set(server, pool);
    }
    // a new socket (a new random port) only when the others are busy: one check needs one
    let best: UdpChannel | undefined;
    for (const c of pool) if (!best || c.load() < best.load()) best = c;
    if (best && (best.load() < SOCKET_LOAD || pool.length >= poolSize)) return best;
    const created = createUdpChannel(server, health.get(server)!);
    pool.push(created);
    return created;
  };

  /**
   * One query in flight: a class, not a dozen closures, since a batch has tens of thousands. It
   * ends itself after ctx.timeoutMs (ETIMEOUT), or earlier when ctx.signal aborts.
   */
  class WireQuery implements UdpWaiter {
    settled = false;
    sends = 0;
    edns = udpPayloadSize;
    readonly first = Math.floor(Math.random() * servers.length);
    readonly started = performance.now();
    timer: { clear(): void } | undefined;
    tcp: AbortController | undefined;
    /** Where it was sent: one entry per server, each under its own id. */
    readonly registrations: { channel: UdpChannel; id: number; server: ServerAddress }[] = [];
    triedAfterError: Set<ServerAddress> | null = null;
    readonly interval: number;
    readonly abortListener: (() => void) | null;

    readonly name: string;
    readonly type: RRType;
    readonly ctx: TimedQueryContext;
    readonly sink: QuerySink;

    constructor(name: string, type: RRType, ctx: TimedQueryContext, sink: QuerySink) {
      this.name = name;
      this.type = type;
      this.ctx = ctx;
      this.sink = sink;
      this.interval = Math.max(1, Math.floor(ctx.timeoutMs / (ctx.retries + 1)));
      this.abortListener = ctx.signal ? () => this.finish(new DnsError('ETIMEOUT', name, type)) : null;
    }

    start(): void {
      const signal = this.ctx.signal;
      if (signal) {
        if (signal.aborted) return this.finish(new DnsError('ETIMEOUT', this.name, this.type));
        signal.addEventListener('abort', this.abortListener!);
      }
      this.send(servers[this.first]!);
      this.schedule();
    }

    finish(error: DnsError | null, answer?: UpstreamAnswer): void {
      if (this.settled) return;
      this.settled = true;
      this.timer?.clear();
      for (const r of this.registrations) r.channel.release(r.id);
      this.tcp?.abort();
      if (this.abortListener) this.ctx.signal!.removeEventListener('abort', this.abortListener);
      this.sink.settle(error, answer);
    }

    /** Sends (again) to a server, under this query's id on that server's socket. */
    send(server: ServerAddress): void {
      if (this.settled) return;
      if (this.sends > 0) this.ctx.onRetry();
      this.sends++;
      let reg = this.registrations.find((r) => r.server === server);
      if (!reg) {
        const ch = channel(server);
        reg = { channel: ch, id: ch.register(this), server };
        this.registrations.push(reg);
      }
      reg.channel.send(buildQuery(reg.id, this.name, this.type, this.edns), this);
    }

    /** Sends again every interval while retries remain; after the last, the query has had its time. */
    schedule(): void {
      // a send may have ended it already (a port known to refuse)
      if (this.settled) return;
      const remaining = this.ctx.timeoutMs - this.interval * this.ctx.retries;
      const last = this.sends > this.ctx.retries;
      // time the event loop was busy is not counted: an answer read late is not resent for
      this.timer = setLoopTimeout(
        () => {
          if (this.sends <= this.ctx.retries) {
            this.send(servers[(this.first + this.sends) % servers.length]!);
            this.schedule();
          } else this.finish(new DnsError('ETIMEOUT', this.name, this.type));
        },
        last ? Math.max(1, remaining) : this.interval,
      );
    }

    cancel(): void {
      this.finish(new DnsError('ECANCELLED', this.name, this.type));
    }

    onMessage(msg: Buffer, id: number, server: ServerAddress): void {
      if (!this.tcp) this.handle(msg, id, server, false);
    }

    onUnreachable(server: ServerAddress, code: 'ECONNREFUSED' | 'ESEND'): void {
      if (this.tcp || this.settled) return;
      const tried = (this.triedAfterError ??= new Set());
      tried.add(server);
      const next = servers.find((s) => !tried.has(s));
      if (next) this.send(next);
      else this.finish(new DnsError(code, this.name, this.type));
    }

    handle(answer: Buffer, id: number, server: ServerAddress, viaTcp: boolean): void {
      if (this.settled) return;
      const { name, type } = this;
      let packet: DecodedPacket;
      try {
        // a truncated UDP answer is read to its question only: the rest is asked over TCP
        packet = parseResponse(codec() as unknown as SectionCodecs, answer, !viaTcp);
      } catch {
        // this query's answer is broken: this query fails, no other
        return this.finish(new DnsError('EBADRESP', name, type));
      }
      // not an answer to this question (QR=0, another question): keep waiting
      if (!answersQuestion(packet, id, name, type)) return;
      if (!viaTcp && packet.flag_tc) return this.askTcp(server);
      if (packet.rcode === 'FORMERR' && this.edns > 0) {
        // RFC 6891 7: a server that does not know EDNS; ask again without it
        this.edns = 0;
        return this.send(server);
      }
      let result: UpstreamAnswer;
      try {
        result = interpretResponse(packet, name, type);
      } catch (err) {
        const error = err as DnsError;
        const tried = (this.triedAfterError ??= new Set());
        tried.add(server);
        const next = servers.find((s) => !tried.has(s));
        if (TRY_NEXT_SERVER.has(error.code) && next !== undefined) return this.send(next);
        return this.finish(error);
      }
      this.finish(null, result);
    }

    askTcp(server: ServerAddress): void {
      if (this.tcp) return;
      this.ctx.onRetry();
      this.timer?.clear();
      const tcp = (this.tcp = new AbortController());
      // the rest of the query's time, for the TCP exchange
      const left = Math.max(1, this.ctx.timeoutMs - (performance.now() - this.started));
      this.timer = setLoopTimeout(() => {
        tcp.abort();
        this.finish(new DnsError('ETIMEOUT', this.name, this.type));
      }, left);
      const signal = this.ctx.signal ? AbortSignal.any([tcp.signal, this.ctx.signal]) : tcp.signal;
      const id = this.registrations.find((r) => r.server === server)!.id;
      queryTcp(server, buildQuery(id, this.name, this.type, 0), signal).then(
        (msg) => this.handle(msg, id, server, true),
        (err: { code?: string }) => {
          if (!this.settled) this.finish(new DnsError(err.code === 'ECONNREFUSED' ? 'ECONNREFUSED' : this.ctx.signal?.aborted ? 'ETIMEOUT' : 'EBADRESP', this.name, this.type));
        },
      );
    }
  }

  // a socket per server now: connecting takes a turn of the event loop, which the first queries
  // would otherwise wait for behind whatever the process loads meanwhile (issue 7, start-up)
  for (const server of servers) channel(server);

  const start = (name: string, type: RRType, ctx: TimedQueryContext, sink: QuerySink): void => {
    if (closed) return sink.settle(new DnsError('ECANCELLED', name, type));
    new WireQuery(name, type, ctx, sink).start();
    // the codec loads while the first answers are on their way
    if (!packetCodec) setImmediate(codec);
  };

  const query = (name: string, type: RRType, ctx: TimedQueryContext): Promise<UpstreamAnswer> =>
    new Promise<UpstreamAnswer>((resolve, reject) => start(name, type, ctx, { settle: (error, answer) => (error ? reject(error) : resolve(answer!)) }));

  const resolver: SelfTimedUpstream = {
    query,
    start,
    ownsTimeouts: true,
    close: () => {
      closed = true;
      // every query in flight is registered on a socket until it ends (a TCP retry too)
      for (const pool of pools.values()) for (const c of pool) for (const w of c.waiting()) w.cancel();
      for (const pool of pools.values()) for (const c of pool) c.close();
      pools.clear();
    },
    describe: () => options.label ?? `system resolver (${servers.map((s) => `${s.host}:${s.port}`).join(', ')})`,
  };
  // the batch's default concurrency depends on them (servers.ts)
  return asking(resolver, servers);
};
