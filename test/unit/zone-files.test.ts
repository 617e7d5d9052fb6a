// Zone files as fwdcheck loads them: any size, one RRset per set of identical records, only
// regular files, a BOM, and which names each file speaks for.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/clock.ts';
import { createDnsClient } from '../../src/dns/session.ts';
import { DnsError, type QueryContext, type RRType, type UpstreamAnswer, type UpstreamResolver } from '../../src/dns/types.ts';
import { createZoneLayer, loadZoneFiles, ZoneFileError } from '../../src/dns/zone-resolver.ts';

const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-zones-'));
const file = (name: string, text: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** A resolver standing for the network: it answers every name with one TXT record naming it. */
const network = () => {
  const asked: string[] = [];
  const upstream: UpstreamResolver = {
    query: async (name: string, type: RRType, _ctx: QueryContext): Promise<UpstreamAnswer> => {
      asked.push(`${type} ${name}`);
      if (name === 'gone.provider.example') return { kind: 'nxdomain', ttl: 60 };
      return { kind: 'records', records: type === 'TXT' ? [[`from the network: ${name}`]] : [], ttl: 60 };
    },
    close: () => {},
    describe: () => 'network',
  };
  return { upstream, asked };
};

const code = (p: Promise<unknown>) => p.then(() => 'answer', (e: DnsError) => e.code);

describe('zone files', () => {
  it('loads a 200,000-record file (streamed, no argument spread)', async () => {
    const lines = ['$ORIGIN big.example.', '$TTL 300'];
    for (let i = 0; i < 200_000; i++) lines.push(`h${i} A 192.0.${(i >> 8) & 255}.${i & 255}`);
    const zone = await loadZoneFiles([file('big.zone', lines.join('\n'))]);
    assert.equal(zone.size, 200_000);
    const dns = createDnsClient(createZoneLayer(zone, null, 'big'), { timeoutMs: 1000, clock: systemClock });
    assert.deepEqual(await dns.resolve('h199999.big.example', 'A'), ['192.0.13.63']);
  });

  it('keeps identical records once (RFC 2181 5: an RRset)', async () => {
    const zone = await loadZoneFiles([file('dup.zone', '$ORIGIN dup.example.\n@ TXT "v=spf1 -all"\n@ TXT "v=spf1 -all"\n@ 600 TXT "v=spf1 -all"\n@ A 192.0.2.1\n@ A 192.0.2.1\n')]);
    const dns = createDnsClient(createZoneLayer(zone, null, 'dup'), { timeoutMs: 1000, clock: systemClock });
    assert.deepEqual(await dns.resolve('dup.example', 'TXT'), [['v=spf1 -all']]);
    assert.deepEqual(await dns.resolve('dup.example', 'A'), ['192.0.2.1']);
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const zone = await loadZoneFiles([file('bom.zone', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('$ORIGIN bom.example.\n@ TXT "v=spf1 -all"\n')]))]);
    assert.equal(zone.size, 1);
  });

  it('refuses a directory, a FIFO and a device up front, in plain words', async () => {
    const fifo = join(dir, 'pipe.zone');
    execFileSync('mkfifo', [fifo]);
    const cases: [string, RegExp][] = [
      [dir, /a directory, not a file \(EISDIR\)$/],
      [fifo, /a named pipe \(FIFO\), not a file$/],
      ['/dev/zero', /a device, not a file$/],
      [join(dir, 'nope.zone'), /no such file \(ENOENT\)$/],
    ];
    for (const [path, message] of cases) {
      await assert.rejects(loadZoneFiles([path]), (err: Error) => err instanceof ZoneFileError && message.test(err.message) && err.message.includes(path));
    }
  });

  it('answers the names under a file\'s SOA owner, and sends the others to the resolver', async () => {
    const zone = await loadZoneFiles([
      file('soa.zone', '$ORIGIN corp.example.\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ TXT "v=spf1 include:_spf.provider.example -all"\n' +
        'selector1._domainkey CNAME selector1-corp._domainkey.provider.example.\nold._domainkey CNAME gone.provider.example.\n' +
        '$ORIGIN other.example.\nstray TXT "out of zone"\n'),
    ]);
    assert.deepEqual(zone.authorities, ['corp.example']);
    const net = network();
    const dns = createDnsClient(createZoneLayer(zone, net.upstream, 'corp'), { timeoutMs: 1000, clock: systemClock });
    assert.deepEqual(await dns.resolve('corp.example', 'TXT'), [['v=spf1 include:_spf.provider.example -all']]);
    assert.equal(await code(dns.resolve('missing.corp.example', 'TXT')), 'ENOTFOUND', 'a missing name in the zone is NXDOMAIN');
    assert.deepEqual(await dns.resolve('_spf.provider.example', 'TXT'), [['from the network: _spf.provider.example']]);
    // a CNAME out of the zone is followed at the resolver
    assert.deepEqual(await dns.resolve('selector1._domainkey.corp.example', 'TXT'), [['from the network: selector1-corp._domainkey.provider.example']]);
    assert.equal(await code(dns.resolve('old._domainkey.corp.example', 'TXT')), 'ENOTFOUND');
    // out-of-zone data in the file is not authoritative
    assert.deepEqual(await dns.resolve('stray.other.example', 'TXT'), [['from the network: stray.other.example']]);
    assert.deepEqual(net.asked, ['TXT _spf.provider.example', 'TXT selector1-corp._domainkey.provider.example', 'TXT gone.provider.example', 'TXT stray.other.example']);
  });

  it('without SOA, speaks for its $ORIGINs; without either, for the registrable domains of its names', async () => {
    const origins = await loadZoneFiles([file('origins.zone', '$ORIGIN a.example.\n@ TXT "x"\n$ORIGIN b.example.\n@ TXT "y"\n')]);
    assert.deepEqual(origins.authorities, ['a.example', 'b.example']);
    const bare = await loadZoneFiles([file('bare.zone', 'mail.shop.co.uk. A 192.0.2.1\n_dmarc.news.corp.example. TXT "v=DMARC1; p=none"\n')]);
    assert.deepEqual(bare.authorities, ['corp.example', 'shop.co.uk']);
    assert.equal(bare.isAuthoritative('www.shop.co.uk'), true);
    assert.equal(bare.isAuthoritative('co.uk'), false);
  });

  it('offline, a name outside the files is not checked (EOFFLINE), never "does not exist"', async () => {
    const zone = await loadZoneFiles([file('off.zone', '$ORIGIN off.example.\n@ TXT "v=spf1 include:_spf.provider.example -all"\n')]);
    const dns = createDnsClient(createZoneLayer(zone, null, 'off'), { timeoutMs: 1000, clock: systemClock });
    assert.equal(await code(dns.resolve('_spf.provider.example', 'TXT')), 'EOFFLINE');
    assert.equal(await code(dns.resolve('nothing.off.example', 'TXT')), 'ENOTFOUND');
    assert.equal(dns.stats().failures, 1);
  });
});
