// The human report. The first three lines answer the question (what happens, why, what to do
// now); then the path drawn hop by hop, what each record says, and the advice per audience.
// Everything fits `width` columns, every outside text is made printable (layout.ts), codes, RFC
// references, raw records and Gmail's full reply are shown only with `verbose`. Pure: returns
// the text; colour comes in as a chalk instance at the level the CLI decided on.
import type { ChalkInstance } from 'chalk';
import { clip, para, type Style } from './layout.ts';
import { adviceMessage, adviceNow, MODIFICATION_TEXT, findingGroup, findingRef, findingText, gmailReason, type FindingGroup } from './messages.ts';
import type { Audience } from './advice-types.ts';
import { renderReceivers } from './render-receivers.ts';
import type { Finding } from './findings.ts';
import type { DmarcPolicy } from '../auth/types.ts';
import type { PresetId } from '../simulate/parse-relay.ts';
import { defaultSignerForm, providerName } from '../records/providers.ts';
import { SPF_LOOKUP_LIMIT } from '../records/fetch-spf.ts';
import type { Arrival, GmailAction, GmailReason, Report, Verdict } from './types.ts';

export interface TextRenderOptions {
  /** A chalk instance at the colour level the CLI decided on (level 0: no colour). */
  chalk: ChalkInstance;
  /** Columns to fit every line in. */
  width: number;
  /** Show raw records, finding codes, references and Gmail's full reply. */
  verbose?: boolean;
}

/** Outside text in prose is clipped to this many characters (all of it with --verbose). */
const CLIP = 2000;

type Tone = 'good' | 'bad' | 'warn' | 'odd';

const OUTCOME: Record<GmailAction, (domain: string) => string> = {
  reject: (d) => `Forwarded mail from ${d} will be rejected by Gmail.`,
  spam: (d) => `Forwarded mail from ${d} will go to spam at Gmail.`,
  inbox: (d) => `Forwarded mail from ${d} reaches the inbox at Gmail.`,
  tempfail: (d) => `Forwarded mail from ${d} will be held back by Gmail (temporary error).`,
};

const VERDICT_TONE: Record<Verdict, Tone> = { pass: 'good', 'at-risk': 'warn', fail: 'bad', unknown: 'odd', 'no-domain': 'bad' };

const GMAIL_DOES: Record<GmailAction, string> = {
  reject: 'rejects it',
  spam: 'puts it in spam',
  inbox: 'delivers it to the inbox',
  tempfail: 'defers it (temporary error)',
};

const AUDIENCE_TITLE: Record<Audience, (r: Report) => string> = {
  recipient: () => 'If you forward your mail to Gmail',
  relay: (r) => `If you run the forwarder${r.path.every((a) => a.relaySource === 'assumed') ? '' : ` (${[...new Set(r.path.map((a) => a.relay))].join(', ')})`}`,
  sender: (r) => `If you run ${r.domain}`,
};

type RecordGroup = Exclude<FindingGroup, 'path' | 'check'>;
const GROUP_TITLE: Record<RecordGroup, string> = { spf: 'SPF', dmarc: 'DMARC', dkim: 'DKIM' };

/** Who the report calls the relay that delivers an arrival. */
const relayName = (a: Arrival): string => (a.relaySource === 'assumed' ? 'the forwarder' : a.relay);

// ---- the three first lines -------------------------------------------------------------------

const spfPhrase = (a: Arrival & { envelopeRewritten?: boolean }): string => {
  switch (a.spf.result) {
    case 'pass':
      // after SRS, SPF passes for the forwarder's domain, which does not match the From domain
      return a.envelopeRewritten ? 'SPF passes only for the forwarder' : 'SPF passes at the forwarder';
    case 'fail':
    case 'softfail':
    case 'neutral':
      return 'SPF fails at the forwarder';
    case 'none':
      return 'there is no SPF record';
    case 'temperror':
      return 'SPF could not be checked';
    case 'permerror':
      return 'the SPF record is broken';
  }
};

