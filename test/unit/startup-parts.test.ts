// The parts of issue 7's start-up work that can be checked without a clock: the IP test that
// avoids node's IPv6 pattern answers as net.isIP does, the SPF walk sends a branch's next lookup
// as soon as that branch's answer is in, mailauth's load plan is the installed mailauth's, and the
// CLI's first wave asks nothing a check would not ask.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP as nodeIsIP } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DnsError, type Resolver, type RRType } from '../../src/dns/types.ts';
import { isIP } from '../../src/ip.ts';
import { checkLoadPlan, deferModule, deferredFolders, DEFERRED_PACKAGES } from '../../src/auth/mailauth.ts';
import { MAILAUTH_LOAD_PLAN, MAILAUTH_PLAN_PACKAGES } from '../../src/auth/mailauth-load-plan.ts';
import { fetchSpfTree } from '../../src/records/fetch-spf.ts';
import { check } from '../../src/check.ts';
import { fixedClock } from '../../src/clock.ts';
import { createDnsClient } from '../../src/dns/client.ts';
import { parseZone } from '../../src/dns/parse-zone.ts';
import { ZoneIndex } from '../../src/dns/zone.ts';
import { createZoneResolver } from '../../src/dns/zone-resolver.ts';
import { firstLookups, startFirstWave } from '../../src/first-wave.ts';

describe('isIP', () => {
  const pieces = ['0', '1', '9', '25', '255', '256', '01', '.', ':', '::', 'ffff', 'a', 'x', '%eth0', '1.2.3.4', '::ffff:', ' ', '-', '[', ']'];
  // IPv6 shapes: groups of 0 to 5 hex digits, single and double colons, IPv4 tails, zones
  const v6Pieces = ['0', '1', 'f', 'F', 'ab', 'fff', 'ffff', 'FFFF0', '00000', 'g', ':', ':', ':', '::', ':::', '1.2.3.4', '255.255.255.255', '1.2.3', '01.2.3.4', '%', '%eth0', '%a-b.c:d', '%_', '.', ' '];
  const v6Like = fc.array(fc.constantFrom(...v6Pieces), { minLength: 1, maxLength: 20 }).map((a) => a.join(''));
  // well-formed group lists with and without one "::", some with an IPv4 tail
  const hex = (maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength });
  const groups = fc.tuple(fc.array(hex(5), { maxLength: 9 }), fc.array(hex(4), { maxLength: 9 }), fc.boolean(), fc.boolean());
  const v6Built = groups.map(([h, t, gap, v4]) => `${h.join(':')}${gap ? '::' : h.length && t.length ? ':' : ''}${t.join(':')}${v4 ? `${t.length || !gap ? ':' : ''}1.2.3.4` : ''}`);
  it('answers as net.isIP does, for any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((a) => a.join('')), fc.ipV4(), fc.ipV6(), v6Like, v6Built), (s) => {
        assert.equal(isIP(s), nodeIsIP(s), JSON.stringify(s));
      }),
      { numRuns: 20000 },
    );
  });
});

describe('the SPF walk', () => {
  // a walk in rounds would wait for slow.example before asking next.example: here, forever
  it('follows a branch as soon as its own answer is in, without waiting for the other branches', { timeout: 5000 }, async () => {
    const records: Record<string, string> = {
      'root.example': 'v=spf1 include:slow.example include:fast.example -all',
      'slow.example': 'v=spf1 ip4:192.0.2.1 -all',
      'fast.example': 'v=spf1 include:next.example -all',
      'next.example': 'v=spf1 ip4:192.0.2.2 -all',
    };
    const asked: string[] = [];
    let releaseSlow!: () => void;
    const slow = new Promise<void>((r) => (releaseSlow = r));
    const resolver = (async (name: string, type: string) => {
      asked.push(name);
      if (name === 'next.example') releaseSlow(); // next is asked while slow has not answered
      if (name === 'slow.example') await slow;
      const txt = records[name];
      if (type !== 'TXT' || txt === undefined) throw new DnsError('ENOTFOUND', name, type);
      return [[txt]];
    }) as Resolver;
    const tree = await fetchSpfTree(resolver, 'root.example');
    assert.deepEqual(asked, ['root.example', 'slow.example', 'fast.example', 'next.example']);
    // the tree is in evaluation order whatever order the answers came in
    assert.deepEqual(tree.root.children.map((c) => c.domain), ['slow.example', 'fast.example']);
    assert.deepEqual(tree.root.children[1]!.children.map((c) => c.domain), ['next.example']);
    assert.equal(tree.lookups, 3);
  });
});

