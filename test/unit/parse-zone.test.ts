import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseZone, ZoneSyntaxError } from '../../src/dns/parse-zone.ts';
import { ZoneIndex } from '../../src/dns/zone.ts';
import { answerFromZone } from '../../src/dns/zone-resolver.ts';

describe('parseZone', () => {
  const cases: { name: string; text: string; expect: unknown[] }[] = [
    {
      name: '$ORIGIN, @, relative names and $TTL',
      text: '$ORIGIN example.com.\n$TTL 1h\n@ IN A 192.0.2.1\nwww 60 IN A 192.0.2.2\n',
      expect: [
        { name: 'example.com', ttl: 3600, type: 'A', data: '192.0.2.1' },
        { name: 'www.example.com', ttl: 60, type: 'A', data: '192.0.2.2' },
      ],
    },
    {
      name: 'omitted owner reuses the previous one; class before TTL',
      text: '$ORIGIN example.com.\nmail IN 300 A 192.0.2.3\n     IN MX 10 mx.example.net.\n',
      expect: [
        { name: 'mail.example.com', ttl: 300, type: 'A', data: '192.0.2.3' },
        { name: 'mail.example.com', ttl: 300, type: 'MX', data: { priority: 10, exchange: 'mx.example.net' } },
      ],
    },
    {
      name: 'multi-string TXT with escapes, parentheses and comments',
      text: 'example.com. TXT ( "v=spf1 " ; first\n  "include:_spf.example.net \\"q\\" \\059 -all" ) ; done\n',
      expect: [{ name: 'example.com', ttl: 3600, type: 'TXT', data: ['v=spf1 ', 'include:_spf.example.net "q" ; -all'] }],
    },
    {
      name: 'unquoted TXT word and a semicolon inside quotes',
      text: 'a.example. TXT hello "v=DMARC1; p=none"\n',
      expect: [{ name: 'a.example', ttl: 3600, type: 'TXT', data: ['hello', 'v=DMARC1; p=none'] }],
    },
    {
      name: 'names are lower-cased, CNAME and AAAA',
      text: '$ORIGIN Example.COM.\nWWW CNAME @\nv6 AAAA 2001:DB8::1\n',
      expect: [
        { name: 'www.example.com', ttl: 3600, type: 'CNAME', data: 'example.com' },
        { name: 'v6.example.com', ttl: 3600, type: 'AAAA', data: '2001:db8::1' },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(parseZone(c.text, 'test.zone'), c.expect));
  }
  it('$TTL applies to later records without a TTL (RFC 2308 4)', () => {
    const ttls = parseZone('$ORIGIN a.example.\n@ 60 A 192.0.2.1\nb A 192.0.2.2\n$TTL 120\nc A 192.0.2.3\n', 'z').map((r) => r.ttl);
    assert.deepEqual(ttls, [60, 60, 120]);
  });

  const errors: { name: string; text: string; line: number; match: RegExp }[] = [
    { name: 'unknown type', text: '$ORIGIN a.example.\n\n@ IN BOGUS x\n', line: 3, match: /unknown record type/ },
    { name: 'bad IPv4', text: 'a.example. A 300.1.1.1\n', line: 1, match: /not an IPv4 address/ },
    { name: 'relative name without origin', text: 'www A 192.0.2.1\n', line: 1, match: /before any \$ORIGIN/ },
    { name: 'unclosed parenthesis', text: 'a.example. TXT ( "x"\n\n', line: 1, match: /never closed/ },
    { name: 'unterminated string', text: 'a.example. A 192.0.2.1\na.example. TXT ( "abc\n', line: 2, match: /unterminated/ },
    { name: 'string over 255 octets', text: `a.example. TXT "${'x'.repeat(256)}"\n`, line: 1, match: /over the limit of 255/ },
    { name: '$INCLUDE refused', text: '$INCLUDE other.zone\n', line: 1, match: /\$INCLUDE is not supported/ },
    { name: 'MX without exchange', text: 'a.example. MX 10\n', line: 1, match: /needs 2 fields/ },
    { name: 'a quoted line break outside parentheses', text: 'a.example. TXT "ab\ncd"\n', line: 1, match: /line break inside a quoted string/ },
  ];
  for (const c of errors) {
    it(`reports ${c.name} with file and line`, () => {
      assert.throws(
        () => parseZone(c.text, 'bad.zone'),
        (err: unknown) => err instanceof ZoneSyntaxError && err.line === c.line && err.message.startsWith(`bad.zone:${c.line}: `) && c.match.test(err.message),
      );
    });
  }
});

describe('zone answers', () => {
  const zone = new ZoneIndex(
    parseZone(
      '$ORIGIN example.com.\n@ TXT "v=spf1 -all"\nalias CNAME @\ns1._domainkey TXT "v=DKIM1; p=abc"\n*.wild TXT "any"\nloop1 CNAME loop2\nloop2 CNAME loop1\n',
      'z',
    ),
  );
  const code = (f: () => unknown) => {
    try {
      f();
      return 'answer';
    } catch (err) {
      return (err as { code: string }).code;
    }
  };
  it('NXDOMAIN for a name in no zone, NODATA for a missing type', () => {
    assert.equal(code(() => answerFromZone(zone, 'nope.example.com', 'TXT')), 'ENOTFOUND');
    assert.equal(code(() => answerFromZone(zone, 'example.com', 'A')), 'ENODATA');
  });
  it('an empty non-terminal exists', () => {
    assert.equal(code(() => answerFromZone(zone, '_domainkey.example.com', 'TXT')), 'ENODATA');
  });
  it('follows CNAMEs and stops loops', () => {
    assert.deepEqual(answerFromZone(zone, 'ALIAS.example.com.', 'TXT'), [['v=spf1 -all']]);
    assert.equal(code(() => answerFromZone(zone, 'loop1.example.com', 'TXT')), 'ESERVFAIL');
  });
  it('wildcards answer names that do not exist (RFC 4592)', () => {
    assert.deepEqual(answerFromZone(zone, 'x.wild.example.com', 'TXT'), [['any']]);
    assert.equal(code(() => answerFromZone(zone, 'x.y.example.com', 'TXT')), 'ENOTFOUND');
  });
});
