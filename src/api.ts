// The programmatic API: check a domain and get the published v1 document (src/contract/v1.ts),
// render it as text, JSON or Markdown. Input is validated by the same parsers as the command
// line (src/options.ts), so `check('not a domain')` throws the UsageError the CLI prints.
import { Chalk } from 'chalk';
import { check as checkCore, type ProgressStage } from './check.ts';
import { systemClock, type Clock } from './clock.ts';
import { checkMany as checkManyCore, DEFAULT_DOMAIN_CONCURRENCY, type BatchInput } from './batch.ts';
import { createDnsClient } from './dns/client.ts';
import { batchConcurrencyFor } from './dns/servers.ts';
import { createDnsSession } from './dns/session.ts';
import { DNS_DEFAULTS } from './dns/defaults.ts';
import { ZoneSyntaxError } from './dns/parse-zone.ts';
import { createWireResolver } from './dns/wire.ts';
import { DNS_ERROR_TEXT, DnsError, errorCode, type DnsErrorCode, type Resolver, type RRType, type UpstreamAnswer, type UpstreamResolver } from './dns/types.ts';
import { createZoneLayer, loadZoneFiles, ZoneFileError } from './dns/zone-resolver.ts';
import { toV1 } from './contract/to-v1.ts';
import type { Report, Verdict } from './contract/v1.ts';
import { parseRelaySpec } from './simulate/parse-relay.ts';
import { parseHelo, parseDomain, parseMailFrom, parseResolver, parseSelector, parseTimeout, parseTo, parseDeadline, UsageError } from './options.ts';
import { renderMarkdown as renderMarkdownV1 } from './contract/render-markdown.ts';
import type { Report as InternalReport } from './report/types.ts';
import { renderText as renderTextReport } from './report/render-text.ts';

/**
 * Where DNS answers come from: a resolver made by systemResolver(), serverResolver() or
 * zoneResolver(), or any function with the contract of node's `dns.promises.resolve`
 * (records on success; a thrown error with code ENOTFOUND for NXDOMAIN, ENODATA for no record,
 * anything else for a failure).
 */
export type DnsSource = UpstreamResolver | Resolver;

export interface CheckOptions {
  /**
   * The forwarding hops in order, each in the syntax of --relay: an IP, a preset (gmail,
   * microsoft365, list, postfix) optionally @IP or @DOMAIN, with ,srs=DOMAIN ,modify=footer ,arc ...
   * Default: one hop from an address the sender's SPF does not list.
   */
  relays?: readonly string[];
  /** The envelope sender (MAIL FROM). Default: postmaster@DOMAIN; "" or "<>" for the null sender. */
  mailFrom?: string;
  /** The name the relay gives in HELO/EHLO. Default: forwarder.invalid. */
  helo?: string;
  /** DKIM selectors to probe. Default: a list of common selectors. */
  selectors?: readonly string[];
  /** Further domains the mail may be signed with (--dkim-domain). */
  dkimDomains?: readonly string[];
  /** Receivers to predict besides Gmail's verdict (`--to`): gmail, outlook, yahoo, icloud, proton, or all. Default: none. */
  to?: readonly string[];
  /** Where DNS answers come from. Default: the system resolver. */
  resolver?: DnsSource;
  /** Time given to each DNS query, retransmissions included, in ms. Default: DNS_DEFAULTS.timeoutMs (the CLI's --timeout). */
  timeoutMs?: number;
  /** Time given to the whole check, in ms; past it the verdict is unknown. Default: the CLI's --deadline. */
  deadlineMs?: number;
  /** Adds internal state under `debug` in the document (not part of the contract). */
  debug?: boolean;
  /** The clock dated advice and timings read. Default: the system clock. */
  clock?: Clock;
  /** Called as the check moves on. */
  onProgress?: (stage: ProgressStage) => void;
}

export const DEFAULT_TIMEOUT_MS = DNS_DEFAULTS.timeoutMs;

// The internal Report behind each document check() returned: renderText needs more than the
// published document holds (the wording of tables), and a WeakMap keeps it out of the JSON.
const INTERNAL = new WeakMap<Report, InternalReport>();

