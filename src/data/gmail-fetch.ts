// Dated facts about Gmail fetching mail from another account, kept as data so that the advice
// is true for the day the check runs (the clock is injected).
// Sources: Google support 16604719 (October 2025: Gmailify and POP fetching in Gmail on the web
// discontinued from January 2026), 17101213 (third-party "Send mail as" ends January 2027),
// reports from mid-2026 that existing POP setups keep working until January 2027.
import type { PopImportStatus } from '../report/advice-types.ts';

export const GMAIL_POP_IMPORT = {
  /** No new POP3 import accounts from this day (Q1 2026; the tool counts from its start). */
  newAccountsClosedSince: '2026-01-01',
  /** Existing POP3 imports reported to work until this month. */
  existingUntil: '2027-01',
  /** From this day on, the import is taken as ended for everyone. */
  endedFrom: '2027-01-01',
} as const;

export const popImportStatus = (nowMs: number): PopImportStatus => {
  if (nowMs < Date.parse(`${GMAIL_POP_IMPORT.newAccountsClosedSince}T00:00:00Z`)) return 'available';
  if (nowMs < Date.parse(`${GMAIL_POP_IMPORT.endedFrom}T00:00:00Z`)) return 'existing-only';
  return 'ended';
};
