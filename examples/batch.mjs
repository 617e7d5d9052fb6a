// Check many domains from a script: the README's checkMany example, run by the tests as it is written.
import { fileURLToPath } from 'node:url';
import { checkMany, zoneResolver } from 'fwdcheck';

const resolver = await zoneResolver(fileURLToPath(import.meta.resolve('fwdcheck/demo.zone')));
const senders = ['bank.example', 'signed.example', 'not a domain', 'quarantine.example'];

// one DNS session for the run (one cache, one limit on queries in flight); each result comes
// as its check finishes, so sort if the order matters
for await (const result of checkMany(senders, { relays: ['203.0.113.7'], resolver, jobs: 16 })) {
  if (result.kind === 'report') console.log(`${result.report.domain}: ${result.report.verdict}`);
  else console.log(`${result.input}: ${result.kind}: ${result.message}`);
}
