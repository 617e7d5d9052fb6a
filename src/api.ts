// The programmatic API: check a domain and get the published v1 document (src/contract/v1.ts),
// render it as text, JSON or Markdown. Input is validated by the same parsers as the command
// line (src/options.ts), so `check('not a domain')` throws the UsageError the CLI prints.
import { Chalk } from 'chalk';
import { check as checkCore, type ProgressStage } from './check.ts';
import { systemClock, type Clock } from './clock.ts';
import { createDnsClient } from './dns/client.ts';
import { ZoneSyntaxError } from './dns/parse-zone.ts';
import { createNodeResolver, type UpstreamResolver } from './dns/system.ts';
import { DNS_ERROR_TEXT, DnsError, errorCode, type DnsErrorCode, type Resolver, type RRType, type UpstreamAnswer } from './dns/types.ts';
import { createZoneResolver, loadZoneFiles } from './dns/zone-resolver.ts';
import { toV1 } from './contract/to-v1.ts';
import type { Report, Verdict } from './contract/v1.ts';
import { parseDomain, parseIp, parseMailFrom, parseResolver, parseSelector, parseTimeout, parseTo, plainFileError, UsageError } from './options.ts';
import { renderMarkdown as renderMarkdownV1 } from './contract/render-markdown.ts';
import type { Report as InternalReport } from './report/types.ts';
import { renderTable } from './report/render-table.ts';

/**
 * Where DNS answers come from: a resolver made by systemResolver(), serverResolver() or
 * zoneResolver(), or any function with the contract of node's `dns.promises.resolve`
 * (records on success; a thrown error with code ENOTFOUND for NXDOMAIN, ENODATA for no record,
 * anything else for a failure).
 */
export type DnsSource = UpstreamResolver | Resolver;

export interface CheckOptions {
  /** Relay IPs in hop order. Default: an address the sender's SPF does not list. */
  relays?: readonly string[];
  /** The envelope sender (MAIL FROM). Default: postmaster@DOMAIN; "" or "<>" for the null sender. */
  mailFrom?: string;
  /** The name the relay gives in HELO/EHLO. Default: forwarder.invalid. */
  helo?: string;
  /** DKIM selectors to probe. Default: a list of common selectors. */
  selectors?: readonly string[];
  /** Receivers to predict besides Gmail's verdict (`--to`): gmail, outlook, yahoo, icloud, proton, or all. Default: none. */
  to?: readonly string[];
  /** Where DNS answers come from. Default: the system resolver. */
  resolver?: DnsSource;
  /** Time allowed for each DNS query, in ms. Default: 5000. */
  timeoutMs?: number;
  /** Adds internal state under `debug` in the document (not part of the contract). */
  debug?: boolean;
  /** The clock dated advice and timings read. Default: the system clock. */
  clock?: Clock;
  /** Called as the check moves on. */
  onProgress?: (stage: ProgressStage) => void;
}

export const DEFAULT_TIMEOUT_MS = 5000;

// The internal Report behind each document check() returned: renderText needs more than the
// published document holds (the wording of tables), and a WeakMap keeps it out of the JSON.
const INTERNAL = new WeakMap<Report, InternalReport>();

/** A function with the contract of dns.promises.resolve, as a source the DNS session can use. */
const fromFunction = (resolve: Resolver): UpstreamResolver => ({
  query: async (name: string, type: RRType): Promise<UpstreamAnswer> => {
    try {
      const records = (await resolve(name, type)) as unknown[];
      // a custom function gives no TTL: nothing is cached past this check
      return records.length ? { kind: 'records', records, ttl: 0 } : { kind: 'nodata', ttl: 0 };
    } catch (err) {
      const code = errorCode(err);
      if (code === 'ENOTFOUND') return { kind: 'nxdomain', ttl: 0 };
      if (code === 'ENODATA') return { kind: 'nodata', ttl: 0 };
      throw err instanceof DnsError ? err : new DnsError(code in DNS_ERROR_TEXT ? (code as DnsErrorCode) : 'ESERVFAIL', name, type);
    }
  },
  close: () => {},
  describe: () => 'custom resolver',
});

/**
 * Checks what happens to mail From `domain` forwarded through the relays to Gmail. Throws
 * UsageError for bad input (the message the CLI prints); DNS trouble is not an error but a
 * verdict (`unknown`) with findings.
 */