const dkimPhrase = (a: Arrival): string => {
  switch (a.dkim.result) {
    case 'pass':
      return a.dkim.aligned ? 'DKIM holds' : 'the DKIM signature is not from the From domain';
    case 'fail':
      return 'DKIM breaks on the way';
    case 'temperror':
      return 'DKIM could not be checked';
    case 'none':
      if (a.dkim.signatures.some((x) => x.problem?.code === 'receiver-ignores-ed25519')) return 'Gmail does not verify the Ed25519 DKIM signature';
      return a.dkim.basis === 'unusable-key' ? 'the DKIM key is unusable' : a.dkim.basis === 'dns-error' ? 'DKIM could not be checked' : 'there is no DKIM signature';
  }
};


/** Phrases start with a word, never a domain name, so capitalizing is safe. */
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const WHY: Record<GmailReason, (r: Report, a: Arrival & { envelopeRewritten?: boolean }) => string> = {
  DMARC_REJECT: (r, a) => `${cap(spfPhrase(a))} and ${dkimPhrase(a)}, so DMARC fails.`,
  DMARC_QUARANTINE: (r, a) => `${cap(spfPhrase(a))} and ${dkimPhrase(a)}, so DMARC fails.`,
  DMARC_PASS: (r, a) =>
    a.dkim.result === 'pass' ? 'DKIM holds through the forwarder, so DMARC passes.' : `The forwarder is in ${a.spf.domain}'s SPF record, so SPF and DMARC pass.`,
  AUTHENTICATED_NO_DMARC: (r, a) => `${a.dkim.result === 'pass' ? 'DKIM holds' : 'SPF passes'}, and ${r.domain} enforces no DMARC policy.`,
  SPF_HARD_FAIL: (r, a) => `${cap(spfPhrase(a))} (-all) and ${dkimPhrase(a)}.`,
  UNAUTHENTICATED: (r, a) => `${cap(spfPhrase(a))} and ${dkimPhrase(a)} to fall back on.`,
  DNS_FAILURE: () => 'DNS failures left SPF, DKIM or DMARC unchecked, and Gmail defers such mail.',
  NOT_CHECKED: () => 'Names it depends on were not checked (offline: outside the zone files); no DNS failure happened.',
  DOMAIN_NOT_FOUND: (r) => `${r.domain} does not exist in the DNS, so no mail can come from it.`,
  RELAY_NO_FCRDNS: () => 'The last forwarder lacks the reverse DNS (PTR) that Gmail requires.',
};

const headline = (r: Report, last: Arrival): [string, string, string] => {
  if (r.verdict === 'no-domain') {
    return [`${r.domain} does not exist: there is no mail from it to forward.`, WHY.DOMAIN_NOT_FOUND(r, last), 'check the spelling of the address.'];
  }
  if (r.verdict === 'unknown' && r.gmail.reasonCode === 'NOT_CHECKED') {
    return [
      `fwdcheck could not tell whether forwarded mail from ${r.domain} reaches Gmail: not checked (offline).`,
      WHY.NOT_CHECKED(r, last),
      'add the names listed under OUTCOME_OPEN to a zone file, or check without --offline.',
    ];
  }
  if (r.verdict === 'unknown') {
    return [
      // a real DNS failure: Gmail's documented deferral is the prediction (451 4.7.26), said once
      r.gmail.reasonCode === 'DNS_FAILURE' && r.gmail.action === 'tempfail'
        ? `Gmail defers forwarded mail from ${r.domain} (temporary error) while DNS lookups it needs fail.`
        : `fwdcheck could not tell whether forwarded mail from ${r.domain} reaches Gmail.`,
      `${r.dns.failures} of ${r.dns.queries} DNS lookups failed, so SPF, DKIM or DMARC could not be checked.`,
      'run the check again; if it fails again, ask another DNS server (--resolver).',
    ];
  }
  const outcome = OUTCOME[r.gmail.action](r.domain);
  const reason = WHY[r.gmail.reasonCode](r, { ...last, envelopeRewritten: r.path.some((a) => a.changes.some((c) => c.kind === 'envelope-rewritten')) });
  // --message: the DKIM part is a fact, not an assumption, and the first screen says so
  const why = r.basis === 'message' ? `${reason} Checked on the real message: its DKIM signatures were verified at every hop.` : reason;
  if (r.verdict === 'pass') {
    const fragile = last.dkim.result === 'pass' && last.spf.result !== 'pass';
    return [outcome, why, fragile ? 'nothing, as long as the forwarder does not change messages.' : 'nothing; forwarding works.'];
  }
  const first = r.advice.find((a) => a.audience === 'recipient') ?? r.advice[0];
  return [outcome, why, first ? adviceNow(first) : 'nothing fwdcheck can suggest.'];
};

