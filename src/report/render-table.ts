import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { adviceMessage, findingMessage, gmailActionText, gmailReason, unknownText } from './messages.ts';
import { pathLines } from './render-path.ts';
import type { Audience } from './advice-types.ts';
import { defaultSignerForm, providerName } from '../records/providers.ts';
import { renderReceivers } from './render-receivers.ts';
import type { Arrival, Report, Verdict } from './types.ts';

export interface TableRenderOptions {
  /** A chalk instance at the colour level the CLI decided on (level 0: no colour). */
  chalk: ChalkInstance;
  /** Terminal width to fit the tables to. */
  width: number;
}

const VERDICT_TEXT: Record<Verdict, string> = {
  pass: 'PASS     forwarded mail is expected to reach the inbox',
  'at-risk': 'AT RISK  forwarded mail may not reach the inbox',
  fail: 'FAIL     forwarded mail will be lost',
  unknown: 'UNKNOWN  DNS errors prevented a verdict',
  'no-domain': 'NO DOMAIN  the domain does not exist in the DNS',
};

const AUDIENCE_TITLE: Record<Audience, string> = {
  recipient: 'If you receive the forwarded mail',
  relay: 'If you run the forwarding relay',
  sender: 'If you run the sender domain',
};

/** The human report: the verdict in one line, then tables and advice. Pure: returns the text. */
export const renderTable = (report: Report, options: TableRenderOptions): string => {
  const c = options.chalk;
  const colour = c.level > 0;
  const width = Math.max(60, Math.min(options.width, 160));
  const style = colour ? { head: ['cyan'], border: ['gray'] } : { head: [], border: [] };
  const table = (head: string[], colWidths: number[]) =>
    new Table({ head, colWidths, wordWrap: true, wrapOnWordBoundary: true, style });
  const verdictColour = { pass: c.green.bold, 'at-risk': c.yellow.bold, fail: c.red.bold, unknown: c.magenta.bold, 'no-domain': c.red.bold }[report.verdict];
  const lines: string[] = [];

  const via = report.path.map((a) => a.relay).join(' -> ');
  lines.push(`${verdictColour(report.verdict === 'unknown' ? `UNKNOWN  ${unknownText(report)}` : VERDICT_TEXT[report.verdict])}  (${report.domain} via ${via} to Gmail)`);
  lines.push('');
  const actionText = gmailActionText(report.gmail);
  lines.push(`${c.bold('Gmail')} ${actionText}.`);
  if (report.gmail.smtp) lines.push(`  ${c.dim(report.gmail.smtp)}`);
  lines.push(`  ${gmailReason(report.gmail, report)}`);
  lines.push('');
  const receivers = renderReceivers(report, { chalk: c, width });
  if (receivers.length) lines.push(...receivers, '');

  // a domain that does not exist has no records and no path worth a table: the finding says it
  if (report.verdict !== 'no-domain') lines.push(...recordTables(report, table, width, c));

  if (report.findings.length) {
    const findings = table(['Severity', 'Finding'], [10, width - 10 - 3]);
    for (const f of report.findings) {
      const sev = { error: c.red('error'), warning: c.yellow('warning'), info: c.blue('info') }[f.severity];
      findings.push([sev, `${findingMessage(f)}\n${c.dim(f.code)}`]);
    }
    lines.push(findings.toString());
    lines.push('');
  }

  if (report.advice.length) {
    lines.push(c.bold('What to do'));
    for (const audience of ['recipient', 'relay', 'sender'] as const) {
      const items = report.advice.filter((a) => a.audience === audience);
      if (!items.length) continue;
      lines.push(`  ${c.underline(AUDIENCE_TITLE[audience])}`);
      for (const a of items) lines.push(`  - ${adviceMessage(a)}`);
    }
    lines.push('');
  }
  lines.push(c.dim(`DNS: ${report.dns.source}; ${report.dns.queries} queries, ${report.dns.cacheHits} answered from cache, ${report.dns.failures} failed; ${report.elapsedMs} ms.`));
  return `${lines.join('\n')}\n`;
};

