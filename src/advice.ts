// Remedies, coded, for whoever can act: the recipient, the relay operator, the sender domain.
// Each remedy is tried on Gmail's arrival (the same decision table that made the prediction)
// and given only where it changes the outcome, with what it changes.
import { spfFix } from './records/spf-fix.ts';
import { GMAIL_POP_IMPORT, popImportStatus } from './data/gmail-fetch.ts';
import { selectPolicy } from './records/dmarc-policy.ts';
import type { DmarcRecords } from './records/fetch-dmarc.ts';
import { parseDmarc } from './records/parse-dmarc.ts';
import type { Modification } from './simulate/parse-relay.ts';
import { advice, type Advice, type AdviceOutcome } from './report/advice-types.ts';
import type { Finding } from './report/findings.ts';
import type { Arrival, GmailAction, GmailPrediction, Verdict } from './report/types.ts';
import { predictGmail, type GmailContext } from './receivers/gmail.ts';

export interface AdviceInput {
  domain: string;
  verdict: Verdict;
  gmail: GmailPrediction;
  gmailContext: GmailContext;
  path: Arrival[];
  findings: Finding[];
  dmarc: DmarcRecords;
  /** The SPF record in force at the envelope domain, for the corrected record in SENDER_FIX_SPF. */
  spf: { domain: string; record: string | null };
  nowMs: number;
}

const RANK: Record<GmailAction, number> = { inbox: 0, spam: 1, tempfail: 2, reject: 3 };

const SPF_PROBLEM_CODES: ReadonlySet<string> = new Set([
  'SPF_MISSING', 'SPF_MULTIPLE_RECORDS', 'SPF_SYNTAX_ERROR', 'SPF_TOO_MANY_LOOKUPS', 'SPF_TOO_MANY_VOID_LOOKUPS', 'SPF_PASS_ALL',
  'SPF_INCLUDE_LOOP', 'SPF_INCLUDE_MISSING', 'SPF_INCLUDE_MULTIPLE', 'SPF_MX_TOO_MANY',
]);

type DmarcView = Arrival['dmarc']['rfc7489'];

/** DMARC at an arrival after a remedy: `aligned` says whether an aligned identifier now passes. */
const dmarcAfter = (view: DmarcView, aligned: boolean): DmarcView => {
  if (view.result === 'temperror' || view.result === 'permerror' || view.policy === null) return view;
  return { ...view, result: aligned || view.result === 'pass' ? 'pass' : 'fail' };
};

/**
 * How the sender gets an aligned signature: through the provider's own settings when its default
 * signature is what the mail carries (or Microsoft 365 DKIM was never enabled), else a 2048-bit
 * RSA key (Gmail does not verify Ed25519 alone; messages.ts says so).
 */
const dkimSigningAdvice = (input: AdviceInput, change: AdviceOutcome): Advice[] => {
  const providers = new Set<string>();
  for (const f of input.findings) {
    if (f.code === 'DKIM_M365_NOT_ENABLED') providers.add('microsoft-365');
    if (f.code === 'DKIM_PROVIDER_DEFAULT') providers.add(f.provider);
  }
  if (providers.size) return [...providers].map((provider) => advice('SENDER_ENABLE_PROVIDER_DKIM', 'sender', { provider, domain: input.domain, outcome: change }));
  return [advice('SENDER_SIGN_ALIGNED_DKIM', 'sender', { domain: input.domain, bits: 2048, outcome: change })];
};

