// The one place mailauth is called. Its results are normalized here into fwdcheck's own types,
// so that none of mailauth's loose shapes leak into the Report.
import Module, { createRequire } from 'node:module';
import { isIP } from '../ip.ts';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { MAILAUTH_LOAD_PLAN, MAILAUTH_PLAN_PACKAGES, MAILAUTH_PLAN_VERSION } from './mailauth-load-plan.ts';
import type { Resolver } from '../dns/types.ts';
import type { MailauthModules } from './mailauth-modules.ts';
import { isDmarcPolicy, isDmarcResult, isSpfResult, type DmarcPolicy, type DmarcResult, type SpfResult } from './types.ts';

// mailauth (with joi, libmime and tldts: ~200 files) takes ~70 ms of CPU to load, more than a check's
// first round trips. It is loaded while the first queries are in flight, one file at a time in
// slices of a few milliseconds with the event loop free in between (mailauth-load-plan.ts gives
// an order that evaluates every file exactly as one require of mailauth would), so that the
// answers arriving meanwhile are read, and the lookups they lead to sent, without waiting for
// the whole of mailauth (issue 7).
const SLICE_MS = 2;
const require = createRequire(import.meta.url);

/** How mailauth was loaded, for --debug: by the plan (in how many slices), or at once and why. */
export interface MailauthLoad {
  plan: 'used' | 'not-used';
  /** Why the plan was not used: the packages installed differ from the plan's. */
  reason?: string;
  files: number;
  slices: number;
}
let loadInfo: MailauthLoad | null = null;
export const mailauthLoadInfo = (): MailauthLoad | null => loadInfo;

export interface LoadPlan {
  version: string;
  files: readonly string[];
  packages: readonly { from: string; request: string; dir: string; version: string }[];
}

/**
 * The plan's files as absolute paths, when the installed packages are the plan's: mailauth at the
 * version the plan was made from, and every package a package requires resolving to the same
 * folder at the same version (another layout or version would make the order wrong: then none).
 * `base` is the node_modules folder that holds mailauth. Exported for tests.
 *
 * Where a require from a package resolves is read from the folders node's resolution looks in
 * before `base` (the package's own node_modules, and its scope's: Module._nodeModulePaths), not by
 * resolving: 19 resolutions took ~7.5 ms of the main thread while a check's first answers were
 * due, these checks ~2 ms (issue 7). A symlinked package (pnpm, npm link) resolves from its real
 * path, elsewhere: no plan then.
 */
export const checkLoadPlan = (base: string, installedVersion: string | undefined, plan: LoadPlan): { files: string[] } | { reason: string } => {
  try {
    if (installedVersion !== plan.version) return { reason: `mailauth ${installedVersion} is installed, the plan is for ${plan.version}` };
    // each folder looked at once: a package's own node_modules and its scope's, whether it is a
    // symbolic link, its version
    const seen = new Map<string, boolean>();
    const once = (key: string, test: () => boolean): boolean => {
      let result = seen.get(key);
      if (result === undefined) seen.set(key, (result = test()));
      return result;
    };
    const versions = new Map<string, string | undefined>();
    for (const p of plan.packages) {
      for (const name of [p.from, p.dir]) {
        if (once(`link ${name}`, () => lstatSync(join(base, name)).isSymbolicLink())) return { reason: `${name} is a symbolic link` };
      }
      for (let dir = join(base, p.from); dir.startsWith(base + sep); dir = dirname(dir)) {
        const folder = join(dir, 'node_modules');
        if (once(folder, () => existsSync(folder)) && existsSync(join(folder, p.request))) return { reason: `${p.from} finds ${p.request} elsewhere than ${p.dir}` };
      }
      if (p.request !== p.dir) return { reason: `${p.from} finds ${p.request} elsewhere than ${p.dir}` };
      if (!versions.has(p.dir)) versions.set(p.dir, (JSON.parse(readFileSync(join(base, p.dir, 'package.json'), 'utf8')) as { version?: string }).version);
      const v = versions.get(p.dir);
      if (v !== p.version) return { reason: `${p.request} ${v} is installed, the plan is for ${p.version}` };
    }
    return { files: plan.files.map((f) => (f.startsWith('node:') ? f : join(base, f))) };
  } catch (err) {
    return { reason: `the plan's packages do not resolve (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` };
  }
};

