import { readFile } from 'node:fs/promises';
import { parseZone } from './parse-zone.ts';
import { DnsError, type RecordMap, type RRType, type UpstreamAnswer, type UpstreamResolver } from './types.ts';
import { ZoneIndex, type ZoneRecord } from './zone.ts';

/** Answers from the records of a zone index alone: every name outside it is NXDOMAIN. */
export const createZoneResolver = (zone: ZoneIndex, label = 'zone files'): UpstreamResolver => ({
  query: async (name: string, rrtype: RRType): Promise<UpstreamAnswer> => zoneAnswer(zone, name, rrtype),
  close: () => {},
  describe: () => label,
});

/** The zone's answer, following CNAMEs inside the index; TTLs as the zone gives them. */
export const zoneAnswer = (zone: ZoneIndex, name: string, rrtype: RRType): UpstreamAnswer => {
  const result = zone.lookup(name, rrtype);
  const chainTtl = result.kind === 'fault' ? 0 : Math.min(Infinity, ...result.cnames.map((c) => c.ttl));
  switch (result.kind) {
    case 'fault':
      throw new DnsError(result.fault === 'timeout' ? 'ETIMEOUT' : 'ESERVFAIL', name, rrtype);
    case 'nxdomain':
      return { kind: 'nxdomain', ttl: Math.min(chainTtl, NEGATIVE_TTL) };
    case 'nodata':
      return { kind: 'nodata', ttl: Math.min(chainTtl, NEGATIVE_TTL) };
    case 'answer':
      return { kind: 'records', records: result.records.map(toNodeShape), ttl: Math.min(chainTtl, ...result.records.map((r) => r.ttl)) };
  }
};

/** Answers in node's shapes, or a thrown DnsError: for callers that want a plain resolver. */
export const answerFromZone = <T extends RRType>(zone: ZoneIndex, name: string, rrtype: T): RecordMap[T] => {
  const answer = zoneAnswer(zone, name, rrtype);
  if (answer.kind === 'records') return answer.records as RecordMap[T];
  throw new DnsError(answer.kind === 'nxdomain' ? 'ENOTFOUND' : 'ENODATA', name, rrtype);
};

// RFC 2308 5: a negative answer is cached for the SOA's minimum; a zone file read for a run
// does not change, so its negative answers can be kept as long as a typical SOA minimum.
const NEGATIVE_TTL = 3600;

/** The shapes node's dns.promises.resolve gives, which mailauth expects. */
const toNodeShape = (record: ZoneRecord): unknown => {
  switch (record.type) {
    case 'TXT':
    case 'SPF':
      return [...record.data];
    case 'MX':
      return { ...record.data };
    case 'SRV':
      return { ...record.data };
    default:
      return record.data;
  }
};

/** Reads and parses zone files; throws ZoneSyntaxError (file:line) or the read error. */
export const loadZoneFiles = async (paths: readonly string[]): Promise<ZoneIndex> => {
  const all: ZoneRecord[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      // ENOENT, EISDIR, EACCES...: name the file whatever the error says
      throw Object.assign(err as Error, { zoneFile: path });
    }
    // a byte-order mark, as some Windows editors write, is not part of the first line
    all.push(...parseZone(text.replace(/^\uFEFF/, ''), path));
  }
  return new ZoneIndex(all);
};