describe("mailauth's load plan", () => {
  it('is the one the installed mailauth gives (npm run mailauth-plan)', async () => {
    const script = fileURLToPath(new URL('../../scripts/mailauth-load-plan.ts', import.meta.url));
    const out = await new Promise<{ code: number; text: string }>((resolve) =>
      execFile(process.execPath, [script, '--check'], (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, text: stdout + stderr })),
    );
    assert.equal(out.code, 0, out.text);
  });
});

describe("the CLI's first wave", () => {
  const ZONE = `
$ORIGIN bank.example.
@       TXT "v=spf1 include:_spf.mail.example -all"
@       MX  10 mx.bank.example.
mx      A   192.0.2.10
_dmarc  TXT "v=DMARC1; p=reject"
google._domainkey TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAz"
$ORIGIN mail.example.
_spf    TXT "v=spf1 ip4:192.0.2.0/24 -all"
$ORIGIN forwarder.example.
relay   A   203.0.113.7
$ORIGIN google.com.
_spf    TXT "v=spf1 ip4:209.85.128.0/17 ~all"
$ORIGIN 113.0.203.in-addr.arpa.
7       PTR relay.forwarder.example.
`;
  const cases: { domain: string; relays: string[]; selectors: string[] }[] = [
    { domain: 'bank.example', relays: ['203.0.113.7'], selectors: [] },
    { domain: 'bank.example', relays: ['203.0.113.7,srs=fwd.example', '2001:db8::7'], selectors: ['google'] },
    { domain: 'nx.example', relays: [], selectors: [] },
    { domain: 'bank.example', relays: ['gmail'], selectors: [] },
  ];
  for (const c of cases) {
    it(`asks only what check() asks anyway: ${c.domain} ${c.relays.join(' ') || '(no relay)'} ${c.selectors.join(' ')}`, async () => {
      const clock = fixedClock('2026-11-30T12:00:00Z');
      // the queries a check sends upstream, with the first wave before it or without
      const queries = async (wave: boolean) => {
        const sent: string[] = [];
        const zone = createZoneResolver(new ZoneIndex(parseZone(ZONE, 'inline.zone')));
        const counting = { ...zone, query: (name: string, type: RRType, ctx: Parameters<typeof zone.query>[2]) => (sent.push(`${type} ${name}`), zone.query(name, type, ctx)) };
        const dns = createDnsClient(counting, { timeoutMs: 1000, clock });
        if (wave) startFirstWave((name, type) => dns.prefetch(name, type), c.domain, c);
        const report = await check(c.domain, { relays: c.relays, selectors: c.selectors }, { dns, clock });
        // the same queries, verdict and counts: the wave only sends them sooner
        return { sent: sent.sort(), verdict: report.verdict, dns: report.dns };
      };
      const [without, withWave] = [await queries(false), await queries(true)];
      assert.deepEqual(withWave, without);
      // and the wave is not empty: it asks something the fetchers ask before any answer
      const first = firstLookups(c.domain, c).map(([name, type]) => `${type} ${name}`);
      assert.ok(first.length >= 4 && first.every((q) => without.sent.includes(q)));
    });
  }
});

describe("mailauth's load plan against the installed packages", () => {
  // a node_modules folder: mailauth requires dep (1.0.0), which sits beside it
  const tree = (nestedDep: { version: string } | null, topVersion = '1.0.0') => {
    const base = join(mkdtempSync(join(tmpdir(), 'fwdcheck-plan-')), 'node_modules');
    const pkg = (dir: string, json: object, main = 'index.js') => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify(json));
      writeFileSync(join(dir, main), 'module.exports = {};\n');
    };
    pkg(join(base, 'mailauth'), { name: 'mailauth', version: '7.1.0' });
    pkg(join(base, 'dep'), { name: 'dep', version: topVersion });
    if (nestedDep) pkg(join(base, 'mailauth/node_modules/dep'), { name: 'dep', version: nestedDep.version });
    return base;
  };
  const plan = { version: '7.1.0', files: ['dep/index.js', 'node:dns', 'mailauth/index.js'], packages: [{ from: 'mailauth', request: 'dep', dir: 'dep', version: '1.0.0' }] };

  it('is used when every package resolves where and at the version it was made with', () => {
    const base = tree(null);
    assert.deepEqual(checkLoadPlan(base, '7.1.0', plan), { files: [join(base, 'dep/index.js'), 'node:dns', join(base, 'mailauth/index.js')] });
  });
  it('is not used for another mailauth, another version of a dependency, or a dependency found elsewhere', () => {
    assert.match((checkLoadPlan(tree(null), '7.2.0', plan) as { reason: string }).reason, /mailauth 7.2.0 is installed/);
    assert.match((checkLoadPlan(tree(null, '1.1.0'), '7.1.0', plan) as { reason: string }).reason, /dep 1.1.0 is installed, the plan is for 1.0.0/);
    // mailauth has its own copy of dep (another app's copy is the one hoisted)
    assert.match((checkLoadPlan(tree({ version: '1.0.0' }), '7.1.0', plan) as { reason: string }).reason, /mailauth finds dep elsewhere than dep/);
    // a layout where nothing resolves (pnpm-like)
    const empty = join(mkdtempSync(join(tmpdir(), 'fwdcheck-plan-')), 'node_modules');
    assert.match((checkLoadPlan(empty, '7.1.0', plan) as { reason: string }).reason, /do not resolve/);
  });
});

