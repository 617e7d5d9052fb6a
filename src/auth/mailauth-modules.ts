// The mailauth modules every check calls, gathered so that mailauth.ts can load them with one
// dynamic import, after a check's first queries are sent (see mailauthLoaded). DKIM
// verification, for --message only, is in mailauth-dkim.ts.
export { dmarc as mailauthDmarc } from 'mailauth/lib/dmarc/index.js';
export { default as getDmarcRecord } from 'mailauth/lib/dmarc/get-dmarc-record.js';
export { spf as mailauthSpf } from 'mailauth/lib/spf/index.js';
