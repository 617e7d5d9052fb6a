// Property tests of the record and zone parsers (fast-check): whatever a domain owner publishes or
// a user passes, they return a result (the zone parser may throw its documented ZoneSyntaxError,
// nothing else), the same result every time, and in time linear in the input.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseZone, ZoneSyntaxError } from '../../src/dns/parse-zone.ts';
import { looksLikeDkimKey, parseDkimKey } from '../../src/records/parse-dkim.ts';
import { isDmarcRecord, parseDmarc } from '../../src/records/parse-dmarc.ts';
import { isSpfRecord, parseSpf } from '../../src/records/parse-spf.ts';

// small enough for 2 shared cores; the generators are aimed at the parsers' structure, so that
// few runs reach deep
const RUNS = { numRuns: 200 } as const;

/** Any text a TXT record or a file can hold: every code unit, controls and lone surrogates included. */
const anyText = fc.string({ unit: 'binary', maxLength: 300 });
/** Text built from the pieces the parser splits on, so that random input reaches its branches. */
const tokens = (pieces: readonly string[], maxLength = 60) => fc.array(fc.oneof(fc.constantFrom(...pieces), anyText.map((s) => s.slice(0, 8))), { maxLength }).map((a) => a.join(''));

describe('SPF parser', () => {
  const spfPieces = ['v=spf1', ' ', '  ', '\t', '+', '-', '~', '?', 'all', 'include:', 'a', 'mx', 'ptr', 'ip4:', 'ip6:', 'exists:', 'redirect=', 'exp=', ':', '/', '//', '%{', '}', '%%', '%_', '%-', 'ir', 'd', '.', 'example.com', '192.0.2.1', '2001:db8::1', '24', '128', '=', '\u00e9', '\u001b[2J'];

  it('never throws, and returns the same terms for the same record', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, tokens(spfPieces), tokens(spfPieces).map((s) => `v=spf1 ${s}`)), (txt) => {
        const a = parseSpf(txt);
        assert.deepEqual(parseSpf(txt), a);
        assert.ok(Array.isArray(a.terms) && Array.isArray(a.issues));
        isSpfRecord(txt);
        // a term is either parsed or reported: nothing is dropped silently
        for (const t of a.terms) assert.equal(typeof t.raw, 'string');
      }),
      RUNS,
    );
  });

  const qualifier = fc.constantFrom('', '+', '-', '~', '?');
  const host = fc.domain().filter((d) => d.length < 200 && !/(^|\.)[0-9]+$/.test(d));
  const mechanism = fc.oneof(
    fc.tuple(qualifier, fc.constantFrom('include', 'exists'), host).map(([q, m, d]) => `${q}${m}:${d}`),
    fc.tuple(qualifier, fc.constantFrom('a', 'mx'), fc.option(host, { nil: undefined }), fc.option(fc.integer({ min: 0, max: 32 }), { nil: undefined })).map(
      ([q, m, d, c]) => `${q}${m}${d ? `:${d}` : ''}${c !== undefined ? `/${c}` : ''}`,
    ),
    fc.tuple(qualifier, fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([q, ip, c]) => `${q}ip4:${ip}/${c}`),
    fc.tuple(qualifier, fc.constantFrom('2001:db8::', '2001:db8:1:2::7', '::1', 'fe80::'), fc.integer({ min: 0, max: 128 })).map(([q, ip, c]) => `${q}ip6:${ip}/${c}`),
  );

  it('finds no issue in a record made only of valid terms, and keeps them in order', () => {
    fc.assert(
      fc.property(fc.array(mechanism, { maxLength: 20 }), qualifier, fc.option(host, { nil: undefined }), (terms, q, redirect) => {
        const tail = redirect ? [`redirect=${redirect}`] : [`${q}all`];
        const record = ['v=spf1', ...terms, ...tail].join(' ');
        const parsed = parseSpf(record);
        assert.deepEqual(parsed.issues, [], record);
        assert.deepEqual(parsed.terms.map((t) => t.raw), [...terms, ...tail]);
      }),
      RUNS,
    );
  });
});