describe("libmime's charset converters, deferred while mailauth loads", () => {
  const MAILAUTH = fileURLToPath(new URL('../../src/auth/mailauth.ts', import.meta.url));
  it('are encoding-japanese and iconv-lite, with safer-buffer (only iconv-lite requires it)', () => {
    assert.deepEqual([...deferredFolders(MAILAUTH_PLAN_PACKAGES)].sort(), ['encoding-japanese', 'iconv-lite', 'safer-buffer']);
    // a package another one requires too is not deferred
    const packages = [...MAILAUTH_PLAN_PACKAGES, { from: 'mailauth', request: 'safer-buffer', dir: 'safer-buffer', version: '2.1.2' }];
    assert.deepEqual([...deferredFolders(packages)].sort(), ['encoding-japanese', 'iconv-lite']);
  });
  it("stand in for the plan's last file of each package, the entry point libmime's require finds", () => {
    const require = createRequire(join(createRequire(MAILAUTH).resolve('mailauth'), '..', '..', '..', 'libmime', 'package.json'));
    for (const name of DEFERRED_PACKAGES) {
      const last = MAILAUTH_LOAD_PLAN.findLast((f) => f.startsWith(`${name}/`));
      assert.equal(join(require.resolve('mailauth/package.json').replace(/mailauth[\\/]package\.json$/, ''), last!), require.resolve(name));
    }
  });
  it('are not loaded with mailauth, load on first use, and convert as before (a separate process)', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const { mailauthLoaded, mailauthLoadInfo } = await import(${JSON.stringify(MAILAUTH)});
      await mailauthLoaded();
      const require = createRequire(${JSON.stringify(MAILAUTH)});
      // the packages' own files (the cache holds only the stand-ins for their entry points until then)
      const loaded = () => Object.keys(require.cache).filter((k) => /utf8-to-jis-table|bom-handling|safer\\.js/.test(k)).length;
      const before = loaded();
      const libmime = require(require.resolve('libmime', { paths: [require.resolve('mailauth')] }));
      const text = libmime.decodeWords('=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= =?windows-1252?Q?caf=E9?=');
      console.log(JSON.stringify({ plan: mailauthLoadInfo().plan, before, text, after: loaded() > 0 }));`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))),
    );
    assert.deepEqual(JSON.parse(out), { plan: 'used', before: 0, text: 'テストcafé', after: true });
  });
  it('give what the module gives: properties read, listed, tested and written through the stand-in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-defer-'));
    const file = join(dir, 'm.cjs');
    writeFileSync(file, 'globalThis.__fwdcheckDeferLoads = (globalThis.__fwdcheckDeferLoads ?? 0) + 1;\nexports.twice = (x) => x * 2;\nexports.name = "m";\n');
    deferModule(file);
    const m = createRequire(file)(file) as { twice(x: number): number; name: string; extra?: number };
    const loads = () => (globalThis as { __fwdcheckDeferLoads?: number }).__fwdcheckDeferLoads ?? 0;
    assert.equal(loads(), 0);
    assert.equal(m.twice(21), 42);
    assert.equal(loads(), 1);
    assert.deepEqual([Object.keys(m), 'name' in m, m.name], [['twice', 'name'], true, 'm']);
    m.extra = 1;
    assert.equal((createRequire(file)(file) as { extra?: number }).extra, 1);
    assert.equal(loads(), 1);
  });
});
