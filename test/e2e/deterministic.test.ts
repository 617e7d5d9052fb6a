// The same DNS data gives byte-identical JSON, apart from checkedAt and elapsedMs, whatever order
// the answers arrive in: the tests' DNS server answers every query after a random 0-8 ms, so
// each run sees a different completion order.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { FIXTURES, runCli } from '../helpers/run-cli.ts';

const DEMO = join(FIXTURES, 'zones/demo.zone');
const RUNS = 6;

let server: TestDnsServer;
before(async () => {
  server = await startDnsServer({ zone: await loadZoneFiles([DEMO]), jitterMs: 8 });
});
after(() => server.close());

/** The JSON document without the two fields that are allowed to differ. */
const stable = (stdout: string): string => stdout.replace(/"checkedAt": "[^"]*"/, '"checkedAt": ""').replace(/"elapsedMs": \d+/, '"elapsedMs": 0');

describe('deterministic output under answer jitter', { concurrency: 3 }, () => {
  for (const [domain, args] of [
    // includes two deep, a/mx/exists terms, void lookups, a DKIM key, DMARC
    ['nested.example', []],
    // eleven includes: the walk stops at the limit in evaluation order, not in arrival order
    ['toomany.example', ['--relay', '203.0.113.7']],
    // no DKIM, several DMARC records, a syntax error and ptr
    ['broken.example', ['--relay', '203.0.113.7']],
  ] as const) {
    it(`${domain}: ${RUNS} runs, one document`, async () => {
      const outputs = new Set<string>();
      for (let i = 0; i < RUNS; i++) {
        const res = await runCli([domain, '--resolver', server.address, '--timeout', '3000', '--json', ...args]);
        assert.ok(res.code === 0 || res.code === 1, `exit ${res.code}: ${res.stderr}`);
        outputs.add(stable(res.stdout));
      }
      assert.equal(outputs.size, 1, `${outputs.size} different documents in ${RUNS} runs`);
    });
  }
});
