// The bench's DNS server, in a process of its own (as a real server is): argv = zone file and the
// per-query delay in ms. Tells its address over IPC, then answers "stats" (queries received and
// distinct (name, type) pairs since the last "reset") until "close".
import { startDnsServer } from '../test/helpers/dns-server.ts';
import { loadZoneFiles } from '../src/dns/zone-resolver.ts';

const [zoneFile, delay] = process.argv.slice(2);
const server = await startDnsServer({ zone: await loadZoneFiles([zoneFile!]), delayMs: Number(delay ?? 0) });
let from = 0;
process.send!({ address: server.address });
process.on('message', (msg: string) => {
  if (msg === 'reset') from = server.log.length;
  else if (msg === 'stats') {
    const entries = server.log.slice(from);
    const distinct = new Set(entries.map((e) => `${e.type} ${e.name}`)).size;
    process.send!({ total: entries.length, distinct, tcp: entries.filter((e) => e.transport === 'tcp').length });
  } else if (msg === 'close') void server.close().then(() => process.exit(0));
});