export const buildAdvice = (input: AdviceInput): Advice[] => {
  const out: Advice[] = [];
  const last = input.path[input.path.length - 1];
  if (!last || input.verdict === 'no-domain') return out; // nothing to fix in records a domain does not have
  const before = input.gmail.action;
  const predict = (arrival: Arrival): GmailAction => predictGmail(input.domain, arrival, input.gmailContext).action;
  const outcome = (after: GmailAction): AdviceOutcome | null => (RANK[after] < RANK[before] ? { before, after } : null);
  const dkimAligned = last.dkim.result === 'pass' && last.dkim.aligned;
  const policy = input.dmarc.applied.policy;
  const enforcing = policy === 'reject' || policy === 'quarantine';

  // the recipient: fetching instead of forwarding takes the message off the forwarding path
  // altogether; which way is open depends on the day (src/data/gmail-fetch.ts)
  if (before !== 'inbox' && input.verdict !== 'unknown') {
    const pop = popImportStatus(input.nowMs);
    const fetch = advice('RECIPIENT_FETCH_INSTEAD', 'recipient', {
      popImport: pop,
      asOf: new Date(input.nowMs).toISOString().slice(0, 10),
      newAccountsClosedSince: GMAIL_POP_IMPORT.newAccountsClosedSince,
      existingUntil: GMAIL_POP_IMPORT.existingUntil,
    });
    const imap = advice('RECIPIENT_IMAP_IN_GMAIL_APP', 'recipient', { outcome: { before, after: 'inbox' } });
    // the best move for the day first: POP import while it takes new accounts, IMAP after that
    if (pop === 'available') out.push(fetch, imap);
    else if (pop === 'existing-only') out.push(imap, fetch);
    else out.push(imap);
  }

  // aligned DKIM, signed by the sender: survives an unmodified relay and passes DMARC
  const withDkim: Arrival = {
    ...last,
    dkim: { ...last.dkim, result: 'pass', aligned: true },
    dmarc: { ...last.dmarc, ...dmarcAfter(last.dmarc, true), rfc7489: dmarcAfter(last.dmarc.rfc7489, true) },
  };
  // never ask to sign when whether the domain signs could not be read
  let dkimChange = !dkimAligned && last.dkim.result !== 'temperror' && last.dkim.unreadable.length === 0 ? outcome(predict(withDkim)) : null;
  // the sender does sign aligned, and a relay broke it by changing the message: the remedy is
  // the relay's, not the sender's (RFC 6376 5.4; Google support 175365: do not modify)
  const broken = last.dkim.signatures.filter((s) => s.aligned && s.problem?.code === 'modified');
  if (!dkimAligned && broken.length) {
    const restored = outcome(predict(withDkim));
    const byHop = new Map<number, { hop: number; relay: string; modifications: Modification[] }>();
    for (const a of input.path) {
      const changed = a.changes.flatMap((c) => (c.kind === 'modified' ? [c] : []));
      const mods = changed.some((c) => c.broke.length) ? changed.map((c) => c.modification) : [];
      if (mods.length) byHop.set(a.hop, { hop: a.hop, relay: a.relay, modifications: mods });
    }
    if (restored && byHop.size) out.push(advice('RELAY_STOP_MODIFYING', 'relay', { hops: [...byHop.values()], domain: broken[0]!.domain, outcome: restored }));
    dkimChange = null;
  }

  // SRS at the (last) relay: SPF passes for the relay's own domain, which never aligns with From
  const withSrs: Arrival = {
    ...last,
    spf: { ...last.spf, result: 'pass' },
    dmarc: { ...last.dmarc, ...dmarcAfter(last.dmarc, dkimAligned), rfc7489: dmarcAfter(last.dmarc.rfc7489, dkimAligned) },
  };
  if (last.spf.result !== 'pass' && last.spf.result !== 'temperror') {
    const srsChange = outcome(predict(withSrs));
    if (srsChange) out.push(advice('RELAY_USE_SRS', 'relay', { relay: last.relay, outcome: srsChange }));
    else if (before !== 'inbox' && enforcing && !dkimAligned && last.dmarc.result === 'fail') {
      out.push(advice('RELAY_SRS_NOT_ENOUGH', 'relay', { domain: input.domain, policy }));
    }
  }
  // a result that rests on DKIM holds only while no relay touches the message
  // (an unaligned signature, such as a provider's default, carries nothing under an enforcing policy)
  if (last.dkim.result === 'pass' && (last.dkim.aligned || !enforcing)) out.push(advice('RELAY_DO_NOT_MODIFY', 'relay', {}));
  // ARC: a receiver may, by its own policy, accept a DMARC failure a trusted sealer vouches
  // for; Google withdrew its ARC advice on 2026-03-12, so it is never the main advice
  if (enforcing && last.dmarc.result === 'fail') out.push(advice('RELAY_ARC_SEAL', 'relay', {}));

  if (dkimChange) out.push(...dkimSigningAdvice(input, dkimChange));
  for (const f of input.findings) {
    if (f.code === 'DKIM_KEY_PROBLEM' && (f.problem === 'weak-key' || f.problem === 'short-key')) {
      out.push(advice('SENDER_STRONGER_DKIM_KEY', 'sender', { selector: f.selector, bits: f.bits }));
    }
  }
  // SPF problems reach the forwarded outcome only where an arrival's SPF is permerror
  if (input.path.some((a) => a.spf.result === 'permerror')) {
    const spfProblems = [...new Set(input.findings.filter((f) => SPF_PROBLEM_CODES.has(f.code)).map((f) => f.code))];
    const fix = spfFix(input.spf.domain, input.spf.record, input.findings);
    if (spfProblems.length) out.push(advice('SENDER_FIX_SPF', 'sender', { domain: input.spf.domain, problems: spfProblems, record: fix?.record ?? null, removed: fix?.removed ?? [] }));
  }
  const fix = dmarcFix(input, last, predict, out.some((a) => a.code === 'RELAY_USE_SRS'));
  if (fix) out.push(fix);
  if (dkimChange) out.push(advice('RECIPIENT_ASK_SENDER', 'recipient', { domain: input.domain, outcome: dkimChange }));
  return out;
};

/** The corrected DMARC record (duplicate tags, typos, several records), and what it changes. */
const dmarcFix = (input: AdviceInput, last: Arrival, predict: (a: Arrival) => GmailAction, srsAdvised: boolean): Advice | null => {
  const applied = input.dmarc.applied;
  if (!applied.corrected || !applied.location) return null;
  const parsed = parseDmarc(applied.corrected);
  const lookup = { domain: applied.location, status: 'found' as const, record: applied.corrected, records: [applied.corrected], parsed };
  // existence only matters for np; a subdomain that inherits is taken to exist
  const selection = selectPolicy(input.domain, lookup, true, '9989');
  const policy = selection?.policy ?? null;
  const aligned = last.dmarc.result === 'pass' || (last.dkim.result === 'pass' && last.dkim.aligned);
  const view = (v: DmarcView): DmarcView => (policy === null ? { ...v, result: 'none', policy: null } : { ...v, result: aligned ? 'pass' : 'fail', policy });
  const after = predict({ ...last, dmarc: { ...last.dmarc, ...view(last.dmarc), rfc7489: view(last.dmarc.rfc7489) } });
  // the two remedies combined: SRS saves the mail only while no policy is enforced; once the
  // corrected record enforces one, only aligned DKIM gets forwarded mail through
  const undoesSrs = srsAdvised && !aligned && (policy === 'reject' || policy === 'quarantine');
  return advice('SENDER_FIX_DMARC', 'sender', { name: `_dmarc.${applied.location}`, record: applied.corrected, policy, outcome: { before: input.gmail.action, after }, domain: input.domain, undoesSrs });
};
