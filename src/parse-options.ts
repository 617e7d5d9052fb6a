// The command line's options, from what was read (RawOptions) to what a run uses (Parsed), with
// every check of their values. No reading here: a plain command line is read by plain-args.ts,
// any other by commander (cli-program.ts); both end in validate().
import { fileURLToPath } from 'node:url';
import type { CheckOptions } from './check.ts';
import { DNS_DEFAULTS } from './dns/defaults.ts';
import { SESSION_DEFAULTS } from './dns/session.ts';
import type { ServerAddress } from './dns/types.ts';
import { parseConcurrency, parseDeadline, parseDomain, parseFailOn, parseHelo, parseMailFrom, parseResolver, parseSelector, parseShard, parseTimeout, parseTo, UsageError, type FailOn, type Shard } from './options.ts';

/** The demo zone shipped in the package (fixtures/zones/demo.zone), beside src/ and dist/. */
const DEMO_ZONE = fileURLToPath(new URL('../fixtures/zones/demo.zone', import.meta.url));
export const DEMO_DEFAULT_DOMAIN = 'bank.example';

/** The options as the parser gives them: strings, flags, and [] for a repeatable one not given. */
export interface RawOptions {
  relay: string[];
  message?: string;
  mailbox?: string;
  mailFrom?: string;
  helo?: string;
  selector: string[];
  dkimDomain: string[];
  to: string[];
  zone: string[];
  resolver?: string;
  timeout?: string;
  offline?: boolean;
  demo?: boolean;
  concurrency?: string;
  deadline?: string;
  json?: boolean;
  format?: string;
  verbose?: boolean;
  domainsFile?: string;
  shard?: string;
  jobs?: string;
  failOn?: string;
  color: boolean;
  debug?: boolean;
}

/** The repeatable options. */
export const ARRAY_OPTIONS = ['relay', 'selector', 'dkimDomain', 'to', 'zone'] as const;

/** --format's choices, and --fail-on's: commander and plain-args.ts check them. */
export const FORMATS = ['text', 'json', 'ndjson', 'markdown'] as const;
export const FAIL_ON_LEVELS = ['at-risk', 'fail'] as const;

type OutputFormat = (typeof FORMATS)[number];

export const DEFAULT_JOBS = 64;

export interface Parsed {
  /** Domains given as arguments, validated. */
  domains: string[];
  domainsFile?: string;
  shard?: Shard;
  jobs: number;
  /** --message FILE (one domain only). */
  messageFile: string | null;
  check: CheckOptions;
  zones: string[];
  resolver?: ServerAddress;
  offline: boolean;
  timeoutMs: number;
  deadlineMs: number;
  concurrency: number;
  /** Whether --concurrency was given (a batch raises the default). */
  concurrencyGiven: boolean;
  format: OutputFormat;
  verbose: boolean;
  failOn: FailOn;
  color: boolean;
  debug: boolean;
}

const parseJobs = (input: string): number => {
  const value = input.trim();
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 4096) throw new UsageError(`invalid --jobs "${input}": a number of domains from 1 to 4096`);
  return Number(value);
};

const parseFormat = (raw: RawOptions): OutputFormat => {
  const format = (raw.format ?? (raw.json ? 'json' : 'text')) as OutputFormat;
  if (raw.json && format !== 'json') throw new UsageError(`--json and --format ${format} cannot be combined`);
  return format;
};

const parseMailbox = (input: string): string => {
  const value = input.trim().replace(/^<(.*)>$/, '$1');
  const at = value.lastIndexOf('@');
  if (at <= 0 || /[\s<>]/.test(value.slice(0, at))) throw new UsageError(`invalid --mailbox "${input}": expected an address, local-part@domain`);
  return `${value.slice(0, at)}@${parseDomain(value.slice(at + 1), '--mailbox domain')}`;
};

/** The options a run uses, checked; throws UsageError for the first one that is wrong. */
export const validate = (argsGiven: readonly string[], raw: RawOptions, concurrencyGiven: boolean): Parsed => {
  let args = argsGiven;
  if (raw.demo) {
    if (raw.zone.length || raw.resolver) throw new UsageError('--demo uses the demo zone: it cannot be combined with --zone or --resolver');
    raw.zone = [DEMO_ZONE];
    raw.offline = true;
    if (!args.length && raw.message === undefined && raw.domainsFile === undefined) args = [DEMO_DEFAULT_DOMAIN];
  }
  if (raw.offline && raw.zone.length === 0) throw new UsageError('--offline needs --zone: without zone files there is nothing to answer from');
  if (raw.offline && raw.resolver) throw new UsageError('--offline and --resolver cannot be combined: --offline asks no server');
  if (!args.length && raw.domainsFile === undefined && raw.message === undefined) throw new UsageError('missing the domain to check (or --domains-file FILE)');
  if (raw.message !== undefined && (args.length > 1 || raw.domainsFile !== undefined || raw.shard !== undefined)) {
    throw new UsageError('--message checks one message: it cannot be combined with several domains, --domains-file or --shard');
  }
  const check: CheckOptions = {
    relays: raw.relay.map((r) => r.trim()),
    selectors: raw.selector.map(parseSelector),
    dkimDomains: raw.dkimDomain.map((d) => parseDomain(d, '--dkim-domain')),
    receivers: parseTo(raw.to),
  };
  if (raw.mailFrom !== undefined) check.mailFrom = parseMailFrom(raw.mailFrom);
  if (raw.mailbox !== undefined) check.mailbox = parseMailbox(raw.mailbox);
  if (raw.helo !== undefined) check.helo = parseHelo(raw.helo);
  const parsed: Parsed = {
    domains: args.map((d) => parseDomain(d)),
    jobs: raw.jobs === undefined ? DEFAULT_JOBS : parseJobs(raw.jobs),
    messageFile: raw.message ?? null,
    check,
    zones: raw.zone,
    offline: raw.offline === true,
    timeoutMs: raw.timeout === undefined ? DNS_DEFAULTS.timeoutMs : parseTimeout(raw.timeout),
    deadlineMs: raw.deadline === undefined ? DNS_DEFAULTS.deadlineMs : parseDeadline(raw.deadline),
    concurrency: raw.concurrency === undefined ? SESSION_DEFAULTS.concurrency : parseConcurrency(raw.concurrency),
    concurrencyGiven,
    format: parseFormat(raw),
    verbose: raw.verbose === true,
    failOn: parseFailOn(raw.failOn ?? 'at-risk'),
    color: raw.color,
    debug: raw.debug === true,
  };
  if (raw.domainsFile !== undefined) parsed.domainsFile = raw.domainsFile;
  if (raw.shard !== undefined) parsed.shard = parseShard(raw.shard);
  if (raw.resolver !== undefined) parsed.resolver = parseResolver(raw.resolver);
  return parsed;
};

/** A batch: several domains, or a list, or a shard of one. One domain keeps the full report. */
export const isBatch = (parsed: Parsed): boolean => (parsed.domains.length !== 1 && parsed.messageFile === null) || parsed.domainsFile !== undefined || parsed.shard !== undefined;
