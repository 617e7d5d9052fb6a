import { adviceMessage, findingMessage, gmailReason } from './messages.ts';
import { receiverReason } from './messages-receivers.ts';
import type { Report } from './types.ts';

/**
 * The JSON document of the contract (schema version 1, DESIGN.md): the Report with the
 * wording of findings, advice and Gmail's reason added. Pure; printing is the CLI's job.
 */
export const toJsonDocument = (report: Report): Record<string, unknown> => {
  const { gmail, findings, advice, ...rest } = report;
  return {
    schemaVersion: rest.schemaVersion,
    domain: rest.domain,
    verdict: rest.verdict,
    gmail: { ...gmail, reason: gmailReason(gmail, report) },
    receivers: report.receivers.map((r) => ({ ...r, reason: receiverReason(r, report) })),
    records: rest.records,
    // what the DKIM results rest on: the published keys (a model) or a real message (--message)
    basis: rest.basis,
    ...(rest.message ? { message: rest.message } : {}),
    ...(rest.mailbox ? { mailbox: rest.mailbox } : {}),
    path: rest.path,
    findings: findings.map((f) => ({ ...f, message: findingMessage(f) })),
    advice: advice.map((a) => ({ ...a, message: adviceMessage(a) })),
    mailFrom: rest.mailFrom,
    helo: rest.helo,
    checkedAt: rest.checkedAt,
    dns: rest.dns,
    elapsedMs: rest.elapsedMs,
  };
};

export const renderJson = (report: Report): string => `${JSON.stringify(toJsonDocument(report), null, 2)}\n`;
