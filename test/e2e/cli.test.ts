// End to end: the built CLI against a real DNS server on 127.0.0.1 serving fixtures/zones.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { parseReport } from '../helpers/contract.ts';
import { FIXTURES, runCli, type CliResult } from '../helpers/run-cli.ts';

const DEMO = join(FIXTURES, 'zones/demo.zone');
const BEHAVIOUR = join(FIXTURES, 'zones/dns-behaviour.zone');
const RELAY = '203.0.113.7';

let server: TestDnsServer;

before(async () => {
  server = await startDnsServer({ zone: await loadZoneFiles([DEMO, BEHAVIOUR]), dropNames: ['slow.example'] });
});
after(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const checkJson = async (domain: string, ...args: string[]): Promise<{ res: CliResult; json: Json }> => {
  const res = await runCli([domain, '--resolver', server.address, '--json', ...args]);
  const json: Json = parseReport(res.stdout);
  return { res, json };
};

const codes = (json: Json): string[] => json.findings.map((f: Json) => f.code);
const adviceCodes = (json: Json): string[] => json.advice.map((a: Json) => a.code);

describe('forwarding scenarios (JSON through a local DNS server)', () => {
  it('passes: aligned 2048-bit DKIM survives, p=reject', async () => {
    const { res, json } = await checkJson('signed.example', '--relay', RELAY);
    assert.equal(res.code, 0);
    assert.equal(json.verdict, 'pass');
    assert.deepEqual(json.gmail, { ...json.gmail, action: 'inbox', smtp: null });
    const [arrival] = json.path;
    assert.equal(json.path.length, 1);
    assert.deepEqual(
      [arrival.relay, arrival.spf.result, arrival.dkim.result, arrival.dkim.aligned, arrival.dkim.selector, arrival.dmarc.result, arrival.dmarc.policy],
      [RELAY, 'fail', 'pass', true, 'selector1', 'pass', 'reject'],
    );
    assert.ok(codes(json).includes('DKIM_ASSUMED_INTACT'));
    assert.ok(adviceCodes(json).includes('RELAY_DO_NOT_MODIFY'));
    assert.equal(json.records.dmarc.record, 'v=DMARC1; p=reject; adkim=s; rua=mailto:agg@signed.example');
    assert.equal(json.records.dkim.selectors.find((s: Json) => s.selector === 'selector1').bits, 2048);
  });

  it('rejects: no DKIM, SPF -all, p=reject -> 550 5.7.26', async () => {
    const { res, json } = await checkJson('bank.example', '--relay', RELAY);
    assert.equal(res.code, 1);
    assert.equal(json.verdict, 'fail');
    assert.equal(json.gmail.action, 'reject');
    assert.match(json.gmail.smtp, /^550 5\.7\.26 Unauthenticated email from bank\.example is not accepted due to domain's DMARC policy/);
    assert.deepEqual([json.path[0].spf.result, json.path[0].dkim.result, json.path[0].dmarc.result], ['fail', 'none', 'fail']);
    assert.ok(adviceCodes(json).includes('RECIPIENT_FETCH_INSTEAD'));
    assert.ok(adviceCodes(json).includes('SENDER_SIGN_ALIGNED_DKIM'));
    assert.equal(res.stderr, '');
  });

  it('spam: no DKIM, p=quarantine (tags in upper case)', async () => {
    const { res, json } = await checkJson('quarantine.example', '--relay', RELAY);
    assert.equal(json.verdict, 'at-risk');
    assert.equal(json.gmail.action, 'spam');
    assert.equal(json.records.dmarc.policy, 'quarantine');
    assert.equal(res.code, 1);
    const lenient = await runCli(['quarantine.example', '--resolver', server.address, '--relay', RELAY, '--fail-on', 'fail', '--json']);
    assert.equal(lenient.code, 0);
  });

  it('unauthenticated: p=none, no DKIM, ~all', async () => {
    const { res, json } = await checkJson('monitor.example', '--relay', RELAY);
    assert.equal(res.code, 1);
    assert.equal(json.gmail.action, 'reject');
    assert.equal(json.gmail.reasonCode, 'UNAUTHENTICATED');
    assert.match(json.gmail.smtp, /^550 5\.7\.26 This email has been blocked because the sender is unauthenticated/);
    assert.equal(json.path[0].spf.result, 'softfail');
    assert.ok(codes(json).includes('DMARC_POLICY_NONE'));
  });

  it('no SPF record, Ed25519-only DKIM: Gmail does not verify Ed25519, so p=reject rejects', async () => {
    const { res, json } = await checkJson('edkey.example', '--relay', RELAY, '--selector', 's2026');
    assert.equal(res.code, 1);
    assert.equal(json.records.spf.status, 'missing');
    assert.equal(json.path[0].spf.result, 'none');
    // the arrival at Gmail is Gmail's view: the Ed25519 signature counts as none, DMARC fails (verify-5-8 #5)
    assert.deepEqual([json.path[0].receiver, json.path[0].dkim.result, json.path[0].dkim.selector, json.path[0].dmarc.result], ['gmail', 'none', 's2026', 'fail']);
    assert.deepEqual(json.path[0].dkim.signatures.map((s: Json) => [s.keyType, s.result, s.problem?.code]), [['ed25519', 'none', 'receiver-ignores-ed25519']]);
    const human = await runCli(['edkey.example', '--resolver', server.address, '--relay', RELAY, '--selector', 's2026', '--no-color', '--verbose'], { COLUMNS: '200' });
    assert.match(human.stdout.replace(/[\s|]+/g, ' '), /Gmail does not verify edkey\.example's Ed25519 signature, so it counts as none/);
    assert.doesNotMatch(human.stdout, /DMARC passes|DKIM +holds/);
    assert.equal(json.records.dkim.selectors[0].keyType, 'ed25519');
    assert.equal(json.gmail.action, 'reject');
    assert.ok(codes(json).includes('SPF_MISSING'));
    assert.ok(codes(json).includes('DKIM_ED25519_ONLY'));
    assert.ok(adviceCodes(json).includes('SENDER_SIGN_ALIGNED_DKIM'));
  });

  it('null sender without --helo: the records, the findings and the path check one HELO name', async () => {
    const { json } = await checkJson('bank.example', '--relay', RELAY, '--mail-from', '<>');
    // the relay's confirmed PTR name is what it gives in HELO; SPF is checked for it everywhere
    assert.deepEqual([json.helo, json.records.spf.domain, json.path[0].helo, json.path[0].spf.domain], Array(4).fill('relay.forwarder.example'));
    const assumed = await checkJson('bank.example', '--mail-from', '<>');
    assert.deepEqual([assumed.json.helo, assumed.json.records.spf.domain, assumed.json.path[0].helo], Array(3).fill('forwarder.invalid'));
    // RFC 6761: .invalid never exists, so SPF is none there, not a DNS error
    assert.deepEqual([assumed.json.records.spf.status, assumed.json.path[0].spf.result], ['missing', 'none']);
    assert.ok(!codes(assumed.json).includes('SPF_DNS_ERROR'));
  });

  it('no DMARC record: SPF hard fail gets it rejected', async () => {
    const { json } = await checkJson('nodmarc.example', '--relay', RELAY);
    assert.equal(json.records.dmarc.status, 'missing');
    assert.equal(json.path[0].dmarc.result, 'none');
    assert.equal(json.gmail.reasonCode, 'SPF_HARD_FAIL');
    assert.match(json.gmail.smtp, /^550 5\.7\.26 The \(E\)MAIL FROM domain \[nodmarc\.example\] has an SPF record with a hard fail policy/);
    assert.ok(codes(json).includes('DMARC_MISSING'));
    // publishing p=none would not change the forwarded outcome; SRS would: SPF then passes
    assert.deepEqual(adviceCodes(json), ['RECIPIENT_IMAP_IN_GMAIL_APP', 'RECIPIENT_FETCH_INSTEAD', 'RELAY_USE_SRS', 'SENDER_SIGN_ALIGNED_DKIM', 'RECIPIENT_ASK_SENDER']);
  });

  it('a subdomain inherits the organizational domain policy (sp=quarantine)', async () => {
    const { json } = await checkJson('news.bank.example', '--relay', RELAY);
    assert.equal(json.records.dmarc.location, 'bank.example');
    assert.equal(json.records.dmarc.policy, 'quarantine');
    assert.equal(json.records.dmarc.discovery.rfc7489.location, 'bank.example');
    assert.equal(json.records.dmarc.discovery.rfc9989.location, 'bank.example');
    assert.equal(json.gmail.action, 'spam');
    assert.ok(codes(json).includes('DMARC_INHERITED'));
  });

  it('SPF over 10 lookups is found statically and is permerror at the relay', async () => {
    const { json } = await checkJson('toomany.example', '--relay', RELAY);
    assert.equal(json.records.spf.lookups, 11);
    assert.equal(json.path[0].spf.result, 'permerror');
    const f = json.findings.find((x: Json) => x.code === 'SPF_TOO_MANY_LOOKUPS');
    assert.deepEqual([f.args.count, f.args.limit, f.severity], [11, 10, 'error']);
    assert.ok(adviceCodes(json).includes('SENDER_FIX_SPF'));
    // over 10 lookups needs flattening: no mechanical record is offered
    assert.equal(json.advice.find((a: Json) => a.code === 'SENDER_FIX_SPF').args.record, null);
  });

  it('a DNS timeout gives verdict unknown and exit 3, with a whole JSON document', async () => {
    const { res, json } = await checkJson('slow.example', '--relay', RELAY, '--timeout', '200');
    assert.equal(res.code, 3);
    assert.equal(json.verdict, 'unknown');
    assert.equal(json.gmail.action, 'tempfail');
    // no policy was read: no reply about "domain's DMARC policy" is quoted
    assert.equal(json.gmail.smtp, null);
    assert.equal(json.records.spf.status, 'dns-error');
    assert.equal(json.records.dmarc.status, 'dns-error');
    assert.equal(codes(json)[0], 'OUTCOME_OPEN');
    // every name under slow.example is named (on a busy machine, others may time out too)
    const unread = json.findings[0].args.unread.map((u: Json) => `${u.type} ${u.name} ${u.error}`);
    for (const u of ['TXT _dmarc.slow.example ETIMEOUT', 'A slow.example ETIMEOUT', 'AAAA slow.example ETIMEOUT', 'MX slow.example ETIMEOUT', 'NS slow.example ETIMEOUT', 'TXT slow.example ETIMEOUT']) {
      assert.ok(unread.includes(u), `${u} in ${unread.join(', ')}`);
    }
    assert.ok(codes(json).includes('SPF_DNS_ERROR'));
    assert.ok(!codes(json).includes('DMARC_MISSING') && !codes(json).includes('SPF_MISSING'));
    assert.deepEqual(adviceCodes(json), []);
  });

  it('the relay listed in SPF: SPF passes and aligns', async () => {
    const { res, json } = await checkJson('relayed.example', '--relay', RELAY);
    assert.equal(res.code, 0);
    assert.deepEqual([json.path[0].spf.result, json.path[0].dmarc.result], ['pass', 'pass']);
    assert.ok(codes(json).includes('SPF_RELAY_AUTHORIZED'));
  });

  it('several relays: one arrival per hop, the last is Gmail', async () => {
    const { json } = await checkJson('relayed.example', '--relay', '198.51.100.99', '--relay', RELAY);
    assert.deepEqual(
      json.path.map((a: Json) => [a.receiver, a.relay, a.spf.result]),
      [
        ['relay-2', '198.51.100.99', 'fail'],
        ['gmail', RELAY, 'pass'],
      ],
    );
  });

  it('without --relay, a labelled documentation address stands in', async () => {
    const { json } = await checkJson('bank.example');
    assert.equal(json.path[0].relay, '192.0.2.1');
    assert.equal(json.path[0].relaySource, 'assumed');
    assert.ok(codes(json).includes('RELAY_ASSUMED'));
  });

  it('DKIM keys: weak, testing and wildcard answers', async () => {
    const weak = (await checkJson('weakkey.example', '--relay', RELAY)).json;
    const problems = weak.findings.filter((f: Json) => f.code === 'DKIM_KEY_PROBLEM').map((f: Json) => `${f.args.selector}:${f.args.problem}`);
    assert.deepEqual(problems.sort(), ['k1:weak-key', 'k2:short-key', 'k2:testing']);
    assert.equal(weak.path[0].dkim.selector, 'k2');
    const wild = (await checkJson('wildcard.example', '--relay', RELAY)).json;
    assert.ok(codes(wild).includes('DKIM_WILDCARD'));
    assert.ok(wild.records.dkim.selectors.every((s: Json) => s.status === 'wildcard'));
    assert.equal(wild.path[0].dkim.result, 'none');
  });

  it('SPF and DMARC syntax problems anywhere in the tree', async () => {
    const { json } = await checkJson('broken.example', '--relay', RELAY);
    const c = codes(json);
    for (const code of ['SPF_SYNTAX_ERROR', 'SPF_PTR', 'SPF_INCLUDE_MISSING', 'DMARC_MULTIPLE_RECORDS']) assert.ok(c.includes(code), code);
    // the relay matches before the bad term, but a syntax error anywhere is permerror (RFC 7208 4.6)
    assert.equal(json.path[0].spf.result, 'permerror');
    assert.equal(json.records.spf.status, 'invalid');
    // the fix is mechanical here: the exact record to publish, without the terms that break it
    const fix = json.advice.find((a: Json) => a.code === 'SENDER_FIX_SPF');
    assert.deepEqual([fix.args.record, fix.args.removed], ['v=spf1 ip4:203.0.113.7 -all', ['ptr', 'include:nospf.broken.example', 'foo:bar']]);
  });

  it('a TXT answer too big for UDP is retried over TCP', async () => {
    const { json } = await checkJson('big.example', '--relay', '198.51.42.9');
    assert.ok(json.records.spf.record.length > 1800);
    assert.equal(json.path[0].spf.result, 'pass');
    assert.ok(server.log.some((q) => q.name === 'big.example' && q.type === 'TXT' && q.transport === 'tcp'));
  });

  it('JSON carries the contract fields', async () => {
    const { json } = await checkJson('bank.example', '--relay', RELAY);
    for (const key of ['schemaVersion', 'domain', 'verdict', 'gmail', 'records', 'path', 'findings', 'advice']) assert.ok(key in json, key);
    assert.equal(json.schemaVersion, 1);
    for (const key of ['action', 'smtp', 'reason']) assert.ok(key in json.gmail, key);
    for (const key of ['status', 'record', 'lookups', 'voidLookups']) assert.ok(key in json.records.spf, key);
    for (const key of ['status', 'record', 'location', 'policy']) assert.ok(key in json.records.dmarc, key);
    assert.ok(Array.isArray(json.records.dkim.selectors));
    for (const s of json.records.dkim.selectors) for (const key of ['selector', 'status', 'keyType', 'bits']) assert.ok(key in s, key);
    const signed = (await checkJson('signed.example', '--relay', RELAY)).json.records.dkim.selectors.find((s: Json) => s.status === 'key');
    assert.deepEqual([signed.selector, signed.keyType, signed.bits], ['selector1', 'rsa', 2048]);
    for (const key of ['relay', 'spf', 'dkim', 'dmarc']) assert.ok(key in json.path[0], key);
    for (const f of json.findings) assert.deepEqual([typeof f.code, typeof f.message, ['error', 'warning', 'info'].includes(f.severity)], ['string', 'string', true]);
    for (const a of json.advice) assert.deepEqual([typeof a.code, typeof a.message, ['recipient', 'relay', 'sender'].includes(a.audience)], ['string', 'string', true]);
  });
});

describe('the human report', () => {
  it('leads with the outcome, why and what to do, then the path, records and advice, without colour under NO_COLOR', async () => {
    const res = await runCli(['bank.example', '--resolver', server.address, '--relay', RELAY]);
    assert.equal(res.code, 1);
    const lines = res.stdout.split('\n');
    assert.equal(lines[0], 'Forwarded mail from bank.example will be rejected by Gmail.');
    assert.match(lines[1]!, /^Why: /);
    assert.match(lines[2]!, /^Do now: /);
    assert.match(res.stdout, /Gmail rejects it \(550 5\.7\.26\)/);
    assert.match(res.stdout, /\n {2}SPF {3}bank\.example\n/);
    assert.match(res.stdout, /What to do/);
    for (const line of lines) assert.ok(line.length <= 80, `80 columns when stdout is not a terminal: ${line}`);
    assert.doesNotMatch(res.stdout, /\x1b\[/);
  });
  it('colours when FORCE_COLOR asks, not when --no-color says no', async () => {
    const forced = await runCli(['bank.example', '--resolver', server.address], { FORCE_COLOR: '1', NO_COLOR: '' });
    assert.match(forced.stdout, /\x1b\[/);
    const off = await runCli(['bank.example', '--resolver', server.address, '--no-color'], { FORCE_COLOR: '1', NO_COLOR: '' });
    assert.doesNotMatch(off.stdout, /\x1b\[/);
  });
  it('--debug prints the DNS trace on stderr', async () => {
    const res = await runCli(['bank.example', '--resolver', server.address, '--debug', '--json']);
    assert.match(res.stderr, /^dns: TXT bank\.example -> answer/m);
    parseReport(res.stdout);
  });
});

describe('offline zone files', () => {
  it('gives the same verdict from --zone as from the DNS server', async () => {
    const offline = await runCli(['bank.example', '--zone', DEMO, '--offline', '--relay', RELAY, '--json']);
    const online = await checkJson('bank.example', '--relay', RELAY);
    const json = parseReport(offline.stdout);
    assert.equal(offline.code, 1);
    assert.deepEqual([json.verdict, json.gmail, json.path], [online.json.verdict, online.json.gmail, online.json.path]);
    assert.match(json.dns.source, /zone files/);
  });
  it('a name missing under a zone file\'s origin is NXDOMAIN, as its server would say', async () => {
    const res = await runCli(['absent.bank.example', '--zone', DEMO, '--offline', '--json']);
    const json = parseReport(res.stdout);
    assert.equal(json.verdict, 'no-domain');
    assert.equal(res.code, 1);
  });
});

describe('bad input: one line on stderr, exit 2, nothing on stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-test-'));
  const badZone = join(dir, 'bad.zone');
  writeFileSync(badZone, '$ORIGIN bad.example.\n@ IN TXT "v=spf1 -all"\nwww IN A 192.0.2.300\n');
  const cases: [string, string[], RegExp][] = [
    ['an invalid domain', ['not a domain', '--json'], /^fwdcheck: invalid domain "not a domain"/],
    ['an invalid relay IP', ['bank.example', '--relay', '203.0.113.256', '--json'], /^fwdcheck: invalid relay IP "203\.0\.113\.256"/],
    ['an invalid selector', ['bank.example', '--selector', 'a b', '--zone', DEMO], /^fwdcheck: invalid --selector "a b"/],
    ['a zone syntax error', ['bad.example', '--zone', badZone, '--json'], /^fwdcheck: zone file error: .*bad\.zone:3: "192\.0\.2\.300" is not an IPv4 address$/],
    ['a missing zone file', ['bad.example', '--zone', join(dir, 'nope.zone')], /^fwdcheck: cannot read zone file .*nope\.zone: no such file \(ENOENT\)$/],
    ['--offline without --zone', ['bank.example', '--offline'], /^fwdcheck: --offline needs --zone/],
    ['--offline with --resolver', ['bank.example', '--zone', DEMO, '--offline', '--resolver', '127.0.0.1'], /^fwdcheck: --offline and --resolver cannot be combined/],
    ['an unknown option', ['bank.example', '--bogus'], /^fwdcheck: unknown option '--bogus' \(see fwdcheck --help\)$/],
    ['a bad --fail-on', ['bank.example', '--fail-on', 'never'], /^fwdcheck: option '--fail-on <level>' argument 'never' is invalid/],
    ['a missing domain', [], /^fwdcheck: missing the domain to check \(or --domains-file FILE\)$/],
    ['a misspelt option: "did you mean", on the same line', ['bank.example', '--jsn'], /^fwdcheck: unknown option '--jsn' \(Did you mean --json\?\) \(see fwdcheck --help\)$/],
    ['--demo with --zone', ['--demo', '--zone', DEMO], /^fwdcheck: --demo uses the demo zone: it cannot be combined with --zone or --resolver$/],
    ['--format markdown for a batch', ['a.example', 'b.example', '--format', 'markdown'], /^fwdcheck: --format markdown reports on one domain/],
    ['an IPv6 relay with a scope id', ['bank.example', '--relay', 'fe80::1%eth0'], /^fwdcheck: invalid relay IP/],
    ['a domain with a line break in it', ['bank.example\nevil'], /^fwdcheck: invalid domain "bank\.example\\nevil": contains white space$/],
    ['a directory as zone file', ['bank.example', '--zone', dir], /^fwdcheck: cannot read zone file .*: a directory, not a file \(EISDIR\)$/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const res = await runCli(args);
      assert.equal(res.code, 2, res.stderr);
      assert.equal(res.stdout, '');
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
      assert.match(res.stderr.trim(), message);
      assert.doesNotMatch(res.stderr, /\n\s+at /);
    });
  }
  it('an unreachable resolver: exit 3, one line naming it, still a whole JSON document', async () => {
    // a port nothing listens on: bind, read the port, close
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const port = sock.address().port;
    await new Promise<void>((r) => sock.close(() => r()));
    const res = await runCli(['bank.example', '--resolver', `127.0.0.1:${port}`, '--timeout', '300', '--json']);
    assert.equal(res.code, 3);
    assert.equal(parseReport(res.stdout).verdict, 'unknown');
    assert.match(res.stderr, new RegExp(`^fwdcheck: the DNS resolver \\(127\\.0\\.0\\.1:${port}\\) did not answer any query`));
    assert.equal(res.stderr.trim().split('\n').length, 1);
    const human = await runCli(['bank.example', '--resolver', `127.0.0.1:${port}`, '--timeout', '300']);
    assert.equal(human.code, 3);
    assert.equal(human.stdout, '');
    assert.equal(human.stderr.trim().split('\n').length, 1);
  });
  it('--help and --version exit 0', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes:/);
    const version = await runCli(['--version']);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
