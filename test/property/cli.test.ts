// Property tests of the whole CLI over random DNS worlds (fast-check), in process through
// run(argv, io) with a zone file: whatever the records and options, the exit code is one of the
// contract's and agrees with the verdict, --json prints exactly one JSON document, a usage
// error is one line on stderr with nothing on stdout, and no raw control byte from the zone ever
// reaches stdout or stderr (src/report/sanitize.ts), in the human report or the JSON.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { run } from '../../src/cli.ts';
import { parseReport } from '../helpers/contract.ts';

// each run checks a whole domain (some 40 lookups): few runs keep the suite fast on 2 cores
const RUNS = { numRuns: 60 } as const;
const DOMAIN = 'prop.example';
const CONTRACT_EXIT_CODES = new Set([0, 1, 2, 3, 4, 5, 130]);
const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-prop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A TXT value in master-file syntax: every octet that is not plain printable ASCII as \DDD, in strings of at most 255 octets. */
const txt = (value: string): string => {
  const bytes = Buffer.from(value, 'utf8');
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    let s = '';
    for (const b of bytes.subarray(i, i + 255)) s += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c && b !== 0x3b ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`;
    chunks.push(`"${s}"`);
  }
  return chunks.join(' ');
};

// text a hostile or careless domain owner might publish: controls, escapes, bidi, non-ASCII
const junk = fc.string({ unit: fc.oneof(fc.constantFrom('\u001b[2J', '\u001b]0;x\u0007', '\r', '\b', '\u0000', '\u009b', '\u202e', '\u00e9', ';', '"', '\\'), fc.string({ unit: 'grapheme-ascii', maxLength: 3 })), maxLength: 12 });
const spfTerm = fc.oneof(
  fc.constantFrom('ip4:192.0.2.1', 'ip4:203.0.113.0/24', 'ip6:2001:db8::/32', 'a', 'mx', 'ptr', 'include:_spf.prop.example', 'include:missing.prop.example', 'exists:%{i}.x.prop.example', 'redirect=_spf.prop.example', 'a:loop.prop.example'),
  junk,
);
const spf = fc.tuple(fc.array(spfTerm, { maxLength: 6 }), fc.constantFrom('-all', '~all', '?all', '+all', '')).map(([terms, all]) => ['v=spf1', ...terms, all].join(' ').trim());
const dmarc = fc.oneof(
  fc.tuple(fc.constantFrom('none', 'quarantine', 'reject', 'Reject', 'rejet', ''), fc.constantFrom('', '; sp=none', '; pct=0', '; t=y', '; adkim=s; aspf=s', '; np=reject')).map(([p, rest]) => `v=DMARC1; p=${p}${rest}`),
  junk.map((j) => `v=DMARC1; p=reject; ${j}`),
);
const RSA_2048 =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAue1k108zav1/HsMXbRKqdTrsue6AkwWyfeg6Ki3wR+QUrhjbg/44RNoWSuhlMDPIhndrVVTznn9+MRIhJTY/p5uyfX98YAlakoYRaXKQlYHEFvd5BNrjgm5z4n1tIOWrMwqSvB7izRQHtUGF1stUfcPsnkqB3gbpCHNHZqxDhP9//PEXoMjBNPGWMiDZOY/hu9wa10PrDFQsT7A12Sg4yQGKerV6ete6mrANeyNYrNrICt/20exHcw2VzxyGtoN8tBzZqQHO7FtH0eH6WkFQUmdnJYxL75kBrUfN7rzUN6Urb2lkEG+Lx6fDu/WJZkEVGIwHKE6BjhbhspV/cqjouQIDAQAB';
const dkim = fc.oneof(
  fc.constantFrom(`v=DKIM1; k=rsa; p=${RSA_2048}`, 'v=DKIM1; k=ed25519; p=8jK5n64IYpX0e3a7nw/6TBmod8c9Nb/eNBts/iaup/o=', 'v=DKIM1; p=', 'v=DKIM1; k=rsa; t=y; p=AAAA', 'v=spf1 -all'),
  junk.map((j) => `v=DKIM1; k=${j}; p=${j}`),
);

/** A random DNS world for prop.example, written as a zone file. */
const world = fc
  .record(
    {
      spf: fc.option(spf, { nil: undefined }),
      secondSpf: fc.boolean(),
      includeSpf: fc.option(spf, { nil: undefined }),
      dmarc: fc.option(dmarc, { nil: undefined }),
      secondDmarc: fc.boolean(),
      google: fc.option(dkim, { nil: undefined }),
      selector1: fc.option(dkim, { nil: undefined }),
      address: fc.boolean(),
      loop: fc.boolean(),
      stray: fc.option(junk, { nil: undefined }),
    },
    { requiredKeys: [] },
  )
  .map((w) => {
    const lines = [`$ORIGIN ${DOMAIN}.`, '$TTL 300'];
    if (w.address) lines.push('@ IN A 198.51.100.9');
    if (w.spf !== undefined) lines.push(`@ IN TXT ${txt(w.spf)}`);
    if (w.spf !== undefined && w.secondSpf) lines.push(`@ IN TXT ${txt('v=spf1 -all')}`);
    if (w.includeSpf !== undefined) lines.push(`_spf IN TXT ${txt(w.includeSpf)}`);
    if (w.dmarc !== undefined) lines.push(`_dmarc IN TXT ${txt(w.dmarc)}`);
    if (w.dmarc !== undefined && w.secondDmarc) lines.push(`_dmarc IN TXT ${txt('v=DMARC1; p=none')}`);
    if (w.google !== undefined) lines.push(`google._domainkey IN TXT ${txt(w.google)}`);
    if (w.selector1 !== undefined) lines.push(`selector1._domainkey IN TXT ${txt(w.selector1)}`);
    if (w.loop) lines.push('loop IN CNAME loop2', 'loop2 IN CNAME loop');
    if (w.stray !== undefined) lines.push(`stray IN TXT ${txt(w.stray)}`);
    return `${lines.join('\n')}\n`;
  });

/** Mostly valid values, sometimes a bad one (a usage error). */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: invalid, weight: 1 });

/** Options a user might add, valid or not. */
const extraArgs = fc
  .record(
    {
      json: fc.boolean(),
      to: fc.option(mostly(fc.constantFrom('all', 'gmail', 'outlook', 'yahoo,proton'), fc.constant('fastmail')), { nil: undefined }),
      relay: fc.option(mostly(fc.constantFrom('203.0.113.7', '192.0.2.1', '198.51.100.9', '2001:db8::7'), fc.constantFrom('999.1.1.1', 'relay')), { nil: undefined }),
      selector: fc.option(mostly(fc.constantFrom('google', 'selector1', 'nokey'), fc.constant('bad selector')), { nil: undefined }),
      mailFrom: fc.option(mostly(fc.constantFrom('<>', 'bounce@prop.example', 'x@other.prop.example'), fc.constant('a@@prop.example')), { nil: undefined }),
      failOn: fc.option(fc.constantFrom('fail', 'at-risk'), { nil: undefined }),
    },
    { requiredKeys: [] },
  )
  .map((o) => {
    const args: string[] = [];
    if (o.json) args.push('--json');
    if (o.to !== undefined) args.push('--to', o.to);
    if (o.relay !== undefined) args.push('--relay', o.relay);
    if (o.selector !== undefined) args.push('--selector', o.selector);
    if (o.mailFrom !== undefined) args.push('--mail-from', o.mailFrom);
    if (o.failOn !== undefined) args.push('--fail-on', o.failOn);
    return args;
  });

/** What a terminal acts on: C0 controls but LF, DEL, C1 controls, bidi embeddings, overrides and isolates, line and paragraph separators. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

let counter = 0;

const runIn = async (argv: string[]) => {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    env: { NO_COLOR: '1' },
    stdoutIsTTY: false,
    columns: 100,
    clock: { now: () => Date.parse('2026-11-30T12:00:00Z') },
  } as Parameters<typeof run>[1]);
  return { code, stdout, stderr };
};

describe('the CLI over random DNS worlds (in process)', () => {
  it('exits with a contract code that agrees with the verdict; --json is one JSON document; usage errors are one line', async () => {
    await fc.assert(
      fc.asyncProperty(world, extraArgs, async (zone, args) => {
        const file = join(dir, `world-${counter++}.zone`);
        writeFileSync(file, zone);
        // --offline: names outside the random zone are never asked of the network
        const argv = [DOMAIN, '--zone', file, '--offline', ...args];
        const { code, stdout, stderr } = await runIn(argv);
        const context = `argv ${JSON.stringify(argv.slice(4))}\nzone:\n${zone}\nstderr: ${stderr}`;
        assert.ok(CONTRACT_EXIT_CODES.has(code), `exit ${code}\n${context}`);
        // nothing from the zone reaches the terminal raw (src/report/sanitize.ts): no C0 or C1
        // control but the line feed, no DEL, no bidi override or isolate, in any mode
        for (const [stream, text] of [['stdout', stdout], ['stderr', stderr]] as const) {
          const raw = RAW_CONTROL.exec(text);
          assert.equal(raw, null, `raw U+${raw?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} on ${stream}\n${context}`);
        }
        // 4 is the contract's code for a bug: no input may reach it
        assert.notEqual(code, 4, context);
        if (code === 2) {
          assert.equal(stdout, '', context);
          assert.equal(stderr.split('\n').filter((l) => l !== '').length, 1, context);
          return;
        }
        if (!args.includes('--json')) return;
        // one JSON document, valid against the shipped schema
        let doc: { verdict: string; receivers?: unknown[] };
        try {
          doc = parseReport(stdout);
        } catch (err) {
          assert.fail(`stdout is not one valid JSON document (exit ${code})\n${context}\n${(err as Error).message.slice(0, 600)}`);
        }
        const failOnFail = args.join(' ').includes('--fail-on fail');
        const expected: Record<string, number[]> = { pass: [0], 'at-risk': failOnFail ? [0] : [1], fail: [1], 'no-domain': [1], unknown: [3] };
        assert.ok(expected[doc.verdict]?.includes(code), `verdict ${doc.verdict}, exit ${code}\n${context}`);
        if (args.includes('--to')) assert.ok(Array.isArray(doc.receivers) && doc.receivers.length > 0, context);
      }),
      RUNS,
    );
  });
});
