// The pure core: one domain in, one Report out. Every effect comes through deps. This half starts
// every lookup that needs no earlier answer; conclude.ts, loaded meanwhile, makes the Report.
import { isIP } from './ip.ts';
import type { Clock } from './clock.ts';
import type { DnsClient } from './dns/client.ts';
import { fetchDmarc } from './records/fetch-dmarc.ts';
import { fetchExistence } from './records/fetch-existence.ts';
import { fetchSpfTree } from './records/fetch-spf.ts';
import { fetchSignerRecords } from './records/signers.ts';
import type { Report } from './report/types.ts';
import type { ReceiverId } from './receivers/types.ts';
import { mailauthLoaded } from './auth/mailauth.ts';
import { importLater } from './later.ts';
import { fetchRelayIdentity } from './records/fetch-ptr.ts';
import { normalizeIp, parseRelaySpec } from './simulate/parse-relay.ts';
import { messageFacts } from './simulate/message.ts';
import { fetchMailbox } from './records/fetch-srv.ts';

export interface CheckOptions {
  /**
   * The relays in hop order, each an IP or a spec such as "gmail", "list@lists.example" or
   * "203.0.113.7,srs=fwd.example,modify=footer" (grammar in src/simulate/hops.ts); empty for
   * the assumed documentation relay.
   */
  relays: readonly string[];
  /** A real message as the sender sent it (--message): its DKIM is verified and carried along. */
  message?: { bytes: Buffer; source: string };
  /** The forwarded mailbox (--mailbox): its domain is where an SRS envelope lands. */
  mailbox?: string;
  /** The envelope sender; postmaster@DOMAIN by default, "" for the null sender. */
  mailFrom?: string;
  /** The name the (last) relay gives in HELO/EHLO. */
  helo?: string;
  /** DKIM selectors to probe; the common list when empty. */
  selectors: readonly string[];
  /** Further domains the mail may be signed with (--dkim-domain), probed beside the From domain and its parents. */
  dkimDomains?: readonly string[];
  /** Receivers to predict beside Gmail (--to); none by default. */
  receivers?: readonly ReceiverId[];
}

export type ProgressStage = 'records' | 'simulate' | 'done';

export interface CheckDeps {
  dns: DnsClient;
  clock: Clock;
  onProgress?: (stage: ProgressStage) => void;
}

export const DEFAULT_HELO = 'forwarder.invalid';

/** Checks what happens to mail From `domain` forwarded through the relays to Gmail. */
export const check = async (domain: string, options: CheckOptions, deps: CheckDeps): Promise<Report> => {
  const started = deps.clock.now();
  const resolve = deps.dns.resolve;
  const fromDomain = domain.toLowerCase().replace(/\.$/, '');
  // a message says who sent it: its Return-Path, else its From address
  const facts = options.message ? messageFacts(options.message.bytes) : null;
  const mailFrom = options.mailFrom ?? facts?.returnPath ?? facts?.fromAddress ?? `postmaster@${fromDomain}`;
  const specs = options.relays.map(parseRelaySpec);
  const mailFromDomain = (mailFrom.split('@').pop() ?? fromDomain).toLowerCase();

  deps.onProgress?.('records');
  // everything independent in flight at once
  const relayIps = specs.flatMap((s) => (s.address?.kind === 'ip' ? [normalizeIp(s.address.ip).ip] : []));
  // a/mx terms ask for the connecting relay's address family (RFC 7208 5.3, 5.4)
  const families = specs.length ? specs.map((s) => (s.address?.kind === 'ip' && isIP(normalizeIp(s.address.ip).ip) === 6 ? 6 : 4)) : [4 as const];
  // what the path asks later (each relay's PTR and forward confirmation, which mailauth's ptr
  // and %{p} also read) is asked now, so that the simulation finds it in the cache
  const relayIdentities = Promise.all(relayIps.map((ip) => fetchRelayIdentity(resolve, ip)));
  // one HELO name for the whole report (records, findings, path): --helo, else what the last
  // relay gives (its helo=, else its confirmed PTR name, as the path models it), else the default
  const lastSpec = specs[specs.length - 1];
  const heloP: Promise<string> =
    options.helo !== undefined
      ? Promise.resolve(options.helo)
      : lastSpec?.helo
        ? Promise.resolve(lastSpec.helo)
        : lastSpec?.address?.kind === 'ip'
          ? relayIdentities.then((ids) => ids[ids.length - 1]?.confirmedName ?? DEFAULT_HELO)
          : Promise.resolve(DEFAULT_HELO);
  // RFC 7208 2.4: with a null sender, SPF checks the HELO identity
  const spfTreeP = mailFrom === '' ? heloP.then((h) => fetchSpfTree(resolve, h, { families })) : fetchSpfTree(resolve, mailFromDomain, { families });
  const records = Promise.all([
    fetchExistence(resolve, fromDomain),
    spfTreeP,
    fetchDmarc(resolve, fromDomain),
    // the provider the SPF tree names only adds its own selectors: the probes do not wait for it
    fetchSignerRecords(resolve, { fromDomain, selectors: options.selectors, dkimDomains: options.dkimDomains ?? [] }, spfTreeP),
    options.mailbox ? fetchMailbox(resolve, options.mailbox) : Promise.resolve(null),
  ]);
  // mailauth, and the code that turns the records into a verdict, load while the first queries
  // are in flight, not before they are sent (issue 7); mailauth first, in slices, then the verdict
  // code in one piece: loaded at once, it held up the first answers by ~7 ms
  const rest = mailauthLoaded().then(() => importLater(() => import('./conclude.ts')));
  rest.catch(() => {});
  const [existence, spfTree, dmarc, signerRecords, mailbox] = await records;
  await relayIdentities;
  const helo = await heloP;
  const { conclude } = await rest;
  return conclude({ fromDomain, options, deps, started, mailFrom, specs, helo, existence, spfTree, dmarc, signerRecords, mailbox });
};