/** The plan's files, and `base`, the node_modules folder they are in; or why there is no plan. */
const planFiles = (): { files: string[]; base: string } | { reason: string } => {
  let pkg: string;
  try {
    pkg = require.resolve('mailauth/package.json');
  } catch {
    return { reason: 'mailauth/package.json does not resolve' };
  }
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version;
  const base = dirname(dirname(pkg));
  const plan = checkLoadPlan(base, version, { version: MAILAUTH_PLAN_VERSION, files: MAILAUTH_LOAD_PLAN, packages: MAILAUTH_PLAN_PACKAGES });
  return 'files' in plan ? { ...plan, base } : plan;
};

/**
 * Packages libmime requires as it loads and uses only to convert charsets (its lib/charset.js),
 * which SPF and DMARC never do. While mailauth loads, each is put in node's module cache as a
 * stand-in that loads the package on its first use (--message's DKIM verification may decode a
 * header): encoding-japanese's tables took ~8 ms of a check's CPU and iconv-lite ~3 ms, in the
 * stretch where the main thread is busy as the check's answers arrive (issue 7). A package only
 * they require (safer-buffer, iconv-lite's) is left to them.
 */
export const DEFERRED_PACKAGES: readonly string[] = ['encoding-japanese', 'iconv-lite'];

/** The deferred packages and those only they require, as the plan's folders. */
export const deferredFolders = (packages: LoadPlan['packages'], deferred: readonly string[] = DEFERRED_PACKAGES): Set<string> => {
  const out = new Set(deferred);
  for (let grew = true; grew; ) {
    grew = false;
    for (const dir of new Set(packages.map((p) => p.dir))) {
      if (out.has(dir)) continue;
      if (packages.filter((p) => p.dir === dir).every((p) => out.has(p.from))) {
        out.add(dir);
        grew = true;
      }
    }
  }
  return out;
};

/**
 * Puts a stand-in for the module at `file` in node's CommonJS cache (require.cache): what requires
 * it gets an object that loads the real module on first use and from then on is the real one's
 * view (every property read, written, listed or tested is the real exports'). Nothing happens
 * when the module is loaded already.
 */
export const deferModule = (file: string): void => {
  const cache = require.cache;
  if (cache[file]) return;
  let real: Record<PropertyKey, unknown> | undefined;
  const load = (): Record<PropertyKey, unknown> => {
    if (real === undefined) {
      if (cache[file] === standIn) delete cache[file];
      real = require(file) as Record<PropertyKey, unknown>;
    }
    return real;
  };
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = new Proxy(
    {},
    {
      get: (_, key) => load()[key],
      set: (_, key, value) => Reflect.set(load(), key, value),
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), key);
        // the target is an empty object: a property it lacks cannot be reported non-configurable
        return d && { ...d, configurable: true };
      },
    },
  );
  cache[file] = standIn;
};

const loadInSlices = async (): Promise<MailauthModules> => {
  // the first slice too waits for a turn of the event loop: the queries a check starts at once
  // (its first caller, fetchDmarc, is one of them) go out first
  await new Promise<void>((resolve) => setImmediate(resolve));
  const plan = planFiles();
  const info: MailauthLoad = 'files' in plan ? { plan: 'used', files: plan.files.length, slices: 1 } : { plan: 'not-used', reason: plan.reason, files: 0, slices: 1 };
  let slice = performance.now();
  let files = 'files' in plan ? plan.files : [];
  if ('files' in plan) {
    // a package's entry point completes last of its files: the plan's last file in its folder
    const inFolder = (file: string, dir: string) => file.startsWith(join(plan.base, dir) + sep);
    for (const dir of DEFERRED_PACKAGES) {
      const entry = files.findLast((f) => inFolder(f, dir));
      if (entry) deferModule(entry);
    }
    const folders = [...deferredFolders(MAILAUTH_PLAN_PACKAGES)];
    files = files.filter((f) => !folders.some((dir) => inFolder(f, dir)));
  }
  for (const file of files) {
    if (performance.now() - slice >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      slice = performance.now();
      info.slices++;
    }
    try {
      require(file);
    } catch {
      // a file that does not load here is loaded (or its failure reported) by the import below
    }
  }
  loadInfo = info;
  return (await import('./mailauth-modules.ts')).loadMailauthModules();
};