/** A function with the contract of dns.promises.resolve, as a source the DNS session can use. */
const fromFunction = (resolve: Resolver): UpstreamResolver => ({
  // not ownsTimeouts: the function does not end its own lookups, so the session's timer settles
  // them at timeoutMs (it is given a signal it may ignore)
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
/** The options every check of a call shares, validated by the CLI's own parsers (UsageError). */
const validateOptions = (options: CheckOptions) => {
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(String(options.timeoutMs));
  const deadlineMs = options.deadlineMs === undefined ? DNS_DEFAULTS.deadlineMs : parseDeadline(String(options.deadlineMs));
  const core: Parameters<typeof checkCore>[1] = {
    relays: (options.relays ?? []).map((r) => (parseRelaySpec(r), r.trim())),
    selectors: (options.selectors ?? []).map(parseSelector),
    receivers: parseTo(options.to ?? []),
    dkimDomains: (options.dkimDomains ?? []).map((d) => parseDomain(d, '--dkim-domain')),
  };
  if (options.mailFrom !== undefined) core.mailFrom = parseMailFrom(options.mailFrom);
  if (options.helo !== undefined) core.helo = parseHelo(options.helo);
  const source = options.resolver ?? systemResolver();
  const upstream = typeof source === 'function' ? fromFunction(source) : source;
  return { core, timeoutMs, deadlineMs, upstream, clock: options.clock ?? systemClock };
};

/** The published document for an internal Report, remembered for renderText. */
const publish = (internal: InternalReport, debug: boolean | undefined): Report => {
  const doc = toV1(internal, { debug: debug === true });
  INTERNAL.set(doc, internal);
  return doc;
};

/**
 * Checks what happens to mail From `domain` forwarded through the relays to Gmail. Throws
 * UsageError for bad input (the message the CLI prints); DNS trouble is not an error but a
 * verdict (`unknown`) with findings.
 */
export const check = async (domain: string, options: CheckOptions = {}): Promise<Report> => {
  if (typeof domain !== 'string') throw new UsageError('invalid domain: expected a string');
  const from = parseDomain(domain);
  const { core, timeoutMs, deadlineMs, upstream, clock } = validateOptions(options);
  const dns = createDnsClient(upstream, { timeoutMs, deadlineMs, clock });
  try {
    const deps: Parameters<typeof checkCore>[2] = { dns, clock };
    if (options.onProgress) deps.onProgress = options.onProgress;
    return publish(await checkCore(from, core, deps), options.debug);
  } finally {
    dns.close();
  }
};

export interface CheckManyOptions extends Omit<CheckOptions, 'onProgress'> {
  /** Domains checked at once. Default: 64 (the CLI's --jobs). */
  jobs?: number;
  /**
   * DNS queries in flight for the whole run. Default, as the CLI's batch: 1,024 when every server
   * asked is a loopback address (or none is: zone files alone), else 256 (a custom resolver too).
   */
  concurrency?: number;
}

/** One result of checkMany(), in the order checks finish. */
export type CheckManyResult =
  | { kind: 'report'; input: string; line?: number; report: Report }
  /** The input is not a domain name (the message the CLI prints); the others go on. */
  | { kind: 'input-error'; input: string; line?: number; message: string }
  /** The check of this domain failed on a bug; the others go on. */
  | { kind: 'internal-error'; input: string; line?: number; message: string };

/**
 * Checks many domains with the same options, as `fwdcheck --domains-file` does: one DNS session
 * for the run (one cache, one limit on queries in flight), each result yielded as its check
 * finishes. `domains` is any iterable or async iterable of names or `{ domain, line }`. Options
 * are validated first (UsageError); a bad domain is an `input-error` result, not a throw.
 */
export async function* checkMany(
  domains: Iterable<string | BatchInput> | AsyncIterable<string | BatchInput>,
  options: CheckManyOptions = {},
): AsyncGenerator<CheckManyResult, void, undefined> {
  const { core, timeoutMs, deadlineMs, upstream, clock } = validateOptions(options);
  const concurrency = options.concurrency === undefined ? batchConcurrencyFor(upstream) : parsePositive(options.concurrency, 'concurrency');
  const jobs = options.jobs === undefined ? DEFAULT_DOMAIN_CONCURRENCY : parsePositive(options.jobs, 'jobs');
  const session = createDnsSession(upstream, { timeoutMs, clock, concurrency });
  const views = { view: (o: { signal?: AbortSignal } = {}) => session.view({ ...o, deadlineMs }) };
  async function* inputs(): AsyncGenerator<BatchInput> {
    for await (const d of domains) yield typeof d === 'string' ? { domain: d } : d;
  }
  try {
    for await (const result of checkManyCore(inputs(), core, { session: views, clock, concurrency: jobs })) {
      const where = result.line === undefined ? {} : { line: result.line };
      if (result.kind === 'report') yield { kind: 'report', input: result.input, ...where, report: publish(result.report, options.debug) };
      else yield { kind: result.kind, input: result.input, ...where, message: result.message };
    }
  } finally {
    session.close();
  }
}

const parsePositive = (value: number, what: string): number => {
  if (!Number.isInteger(value) || value < 1 || value > 100_000) throw new UsageError(`invalid ${what} ${JSON.stringify(value)}: a whole number from 1 to 100000`);
  return value;
};

/** The system's configured DNS servers (fwdcheck's own DNS client). */
export const systemResolver = (): UpstreamResolver => createWireResolver();

/** One DNS server: "HOST", "HOST:PORT" or "[IPv6]:PORT" (the syntax of --resolver). */
export const serverResolver = (address: string): UpstreamResolver => {
  const server = parseResolver(address);
  return createWireResolver({ servers: [server], label: `${server.host}:${server.port}` });
};

export interface ZoneResolverOptions {
  /**
   * Where names outside the zone files' origins go: a resolver (the CLI's --zone), or null (the
   * default, the CLI's --offline): such names are reported as not checked.
   */
  then?: UpstreamResolver | null;
}

/**
 * Answers from RFC 1035 zone files, authoritatively for their origins (a missing name there is
 * NXDOMAIN). Throws UsageError, naming the file and the line, for an unreadable file or a syntax
 * error: the CLI's message.
 */
export const zoneResolver = async (files: string | readonly string[], options: ZoneResolverOptions = {}): Promise<UpstreamResolver> => {
  const paths = typeof files === 'string' ? [files] : [...files];
  if (paths.length === 0) throw new UsageError('zoneResolver: no zone file given');
  let zone;
  try {
    zone = await loadZoneFiles(paths);
  } catch (err) {
    if (err instanceof ZoneSyntaxError) throw new UsageError(`zone file error: ${err.message}`);
    if (err instanceof ZoneFileError) throw new UsageError(err.message);
    throw err;
  }
  const then = options.then ?? null;
  const label = `zone files ${paths.join(', ')}`;
  return createZoneLayer(zone, then, then ? `${label}, then ${then.describe()}` : `${label} (offline)`);
};

export interface TextOptions {
  /** Colours (ANSI escapes): false (the default), true, or a level 1 (16 colours) to 3 (truecolor). */
  color?: boolean | 0 | 1 | 2 | 3;
  /** The width to fit the report to, in columns. Default: 80. */
  width?: number;
  /** Raw records, finding codes, references and Gmail's full reply, as --verbose. Default: false. */
  verbose?: boolean;
}

/** The human report, as the CLI prints it. Takes a document check() returned. */
export const renderText = (report: Report, options: TextOptions = {}): string => {
  const internal = INTERNAL.get(report);
  if (!internal) throw new TypeError('renderText takes a report returned by check() (a parsed JSON document cannot be rendered as text; use renderMarkdown)');
  const level = options.color === true ? 1 : options.color === false || options.color === undefined ? 0 : options.color;
  return renderTextReport(internal, { chalk: new Chalk({ level }), width: options.width ?? 80, verbose: options.verbose === true });
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
