// End to end: bin/fwdcheck.js against the fault-injecting DNS server, one fault per name and
// type, and zone files in front of a resolver. Each case names the fault and what must come out.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type Fault, type FaultRule, type Rcode, type TestDnsServer } from '../helpers/dns-server.ts';
import { FIXTURES, runCli } from '../helpers/run-cli.ts';
import { parseReport } from '../helpers/contract.ts';

const DEMO = join(FIXTURES, 'zones/demo.zone');
const BEHAVIOUR = join(FIXTURES, 'zones/dns-behaviour.zone');
const RELAY = '203.0.113.7';

let server: TestDnsServer;
before(async () => {
  server = await startDnsServer({ zone: await loadZoneFiles([DEMO, BEHAVIOUR]) });
});
after(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const checkWith = async (rules: FaultRule[], domain: string, ...args: string[]) => {
  server.faults.splice(0, server.faults.length, ...rules);
  try {
    const res = await runCli([domain, '--resolver', server.address, '--relay', RELAY, '--json', ...args]);
    const json: Json = parseReport(res.stdout);
    return { code: res.code, json, stderr: res.stderr };
  } finally {
    server.faults.length = 0;
  }
};

const at = (name: string, type: string, fault: Fault): FaultRule => ({ name, type, fault });
const probe = (json: Json, selector: string) => json.records.dkim.selectors.find((s: Json) => s.selector === selector);
const codes = (json: Json): string[] => json.findings.map((f: Json) => f.code);
const dmarcQuery = (json: Json, domain: string) => json.records.dmarc.discovery.rfc9989.queried.find((q: Json) => q.domain === domain);

describe('DNS faults, end to end', () => {
  it('baseline: signed.example passes, bank.example fails', async () => {
    assert.equal((await checkWith([], 'signed.example')).code, 0);
    assert.equal((await checkWith([], 'bank.example')).code, 1);
  });

  it('one malformed answer at one DKIM selector does not turn a PASS into UNKNOWN', async () => {
    const { code, json } = await checkWith([at('google._domainkey.signed.example', 'TXT', { kind: 'malformed' })], 'signed.example');
    assert.equal(json.verdict, 'pass');
    assert.equal(code, 0);
    assert.equal(probe(json, 'google').status, 'dns-error');
    assert.equal(probe(json, 'google').error, 'EBADRESP');
    assert.equal(probe(json, 'selector1').status, 'key');
  });

  it('a name that needs 1-4 s is not given up on early with --timeout 5000', async () => {
    const slow: FaultRule = { name: '_dmarc.signed.example', type: 'TXT', delayMs: 1000, jitterMs: 3000 };
    const { code, json } = await checkWith([slow], 'signed.example', '--timeout', '5000');
    assert.equal(json.verdict, 'pass');
    assert.equal(code, 0);
    assert.equal(json.records.dmarc.record, 'v=DMARC1; p=reject; adkim=s; rua=mailto:agg@signed.example');
  });

  const rcodes: [Rcode, string][] = [
    ['SERVFAIL', 'ESERVFAIL'], ['REFUSED', 'EREFUSED'], ['FORMERR', 'EFORMERR'], ['NOTIMP', 'ENOTIMP'], ['YXDOMAIN', 'EYXDOMAIN'], ['NOTAUTH', 'ENOTAUTH'],
  ];
  for (const [rcode, error] of rcodes) {
    it(`rcode ${rcode} at the DMARC record: an error (${error}), the outcome open (exit 3), never "no record"`, async () => {
      const { code, json } = await checkWith([at('_dmarc.bank.example', 'TXT', { kind: 'rcode', rcode })], 'bank.example');
      assert.equal(json.verdict, 'unknown');
      assert.equal(code, 3);
      assert.equal(dmarcQuery(json, 'bank.example').status, 'dns-error');
      assert.equal(dmarcQuery(json, 'bank.example').error, error);
      assert.ok(codes(json).includes('OUTCOME_OPEN'));
    });
  }

  for (const kind of ['drop', 'wrong-id', 'qr0'] as const) {
    it(`${kind === 'drop' ? 'no answer' : kind === 'qr0' ? 'an answer with QR=0' : 'an answer with another id'} at the DMARC record: not taken, a timeout (exit 3)`, async () => {
      const { code, json } = await checkWith([at('_dmarc.bank.example', 'TXT', { kind })], 'bank.example', '--timeout', '600');
      assert.equal(json.verdict, 'unknown');
      assert.equal(code, 3);
      assert.equal(dmarcQuery(json, 'bank.example').error, 'ETIMEOUT');
    });
  }

  it('a DMARC lookup that times out: the report says Gmail defers, not also that what Gmail does is not known', async () => {
    server.faults.splice(0, server.faults.length, at('_dmarc.bank.example', 'TXT', { kind: 'drop' }));
    try {
      const res = await runCli(['bank.example', '--resolver', server.address, '--relay', RELAY, '--timeout', '600', '--no-color']);
      assert.equal(res.code, 3);
      assert.match(res.stdout.replace(/\s+/g, ' '), /Gmail defers forwarded mail from bank\.example/);
      assert.doesNotMatch(res.stdout, /what Gmail does is not known/);
    } finally {
      server.faults.length = 0;
    }
  });

  it('an answer owned by another name is ignored: the forged DMARC record is not read', async () => {
    const forged = at('_dmarc.bank.example', 'TXT', { kind: 'foreign-owner', owner: '_dmarc.evil.example', txt: 'v=DMARC1; p=none' });
    const { json } = await checkWith([forged], 'bank.example');
    assert.equal(dmarcQuery(json, 'bank.example').status, 'missing');
    assert.doesNotMatch(JSON.stringify(json.records.dmarc), /evil|p=none/);
  });

  it('a truncated answer (TC=1) is asked again over TCP, with the same verdict', async () => {
    const before = server.log.length;
    const { code, json } = await checkWith([at('bank.example', 'TXT', { kind: 'truncate' })], 'bank.example');
    assert.equal(json.verdict, 'fail');
    assert.equal(code, 1);
    assert.deepEqual(
      server.log.slice(before).filter((e) => e.name === 'bank.example' && e.type === 'TXT').map((e) => e.transport),
      ['udp', 'tcp'],
    );
  });

  it('CNAME and DNAME loops at two selectors fail those probes (ELOOP); the key elsewhere still passes', async () => {
    const { code, json } = await checkWith(
      [at('default._domainkey.signed.example', 'TXT', { kind: 'cname-loop' }), at('dkim._domainkey.signed.example', 'TXT', { kind: 'dname-loop' })],
      'signed.example',
    );
    assert.equal(json.verdict, 'pass');
    assert.equal(code, 0);
    assert.equal(probe(json, 'default').error, 'ELOOP');
    assert.equal(probe(json, 'dkim').error, 'ELOOP');
  });

  it('--deadline bounds the whole check: CHECK_DEADLINE, verdict unknown, exit 3', async () => {
    const { code, json } = await checkWith([{ name: '_dmarc.bank.example', type: 'TXT', delayMs: 4000 }], 'bank.example', '--deadline', '800');
    assert.equal(json.verdict, 'unknown');
    assert.equal(code, 3);
    assert.ok(codes(json).includes('CHECK_DEADLINE'));
    assert.equal(json.findings.find((f: Json) => f.code === 'CHECK_DEADLINE').args.deadlineMs, 800);
    assert.equal(dmarcQuery(json, 'bank.example').error, 'EDEADLINE');
  });

  it('--deadline hit, but what was read decides: a relay without FCrDNS is refused (550 5.7.25), not unknown', async () => {
    server.faults.splice(0, server.faults.length, { name: '_dmarc.bank.example', type: 'TXT', delayMs: 8000 });
    try {
      // 203.0.113.9 has no PTR: Gmail refuses it before it looks at the message, whatever DMARC says
      const res = await runCli(['bank.example', '--resolver', server.address, '--relay', '203.0.113.9', '--deadline', '2500', '--json']);
      const json = JSON.parse(res.stdout);
      assert.deepEqual([json.verdict, json.gmail.action, json.gmail.reasonCode, res.code], ['fail', 'reject', 'RELAY_NO_FCRDNS', 1]);
      assert.match(json.gmail.smtp, /^550 5\.7\.25 /);
      assert.ok(codes(json).includes('CHECK_DEADLINE'));
      assert.ok(!codes(json).includes('OUTCOME_OPEN'));
    } finally {
      server.faults.length = 0;
    }
  });

  it('refuses bad DNS option values with one line, exit 2', async () => {
    for (const [args, message] of [
      [['--timeout', '0'], /^fwdcheck: invalid --timeout "0"/],
      [['--deadline', 'soon'], /^fwdcheck: invalid --deadline "soon": milliseconds from 1 to 3600000$/],
      [['--concurrency', '0'], /^fwdcheck: invalid --concurrency "0": a whole number from 1 to 4096$/],
      [['--resolver', 'dns.example'], /^fwdcheck: invalid --resolver "dns\.example"/],
    ] as [string[], RegExp][]) {
      const res = await runCli(['bank.example', ...args]);
      assert.equal(res.code, 2, res.stderr);
      assert.equal(res.stdout, '');
      assert.match(res.stderr.trim(), message);
    }
  });
});

describe('zone files over the resolver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-combo-'));
  const combo = join(dir, 'combo.zone');
  // the README's case: a zone whose SPF includes another domain's record and whose DKIM
  // selector is a CNAME to a key published elsewhere
  writeFileSync(
    combo,
    '$ORIGIN combo.example.\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ TXT "v=spf1 include:signed.example -all"\n_dmarc TXT "v=DMARC1; p=reject"\n' +
      'selector1._domainkey CNAME selector1._domainkey.signed.example.\n',
  );

  it('--zone with --resolver: the zone answers for its origin, the resolver for the rest', async () => {
    const res = await runCli(['combo.example', '--zone', combo, '--resolver', server.address, '--relay', RELAY, '--json']);
    const json = parseReport(res.stdout);
    assert.equal(json.verdict, 'pass', res.stderr);
    assert.equal(res.code, 0);
    assert.equal(probe(json, 'selector1').status, 'key');
    assert.match(json.dns.source, /zone files .*combo\.zone, then 127\.0\.0\.1:\d+/);
  });

  it('--zone --offline: the names outside the file are not checked, and the outcome stays open', async () => {
    const res = await runCli(['combo.example', '--zone', combo, '--offline', '--relay', RELAY, '--json']);
    const json = parseReport(res.stdout);
    assert.equal(json.verdict, 'unknown');
    assert.equal(res.code, 3);
    assert.equal(probe(json, 'selector1').error, 'EOFFLINE');
    const open = json.findings.find((f: Json) => f.code === 'OUTCOME_OPEN');
    assert.ok((open?.args.unread as Json[]).some((u: Json) => u.error === 'EOFFLINE' && u.name === 'signed.example'), JSON.stringify(open));
  });

  it('--zone --offline on a zone of its own: the public suffix above it (_dmarc.<tld>, RFC 9989 walk) is taken as empty, not open', async () => {
    const own = join(dir, 'own.zone');
    writeFileSync(
      own,
      '$ORIGIN mycorp.test.\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ TXT "v=spf1 ip4:198.51.100.80/31 -all"\n' +
        '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:d@mycorp.test"\nlists TXT "v=spf1 ip4:198.51.100.90 -all"\n',
    );
    for (const domain of ['mycorp.test', 'lists.mycorp.test']) {
      const res = await runCli([domain, '--zone', own, '--offline', '--relay', RELAY, '--json', '--debug']);
      const json: Json = parseReport(res.stdout);
      assert.equal(json.verdict, 'fail', domain);
      assert.equal(json.gmail.action, 'reject', domain);
      assert.equal(json.gmail.alternative, null, domain);
      assert.equal(res.code, 1);
      assert.ok(!json.findings.some((f: Json) => f.code === 'DMARC_DNS_ERROR'), JSON.stringify(json.findings));
      assert.match(res.stderr, /_dmarc\.test -> ENOTFOUND \(assumed offline/);
    }
  });
});
