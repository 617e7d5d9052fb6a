// npm run bench: how long a check takes, where the time goes, and what DNS it costs.
// Numbers, not assertions: run it on an idle machine and compare runs by their ratios.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { check } from '../src/check.ts';
import { systemClock } from '../src/clock.ts';
import { createDnsClient } from '../src/dns/client.ts';
import { createWireResolver } from '../src/dns/wire.ts';
import { createZoneResolver, loadZoneFiles } from '../src/dns/zone-resolver.ts';
import { evaluateSpf } from '../src/auth/mailauth.ts';
import { loadConformanceSuite } from '../test/helpers/conformance.ts';
import { startDnsServer } from '../test/helpers/dns-server.ts';

const run = promisify(execFile);
const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const BIN = root('bin/fwdcheck.js');
const DEMO = root('fixtures/zones/demo.zone');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (n: number, f: () => Promise<unknown>): Promise<number> => {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    samples.push(performance.now() - t);
  }
  return median(samples);
};
const cli = (...args: string[]) => run(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } }).catch((e: { stdout: string }) => e);

const zone = await loadZoneFiles([DEMO, root('fixtures/zones/dns-behaviour.zone')]);
const server = await startDnsServer({ zone });
const N = 15;
const rows: [string, string][] = [];

const startup = await time(N, () => cli('--version'));
rows.push(['CLI start-up (fwdcheck --version)', `${startup.toFixed(0)} ms`]);
const cliServer = await time(N, () => cli('bank.example', '--relay', '203.0.113.7', '--resolver', server.address, '--json'));
rows.push(['one check, CLI, local DNS server (bank.example)', `${cliServer.toFixed(0)} ms`]);
const cliZone = await time(N, () => cli('bank.example', '--relay', '203.0.113.7', '--zone', DEMO, '--offline', '--json'));
rows.push(['one check, CLI, --zone (offline)', `${cliZone.toFixed(0)} ms`]);

let queries = 0;
const inProcess = await time(N, async () => {
  const dns = createDnsClient(createWireResolver({ servers: [{ host: server.host, port: server.port }] }), { timeoutMs: 2000, clock: systemClock });
  await check('bank.example', { relays: ['203.0.113.7'], selectors: [] }, { dns, clock: systemClock });
  queries = dns.stats().queries;
  dns.close();
});
rows.push(['one check, in process, local DNS server', `${inProcess.toFixed(1)} ms (${queries} DNS queries)`]);

const domains = ['bank.example', 'signed.example', 'quarantine.example', 'monitor.example', 'nodmarc.example', 'nospf.example', 'relayed.example', 'toomany.example'];
const batchShared = await time(5, async () => {
  const dns = createDnsClient(createWireResolver({ servers: [{ host: server.host, port: server.port }] }), { timeoutMs: 2000, clock: systemClock });
  await Promise.all(domains.map((d) => check(d, { relays: ['203.0.113.7'], selectors: [] }, { dns, clock: systemClock })));
  dns.close();
});
rows.push([`${domains.length} checks in parallel, one shared resolver`, `${batchShared.toFixed(1)} ms (${(batchShared / domains.length).toFixed(1)} ms per domain)`]);

const cases = loadConformanceSuite(root('fixtures/conformance/rfc7208-tests.yml'));
const suite = await time(5, async () => {
  for (const c of cases) {
    const dns = createDnsClient(createZoneResolver(c.zone), { timeoutMs: 2000, clock: systemClock });
    await evaluateSpf(dns.resolve, { ip: c.host, mailFrom: c.mailfrom, helo: c.helo, receiver: 'mx.example.org' });
  }
});
rows.push([`RFC 7208 suite, ${cases.length} evaluations in process`, `${suite.toFixed(1)} ms (${((suite / cases.length) * 1000).toFixed(0)} µs each)`]);

await server.close();
const width = Math.max(...rows.map(([k]) => k.length));
console.log(`fwdcheck bench, node ${process.versions.node}, median of ${N} (5 for the last two)`);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
console.log(`ratios: CLI check / start-up = ${(cliServer / startup).toFixed(2)}; CLI check / in-process check = ${(cliServer / inProcess).toFixed(1)}; offline / DNS server = ${(cliZone / cliServer).toFixed(2)}; parallel batch per domain / single in-process = ${(batchShared / domains.length / inProcess).toFixed(2)}`);