describe('DMARC parser', () => {
  const dmarcPieces = ['v=DMARC1', ';', ' ', '=', 'p', 'sp', 'np', 'adkim', 'aspf', 'pct', 't', 'psd', 'rua', 'fo', 'reject', 'quarantine', 'none', 'REJECT', 'r', 's', 'y', 'n', '100', '0', '-1', 'mailto:a@example.com', ',', '\u0000', '\u202e'];

  it('never throws, and gives a policy only from a valid p= (or sp/np)', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, tokens(dmarcPieces), tokens(dmarcPieces).map((s) => `v=DMARC1; ${s}`)), (txt) => {
        const a = parseDmarc(txt);
        assert.deepEqual(parseDmarc(txt), a);
        isDmarcRecord(txt);
        for (const p of [a.effectiveP, a.effectiveP7489]) assert.ok(p === null || p === 'none' || p === 'quarantine' || p === 'reject');
        assert.ok(a.tags.pct >= 0 && a.tags.pct <= 100);
      }),
      RUNS,
    );
  });

  const casing = (s: string) => fc.constantFrom(s, s.toUpperCase(), s.charAt(0).toUpperCase() + s.slice(1));
  const policy = fc.constantFrom('none', 'quarantine', 'reject');

  it('reads a valid record whatever the order, casing and spacing of its tags', () => {
    fc.assert(
      fc.property(
        policy,
        fc.shuffledSubarray(['adkim=s', 'aspf=r', 'pct=100', 'rua=mailto:agg@example.com', 'fo=1'], {}),
        fc.constantFrom('', ' ', '  '),
        fc.string({ maxLength: 0 }).chain(() => policy.chain(casing)),
        (p, rest, sp, pCased) => {
          const record = [`v=DMARC1`, `p=${pCased}`, ...rest].join(`;${sp}`);
          const parsed = parseDmarc(record);
          assert.equal(parsed.tags.p, pCased.toLowerCase(), record);
          assert.equal(parsed.effectiveP, pCased.toLowerCase());
          assert.deepEqual(parsed.issues, [], record);
          void p;
        },
      ),
      RUNS,
    );
  });
});

describe('DKIM key parser', () => {
  const dkimPieces = ['v=DKIM1', ';', ' ', '=', 'k=', 'rsa', 'ed25519', 'p=', 't=y', 't=s', 'h=sha1', 'h=sha256', 's=email', 's=*', 'MIGfMA0G', 'AAAA', '==', '\u0000'];

  it('never throws; a key it cannot read is never usable', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, tokens(dkimPieces), fc.uint8Array({ minLength: 1, maxLength: 400 }).map((b) => `v=DKIM1; k=rsa; p=${Buffer.from(b).toString('base64')}`)), (txt) => {
        const key = parseDkimKey(txt);
        assert.deepEqual(parseDkimKey(txt), key);
        looksLikeDkimKey(txt);
        if (key.problems.includes('bad-key-data') || key.problems.includes('revoked') || key.problems.includes('unknown-key-type')) assert.equal(key.usable, false, txt);
      }),
      RUNS,
    );
  });
});

describe('zone file parser', () => {
  const zonePieces = ['$ORIGIN', '$TTL', '$INCLUDE', '$FOO', ' example.test.', ' @', ' www', ' IN', ' CH', ' 300', ' 1h', ' TXT', ' A', ' AAAA', ' MX', ' CNAME', ' 10', ' 192.0.2.1', ' 2001:db8::1', ' (', ' )', ' "', '"', '\\', '\\0', '\\059', '\\999', ';', '\n', '\r\n', '\t', '.', '..', '\ufeff', '\u0000'];
  const isZoneRecordList = (records: unknown) => Array.isArray(records);

  it('returns records or throws its ZoneSyntaxError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, tokens(zonePieces, 120), tokens(zonePieces, 120).map((s) => `$ORIGIN example.test.\n${s}`)), (text) => {
        try {
          assert.ok(isZoneRecordList(parseZone(text, 'random.zone')));
        } catch (err) {
          if (!(err instanceof ZoneSyntaxError)) throw err;
          // the error names the file and a line, in one line
          assert.match(err.message, /^random\.zone:\d+: /);
          assert.equal(/[\r\n]/.test(err.message), false, err.message);
        }
      }),
      RUNS,
    );
  });

  it('reads back every TXT string it is given, whatever its bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 80 }), { minLength: 1, maxLength: 5 }), (strings) => {
        // RFC 1035 5.1: \" and \\ escape, \DDD any octet
        const quoted = strings.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(' ');
        const [record] = parseZone(`t.example.test. 300 IN TXT ${quoted}\n`, 'txt.zone');
        assert.deepEqual(record?.data, strings);
      }),
      RUNS,
    );
  });
});

/**
 * Linear time, without an absolute timed assertion: one parse of a 64 KB input against four
 * parses of a 16 KB input of the same shape. Both allocate about as much, so the garbage
 * collector weighs on both alike; linear work gives a ratio near 1, quadratic near 4. Each ratio
 * is the best of interleaved samples, and the median of several such ratios is compared, so that a
 * busy machine's pauses do not decide the result.
 */
const ratioOf = (small: string, large: string, parse: (text: string) => unknown): number => {
  parse(small); // warm up the JIT on both sizes
  parse(large);
  let bestSmall = Infinity;
  let bestLarge = Infinity;
  for (let i = 0; i < 5; i++) {
    let t0 = performance.now();
    for (let k = 0; k < 4; k++) parse(small);
    bestSmall = Math.min(bestSmall, performance.now() - t0);
    t0 = performance.now();
    parse(large);
    bestLarge = Math.min(bestLarge, performance.now() - t0);
  }
  return bestLarge / Math.max(bestSmall, 0.01);
};