// The first SPF and DMARC evaluations run mailauth's code cold (~10 ms of compiling on the first
// call, ~1 ms later): once loaded, while the check still waits for its answers, one evaluation of
// each is run against records held here (no query leaves the process), unless a real one has
// started by then. It only warms the code: mailauth keeps nothing between calls.
const WARM_UP_RECORDS: Record<string, string> = {
  'TXT sender.fwdcheck-warm-up.example': 'v=spf1 include:provider.fwdcheck-warm-up.example mx a:relay.fwdcheck-warm-up.example -all',
  'TXT provider.fwdcheck-warm-up.example': 'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all',
  'TXT _dmarc.sender.fwdcheck-warm-up.example': 'v=DMARC1; p=reject; sp=quarantine; adkim=r; aspf=r',
  'MX sender.fwdcheck-warm-up.example': 'mx.fwdcheck-warm-up.example',
};
const warmUpResolver = (async (name: string, type: string) => {
  // each answer a turn of the event loop later, as a real one comes: the cold evaluation is cut
  // into slices at its lookups, and the check's own answers are read in between; once a real
  // evaluation has started, the warm-up's lookups fail, which ends it (its errors are dropped)
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (evaluated) throw Object.assign(new Error('warm-up over'), { code: 'ECANCELLED' });
  const value = WARM_UP_RECORDS[`${type} ${name}`];
  if (value === undefined) throw Object.assign(new Error(`${type} ${name}: not found`), { code: 'ENOTFOUND' });
  return type === 'MX' ? [{ exchange: value, priority: 10 }] : [[value]];
}) as Resolver;

let evaluated = false;
const warmUp = async (m: MailauthModules): Promise<void> => {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (evaluated) return;
  try {
    await m.mailauthSpf({ sender: 'postmaster@sender.fwdcheck-warm-up.example', ip: '203.0.113.7', helo: 'relay.fwdcheck-warm-up.example', mta: 'mx.fwdcheck-warm-up.example', resolver: warmUpResolver as never, strict: true });
    // DMARC in a turn of its own, so that an answer that came meanwhile is read first
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (evaluated) return;
    await m.mailauthDmarc({ headerFrom: 'postmaster@sender.fwdcheck-warm-up.example', spfDomains: [], dkimDomains: [], resolver: warmUpResolver as never });
  } catch {
    // a warm-up that fails warms less; the real evaluation reports its own errors
  }
};

let loading: Promise<MailauthModules> | undefined;
const mailauth = () =>
  (loading ??= loadInSlices().then((m) => {
    void warmUp(m);
    return m;
  }));
/** mailauth for an evaluation: from now on, no warm-up. */
const evaluator = () => {
  evaluated = true;
  return mailauth();
};

/**
 * Starts loading mailauth (in slices, from the next turn of the event loop) unless it has started,
 * and resolves once it is loaded, whether or not it loaded well; the first evaluation awaits it.
 */
export const mailauthLoaded = (): Promise<void> =>
  mailauth().then(
    () => {},
    () => {},
  );


export type { DmarcPolicy, DmarcResult, SpfResult } from './types.ts';

export interface SpfEvaluation {
  result: SpfResult;
  /** The identity checked: the MAIL FROM domain, or the HELO name for a null sender (RFC 7208 2.4). */
  domain: string;
  identity: 'mailfrom' | 'helo';
  /** DNS-querying terms evaluated before a match (the dynamic count). */
  lookups: number;
  explanation?: string;
}

export interface SpfInput {
  ip: string;
  /** The envelope sender; "" for the null sender <>. */
  mailFrom: string;
  helo: string;
  /** The receiving MTA's name, used in mailauth's header comments only. */
  receiver: string;
}

