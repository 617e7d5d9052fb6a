import { readFile, stat } from 'node:fs/promises';
import { getDomain } from '../psl.ts';
import { iterateZone } from './parse-zone.ts';
import { asking, serversAsked } from './servers.ts';
import { DnsError, type QueryContext, type RecordMap, type RRType, type SelfTimedUpstream, type UpstreamAnswer, type UpstreamResolver } from './types.ts';
import { ZoneIndex, type ZoneRecord } from './zone.ts';

/** Answers from the records of a zone index alone: every name outside it is NXDOMAIN. */
export const createZoneResolver = (zone: ZoneIndex, label = 'zone files'): SelfTimedUpstream => {
  const resolver: SelfTimedUpstream = {
    query: async (name: string, rrtype: RRType): Promise<UpstreamAnswer> => zoneAnswer(zone, name, rrtype),
    ownsTimeouts: true,
    close: () => {},
    describe: () => label,
  };
  // no server asked
  return asking(resolver, []);
};

/** The zone's answer, following CNAMEs inside the index; TTLs as the zone gives them. */
export const zoneAnswer = (zone: ZoneIndex, name: string, rrtype: RRType): UpstreamAnswer => {
  const result = zone.lookup(name, rrtype);
  const chainTtl = result.kind === 'fault' ? 0 : Math.min(Infinity, ...result.cnames.map((c) => c.ttl));
  switch (result.kind) {
    case 'fault':
      throw new DnsError(result.fault === 'timeout' ? 'ETIMEOUT' : 'ESERVFAIL', name, rrtype);
    case 'nxdomain':
      return result.cnames.length === 0 ? { kind: 'nxdomain', ttl: NEGATIVE_TTL } : { kind: 'nxdomain', ttl: Math.min(chainTtl, NEGATIVE_TTL), chained: true };
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

/**
 * Zone files over the DNS: names at or below the files' origins are answered from the files,
 * authoritatively (a missing name there is NXDOMAIN, as its real server would say); every
 * other name goes to the resolver, or, offline (fallback null), fails with EOFFLINE: not
 * checked, which leaves its part of the outcome open instead of taking it as non-existent.
 */
export const createZoneLayer = (zone: ZoneIndex, fallback: UpstreamResolver | null, label: string): UpstreamResolver => {
  const layer: UpstreamResolver = {
    // the files answer at once; names outside them go to the fallback, which gets the signal it
    // needs (a custom upstream, through the API's zoneResolver({ then })) from the session
    ...(fallback === null || fallback.ownsTimeouts ? { ownsTimeouts: true as const } : {}),
    query: async (name: string, rrtype: RRType, ctx: QueryContext): Promise<UpstreamAnswer> => {
      if (zone.isAuthoritative(name)) return zoneStepAnswer(zone, name, rrtype);
      if (!fallback) {
        if (isPublicSuffixLevel(name)) return { kind: 'nxdomain', ttl: NEGATIVE_TTL, assumed: true };
        // RFC 6761 6.4: names under .invalid never exist (fwdcheck's default HELO is one)
        if (/(?:^|\.)invalid\.?$/i.test(name)) return { kind: 'nxdomain', ttl: NEGATIVE_TTL };
        throw new DnsError('EOFFLINE', name, rrtype);
      }
      return fallback.query(name, rrtype, ctx);
    },
    close: () => fallback?.close(),
    describe: () => label,
  };
  // the servers asked are the fallback's (none offline; not known for a user's upstream)
  const servers = fallback === null ? [] : serversAsked(fallback);
  return servers === null ? layer : asking(layer, servers);
};

/**
 * Offline, the names at the level of a public suffix above the files (`_dmarc.com`, which the
 * RFC 9989 DNS Tree Walk asks for every domain, section 4.10) are taken as non-existent rather than
 * "not checked": public suffixes almost never publish DMARC (a PSD record is the exception), and
 * leaving them open would make every offline check of a zone end in a DMARC temperror. The
 * assumption shows in the --debug trace and the README says so.
 */
const isPublicSuffixLevel = (name: string): boolean => {
  const base = name.toLowerCase().replace(/\.$/, '').replace(/^(?:_[^.]*\.)+/, '');
  return base !== '' && getDomain(base, { allowPrivateDomains: true }) === null;
};

/** One authoritative step: a CNAME is handed back, so that its target is asked wherever it lives. */
const zoneStepAnswer = (zone: ZoneIndex, name: string, rrtype: RRType): UpstreamAnswer => {
  const step = zone.step(name, rrtype);
  switch (step.kind) {
    case 'fault':
      throw new DnsError(step.fault === 'timeout' ? 'ETIMEOUT' : 'ESERVFAIL', name, rrtype);
    case 'nxdomain':
      return { kind: 'nxdomain', ttl: NEGATIVE_TTL };
    case 'nodata':
      return { kind: 'nodata', ttl: NEGATIVE_TTL };
    case 'cname':
      return { kind: 'cname', target: step.record.data, ttl: step.record.ttl };
    case 'answer':
      return { kind: 'records', records: step.records.map(toNodeShape), ttl: Math.min(...step.records.map((r) => r.ttl)) };
  }
};

/** A zone file that cannot be used, in plain words; the CLI prints it as one line. */
export class ZoneFileError extends Error {
  readonly file: string;
  constructor(file: string, reason: string) {
    super(`cannot read zone file ${file}: ${reason}`);
    this.name = 'ZoneFileError';
    this.file = file;
  }
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file (ENOENT)',
  EACCES: 'permission denied (EACCES)',
  EISDIR: 'a directory, not a file (EISDIR)',
  ELOOP: 'too many symbolic links (ELOOP)',
  ENAMETOOLONG: 'file name too long (ENAMETOOLONG)',
};

/** Refuses anything but a regular file before opening it: reading a FIFO or a device never ends. */
const checkRegularFile = async (path: string): Promise<void> => {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new ZoneFileError(path, READ_ERRORS[code] ?? code);
  }
  if (info.isFile()) return;
  const what = info.isDirectory()
    ? READ_ERRORS.EISDIR!
    : info.isFIFO()
      ? 'a named pipe (FIFO), not a file'
      : info.isCharacterDevice() || info.isBlockDevice()
        ? 'a device, not a file'
        : info.isSocket()
          ? 'a socket, not a file'
          : 'not a regular file';
  throw new ZoneFileError(path, what);
};

/**
 * Reads and parses zone files into one index, a record at a time. Each file is authoritative
 * for its SOA owners; without SOA, for its $ORIGINs; without either, for the registrable
 * domains (Public Suffix List) of the names it holds. Throws ZoneFileError or ZoneSyntaxError.
 */
export const loadZoneFiles = async (paths: readonly string[]): Promise<ZoneIndex> => {
  const index = new ZoneIndex([]);
  for (const path of paths) {
    await checkRegularFile(path);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      throw new ZoneFileError(path, READ_ERRORS[code] ?? code);
    }
    const origins = new Set<string>();
    const soaOwners = new Set<string>();
    const registrable = new Set<string>();
    let lastName = '';
    for (const record of iterateZone(bytes, path, { onOrigin: (o) => origins.add(o) })) {
      index.add(record);
      if (record.type === 'OTHER' && record.rrtype === 'SOA') soaOwners.add(record.name);
      if (record.name !== lastName) {
        lastName = record.name;
        registrable.add(getDomain(record.name, { allowPrivateDomains: true }) ?? record.name);
      }
    }
    for (const origin of soaOwners.size ? soaOwners : origins.size ? origins : registrable) index.addAuthority(origin);
  }
  return index;
};