// ---- the path drawing ----------------------------------------------------------------------

interface Mark {
  what: 'SPF' | 'DKIM' | 'DMARC';
  state: string;
  tone: Tone;
  text: string;
}

const spfMark = (a: Arrival): Mark => {
  const who = relayName(a);
  const record = `${a.spf.domain}'s SPF record`;
  switch (a.spf.result) {
    case 'pass':
      return { what: 'SPF', state: 'holds', tone: 'good', text: `${who} is in ${record}` };
    case 'fail':
      return { what: 'SPF', state: 'BREAKS', tone: 'bad', text: `${who} is not in ${record}` };
    case 'softfail':
      return { what: 'SPF', state: 'BREAKS', tone: 'bad', text: `${who} is not in ${record} (~all: suspicious)` };
    case 'neutral':
      return { what: 'SPF', state: 'BREAKS', tone: 'bad', text: `${who} is not in ${record} (?all: no opinion)` };
    case 'none':
      return { what: 'SPF', state: 'none', tone: 'warn', text: `${a.spf.domain} has no SPF record` };
    case 'temperror':
      return { what: 'SPF', state: 'error', tone: 'odd', text: `${record} could not be read` };
    case 'permerror':
      return { what: 'SPF', state: 'error', tone: 'bad', text: `${record} is broken` };
  }
};

/** What the hop that delivers this arrival did to the message, in words; null when it only passed it on. */
const hopDid = (a: Arrival): string | null => {
  const done = a.changes.flatMap((c): string[] => {
    switch (c.kind) {
      case 'envelope-rewritten':
        return [`rewrites the envelope sender to ${c.domain} (SRS)`];
      case 'envelope-kept':
        return c.reason === 'spf-failed-on-arrival' ? ['keeps the envelope sender (SPF had already failed)'] : [];
      case 'modified':
        return [MODIFICATION_TEXT[c.modification]];
      case 'arc-sealed':
        return [`adds an ARC seal${c.sealer ? ` as ${c.sealer}` : ''}`];
    }
  });
  return done.length ? `It ${done.join(', ')}.` : null;
};

/** The relay's reverse DNS, which Gmail checks of every sender. */
const IDENTITY: Record<NonNullable<Arrival['relayIdentity']>['status'], (id: NonNullable<Arrival['relayIdentity']>) => string> = {
  confirmed: (id) => `, ${id.confirmedName}`,
  'no-ptr': () => ', no reverse DNS',
  'not-confirmed': () => ', reverse DNS not confirmed',
  'dns-error': () => '',
};

/** Who a signature is from: a provider's own default signature is named with its d= form. */
const signer = (r: Report, domain: string | null): string => {
  if (domain === null) return r.domain;
  const e = r.records.dkim.expected.find((x) => x.basis === 'provider-default' && x.domain === domain && x.provider);
  return e?.provider ? `${providerName(e.provider)} (d=${defaultSignerForm(e.provider, domain, r.domain)})` : domain;
};

