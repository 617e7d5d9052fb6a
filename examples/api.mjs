// Check a domain from a script: the README's API example, run by the tests as it is written.
import { fileURLToPath } from 'node:url';
import { check, exitCodeFor, renderMarkdown, UsageError, zoneResolver } from 'fwdcheck';

// the demo zone shipped with the package; use serverResolver('192.0.2.53') or leave `resolver`
// out (the system resolver) for real domains
const resolver = await zoneResolver(fileURLToPath(import.meta.resolve('fwdcheck/demo.zone')));

const report = await check('bank.example', { relays: ['203.0.113.7'], resolver });
console.log(`${report.domain}: ${report.verdict}, Gmail: ${report.gmail.action} ${report.gmail.smtp?.slice(0, 10) ?? ''}`);
for (const f of report.findings) console.log(`  ${f.severity} ${f.code}`);
for (const a of report.advice.filter((a) => a.audience === 'sender')) console.log(`  sender: ${a.code}`);
console.log(renderMarkdown(report).split('\n')[2]);

try {
  await check('not a domain');
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.log(`bad input: ${err.message}`);
}
process.exitCode = exitCodeFor(report.verdict, 'fail');
