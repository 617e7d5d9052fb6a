// The mailauth modules every check calls, gathered so that mailauth.ts loads them after a
// check's first queries are sent (see mailauthLoaded). DKIM verification, for --message only, is
// in mailauth-dkim.ts.
import { createRequire } from 'node:module';
import type * as DmarcModule from 'mailauth/lib/dmarc/index.js';
import type GetDmarcRecord from 'mailauth/lib/dmarc/get-dmarc-record.js';
import type * as SpfModule from 'mailauth/lib/spf/index.js';

export interface MailauthModules {
  mailauthDmarc: typeof DmarcModule.dmarc;
  getDmarcRecord: typeof GetDmarcRecord;
  mailauthSpf: typeof SpfModule.spf;
}

/** The same entry points as scripts/mailauth-load-plan.ts ENTRIES. */
export const MAILAUTH_ENTRIES = ['mailauth/lib/dmarc/index.js', 'mailauth/lib/dmarc/get-dmarc-record.js', 'mailauth/lib/spf/index.js'] as const;

/**
 * mailauth's entry points, by require rather than import(): they are CommonJS, and an import()
 * of a CommonJS file runs node's export lexer over its source even when it is loaded already
 * (~10 ms for these three, at the end of a check's critical path; issue 7).
 */
export const loadMailauthModules = (): MailauthModules => {
  const require = createRequire(import.meta.url);
  const [dmarc, getDmarcRecord, spf] = MAILAUTH_ENTRIES.map((entry) => require(entry) as unknown);
  return {
    mailauthDmarc: (dmarc as typeof DmarcModule).dmarc,
    getDmarcRecord: getDmarcRecord as typeof GetDmarcRecord,
    mailauthSpf: (spf as typeof SpfModule).spf,
  };
};