// RFC 7208 4.6.4 suggests at least 20 seconds for the whole evaluation.
const SPF_TIME_LIMIT_MS = 20_000;

/** check_host() for one arrival (RFC 7208 4), by mailauth in its strict RFC mode. */
export const evaluateSpf = async (resolver: Resolver, input: SpfInput): Promise<SpfEvaluation> => {
  // mailauth silently answers neutral for an invalid address: refuse it here instead
  if (isIP(input.ip) === 0) throw new TypeError(`not an IP address: ${input.ip}`);
  const identity = input.mailFrom === '' ? 'helo' : 'mailfrom';
  const { mailauthSpf } = await evaluator();
  const res = await mailauthSpf({
    sender: input.mailFrom === '' ? undefined : input.mailFrom,
    ip: input.ip,
    helo: input.helo,
    mta: input.receiver,
    resolver: resolver as never,
    strict: true,
    maxElapsedTime: SPF_TIME_LIMIT_MS,
  });
  const raw = String(res?.status?.result ?? 'temperror').toLowerCase();
  const evaluation: SpfEvaluation = {
    result: isSpfResult(raw) ? raw : 'temperror',
    domain: String(res.domain ?? (identity === 'helo' ? input.helo : input.mailFrom.split('@').pop())).toLowerCase(),
    identity,
    lookups: Number(res.lookups?.count ?? 0),
  };
  if (typeof res.explanation === 'string') evaluation.explanation = res.explanation;
  return evaluation;
};

export interface DmarcInput {
  /** The RFC 5322 From domain. */
  fromDomain: string;
  /** The domain SPF authenticated, when SPF passed. */
  spfDomain: string | null;
  /** The d= of every DKIM signature that passed. */
  dkimDomains: string[];
}

export interface DmarcEvaluation {
  result: DmarcResult;
  /** The policy to apply on failure after sp/np and t=y (RFC 9989 4.10.1); null without a record. */
  policy: DmarcPolicy | null;
  /** Where the record that applied was found. */
  policyDomain: string | null;
  /** The Organizational Domain by the RFC 9989 tree walk. */
  orgDomain: string | null;
  spfAligned: boolean;
  dkimAligned: boolean;
  testMode: boolean;
  error?: string;
}

const asPolicy = (v: unknown): DmarcPolicy | null => (isDmarcPolicy(v) ? v : null);

/**
 * DMARC for one arrival by mailauth. mailauth 7.1 discovers the policy by the RFC 9989 tree walk
 * and applies sp, np and t=y itself; fwdcheck's RFC 7489 view is computed beside it.
 */
export const evaluateDmarc = async (resolver: Resolver, input: DmarcInput): Promise<DmarcEvaluation> => {
  const { mailauthDmarc } = await evaluator();
  const res = await mailauthDmarc({
    headerFrom: `postmaster@${input.fromDomain}`,
    spfDomains: input.spfDomain ? [input.spfDomain] : [],
    dkimDomains: input.dkimDomains.map((domain) => ({ id: domain, domain, aligned: false })) as never,
    resolver: resolver as never,
  });
  if (!res) {
    return { result: 'permerror', policy: null, policyDomain: null, orgDomain: null, spfAligned: false, dkimAligned: false, testMode: false };
  }
  const r = res as unknown as {
    status?: { result?: string };
    policy?: string;
    policyDomain?: string;
    domain?: string;
    testMode?: boolean;
    alignment?: { spf?: { result?: unknown }; dkim?: { result?: unknown } };
    error?: string;
  };
  const raw = String(r.status?.result ?? 'temperror');
  const result: DmarcResult = isDmarcResult(raw) ? raw : 'permerror';
  const evaluation: DmarcEvaluation = {
    result,
    policy: result === 'none' ? null : asPolicy(r.policy),
    policyDomain: r.policyDomain ?? null,
    orgDomain: typeof r.domain === 'string' ? r.domain : null,
    spfAligned: Boolean(r.alignment?.spf?.result),
    dkimAligned: Boolean(r.alignment?.dkim?.result),
    testMode: r.testMode === true,
  };
  if (r.error) evaluation.error = r.error;
  return evaluation;
};

