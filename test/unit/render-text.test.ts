// The human report as a person sees it: the fixture worlds rendered at 80 and 120 columns, in
// colour and without; hostile records that try to repaint the screen; records of any length.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { check } from '../../src/check.ts';
import { fixedClock } from '../../src/clock.ts';
import { createDnsClient } from '../../src/dns/client.ts';
import { createZoneResolver, loadZoneFiles } from '../../src/dns/zone-resolver.ts';
import { renderJson } from '../../src/report/render-json.ts';
import { renderText } from '../../src/report/render-text.ts';
import { displayWidth } from '../../src/report/layout.ts';
import { printable } from '../../src/report/sanitize.ts';
import type { Report } from '../../src/report/types.ts';

const zone = (name: string) => fileURLToPath(new URL(`../../fixtures/zones/${name}`, import.meta.url));
const SGR = /\x1b\[[0-9;]*m/g;
// every code point sanitize.ts must escape (line feeds separate the report's lines)
const RAW_CONTROL = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const reportFor = async (file: string, domain: string, relays: string[] = ['203.0.113.7']): Promise<Report> => {
  const clock = fixedClock('2026-11-30T12:00:00Z');
  const dns = createDnsClient(createZoneResolver(await loadZoneFiles([zone(file)]), file), { timeoutMs: 1000, clock });
  try {
    return await check(domain, { relays, selectors: [] }, { dns, clock });
  } finally {
    dns.close();
  }
};

const render = (report: Report, width: number, level: 0 | 1 | 3 = 0, verbose = false) =>
  renderText(report, { chalk: new Chalk({ level }), width, verbose });

/** What the screen shows: colour codes carry no text. */
const visible = (text: string) => text.replace(SGR, '');

const OUTCOME = /^Forwarded mail from \S+ (will be rejected by Gmail|will go to spam at Gmail|reaches the inbox at Gmail|will be held back by Gmail \(temporary error\))\.$/;

const WORLDS: Array<[string, string[]]> = [
  ['bank.example', ['203.0.113.7']],
  ['news.bank.example', ['203.0.113.7']],
  ['signed.example', ['203.0.113.7']],
  ['edkey.example', ['203.0.113.7']],
  ['quarantine.example', ['203.0.113.7']],
  ['monitor.example', []],
  ['nodmarc.example', ['203.0.113.7']],
  ['nospf.example', []],
  ['relayed.example', ['203.0.113.7', '2001:db8:ffff:ffff:ffff:ffff:ffff:1234']],
  ['weakkey.example', ['203.0.113.7']],
  ['wildcard.example', ['203.0.113.7']],
  ['toomany.example', ['203.0.113.7']],
  ['broken.example', []],
];

describe('the human report of each demo world', () => {
  for (const [domain, relays] of WORLDS) {
    it(`${domain}: fits 80 and 120 columns, answers in three lines, says nothing twice`, async () => {
      const report = await reportFor('demo.zone', domain, relays);
      for (const width of [80, 120]) {
        for (const verbose of [false, true]) {
          const text = render(report, width, 0, verbose);
          const lines = text.trimEnd().split('\n');
          for (const line of lines) assert.ok(displayWidth(line) <= width, `${width} columns: "${line}" is ${displayWidth(line)} wide`);
          assert.match(lines[0]!, OUTCOME, report.verdict === 'unknown' ? undefined : `outcome first: ${lines[0]}`);
          assert.ok(lines[0]!.includes(domain));
          assert.match(lines[1]!, /^Why: \S/);
          assert.match(lines[2]!, /^Do now: \S/);
          assert.equal(lines[3], '', 'the answer stands alone, then the details');
          // nothing said twice: every line with words in it appears once
          // (a reference alone on a wrapped line, "[CODE; RFC ...]", may belong to two findings)
          // (the tail of a wrapped sentence, "inbox).", may end two sentences: lines of four words up)
          const worded = lines.filter((l) => l.trim().split(/\s+/).length >= 4 && !/^\s*\[?[A-Z0-9_]+[;\]]/.test(l));
          const seen = new Set<string>();
          for (const l of worded) {
            assert.ok(!seen.has(l.trim()), `said twice: "${l.trim()}"`);
            seen.add(l.trim());
          }
          // no codes and RFC numbers unless asked for
          if (!verbose) assert.doesNotMatch(text, /\b[A-Z]+_[A-Z_]+\b|RFC \d/, 'codes and references only with --verbose');
          // IPv6 relays and domains are never cut
          for (const r of relays) assert.ok(text.includes(r), `${r} shown whole`);
        }
        // colour changes nothing a person reads
        assert.equal(visible(render(report, width, 3)), render(report, width, 0));
      }
    });
  }

  it('the outcome line follows the prediction: reject, spam, inbox', async () => {
    const first = async (d: string, relays = ['203.0.113.7']) => render(await reportFor('demo.zone', d, relays), 80).split('\n').slice(0, 3);
    assert.deepEqual(await first('bank.example'), [
      'Forwarded mail from bank.example will be rejected by Gmail.',
      'Why: SPF fails at the forwarder and there is no DKIM signature, so DMARC fails.',
      'Do now: read the old mailbox over IMAP in the Gmail app instead of forwarding.',
    ]);
    assert.equal((await first('quarantine.example'))[0], 'Forwarded mail from quarantine.example will go to spam at Gmail.');
    assert.deepEqual(await first('signed.example'), [
      'Forwarded mail from signed.example reaches the inbox at Gmail.',
      'Why: DKIM holds through the forwarder, so DMARC passes.',
      'Do now: nothing, as long as the forwarder does not change messages.',
    ]);
  });

  it('draws the path with where SPF and DKIM hold or break, in plain text', async () => {
    const text = render(await reportFor('demo.zone', 'relayed.example', ['203.0.113.7', '2001:db8::25']), 80);
    const path = text.slice(text.indexOf('Path\n'), text.indexOf('Records\n'));
    assert.match(path, /relayed\.example \(sender\)\n {4}\| {2}SPF {3}holds/);
    assert.match(path, /203\.0\.113\.7 \(forwarder 1[^)\n]*\)\n {4}\| {2}SPF {3}holds {2}203\.0\.113\.7 is in relayed\.example's SPF record/);
    assert.match(path, /2001:db8::25 \(forwarder 2[^)\n]*\)\n {4}\| {2}SPF {3}BREAKS {2}2001:db8::25 is not in relayed\.example's SPF record/);
    assert.match(path, / {2}Gmail rejects it \(550 5\.7\.25\)\n/);
    assert.doesNotMatch(path, /[^\x20-\x7e\n]/, 'ASCII only: survives copy and paste into a ticket');
  });

  it('an assumed relay is called a forwarder the SPF does not list, not 192.0.2.1', async () => {
    const text = render(await reportFor('demo.zone', 'monitor.example', []), 80);
    assert.ok(!text.includes('192.0.2.1'), text);
    assert.match(text, /\n  a forwarder your SPF does not list\n/);
  });
});

describe('hostile records (issue 8: a domain cannot forge the report)', () => {
  it('escape sequences in SPF, DMARC and DKIM records cannot change what the first screen says', async () => {
    const report = await reportFor('hostile.zone', 'forge.example');
    for (const verbose of [false, true]) {
      for (const level of [0, 1, 3] as const) {
        const text = render(report, 80, level, verbose);
        // colour mode: the only escape sequences are the renderer's own colour codes
        assert.doesNotMatch(visible(text), RAW_CONTROL, `level ${level}: a raw control character reached the terminal`);
        assert.doesNotMatch(text.replace(SGR, ''), /\x1b/);
        const lines = visible(text).split('\n');
        assert.equal(lines[0], 'Forwarded mail from forge.example will be rejected by Gmail.');
        assert.match(lines[1]!, /^Why: /);
        assert.ok(lines.every((l) => !l.startsWith('Forwarded mail') || l === lines[0]));
      }
    }
    const verbose = render(report, 80, 0, true);
    // shown escaped and visible
    assert.ok(verbose.includes('\\x1b[1A\\x1b[2K'), 'ESC shown as \\x1b');
    assert.ok(verbose.includes('\\x1b]0;pwned\\x07'), 'OSC title and BEL shown');
    // TXT octets beyond ASCII (here the UTF-8 of U+009B and U+202E) show as their byte values
    assert.ok(verbose.includes('\\xc2\\x9b') && verbose.includes('\\xe2\\x80\\xae') && verbose.includes('\\x0d'), 'C1 CSI, bidi override, CR shown');
    assert.doesNotMatch(render(report, 80, 3, true).replace(SGR, ''), /[^\x20-\x7e\n]/, 'printable ASCII only');
    // the JSON keeps the exact bytes, escaped as JSON, and no C1 or bidi character raw
    const json = renderJson(report);
    assert.doesNotMatch(json, /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const doc = JSON.parse(json);
    assert.ok(doc.records.spf.record.includes('\x1b[1A\x1b[2K\x1b[1A'));
    assert.ok(doc.records.dmarc.record.includes('\u00e2\u0080\u00aexobni'), 'the octets, one character each');
  });

  it('printable escapes C0, DEL, C1 and bidi controls, and nothing else', () => {
    assert.equal(printable('a\x1b[2Jb\x07\x7f\x9b\u202e\u2066\u200b\n\tc'), 'a\\x1b[2Jb\\x07\\x7f\\x9b\\u202e\\u2066\\u200b\\x0a\\x09c');
    assert.equal(printable('bücher.example 例え.jp'), 'bücher.example 例え.jp');
    assert.equal(printable('\u{e0041}'), '\\u{e0041}');
  });
});

describe('records of any length (issue 8: linear-time rendering)', () => {
  const longReport = async (bytes: number): Promise<{ report: Report; record: string }> => {
    const report = await reportFor('demo.zone', 'bank.example');
    const terms: string[] = [];
    for (let i = 0; terms.join(' ').length < bytes; i++) terms.push(`ip4:198.51.${(i >> 8) & 255}.${i & 255}`);
    const record = `v=spf1 ${terms.join(' ')} x${'y'.repeat(3000)} -all`;
    report.records.spf = { ...report.records.spf, record };
    report.findings.unshift({ code: 'SPF_SYNTAX_ERROR', severity: 'error', domain: 'bank.example', term: `x${'y'.repeat(3000)}`, reason: 'unknown-mechanism' });
    return { report, record };
  };

  it('a 64 KB record is shortened in the report and shown whole with --verbose, every line within the width', async () => {
    const { report, record } = await longReport(64 * 1024);
    const short = render(report, 80);
    assert.ok(short.length < 8000, `the default report stays short (${short.length} characters)`);
    assert.match(short.replace(/\s+/g, ' '), /\d+ more characters\).* \(--verbose or --json shows all\)/);
    const full = render(report, 80, 0, true);
    for (const line of full.split('\n')) assert.ok(displayWidth(line) <= 80);
    // the whole record is in the verbose report, only wrapped: take away the line breaks and indents
    const section = full.slice(full.indexOf('Record: v=spf1') + 'Record: '.length, full.indexOf('\n    - '));
    assert.equal(section.replace(/\s+/g, ''), record.replace(/\s+/g, ''));
  });
});
