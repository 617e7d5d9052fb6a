// `--format markdown`: a short report for a pull-request comment, built from the published v1
// document alone (so it reads the same from `fwdcheck --json` output saved by a CI job).
import type { Audience, Report, Severity, Verdict } from './v1.ts';

const HEADLINE: Record<Verdict, string> = {
  pass: '✅ **PASS**: forwarded mail is expected to reach the inbox',
  'at-risk': '⚠️ **AT RISK**: forwarded mail may not reach the inbox',
  fail: '❌ **FAIL**: forwarded mail will be lost',
  unknown: '❔ **UNKNOWN**: DNS trouble prevented a verdict',
  'no-domain': '❌ **NO SUCH DOMAIN**: the From domain does not exist in the DNS',
};

const SEVERITY_MARK: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };

const AUDIENCE_TITLE: Record<Audience, string> = {
  recipient: 'If you receive the forwarded mail',
  relay: 'If you run the forwarding relay',
  sender: 'If you run the sender domain',
};

/**
 * Text from the DNS or the command line, made inert for Markdown: control characters dropped,
 * the characters Markdown and HTML give meaning to escaped, one line.
 */
export const mdText = (text: string): string =>
  text
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    // what Markdown or HTML would act on in running text; ( ) ! # + are inert once [ ] are escaped
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
    .trim();

/** Inline code: the text cannot close its own span (backticks become ') and stays one line. */
const code = (text: string): string => `\`${text.replace(/`/g, "'").replace(/[\u0000-\u001f\u007f]+/g, ' ')}\``;

export const renderMarkdown = (report: Report): string => {
  const out: string[] = [];
  out.push(`### fwdcheck: ${code(report.domain)}`, '', HEADLINE[report.verdict], '');
  const g = report.gmail;
  out.push(`Gmail: **${g.action}**. ${mdText(g.reason)}`);
  if (g.smtp) out.push('', `> ${mdText(g.smtp)}`);
  if (report.receivers.length > 1) {
    out.push('', '| Receiver | Action | Reply |', '| --- | --- | --- |');
    for (const r of report.receivers) out.push(`| ${mdText(r.name)} | ${r.action} | ${r.smtp ? code(r.smtp.split(' ').slice(0, 2).join(' ')) : ''} |`);
  }
  out.push('', '| Hop | Receiver | SPF | DKIM | DMARC |', '| --- | --- | --- | --- | --- |');
  report.path.forEach((a, i) => {
    const dkim = a.dkim.result === 'pass' ? `pass${a.dkim.aligned ? ' (aligned)' : ''}` : a.dkim.result;
    const dmarc = a.dmarc.policy ? `${a.dmarc.result} (p=${a.dmarc.policy})` : a.dmarc.result;
    out.push(`| ${i + 1}. ${code(a.relay)}${a.relaySource === 'assumed' ? ' (assumed)' : ''} | ${mdText(a.receiver)} | ${a.spf.result} | ${dkim} | ${dmarc} |`);
  });
  const shown = report.findings.filter((f) => f.severity !== 'info');
  if (shown.length) {
    out.push('', '**Findings**', '');
    for (const f of shown) out.push(`- ${SEVERITY_MARK[f.severity]} ${mdText(f.message)} ${code(f.code)}`);
  }
  const info = report.findings.length - shown.length;
  if (report.advice.length) {
    out.push('', '**What to do**');
    for (const audience of ['sender', 'relay', 'recipient'] as const) {
      const items = report.advice.filter((a) => a.audience === audience);
      if (!items.length) continue;
      out.push('', `_${AUDIENCE_TITLE[audience]}:_`, '');
      for (const a of items) out.push(`- ${mdText(a.message)}`);
    }
  }
  out.push('', `<sub>fwdcheck ${mdText(report.generator.version)} · ${report.checkedAt}${info ? ` · ${info} informational finding${info > 1 ? 's' : ''} in --json` : ''}</sub>`, '');
  return out.join('\n');
};