export const check = async (domain: string, options: CheckOptions = {}): Promise<Report> => {
  if (typeof domain !== 'string') throw new UsageError('invalid domain: expected a string');
  const from = parseDomain(domain);
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(String(options.timeoutMs));
  const core: Parameters<typeof checkCore>[1] = {
    relays: (options.relays ?? []).map(parseIp),
    selectors: (options.selectors ?? []).map(parseSelector),
    receivers: parseTo(options.to ?? []),
  };
  if (options.mailFrom !== undefined) core.mailFrom = parseMailFrom(options.mailFrom);
  if (options.helo !== undefined) core.helo = parseDomain(options.helo, '--helo name');
  const clock = options.clock ?? systemClock;
  const source = options.resolver ?? systemResolver({ timeoutMs });
  const dns = createDnsClient(typeof source === 'function' ? fromFunction(source) : source, { timeoutMs, clock });
  try {
    const deps: Parameters<typeof checkCore>[2] = { dns, clock };
    if (options.onProgress) deps.onProgress = options.onProgress;
    const internal = await checkCore(from, core, deps);
    const doc = toV1(internal, { debug: options.debug === true });
    INTERNAL.set(doc, internal);
    return doc;
  } finally {
    dns.close();
  }
};

/** The system's configured DNS servers. */
export const systemResolver = (options: { timeoutMs?: number } = {}): UpstreamResolver =>
  createNodeResolver({ timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });

/** One DNS server: "HOST", "HOST:PORT" or "[IPv6]:PORT" (the syntax of --resolver). */
export const serverResolver = (address: string, options: { timeoutMs?: number } = {}): UpstreamResolver =>
  createNodeResolver({ server: parseResolver(address), timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });

/**
 * Answers from RFC 1035 zone files alone (fully offline: a name in no file is NXDOMAIN). Throws
 * UsageError naming the file and the line for an unreadable file or a syntax error.
 */
export const zoneResolver = async (files: string | readonly string[]): Promise<UpstreamResolver> => {
  const paths = typeof files === 'string' ? [files] : [...files];
  if (paths.length === 0) throw new UsageError('zoneResolver: no zone file given');
  try {
    return createZoneResolver(await loadZoneFiles(paths), `zone files ${paths.join(', ')}`);
  } catch (err) {
    if (err instanceof ZoneSyntaxError) throw new UsageError(`zone file error: ${err.message}`);
    const e = err as Error & { zoneFile?: string };
    if (e.zoneFile) throw new UsageError(`cannot read zone file ${e.zoneFile}: ${plainFileError(e)}`);
    throw err;
  }
};

export interface TextOptions {
  /** Colours (ANSI escapes): false (the default), true, or a level 1 (16 colours) to 3 (truecolor). */
  color?: boolean | 0 | 1 | 2 | 3;
  /** The width to fit the report to, in columns. Default: 80. */
  width?: number;
}

/** The human report, as the CLI prints it. Takes a document check() returned. */
export const renderText = (report: Report, options: TextOptions = {}): string => {
  const internal = INTERNAL.get(report);
  if (!internal) throw new TypeError('renderText takes a report returned by check() (a parsed JSON document cannot be rendered as text; use renderMarkdown)');
  const level = options.color === true ? 1 : options.color === false || options.color === undefined ? 0 : options.color;
  return renderTable(internal, { chalk: new Chalk({ level }), width: options.width ?? 80 });
};

/** The v1 JSON document, pretty-printed, with a final newline: what `fwdcheck --json` prints. */
export const renderJson = (report: Report): string => `${JSON.stringify(report, null, 2)}\n`;

/** A short Markdown summary (verdict, path, findings, advice) for a pull-request comment. */
export const renderMarkdown = (report: Report): string => renderMarkdownV1(report);

/** The exit code the CLI gives for a verdict (0 inbox, 1 at risk or fail per failOn, 3 unknown). */
export const exitCodeFor = (verdict: Verdict, failOn: 'at-risk' | 'fail' = 'at-risk'): 0 | 1 | 3 => {
  switch (verdict) {
    case 'pass':
      return 0;
    case 'at-risk':
      return failOn === 'at-risk' ? 1 : 0;
    case 'fail':
    case 'no-domain':
      return 1;
    case 'unknown':
      return 3;
  }
};
