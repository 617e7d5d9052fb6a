import { readFile } from 'node:fs/promises';
import { parseZone } from './parse-zone.ts';
import type { UpstreamResolver } from './system.ts';
import { DnsError, type RecordMap, type RRType } from './types.ts';
import { ZoneIndex, type ZoneRecord } from './zone.ts';

/** Answers from the records of a zone index alone: fully offline. */
export const createZoneResolver = (zone: ZoneIndex, label = 'zone files'): UpstreamResolver => ({
  resolve: async <T extends RRType>(name: string, rrtype: T): Promise<RecordMap[T]> => answerFromZone(zone, name, rrtype),
  close: () => {},
  describe: () => label,
});

export const answerFromZone = <T extends RRType>(zone: ZoneIndex, name: string, rrtype: T): RecordMap[T] => {
  const result = zone.lookup(name, rrtype);
  switch (result.kind) {
    case 'fault':
      throw new DnsError(result.fault === 'timeout' ? 'ETIMEOUT' : 'ESERVFAIL', name, rrtype);
    case 'nxdomain':
      throw new DnsError('ENOTFOUND', name, rrtype);
    case 'nodata':
      throw new DnsError('ENODATA', name, rrtype);
    case 'answer':
      return result.records.map(toNodeShape) as RecordMap[T];
  }
};

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
