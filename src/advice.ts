// Remedies, coded, for whoever can act: the recipient, the relay operator, the sender domain.
import { GMAIL_POP_IMPORT, popImportStatus } from './data/gmail-fetch.ts';
import { advice, type Advice } from './report/advice-types.ts';
import type { Finding } from './report/findings.ts';
import type { Arrival, Report, Verdict } from './report/types.ts';

export interface AdviceInput {
  domain: string;
  verdict: Verdict;
  path: Arrival[];
  findings: Finding[];
  dmarcPolicy: Report['records']['dmarc']['policy'];
  nowMs: number;
}

const SPF_PROBLEM_CODES: ReadonlySet<string> = new Set([
  'SPF_MISSING', 'SPF_MULTIPLE_RECORDS', 'SPF_SYNTAX_ERROR', 'SPF_TOO_MANY_LOOKUPS', 'SPF_TOO_MANY_VOID_LOOKUPS', 'SPF_PASS_ALL',
  'SPF_INCLUDE_LOOP', 'SPF_INCLUDE_MISSING', 'SPF_INCLUDE_MULTIPLE', 'SPF_MX_TOO_MANY', 'SPF_TREE_TOO_DEEP',
]);

/**
 * Whether and how the sender should sign with an aligned key. Never while a key lookup could not
 * be read (the domain may already sign); through the provider's own settings when the mail is
 * signed by a provider's default (or Microsoft 365 DKIM was never enabled); RSA-2048 otherwise,
 * since Gmail does not verify an Ed25519 key alone.
 */
const dkimSigningAdvice = (input: AdviceInput, last: Arrival | undefined): Advice[] => {
  if (!last || last.dkim.unreadable.length > 0 || last.dkim.result === 'temperror') return [];
  // an aligned pass on an Ed25519 key alone is no pass at Gmail: RSA-2048 beside it
  if (input.findings.some((f) => f.code === 'DKIM_ED25519_ONLY')) return [advice('SENDER_SIGN_ALIGNED_DKIM', 'sender', { domain: input.domain, bits: 2048 })];
  if (last.dkim.result === 'pass' && last.dkim.aligned) return [];
  const providers = new Set<string>();
  for (const f of input.findings) {
    if (f.code === 'DKIM_M365_NOT_ENABLED') providers.add('microsoft-365');
    if (f.code === 'DKIM_PROVIDER_DEFAULT') providers.add(f.provider);
  }
  if (providers.size) return [...providers].map((provider) => advice('SENDER_ENABLE_PROVIDER_DKIM', 'sender', { provider, domain: input.domain }));
  return [advice('SENDER_SIGN_ALIGNED_DKIM', 'sender', { domain: input.domain, bits: 2048 })];
};

export const buildAdvice = (input: AdviceInput): Advice[] => {
  const out: Advice[] = [];
  const last = input.path[input.path.length - 1];
  const atRisk = input.verdict !== 'pass';
  if (atRisk && input.verdict !== 'unknown') {
    out.push(
      advice('RECIPIENT_FETCH_INSTEAD', 'recipient', {
        popImport: popImportStatus(input.nowMs),
        asOf: new Date(input.nowMs).toISOString().slice(0, 10),
        newAccountsClosedSince: GMAIL_POP_IMPORT.newAccountsClosedSince,
        existingUntil: GMAIL_POP_IMPORT.existingUntil,
      }),
      advice('RECIPIENT_IMAP_IN_GMAIL_APP', 'recipient', {}),
    );
  }
  if (last && last.spf.result !== 'pass') out.push(advice('RELAY_USE_SRS', 'relay', { relay: last.relay }));
  // a pass that rests on DKIM holds only while no relay touches the message
  if (atRisk || last?.dkim.basis === 'assumed-intact' || last?.dkim.basis === 'provider-default') out.push(advice('RELAY_DO_NOT_MODIFY', 'relay', {}));
  if (atRisk) out.push(advice('RELAY_ARC_SEAL', 'relay', {}));

  out.push(...dkimSigningAdvice(input, last));
  for (const f of input.findings) {
    if (f.code === 'DKIM_KEY_PROBLEM' && (f.problem === 'weak-key' || f.problem === 'short-key')) {
      out.push(advice('SENDER_STRONGER_DKIM_KEY', 'sender', { selector: f.selector, bits: f.bits }));
    }
  }
  const spfProblems = [...new Set(input.findings.filter((f) => SPF_PROBLEM_CODES.has(f.code)).map((f) => f.code))];
  if (spfProblems.length) out.push(advice('SENDER_FIX_SPF', 'sender', { domain: input.domain, problems: spfProblems }));
  if (input.findings.some((f) => f.code === 'DMARC_MISSING')) out.push(advice('SENDER_PUBLISH_DMARC', 'sender', { domain: input.domain }));
  if (atRisk) out.push(advice('RECIPIENT_ASK_SENDER', 'recipient', { domain: input.domain }));
  return out;
};