const medianRatio = (small: string, large: string, parse: (text: string) => unknown): number => {
  const ratios = [0, 1, 2, 3, 4].map(() => ratioOf(small, large, parse)).sort((a, b) => a - b);
  return ratios[2]!;
};

/** Linear: 64 KB costs at most 2.5 times four 16 KB inputs (quadratic would be about 4). */
const LINEAR_BOUND = 2.5;

/**
 * The lowest median of up to three attempts: other processes on a shared machine can only
 * slow a measurement down, so a linear parser gets under the bound on some attempt, and a
 * quadratic one never does.
 */
const bestMedianRatio = (small: string, large: string, parse: (text: string) => unknown): number => {
  let best = Infinity;
  for (let attempt = 0; attempt < 3 && best >= LINEAR_BOUND; attempt++) best = Math.min(best, medianRatio(small, large, parse));
  return best;
};

const scalesLinearly = (what: string, make: (bytes: number) => string, parse: (text: string) => unknown) => {
  const small = make(16 * 1024);
  const large = make(64 * 1024);
  assert.ok(large.length >= 60 * 1024 && large.length <= 68 * 1024, `${what}: ${large.length} characters`);
  const ratio = bestMedianRatio(small, large, parse);
  assert.ok(ratio < LINEAR_BOUND, `${what}: one 64 KB input took ${ratio.toFixed(1)} times as long as four 16 KB inputs`);
};

/** Whole units, so that a record or a zone line is never cut in the middle. */
const repeat = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length));

describe('the linear-time measure', () => {
  it('tells a quadratic function from a linear one', () => {
    // the measure itself must be able to fail: a scan from every 16th position is quadratic
    const quadratic = (x: string) => {
      let n = 0;
      for (let i = 0; i < x.length; i += 16) n += x.indexOf('\u0001', i);
      return n;
    };
    assert.ok(bestMedianRatio('a'.repeat(16 * 1024), 'a'.repeat(64 * 1024), quadratic) > LINEAR_BOUND);
    assert.ok(bestMedianRatio('a'.repeat(16 * 1024), 'a'.repeat(64 * 1024), (x) => x.split('a').length) < LINEAR_BOUND);
  });
});

describe('the parsers take time linear in their input', () => {
  it('SPF: many terms, one endless term, nested macros', () => {
    scalesLinearly('SPF terms', (n) => `v=spf1 ${repeat('ip4:192.0.2.1/32 a:%{d}.example.com ', n)}-all`, parseSpf);
    scalesLinearly('SPF one term', (n) => `v=spf1 include:${repeat('a', n)}`, parseSpf);
    scalesLinearly('SPF macros', (n) => `v=spf1 exists:${repeat('%{ir}.%{l1r-}', n)}.example.com`, parseSpf);
  });
  it('DMARC: many tags, one long value', () => {
    scalesLinearly('DMARC tags', (n) => `v=DMARC1; p=reject; ${repeat('rua=mailto:a@example.com; ', n)}`, parseDmarc);
    scalesLinearly('DMARC value', (n) => `v=DMARC1; p=${repeat('x', n)}`, parseDmarc);
  });
  it('DKIM: long key data, many tags', () => {
    scalesLinearly('DKIM key data', (n) => `v=DKIM1; k=rsa; p=${repeat('QUJD', n)}`, parseDkimKey);
    scalesLinearly('DKIM tags', (n) => `v=DKIM1; ${repeat('t=y; ', n)}p=`, parseDkimKey);
  });
  it('zone files: many records, long TXT strings, deep parentheses, escapes', () => {
    const zone = (text: string) => parseZone(text, 'big.zone', { origin: 'example.test' });
    // a string over 255 octets is refused (RFC 1035 3.3), after the whole input is read: time that too
    const zoneOrError = (text: string) => {
      try {
        return zone(text);
      } catch (err) {
        if (err instanceof ZoneSyntaxError) return err;
        throw err;
      }
    };
    scalesLinearly('zone records', (n) => repeat('a IN TXT "v=spf1 -all"\n', n), zone);
    scalesLinearly('zone TXT strings', (n) => `a IN TXT ${repeat(`"${'x'.repeat(250)}" `, n)}\n`, zone);
    scalesLinearly('zone one long string', (n) => `a IN TXT "${repeat('x', n)}"\n`, zoneOrError);
    scalesLinearly('zone parentheses', (n) => `a IN TXT ( ${repeat('"x" \n ', n)} )\n`, zone);
    scalesLinearly('zone escapes', (n) => `a IN TXT "${repeat('\\059\\"', n)}"\n`, zoneOrError);
  });
});