const recordTables = (report: Report, table: (head: string[], colWidths: number[]) => InstanceType<typeof Table>, width: number, c: ChalkInstance): string[] => {
  const lines: string[] = [];
  const rest = width - 16 - 14 - 4;
  const records = table(['Record', 'Status', 'Details'], [16, 14, rest]);
  const spf = report.records.spf;
  const spfRecord = spf.record ?? (spf.status === 'dns-error' ? `could not be read (${spf.error ?? 'DNS error'})` : spf.status === 'not-checked' ? 'not checked (outside the zone files)' : '(none)');
  records.push(['SPF', spf.status, `${spfRecord}\n${spf.domain}: ${spf.lookups} DNS lookup${spf.lookups === 1 ? '' : 's'} (limit 10), ${spf.voidLookups} void (limit 2)`]);
  const dmarc = report.records.dmarc;
  records.push([
    'DMARC',
    dmarc.status,
    dmarc.records.length
      ? `${dmarc.records.join('\n')}\nat _dmarc.${dmarc.location}; policy for ${report.domain}: ${dmarc.policy ?? 'none applied'}${dmarc.policy && dmarc.published && dmarc.policy !== dmarc.published ? ` (published ${dmarc.published})` : ''}`
      : dmarc.status === 'dns-error' || dmarc.status === 'not-checked'
        ? `could not be read: ${dmarc.errorName ?? ''} ${dmarc.status === 'not-checked' ? 'not checked (outside the zone files)' : `(${dmarc.error ?? 'DNS error'})`}`
        : `no record (RFC 7489: ${dmarc.rfc7489.location ?? 'none'}, RFC 9989: ${dmarc.rfc9989.location ?? 'none'})`,
  ]);
  records.push(dkimRow(report));
  lines.push(records.toString());
  lines.push('');

  const pathTable = table(['Arrival', 'From IP', 'SPF', 'DKIM', 'DMARC'], [14, Math.max(18, width - 14 - 18 - 22 - 22 - 6), 18, 22, 22]);
  report.path.forEach((a: Arrival, i) => {
    pathTable.push([
      `${i + 1}. ${a.receiver}`,
      `${a.relay}${a.relaySource === 'assumed' ? '\na forwarder your SPF does not list' : a.preset ? `\n(${a.preset})` : ''}`,
      colourResult(c, a.spf.result, `${a.spf.result}\n${a.spf.domain}`),
      colourResult(c, a.dkim.result, dkimCell(a)),
      colourResult(c, a.dmarc.result, `${a.dmarc.result}${a.dmarc.policy ? `\np=${a.dmarc.policy}` : ''}`),
    ]);
  });
  lines.push(pathTable.toString());
  lines.push('');
  lines.push(c.bold('The path, hop by hop'));
  for (const l of pathLines(report)) lines.push(`  ${l}`);
  lines.push('');
  return lines;
};

const colourResult = (c: ChalkInstance, result: string, text: string): string => {
  switch (result) {
    case 'pass':
      return c.green(text);
    case 'fail':
    case 'permerror':
      return c.red(text);
    case 'softfail':
    case 'neutral':
    case 'none':
      return c.yellow(text);
    default:
      return c.magenta(text);
  }
};

/** The DKIM records row: keys at every probed domain, else what the probes said. */
const dkimRow = (report: Report): [string, string, string] => {
  const dkim = report.records.dkim;
  const lines: string[] = [];
  let unreadable = 0;
  let probed = 0;
  for (const d of dkim.domains) {
    probed += d.selectors.length;
    for (const k of d.selectors) {
      if (k.status === 'dns-error' || k.status === 'not-checked') unreadable++;
      if (k.status !== 'key' && k.status !== 'multiple') continue;
      const where = d.domain === dkim.domain ? k.selector : `${k.selector}._domainkey.${d.domain}`;
      lines.push(`${where}: ${k.key?.keyType}${k.key?.bits ? ` ${k.key.bits} bits` : ''}${k.key?.testing ? ', testing' : ''}${k.key?.usable ? '' : ', unusable'}`);
    }
  }
  const status = lines.length ? 'found' : unreadable ? 'dns-error' : 'missing';
  if (!lines.length) lines.push(unreadable ? `${unreadable} of ${probed} key lookups could not be read` : `no key at ${probed} ${dkim.source === 'given' ? 'given' : 'probed'} selectors`);
  for (const s of dkim.expected) if (s.basis === 'provider-default') lines.push(`inferred: ${providerName(s.provider ?? '')} signs as d=${defaultSignerForm(s.provider ?? '', s.domain, report.domain)} (not aligned)`);
  return ['DKIM', status, lines.join('\n')];
};

const dkimCell = (a: Arrival): string => {
  const basis = a.dkim.basis === 'assumed-intact' ? ' (assumed)' : a.dkim.basis === 'provider-default' ? ' (inferred)' : '';
  const who = a.dkim.basis === 'provider-default' ? a.dkim.domain : a.dkim.selector;
  return `${a.dkim.result}${basis}${who ? `\n${who}` : ''}`;
};
