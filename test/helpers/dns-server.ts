// A real DNS server for the tests: UDP and TCP on 127.0.0.1, a free port, answering from zone
// files through fwdcheck's own zone index. UDP answers that do not fit are truncated (TC), so
// clients must retry over TCP; names can be made to time out (no answer at all).
import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { ZoneIndex, ZoneRecord } from '../../src/dns/zone.ts';

export interface QueryLogEntry {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
}

export interface TestDnsServer {
  host: string;
  port: number;
  /** "host:port" for --resolver. */
  address: string;
  log: QueryLogEntry[];
  close(): Promise<void>;
}

export interface TestDnsServerOptions {
  zone: ZoneIndex;
  /** Names (and their subdomains) whose queries get no answer. */
  dropNames?: string[];
  /** Names (and their subdomains) answered with SERVFAIL. */
  servfailNames?: string[];
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;

const under = (name: string, list: string[] = []) => list.some((n) => name === n || name.endsWith(`.${n}`));

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
      return { ...base, type: 'TXT', data: r.data.map((s) => Buffer.from(s, 'utf8')) } as dnsPacket.Answer;
    case 'MX':
      return { ...base, type: 'MX', data: { preference: r.data.priority, exchange: r.data.exchange } } as dnsPacket.Answer;
    case 'SRV':
      return { ...base, type: 'SRV', data: { priority: r.data.priority, weight: r.data.weight, port: r.data.port, target: r.data.name } } as dnsPacket.Answer;
    case 'OTHER':
      return null;
  }
};

/** Builds the response to a query, or null to stay silent (a dropped name). */
const respond = (query: dnsPacket.Packet, options: TestDnsServerOptions, log: QueryLogEntry[], transport: 'udp' | 'tcp'): dnsPacket.Packet | null => {
  const question = query.questions?.[0];
  const base = { id: query.id, type: 'response' as const, questions: query.questions ?? [] };
  // RD copied, AA set
  const flags = (rcode: number) => dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode;
  if (!question) return { ...base, flags: flags(RCODE.NOTIMP) };
  const name = question.name.toLowerCase().replace(/\.$/, '');
  log.push({ name, type: question.type, transport });
  if (under(name, options.dropNames)) return null;
  if (under(name, options.servfailNames)) return { ...base, flags: flags(RCODE.SERVFAIL) };
  const result = options.zone.lookup(name, question.type);
  switch (result.kind) {
    case 'fault':
      return result.fault === 'timeout' ? null : { ...base, flags: flags(RCODE.SERVFAIL) };
    case 'nxdomain':
      return { ...base, flags: flags(RCODE.NXDOMAIN), answers: result.cnames.map(toAnswer).filter((a) => a !== null) };
    case 'nodata':
      return { ...base, flags: flags(RCODE.NOERROR), answers: result.cnames.map(toAnswer).filter((a) => a !== null) };
    case 'answer':
      return { ...base, flags: flags(RCODE.NOERROR), answers: [...result.cnames, ...result.records].map(toAnswer).filter((a) => a !== null) };
  }
};

const udpLimit = (query: dnsPacket.Packet): number => {
  // RFC 6891 6.2.5: the requestor's UDP payload size from its OPT record, at least 512
  const opt = (query.additionals ?? []).find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  return Math.max(512, opt?.udpPayloadSize ?? 512);
};

export const startDnsServer = async (options: TestDnsServerOptions): Promise<TestDnsServer> => {
  const log: QueryLogEntry[] = [];
  const host = '127.0.0.1';
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve());
    });
    const port = udp.address().port;
    const tcp = net.createServer((socket) => {
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
          const response = respond(query, options, log, 'tcp');
          if (response) socket.write(dnsPacket.streamEncode(response));
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
    udp.on('message', (msg, rinfo) => {
      let query: dnsPacket.Packet;
      try {
        query = dnsPacket.decode(msg);
      } catch {
        return;
      }
      const response = respond(query, options, log, 'udp');
      if (!response) return;
      let out = dnsPacket.encode(response);
      if (out.length > udpLimit(query)) {
        // RFC 1035 4.2.1: set TC and send what fits; here, the question alone
        out = dnsPacket.encode({ ...response, flags: (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [] });
      }
      udp.send(out, rinfo.port, rinfo.address);
    });
    return {
      host,
      port,
      address: `${host}:${port}`,
      log,
      close: async () => {
        await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
      },
    };
  }
};