const dkimMark = (r: Report, a: Arrival): Mark => {
  const assumed = a.dkim.basis === 'assumed-intact' ? ' (assumed: fwdcheck has no message)' : a.dkim.basis === 'provider-default' ? ' (inferred from its SPF record)' : '';
  switch (a.dkim.result) {
    case 'pass':
      return {
        what: 'DKIM',
        state: 'holds',
        tone: a.dkim.aligned ? 'good' : 'warn',
        text: `the signature of ${signer(r, a.dkim.domain)}${a.dkim.selector ? ` (selector ${a.dkim.selector})` : ''} arrives intact${a.dkim.aligned ? '' : `, but it is not from ${r.domain}`}${assumed}`,
      };
    case 'fail': {
      const broken = a.dkim.signatures.find((s) => s.problem?.code === 'modified');
      const where = broken?.problem?.code === 'modified' ? broken.problem : null;
      const who = broken?.domain ?? a.dkim.domain ?? r.domain;
      // said where it breaks; later hops only carry the broken signature on
      if (where && where.hop < a.hop) return { what: 'DKIM', state: 'broken', tone: 'bad', text: `since hop ${where.hop}` };
      return { what: 'DKIM', state: 'BREAKS', tone: 'bad', text: `the signature of ${who} is broken${where ? `: this hop ${MODIFICATION_TEXT[where.modification]}` : ' on the way'}` };
    }
    case 'temperror':
      return { what: 'DKIM', state: 'error', tone: 'odd', text: 'the DKIM key could not be read' };
    case 'none':
      return {
        what: 'DKIM',
        state: 'none',
        tone: 'warn',
        text: a.dkim.signatures.some((x) => x.problem?.code === 'receiver-ignores-ed25519')
          ? `${a.receiver === 'gmail' ? 'Gmail' : a.receiver} does not verify ${r.domain}'s Ed25519 signature, so it counts as none`
          : a.dkim.basis === 'unusable-key' ? `${r.domain}'s DKIM key is unusable (see DKIM below)` : a.dkim.basis === 'dns-error' ? 'the DKIM keys could not be read' : `${r.domain} does not sign its mail`,
      };
  }
};

const dmarcMark = (r: Report, a: Arrival): Mark => {
  const policy = a.dmarc.policy;
  switch (a.dmarc.result) {
    case 'pass':
      return { what: 'DMARC', state: 'passes', tone: 'good', text: `${a.dkim.result === 'pass' && a.dkim.aligned ? 'DKIM' : 'SPF'} matches ${r.domain}` };
    case 'fail':
      return { what: 'DMARC', state: 'fails', tone: policy === 'reject' || policy === 'quarantine' ? 'bad' : 'warn', text: `nothing matches ${r.domain}; its policy is ${policy ?? 'none'}` };
    case 'none':
      return { what: 'DMARC', state: 'none', tone: 'warn', text: `${r.domain} has no DMARC policy` };
    case 'temperror':
      return { what: 'DMARC', state: 'error', tone: 'odd', text: 'the DMARC record could not be read' };
    case 'permerror':
      return { what: 'DMARC', state: 'error', tone: 'bad', text: 'the DMARC record is broken' };
  }
};

/** The first leg, from the sender's own servers to the first relay: what the mail leaves with. */
const originMarks = (r: Report, first: Arrival): Mark[] => {
  // the first arrival is after hop 1: a signature that hop broke was still whole when the mail
  // left the sender, so the sender's leg shows it as signed (the break is drawn at the hop)
  const leftWith = [...first.dkim.signatures]
    .filter((s) => s.result === 'pass' || s.problem?.code === 'modified')
    .sort((a, b) => Number(b.aligned) - Number(a.aligned))[0];
  const signed = first.dkim.basis === 'assumed-intact' || first.dkim.result === 'pass' || leftWith !== undefined;
  const domain = leftWith?.domain ?? first.dkim.domain;
  const selector = leftWith ? leftWith.selector : first.dkim.selector;
  return [
    { what: 'SPF', state: 'holds', tone: 'good', text: `sent from ${r.domain}'s own servers (assumed)` },
    signed ? { what: 'DKIM', state: 'signed', tone: 'good', text: `by ${signer(r, domain)}${selector ? ` (selector ${selector})` : ''}` } : dkimMark(r, first),
  ];
};

// ---- the report ----------------------------------------------------------------------------

