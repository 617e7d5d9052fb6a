// npm run bench:render: the human report's rendering time for SPF records of 1, 16 and 64 KB
// (issue 8: cli-table3 took 0.5 s at 1 KB and 430 s at 16 KB). One run each, in process.
import { fileURLToPath } from 'node:url';
import { Chalk } from 'chalk';
import { check } from '../src/check.ts';
import { fixedClock } from '../src/clock.ts';
import { createDnsClient } from '../src/dns/client.ts';
import { createZoneResolver, loadZoneFiles } from '../src/dns/zone-resolver.ts';
import { renderJson } from '../src/report/render-json.ts';
import { renderText } from '../src/report/render-text.ts';

const zone = fileURLToPath(new URL('../fixtures/zones/demo.zone', import.meta.url));
const clock = fixedClock('2026-11-30T12:00:00Z');
const dns = createDnsClient(createZoneResolver(await loadZoneFiles([zone]), 'demo'), { timeoutMs: 1000, clock });
const base = await check('bank.example', { relays: ['203.0.113.7'], selectors: [] }, { dns, clock });
dns.close();

const time = (f: () => string): [number, number] => {
  const t = process.hrtime.bigint();
  const out = f();
  return [Number(process.hrtime.bigint() - t) / 1e6, out.length];
};

for (const kb of [1, 16, 64]) {
  const terms: string[] = [];
  for (let i = 0; terms.join(' ').length < kb * 1024; i++) terms.push(`ip4:198.51.${(i >> 8) & 255}.${i & 255}`);
  const record = `v=spf1 ${terms.join(' ')} -all`;
  const term = `x${'y'.repeat(kb * 1024)}`;
  const report = structuredClone(base);
  report.records.spf = { ...report.records.spf, record };
  report.findings.unshift({ code: 'SPF_SYNTAX_ERROR', severity: 'error', domain: 'bank.example', term, reason: 'unknown-mechanism' });
  const chalk = new Chalk({ level: 1 });
  const [text, textLen] = time(() => renderText(report, { chalk, width: 80 }));
  const [verbose, verboseLen] = time(() => renderText(report, { chalk, width: 80, verbose: true }));
  const [json] = time(() => renderJson(report));
  process.stdout.write(`${String(kb).padStart(2)} KB record and term: text ${text.toFixed(1)} ms (${textLen} chars), --verbose ${verbose.toFixed(1)} ms (${verboseLen} chars), --json ${json.toFixed(1)} ms\n`);
}
