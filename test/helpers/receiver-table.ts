// The receivers' decision table as Markdown, rendered from the models' data: the README shows it,
// and a test keeps the two the same.
import { RECEIVERS } from '../../src/receivers/index.ts';
import { AUTH_CASES, RECEIVER_IDS, type ReceiverModel, type ReceiverRule } from '../../src/receivers/types.ts';

const CASE_TEXT: Record<string, string> = {
  'relay-no-fcrdns': 'relay IP without forward-confirmed rDNS',
  'dmarc-pass': 'DMARC pass',
  'dmarc-dns-trouble': 'enforcing policy, DNS trouble',
  'dmarc-reject': 'DMARC fail, p=reject',
  'dmarc-quarantine': 'DMARC fail, p=quarantine',
  authenticated: 'no enforcing policy, SPF or DKIM pass',
  'auth-dns-trouble': 'no enforcing policy, DNS trouble',
  'spf-hard-fail': 'no enforcing policy, nothing passes, SPF -all fails',
  unauthenticated: 'no enforcing policy, nothing passes',
  'no-domain': 'From domain does not exist',
};

const cell = (model: ReceiverModel, rule: ReceiverRule | null): string => {
  if (rule === null) return '(no rule: as below)';
  if (rule.basis === 'not-published') return 'not published';
  const reply = rule.reply === null ? null : model.replies[rule.reply]!;
  const code = reply ? ` ${reply.text.split(' ').slice(0, 2).join(' ')}` : rule.action === 'reject' || rule.action === 'tempfail' ? ' (no text)' : '';
  const secondHand = rule.basis === 'second-hand' || reply?.basis === 'second-hand' ? ' *' : '';
  return `${rule.action}${code}${secondHand}`;
};

export const receiverTableMarkdown = (): string => {
  const models = RECEIVER_IDS.map((id) => RECEIVERS[id]);
  const lines = [`| Case at the last arrival | ${models.map((m) => m.name).join(' | ')} |`, `|---|${models.map(() => '---').join('|')}|`];
  lines.push(`| ${CASE_TEXT['relay-no-fcrdns']} | ${models.map((m) => cell(m, m.relayRules.noFcrdns)).join(' | ')} |`);
  for (const c of AUTH_CASES) lines.push(`| ${CASE_TEXT[c]} | ${models.map((m) => cell(m, m.rules[c])).join(' | ')} |`);
  return lines.join('\n');
};

export const receiverSourcesMarkdown = (): string =>
  RECEIVER_IDS.map((id) => {
    const m = RECEIVERS[id];
    return `- **${m.name}**, ${m.scope}. Sources: ${m.sources.map((s) => `[${s.title}](${s.url}) (read ${s.read}${s.basis === 'second-hand' ? ', second-hand' : ''})`).join('; ')}.`;
  }).join('\n');
