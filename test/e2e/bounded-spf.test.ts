// Issue 8, bounded work: the static SPF walk follows RFC 7208 4.6.4 (10 DNS-querying terms, 2 void
// lookups) and stops there, so a hostile record cannot make fwdcheck flood a resolver. Counted at
// the tests' DNS server: what reached it for the SPF names of the hostile domains.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { parseReport } from '../helpers/contract.ts';

/** A TXT record's text split into <=255-octet strings (RFC 1035 3.3.14). */
const txt = (text: string): string => `( ${(text.match(/.{1,250}/g) ?? []).map((s) => `"${s}"`).join(' ')} )`;
const terms = (n: number, domain: string, mech = 'a') => Array.from({ length: n }, (_, i) => `${mech}:h${i}.${domain}`).join(' ');

const ZONE = [
  '$TTL 300',
  // 2,000 a: terms, every target exists (a wildcard): only the lookup limit stops the walk
  '$ORIGIN a2000.example.',
  `@ IN TXT ${txt(`v=spf1 ${terms(2000, 'a2000.example')} -all`)}`,
  '* IN A 198.51.100.200',
  // 20 includes of 200 a: terms each
  '$ORIGIN fan.example.',
  `@ IN TXT ${txt(`v=spf1 ${Array.from({ length: 20 }, (_, i) => `include:i${i}.fan.example`).join(' ')} -all`)}`,
  ...Array.from({ length: 20 }, (_, i) => `i${i} IN TXT ${txt(`v=spf1 ${terms(200, `i${i}.fan.example`)} -all`)}`),
  '*.i0 IN A 198.51.100.201',
  // 2,000 a: terms to names that do not exist: the third void lookup stops the walk
  '$ORIGIN voids.example.',
  `@ IN TXT ${txt(`v=spf1 ${terms(2000, 'nx.voids.example')} -all`)}`,
].join('\n');

let server: TestDnsServer;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-bounded-'));
  const file = join(dir, 'hostile.zone');
  writeFileSync(file, `${ZONE}\n`);
  server = await startDnsServer({ zone: await loadZoneFiles([file]) });
});
after(() => server.close());

// the SPF names of a domain: itself and anything under it but the _dmarc and _domainkey probes
const spfQueries = (domain: string) =>
  server.log.filter((q) => (q.name === domain || q.name.endsWith(`.${domain}`)) && !q.name.includes('_dmarc') && !q.name.includes('_domainkey') && !(q.name === domain && q.type !== 'TXT'));

describe('the SPF walk stops where RFC 7208 4.6.4 stops evaluation', { concurrency: 3 }, () => {
  it('2,000 a: terms: 10 lookups, then stop; no query per term', async () => {
    const res = await runCli(['a2000.example', '--resolver', server.address, '--relay', '203.0.113.7', '--selector', 'none', '--json', '--timeout', '3000']);
    const json = parseReport(res.stdout);
    assert.equal(json.records.spf.lookups, 11);
    const stop = json.findings.find((f) => f.code === 'SPF_WALK_STOPPED')!;
    assert.deepEqual([stop.args.reason, stop.args.term], ['lookup-limit', 'a:h10.a2000.example']);
    assert.equal(json.path[0]!.spf.result, 'permerror');
    const queries = spfQueries('a2000.example');
    // the record itself (over UDP, then TCP: it is ~40 KB) and the first ten a: targets
    const names = new Set(queries.map((q) => `${q.type} ${q.name}`));
    assert.ok(names.size <= 11, `${names.size} distinct names asked`);
    assert.ok(queries.length <= 16, `${queries.length} queries reached the server`);
  });
  it('20 includes of 200 terms: bounded by the limit, not by the tree', async () => {
    const res = await runCli(['fan.example', '--resolver', server.address, '--relay', '203.0.113.7', '--selector', 'none', '--json', '--timeout', '3000']);
    const json = parseReport(res.stdout);
    assert.equal(json.records.spf.lookups, 11);
    const queries = spfQueries('fan.example');
    assert.ok(queries.length <= 40, `${queries.length} queries reached the server`);
  });
  it('void lookups: the third stops the walk', async () => {
    const res = await runCli(['voids.example', '--resolver', server.address, '--relay', '203.0.113.7', '--selector', 'none', '--json', '--timeout', '3000']);
    const json = parseReport(res.stdout);
    assert.equal(json.records.spf.voidLookups, 3);
    const stop = json.findings.find((f) => f.code === 'SPF_WALK_STOPPED')!;
    assert.equal(stop?.args.reason, 'void-limit');
    assert.ok(spfQueries('voids.example').length <= 16, `${spfQueries('voids.example').length} queries`);
  });
});