/**
 * Whether a domain exists, for DMARC's np tag (RFC 9989 A.4): mailauth's own test, so that the
 * policy fwdcheck reports is the one mailauth applies. Throws on DNS errors.
 */
export const dmarcDomainExists = async (resolver: Resolver, domain: string): Promise<boolean> => (await mailauth()).getDmarcRecord.domainExists(domain, resolver);

// ---- DKIM on a real message (--message) ----

export type MessageDkimResult = 'pass' | 'fail' | 'neutral' | 'policy' | 'temperror' | 'permerror' | 'none';

export interface MessageDkimSignature {
  /** Stable across hops: a hash of the signature's b= value (mailauth's id). */
  id: string;
  domain: string;
  selector: string;
  algorithm: string | null;
  result: MessageDkimResult;
  /** Why it did not pass, as mailauth says it ("body hash did not verify", "bad signature", ...). */
  comment: string | null;
  /** d= aligns with the From domain under relaxed alignment (mailauth's own test). */
  aligned: boolean;
  bits: number | null;
  /** l= (RFC 6376 3.5): the body octets the signature covers, or null when it covers all. */
  bodyLengthLimit: number | null;
  /** Canonicalized body octets past l=, unsigned (appended after signing). */
  unsignedBodyOctets: number;
  signedHeaders: string[];
}

export interface MessageDkimVerification {
  /** The From addresses mailauth read. */
  headerFrom: string[];
  signatures: MessageDkimSignature[];
}

const DKIM_RESULTS: ReadonlySet<string> = new Set(['pass', 'fail', 'neutral', 'policy', 'temperror', 'permerror']);

/**
 * Verifies every DKIM-Signature of the message against the DNS (RFC 6376 6), by mailauth in its
 * strict mode (a body hash mismatch is "fail", RFC 6376 6.1.3). `nowMs` checks x= expiry.
 */
export const verifyMessageDkim = async (resolver: Resolver, message: Buffer, nowMs: number): Promise<MessageDkimVerification> => {
  await evaluator();
  const { dkimVerify } = await import('./mailauth-dkim.ts');
  const res = (await dkimVerify(message, { resolver: resolver as never, strict: true, curTime: new Date(nowMs) } as never)) as unknown as {
    headerFrom?: string[];
    results?: Array<{
      id?: string;
      signingDomain?: string;
      selector?: string;
      algo?: string;
      status?: { result?: string; comment?: string; aligned?: string | false; underSized?: number };
      modulusLength?: number;
      canonBodyLengthLimited?: boolean;
      canonBodyLengthLimit?: number;
      signingHeaders?: { keys?: string };
    }>;
  };
  const signatures: MessageDkimSignature[] = [];
  for (const r of res.results ?? []) {
    // mailauth reports an unsigned message as one result "none" without a domain
    if (!r.signingDomain) continue;
    const raw = String(r.status?.result ?? 'temperror');
    signatures.push({
      id: r.id ?? `${r.signingDomain}/${r.selector}`,
      domain: r.signingDomain.toLowerCase(),
      selector: String(r.selector ?? '').toLowerCase(),
      algorithm: r.algo ?? null,
      result: (DKIM_RESULTS.has(raw) ? raw : 'temperror') as MessageDkimResult,
      comment: r.status?.comment ? String(r.status.comment) : null,
      aligned: Boolean(r.status?.aligned),
      bits: typeof r.modulusLength === 'number' ? r.modulusLength : null,
      bodyLengthLimit: r.canonBodyLengthLimited && typeof r.canonBodyLengthLimit === 'number' ? r.canonBodyLengthLimit : null,
      unsignedBodyOctets: typeof r.status?.underSized === 'number' ? r.status.underSized : 0,
      signedHeaders: String(r.signingHeaders?.keys ?? '').split(':').map((h) => h.trim().toLowerCase()).filter(Boolean),
    });
  }
  return { headerFrom: res.headerFrom ?? [], signatures };
};
