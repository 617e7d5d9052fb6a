// The forwarding path end to end: the built CLI against a real DNS server on 127.0.0.1 serving
// fixtures/zones/path.zone (forwarders, their PTRs, the providers' SPF, SRV records), with real
// messages signed by the fixture key.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { BIN, runCli, type CliResult } from '../helpers/run-cli.ts';
import { fixtureMessage, PATH_ZONE, signMessage } from '../helpers/sign.ts';
import { parseReport } from '../helpers/contract.ts';

let server: TestDnsServer;
const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-path-'));

before(async () => {
  server = await startDnsServer({ zone: await loadZoneFiles([PATH_ZONE]), servfailNames: ['servfail.example'] });
});
after(() => server.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const UNI = '198.51.100.25';

const checkJson = async (args: string[]): Promise<{ res: CliResult; json: Json }> => {
  const res = await runCli([...args, '--resolver', server.address, '--json']);
  const json: Json = parseReport(res.stdout);
  return { res, json };
};

const codes = (json: Json): string[] => json.findings.map((f: Json) => f.code);
const find = (json: Json, code: string): Json => json.findings.find((f: Json) => f.code === code);

const writeEml = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('the path is a chain: each arrival authenticated as it is then', { concurrency: 3 }, () => {
  it('university (SRS) -> Microsoft 365 -> Gmail: each hop rewrites the envelope, DKIM survives', async () => {
    const { res, json } = await checkJson(['sender.example', '--relay', `${UNI},srs=uni.example`, '--relay', 'microsoft365,srs=company.example']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(json.verdict, 'pass');
    assert.deepEqual(
      json.path.map((a: Json) => [a.hop, a.receiver, a.relay, a.spf.result, a.spf.domain, a.dkim.result, a.dmarc.result]),
      [
        [1, 'relay-2', UNI, 'pass', 'uni.example', 'pass', 'pass'],
        [2, 'gmail', '40.92.0.1', 'pass', 'company.example', 'pass', 'pass'],
      ],
    );
    const [first, second] = json.path;
    assert.match(first.mailFrom, /^SRS0=[^=]{4}=[A-Z2-7]{2}=sender\.example=postmaster@uni\.example$/);
    assert.equal(first.changes[0].kind, 'envelope-rewritten');
    assert.equal(second.changes[0].from, first.mailFrom);
    assert.match(second.mailFrom, /^bounces\+SRS=.*@company\.example$/);
    assert.deepEqual(second.changes.map((c: Json) => c.kind), ['envelope-rewritten', 'arc-sealed']);
    // the preset's address comes from Microsoft's published SPF, and the report says so
    assert.deepEqual(second.relayOrigin, { kind: 'spf', domain: 'spf.protection.outlook.com', network: '40.92.0.0/15' });
    assert.equal(find(json, 'RELAY_ADDRESS_FROM_DNS').args.network, '40.92.0.0/15');
    assert.deepEqual([first.relayIdentity.status, first.helo], ['confirmed', 'mx.uni.example']);
    assert.deepEqual(second.dkim.signatures.map((s: Json) => [s.domain, s.selector, s.result, s.aligned, s.basis]), [['sender.example', 'key1', 'pass', true, 'published-key']]);
  });

  it('the human report lists the hops in order with what each did to SPF and DKIM', async () => {
    const res = await runCli(['sender.example', '--resolver', server.address, '--relay', 'list@lists.example', '--relay', `${UNI},srs=uni.example`]);
    // the path drawing (src/report/render-text.ts), its wrapped lines joined
    const text = res.stdout.replace(/\n {4}\| {16}/g, ' ').replace(/\n {4}\| {2}(?![A-Z]{3,5} )/g, ' ');
    const hop1 = text.indexOf('198.51.100.200 (forwarder 1: a mailing list, mail.lists.example)');
    const hop2 = text.indexOf('198.51.100.25 (forwarder 2, mx.uni.example)');
    assert.ok(hop1 > 0 && hop2 > hop1, res.stdout);
    const first = text.slice(hop1, hop2);
    const second = text.slice(hop2, text.indexOf('Gmail rejects it'));
    assert.match(first, /It rewrites the envelope sender to lists\.example \(SRS\), tags the Subject, appends a footer to the body\./);
    assert.match(first, /SPF {3}holds {3}198\.51\.100\.200 is in lists\.example's SPF record/);
    assert.match(first, /DKIM {2}BREAKS {2}the signature of sender\.example is broken: this hop tags the Subject/);
    assert.match(second, /It rewrites the envelope sender to uni\.example \(SRS\)\./);
    assert.match(second, /SPF {3}holds {3}198\.51\.100\.25 is in uni\.example's SPF record/);
    assert.match(second, /DKIM {2}broken {2}since hop 1/);
    assert.match(second, /DMARC fails {3}nothing matches sender\.example; its policy is reject/);
  });

  it('a mailing list breaks DKIM for a p=reject sender: Gmail rejects (it is not "inbox")', async () => {
    const { res, json } = await checkJson(['sender.example', '--relay', 'list@lists.example']);
    assert.equal(res.code, 1);
    assert.equal(json.gmail.action, 'reject');
    assert.match(json.gmail.smtp, /^550 5\.7\.26 Unauthenticated email from sender\.example/);
    const [arrival] = json.path;
    assert.deepEqual(arrival.changes.map((c: Json) => c.modification ?? c.kind), ['envelope-rewritten', 'subject', 'footer']);
    assert.deepEqual(arrival.dkim.signatures[0].problem, { code: 'modified', modification: 'subject', hop: 1, detail: null });
    assert.deepEqual([arrival.relay, arrival.relayOrigin.kind, arrival.spf.result], ['198.51.100.200', 'spf', 'pass']);
    assert.equal(find(json, 'DKIM_BROKEN_BY_RELAY').args.modification, 'subject');
    // the sender already signs: the remedy is the list's, not a new signature
    const stop = json.advice.find((a: Json) => a.code === 'RELAY_STOP_MODIFYING');
    assert.deepEqual([stop.args.hops, stop.args.outcome], [[{ hop: 1, relay: '198.51.100.200', modifications: ['subject', 'footer'] }], { before: 'reject', after: 'inbox' }]);
    assert.equal(json.advice.some((a: Json) => a.code === 'SENDER_SIGN_ALIGNED_DKIM' || a.code === 'RECIPIENT_ASK_SENDER'), false);
  });

  it('each modification breaks DKIM as RFC 6376 5.4 says (model)', async () => {
    for (const mod of ['footer', 'reencode', 'headers'] as const) {
      const { json } = await checkJson(['sender.example', '--relay', `${UNI},srs=uni.example,modify=${mod}`]);
      assert.equal(json.path[0].dkim.result, 'fail', mod);
      assert.equal(find(json, 'DKIM_BROKEN_BY_RELAY').args.modification, mod);
      assert.equal(json.verdict, 'fail', mod);
    }
  });

  it('SRS saves a p=none sender without DKIM; without SRS the SPF hard fail rejects it', async () => {
    const srs = await checkJson(['plain.example', '--relay', `${UNI},srs=uni.example`]);
    assert.deepEqual([srs.json.verdict, srs.json.gmail.reasonCode, srs.json.path[0].spf.result], ['pass', 'AUTHENTICATED_NO_DMARC', 'pass']);
    const plain = await checkJson(['plain.example', '--relay', 'postfix@198.51.100.25']);
    assert.deepEqual([plain.json.verdict, plain.json.gmail.reasonCode, plain.json.path[0].spf.result], ['fail', 'SPF_HARD_FAIL', 'fail']);
    assert.deepEqual(plain.json.path[0].changes, [{ kind: 'envelope-kept', reason: 'no-srs' }]);
  });

  it("SRS to a domain whose SPF does not list the relay: said, and SPF fails", async () => {
    const { json } = await checkJson(['plain.example', '--relay', '198.51.100.66,srs=nocover.example']);
    assert.equal(json.path[0].spf.result, 'fail');
    assert.deepEqual([find(json, 'SRS_SPF_NOT_COVERING').args.domain, find(json, 'SRS_SPF_NOT_COVERING').args.relay], ['nocover.example', '198.51.100.66']);
    assert.match(find(json, 'SRS_SPF_NOT_COVERING').message, /does not authorize its relay 198\.51\.100\.66/);
  });

  it("the sender's SPF authorizes the relay: forwarding does not break SPF", async () => {
    const { json } = await checkJson(['partner.example', '--relay', UNI]);
    assert.deepEqual([json.verdict, json.path[0].spf.result, json.path[0].dmarc.result], ['pass', 'pass', 'pass']);
    assert.match(find(json, 'SPF_RELAY_AUTHORIZED').message, /forwarding through it does not break SPF/);
  });

  it('the same relay twice is a loop', async () => {
    const { json } = await checkJson(['sender.example', '--relay', UNI, '--relay', '198.51.100.200', '--relay', UNI]);
    assert.deepEqual(find(json, 'RELAY_LOOP').args.hops, [1, 3]);
    assert.equal(find(json, 'RELAY_LOOP').severity, 'error');
  });

  it('Microsoft 365 skips SRS for mail that failed SPF on arrival', async () => {
    const { json } = await checkJson(['plain.example', '--relay', '198.51.100.66', '--relay', 'microsoft365,srs=company.example']);
    assert.equal(json.path[0].spf.result, 'fail');
    assert.deepEqual(json.path[1].changes[0], { kind: 'envelope-kept', reason: 'spf-failed-on-arrival' });
    assert.equal(json.path[1].mailFrom, 'postmaster@plain.example');
    assert.ok(codes(json).includes('SRS_SKIPPED_SPF_FAILED'));
  });

  it("Gmail's own forwarding: address from _spf.google.com, +caf_ envelope, ARC as google.com (never a guaranteed pass)", async () => {
    const { json } = await checkJson(['sender.example', '--relay', 'list@lists.example', '--relay', 'gmail']);
    const last = json.path[1];
    assert.deepEqual([last.relay, last.preset, last.relayOrigin.domain, last.relayOrigin.network], ['209.85.128.1', 'gmail', '_spf.google.com', '209.85.128.0/17']);
    assert.match(last.mailFrom, /^forwarder\+caf_=list-bounces\+postmaster=sender\.example=lists\.example@gmail\.com$/);
    assert.deepEqual([last.spf.result, last.spf.domain], ['pass', 'gmail.com']);
    assert.deepEqual(last.arc, { sets: 1, sealers: ['google.com'], vouchedPass: false });
    assert.equal(json.gmail.action, 'reject');
    assert.match(find(json, 'ARC_MAY_HELP').message, /may, by its own policy, accept it anyway; no receiver promises to/);
  });
});

describe('the relay itself: PTR and forward-confirmed reverse DNS', { concurrency: 3 }, () => {
  it("no PTR on the last relay: Gmail's all-senders rule, 550 5.7.25 with Google's text", async () => {
    const { res, json } = await checkJson(['partner.example', '--relay', '198.51.100.98']);
    assert.equal(res.code, 1);
    assert.deepEqual([json.gmail.action, json.gmail.reasonCode], ['reject', 'RELAY_NO_FCRDNS']);
    assert.match(json.gmail.smtp, /^550 5\.7\.25 The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP\. As a policy, Gmail does not accept messages from IPs with missing PTR records\./);
    assert.deepEqual([find(json, 'RELAY_NO_FCRDNS').args.status, find(json, 'RELAY_NO_FCRDNS').severity], ['no-ptr', 'error']);
    assert.match(find(json, 'RELAY_NO_FCRDNS').message, /451 4\.7\.23/);
    assert.equal(json.path[0].relayIdentity.reverseName, '98.100.51.198.in-addr.arpa');
  });

  it('a PTR name that does not resolve back is not forward-confirmed', async () => {
    const { json } = await checkJson(['partner.example', '--relay', '198.51.100.97']);
    assert.deepEqual([json.path[0].relayIdentity.status, json.path[0].relayIdentity.ptr], ['not-confirmed', ['ghost.nocover.example']]);
    assert.equal(json.gmail.reasonCode, 'RELAY_NO_FCRDNS');
  });

  it("an intermediate relay without PTR is a warning, not Gmail's reply", async () => {
    const { json } = await checkJson(['sender.example', '--relay', '198.51.100.98', '--relay', `${UNI},srs=uni.example`]);
    assert.equal(json.gmail.action, 'inbox');
    assert.deepEqual([find(json, 'RELAY_NO_FCRDNS').severity, find(json, 'RELAY_NO_FCRDNS').args.receiver], ['warning', 'relay-2']);
  });

  it('an IPv6 relay: PTR under ip6.arpa, SPF by ip6', async () => {
    const { json } = await checkJson(['plain.example', '--relay', '2001:db8:25::25,srs=uni.example']);
    const [a] = json.path;
    assert.equal(a.relayIdentity.reverseName, '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    assert.deepEqual([a.relayIdentity.status, a.relayIdentity.confirmedName, a.spf.result], ['confirmed', 'mx6.uni.example', 'pass']);
    assert.equal(json.verdict, 'pass');
  });

  it('an IPv4-mapped IPv6 relay is checked as its IPv4 host', async () => {
    const { json } = await checkJson(['partner.example', '--relay', '::ffff:198.51.100.25']);
    const [a] = json.path;
    assert.deepEqual([a.relay, a.relayAsGiven, a.spf.result, a.relayIdentity.status], [UNI, '::ffff:198.51.100.25', 'pass', 'confirmed']);
    assert.ok(codes(json).includes('RELAY_IPV4_MAPPED'));
  });
});

describe('--message: a real message, verified, carried and really modified', { concurrency: 3 }, () => {
  it('intact through SRS: the verdict rests on the verified signature', async () => {
    const file = writeEml('intact.eml', await signMessage(fixtureMessage()));
    // no domain argument: From domain and envelope sender come from the message
    const { res, json } = await checkJson(['--message', file, '--relay', `${UNI},srs=uni.example`]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual([json.domain, json.mailFrom, json.basis, json.verdict], ['sender.example', 'news@sender.example', 'message', 'pass']);
    assert.deepEqual(json.message.signatures.map((s: Json) => [s.domain, s.selector, s.result, s.basis, s.bits]), [['sender.example', 'key1', 'pass', 'message', 2048]]);
    assert.equal(json.path[0].dkim.basis, 'message');
    assert.match(json.gmail.reason, /This rests on the message itself: its DKIM signatures were verified against the DNS at every hop\./);
    assert.match(find(json, 'MESSAGE_VERIFIED').message, /rests on the message .*intact\.eml: 1 DKIM signature verified against the DNS \(1 passing, 1 aligned\)/);
  });

  it('a footer really appended breaks the body hash: Gmail rejects', async () => {
    const file = writeEml('footer.eml', await signMessage(fixtureMessage()));
    const { res, json } = await checkJson(['--message', file, '--relay', `${UNI},srs=uni.example,modify=footer`]);
    assert.equal(res.code, 1);
    const sig = json.path[0].dkim.signatures[0];
    assert.deepEqual([sig.result, sig.problem], ['fail', { code: 'modified', modification: 'footer', hop: 1, detail: null }]);
    assert.deepEqual(json.path[0].changes[1], { kind: 'modified', modification: 'footer', broke: [{ domain: 'sender.example', selector: 'key1' }], survivedByLength: [] });
    assert.equal(json.gmail.action, 'reject');
  });

  it('l= lets the footer through: a pass, flagged as a risk', async () => {
    const text = fixtureMessage();
    const bodyLength = text.slice(text.indexOf('\r\n\r\n') + 4).length;
    const file = writeEml('limited.eml', await signMessage(text, { l: bodyLength }));
    const { json } = await checkJson(['--message', file, '--relay', `${UNI},srs=uni.example,modify=footer`]);
    assert.equal(json.verdict, 'pass');
    assert.equal(json.path[0].dkim.signatures[0].bodyLengthLimit, bodyLength);
    assert.deepEqual(json.path[0].changes[1].survivedByLength, [{ domain: 'sender.example', selector: 'key1' }]);
    assert.equal(find(json, 'DKIM_BODY_LENGTH_RISK').severity, 'warning');
  });

  it('Subject tag and re-encoding break it; List-* headers the signature does not cover do not', async () => {
    const file = writeEml('mods.eml', await signMessage(fixtureMessage({ body: 'Grüße aus der Bank.\r\n' })));
    const subject = (await checkJson(['--message', file, '--relay', `${UNI},srs=uni.example,modify=subject`])).json;
    assert.equal(subject.path[0].dkim.signatures[0].problem.modification, 'subject');
    const reencode = (await checkJson(['--message', file, '--relay', `${UNI},srs=uni.example,modify=reencode`])).json;
    assert.equal(reencode.path[0].dkim.signatures[0].problem.modification, 'reencode');
    // a fact the model cannot know: this signature's h= lists no Reply-To or List-* field
    const headers = (await checkJson(['--message', file, '--relay', `${UNI},srs=uni.example,modify=headers`])).json;
    assert.deepEqual([headers.path[0].dkim.result, headers.verdict], ['pass', 'pass']);
  });

  it('a multipart message gets a footer part of its own, which breaks the body hash', async () => {
    const body = ['--b1', 'Content-Type: text/plain; charset=utf-8', '', 'Hello.', '--b1', 'Content-Type: text/html; charset=utf-8', '', '<p>Hello.</p>', '--b1--', ''].join('\r\n');
    const file = writeEml('multi.eml', await signMessage(fixtureMessage({ contentType: 'multipart/alternative; boundary="b1"', transferEncoding: '7bit', body })));
    const { json } = await checkJson(['--message', file, '--relay', 'list@lists.example']);
    assert.deepEqual(json.path[0].changes.filter((c: Json) => c.kind === 'modified').map((c: Json) => [c.modification, c.broke.length]), [['subject', 1], ['footer', 0]]);
    assert.equal(json.path[0].dkim.result, 'fail');
  });

  it('--message - reads standard input', async () => {
    const eml = await signMessage(fixtureMessage());
    const res = await new Promise<CliResult>((resolve) => {
      const child = execFile(process.execPath, [BIN, '--message', '-', '--relay', UNI, '--resolver', server.address, '--json'], { env: { PATH: process.env.PATH, NO_COLOR: '1' } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
      child.stdin!.end(eml);
    });
    const json: Json = parseReport(res.stdout);
    assert.deepEqual([json.domain, json.message.source, json.message.signatures[0].result], ['sender.example', '(standard input)', 'pass']);
  });

  it('bad messages are usage errors in one line', async () => {
    const notMail = writeEml('not-mail.txt', 'hello, this is not a message\n');
    for (const [args, re] of [
      [['--message', join(dir, 'nope.eml')], /^fwdcheck: cannot read message .*nope\.eml: no such file$/],
      [['--message', notMail], /^fwdcheck: .*not-mail\.txt is not an email message: no header section with a From field$/],
      [['--message', dir], /^fwdcheck: cannot read message .*: it is a directory$/],
    ] as const) {
      const res = await runCli([...args, '--resolver', server.address, '--json']);
      assert.equal(res.code, 2, res.stderr);
      assert.equal(res.stdout, '');
      assert.match(res.stderr.trim(), re);
    }
  });
});

describe('--relay syntax errors', { concurrency: 3 }, () => {
  for (const [spec, re] of [
    ['list', /--relay list needs the list's address or domain/],
    [`${UNI},modify=footer+bogus`, /modify=bogus is not one of subject, footer, reencode, headers/],
    ['nonsense', /"nonsense" is neither an IP address nor a preset/],
    [`${UNI},srs`, /srs needs the forwarder's domain/],
    [`${UNI},colour=blue`, /unknown property "colour=blue"/],
  ] as const) {
    it(spec, async () => {
      const res = await runCli(['sender.example', '--relay', spec, '--resolver', server.address]);
      assert.equal(res.code, 2, res.stderr);
      assert.equal(res.stderr.trim().split('\n').length, 1);
      assert.match(res.stderr, re);
    });
  }
});

describe('a hop whose address DNS trouble hides', () => {
  it('no verdict: one line, exit 3', async () => {
    const res = await runCli(['sender.example', '--relay', 'list@servfail.example', '--resolver', server.address, '--json']);
    assert.equal(res.code, 3, res.stderr);
    assert.equal(res.stdout, '');
    assert.match(res.stderr.trim(), /^fwdcheck: cannot find an address for list@servfail\.example: looking it up in the SPF of servfail\.example failed \(ESERVFAIL\); give the address as list@IP$/);
  });
});

describe('--mailbox: fetch instead of forward, concretely', { concurrency: 3 }, () => {
  it('RFC 6186 SRV records: IMAP and submission found, POP3 not offered (target ".")', async () => {
    const { json } = await checkJson(['plain.example', '--relay', '198.51.100.66', '--mailbox', 'alice@uni.example']);
    const m = json.mailbox;
    assert.deepEqual([m.services.imap.status, m.services.imap.endpoints[0]], ['found', { host: 'imap.uni.example', port: 993, tls: 'implicit', priority: 0, weight: 1 }]);
    assert.equal(m.services.pop3.status, 'not-offered');
    assert.deepEqual([m.services.submission.endpoints[0].host, m.services.submission.endpoints[0].port, m.services.submission.endpoints[1].tls], ['smtp.uni.example', 465, 'starttls']);
    assert.deepEqual(m.mx.hosts, ['mx.uni.example']);
    const advice = json.advice.find((a: Json) => a.code === 'RECIPIENT_MAILBOX_SETTINGS');
    assert.match(advice.message, /incoming IMAP server imap\.uni\.example, port 993, SSL\/TLS; outgoing SMTP server smtp\.uni\.example, port 465, SSL\/TLS; username alice@uni\.example/);
    assert.match(advice.message, /uni\.example says it does not offer POP3/);
  });

  it('no SRV records: the MX names the provider (Microsoft 365), with the POP import status for the run date', async () => {
    const { json } = await checkJson(['plain.example', '--relay', '198.51.100.66', '--mailbox', 'alice@company.example']);
    assert.equal(json.mailbox.provider.id, 'microsoft-365');
    const advice = json.advice.find((a: Json) => a.code === 'RECIPIENT_MAILBOX_SETTINGS');
    assert.deepEqual([advice.args.source, advice.args.imap.host, advice.args.submission.tls, advice.args.popImport], ['provider', 'outlook.office365.com', 'starttls', 'existing-only']);
    assert.match(advice.message, /POP3 import .* takes no new accounts as of \d{4}-\d{2}-\d{2}/);
  });

  it('the mailbox domain is where Microsoft 365 rewrites the envelope when srs= is not given', async () => {
    const { json } = await checkJson(['sender.example', '--relay', 'microsoft365', '--mailbox', 'alice@company.example']);
    assert.match(json.path[0].mailFrom, /@company\.example$/);
    assert.equal(json.path[0].changes[0].domainSource, 'mailbox');
  });
});