export const renderText = (report: Report, options: TextRenderOptions): string => {
  const c = options.chalk;
  const width = Math.max(40, options.width);
  const verbose = options.verbose === true;
  const tone: Record<Tone, ChalkInstance> = { good: c.green, bad: c.red, warn: c.yellow, odd: c.magenta };
  const outside = (text: string): string => (verbose ? text : clip(text, CLIP));
  const out: string[] = [];
  const blank = () => out.push('');
  const heading = (text: string) => out.push(...para(text, width, { style: c.bold }));
  const last = report.path[report.path.length - 1];
  if (!last) throw new Error('a report has at least one arrival');

  // 1-3: the answer
  const [outcome, why, now] = headline(report, last);
  out.push(...para(outside(outcome), width, { style: tone[VERDICT_TONE[report.verdict]].bold }));
  out.push(...para(outside(why), width, { label: 'Why: ', labelStyle: c.bold }));
  out.push(...para(outside(now), width, { label: 'Do now: ', labelStyle: c.bold }));
  blank();

  // what the check itself could not settle comes before any detail
  const open = report.findings.filter((f) => findingGroup(f) === 'check');
  if (open.length && report.verdict !== 'no-domain') {
    for (const f of open) out.push(...findingLines(f, 0));
    blank();
  }
  if (report.verdict === 'no-domain') {
    if (verbose) for (const f of open) out.push(...findingLines(f, 0));
    out.push(...para(footer(report, verbose), width, { style: c.dim }));
    return `${out.join('\n')}\n`;
  }

  // the path
  heading('Path');
  const node = (name: string, role: string) => out.push(...para(role ? `${name} ${role}` : name, width, { indent: 2 }));
  const edge = (marks: Mark[]) => {
    const stateWidth = Math.max(...marks.map((m) => m.state.length));
    for (const m of marks) {
      const label = `${m.what.padEnd(5)} ${m.state.padEnd(stateWidth)}  `;
      const lines = para(outside(m.text), width, { indent: 0, label: `    |  ${label}` });
      // colour only the state word; the rest stays plain so that copy/paste gives the same text
      const head = `${m.what.padEnd(5)} ${m.state}`;
      const coloured = `${m.what.padEnd(5)} ${tone[m.tone](m.state)}`;
      out.push(...lines.map((l, i) => (i === 0 ? l.replace(head, coloured) : `    |${l.slice(5)}`)));
    }
    out.push('    v');
  };
  node(report.domain, '(sender)');
  edge(originMarks(report, report.path[0] ?? last));
  report.path.forEach((a, i) => {
    const many = report.path.length > 1;
    const identity = a.relayIdentity ? IDENTITY[a.relayIdentity.status](a.relayIdentity) : '';
    node(
      a.relaySource === 'assumed' ? (a.relayOrigin.kind === 'assumed' && a.relayOrigin.spfAuthorizesAny ? "any forwarder (the sender's SPF authorizes every address tried)" : 'a forwarder your SPF does not list') : a.relay,
      a.relaySource === 'assumed'
        ? verbose ? `(stand-in address ${a.relay})` : ''
        : `(forwarder${many ? ` ${i + 1}` : ''}${a.preset ? `: ${PRESET_NAME[a.preset]}` : ''}${identity})`,
    );
    const did = hopDid(a);
    if (did) out.push(...para(did, width, { label: '    |  ' }).map((l, k) => (k === 0 ? l : `    |${l.slice(5)}`)));
    const dkim = dkimMark(report, a);
    // "does not sign" is said once, on the first leg
    if (a.dkim.result === 'none' && a.dkim.basis === 'no-usable-key') dkim.text = 'no signature to carry';
    const marks = [spfMark(a), dkim];
    if (a === last) marks.push(dmarcMark(report, a));
    edge(marks);
  });
  out.pop();
  out.push('    v');
  const reply = report.gmail.smtp ? ` (${report.gmail.smtp.split(' ').slice(0, 2).join(' ')})` : '';
  out.push(...para(`Gmail ${report.gmail.reasonCode === 'NOT_CHECKED' ? 'may accept or refuse it: not checked (offline)' : GMAIL_DOES[report.gmail.action]}${reply}`, width, { indent: 2, style: tone[VERDICT_TONE[report.verdict]] }));
  if (verbose) {
    if (report.gmail.smtp) out.push(...para(report.gmail.smtp, width, { indent: 2, label: "Gmail's reply: " }));
    out.push(...para(gmailReason(report.gmail, report), width, { indent: 2, label: 'Reason: ' }));
    for (const f of report.findings.filter((x) => findingGroup(x) === 'path')) out.push(...findingLines(f));
  }
  blank();
  const receivers = renderReceivers(report, { chalk: c, width });
  if (receivers.length) {
    out.push(...receivers);
    blank();
  }

  // the records, each with what fwdcheck found about it
  function findingLines(f: Finding, indent = 2): string[] {
    const ref = findingRef(f);
    const text = verbose ? `${findingText(f)} [${f.code}${ref ? `; ${ref}` : ''}]` : outside(findingText(f));
    const sev = f.severity === 'error' ? tone.bad : f.severity === 'warning' ? tone.warn : (s: string) => s;
    return para(text, width, { indent, label: '- ', labelStyle: sev });
  }
  heading('Records');
  const spf = report.records.spf;
  const dmarc = report.records.dmarc;
  const records: Record<RecordGroup, { where: string; status: string[]; raw: string[] }> = {
    spf: {
      where: spf.domain,
      status: spf.status === 'found' ? [`Published; uses ${spf.lookups} of the ${SPF_LOOKUP_LIMIT} DNS lookups allowed.`] : [],
      raw: spf.record === null ? [] : [spf.record],
    },
    dmarc: {
      where: dmarc.location ? `_dmarc.${dmarc.location}` : report.domain,
      // p=none has its own finding, which says the same; so has a policy lowered by pct=0 or t=y
      status:
        dmarc.status === 'found' && dmarc.policy && dmarc.policy !== 'none'
          ? [`${POLICY_MEANS[dmarc.policy]}${dmarc.published && dmarc.published !== dmarc.policy ? ` (The record says ${dmarc.published}.)` : ''}`]
          : [],
      raw: dmarc.records,
    },
    dkim: {
      where: report.records.dkim.domain,
      // keys at every domain probed (the From domain, its parents, --dkim-domain); problems are findings
      status: report.records.dkim.domains.flatMap((d) =>
        d.selectors
          .filter((s) => (s.status === 'key' || s.status === 'multiple') && s.key?.usable)
          .map((s) => `Key at ${d.domain === report.records.dkim.domain ? `selector ${s.selector}` : `${s.selector}._domainkey.${d.domain}`}: ${s.key?.keyType.toUpperCase()}${s.key?.bits ? ` ${s.key.bits} bits` : ''}.`),
      ),
      raw: [],
    },
  };
  for (const group of ['spf', 'dmarc', 'dkim'] as const) {
    const rec = records[group];
    const found = report.findings.filter((f) => findingGroup(f) === group);
    out.push(...para(rec.where, width, { indent: 2, label: `${GROUP_TITLE[group].padEnd(6)}`, labelStyle: c.bold }));
    for (const s of rec.status) out.push(...para(s, width, { indent: 4 }));
    if (verbose) for (const raw of rec.raw) out.push(...para(raw, width, { indent: 4, label: 'Record: ', labelStyle: c.dim }));
    for (const f of found) out.push(...findingLines(f, 4));
    if (!rec.status.length && !found.length && !(verbose && rec.raw.length)) out.push(...para('Nothing to report.', width, { indent: 4 }));
  }
  blank();

  // what to do, per audience; the third line already said the first recipient item in short
  if (report.advice.length) {
    heading('What to do');
    for (const audience of ['recipient', 'relay', 'sender'] as const) {
      const items = report.advice.filter((a) => a.audience === audience);
      if (!items.length) continue;
      out.push(...para(AUDIENCE_TITLE[audience](report), width, { indent: 2, style: c.underline }));
      for (const a of items) out.push(...para(outside(adviceMessage(a)), width, { indent: 4, label: '- ' }));
    }
    blank();
  }

  out.push(...para(footer(report, verbose), width, { style: c.dim }));
  return `${out.join('\n')}\n`;
};

const footer = (report: Report, verbose: boolean): string => {
  const dns = report.dns;
  return verbose
    ? `DNS: ${dns.source}; ${dns.queries} queries, ${dns.cacheHits} answered from cache, ${dns.failures} failed; ${report.elapsedMs} ms.`
    : `${dns.queries} DNS queries (${dns.source}). More: --verbose, --json.`;
};

const PRESET_NAME: Record<PresetId, string> = { gmail: "Gmail's own forwarding", microsoft365: 'Microsoft 365 auto-forward', list: 'a mailing list', postfix: 'a plain Postfix forward' };

const POLICY_MEANS: Record<DmarcPolicy, string> = {
  reject: 'Policy reject: mail that fails DMARC is to be refused.',
  quarantine: 'Policy quarantine: mail that fails DMARC goes to spam.',
  none: 'Policy none: monitoring only; nothing is refused for failing DMARC.',
};

