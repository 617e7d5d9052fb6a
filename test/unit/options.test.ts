import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colorLevel, parseDomain, parseHelo, parseIp, parseMailFrom, parseResolver, parseSelector, parseTimeout, UsageError } from '../../src/options.ts';

describe('option parsers', () => {
  it('normalizes domains to lower-case A-labels', () => {
    assert.equal(parseDomain('Example.COM.'), 'example.com');
    assert.equal(parseDomain('bücher.example'), 'xn--bcher-kva.example');
  });
  for (const bad of ['', 'bank%2eexample', 'localhost', 'exa mple.com', '-x.example', '192.0.2.1', 'a..example', `${'a'.repeat(64)}.example`, 'example.123']) {
    it(`refuses domain ${JSON.stringify(bad)}`, () => assert.throws(() => parseDomain(bad), UsageError));
  }
  it('parses IPs, resolvers, selectors, senders and timeouts', () => {
    assert.equal(parseIp('2001:DB8::7'), '2001:db8::7');
    assert.deepEqual(parseResolver('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
    assert.deepEqual(parseResolver('[::1]:53'), { host: '::1', port: 53 });
    assert.deepEqual(parseResolver('::1'), { host: '::1', port: 53 });
    // an IPv6 address is never read as HOST:PORT, whatever it ends with
    for (const v6 of ['2001:db8::53', '1::2', 'fe80::1:53', '::ffff:192.0.2.1']) assert.deepEqual(parseResolver(v6), { host: v6, port: 53 });
    for (const bad of ['127.0.0.1:', 'resolver.example:53', '127.0.0.1:0', '127.0.0.1:70000', '1:2']) assert.throws(() => parseResolver(bad), UsageError, bad);
    assert.equal(parseSelector('S2048.eu'), 's2048.eu');
    assert.equal(parseMailFrom('<>'), '');
    assert.equal(parseMailFrom('<a@b.example>'), 'a@b.example');
    assert.equal(parseMailFrom('bounce+x@Mail.Example.com'), 'bounce+x@mail.example.com');
    assert.equal(parseTimeout('250'), 250);
    // what SMTP clients send: taken as given, warned about by the check (src/envelope.ts)
    assert.equal(parseMailFrom('@example.net'), '@example.net');
    assert.equal(parseMailFrom('"a@b"@Example.net'), '"a@b"@example.net');
    assert.equal(parseMailFrom('foo@[1.2.3.5]'), 'foo@[1.2.3.5]');
    assert.equal(parseMailFrom('Macro Error@e8.example.com'), 'Macro Error@e8.example.com');
    for (const helo of ['hosed', '[192.0.2.1]', 'OEMCOMPUTER', "JUMPIN' JUPITER", '%%%%']) assert.equal(parseHelo(helo), helo);
    assert.equal(parseHelo('Mail.Example.COM'), 'mail.example.com');
  });
  for (const [f, v] of [
    [parseIp, '203.0.113.300'],
    [parseResolver, 'dns.example:53'],
    [parseResolver, '127.0.0.1:70000'],
    [parseSelector, 'bad selector'],
    [parseMailFrom, 'nobody'],
    [parseMailFrom, 'a@b@bank.example'],
    [parseMailFrom, '"unclosed@bank.example'],
    [parseMailFrom, 'a@'],
    [parseMailFrom, 'a\n@bank.example'],
    [parseHelo, ''],
    [parseHelo, 'bad\x1bname'],
    [parseTimeout, '0'],
    [parseTimeout, '5s'],
  ] as const) {
    it(`refuses ${JSON.stringify(v)}`, () => assert.throws(() => (f as (s: string) => unknown)(v), UsageError));
  }
  it('decides the colour level', () => {
    assert.equal(colorLevel({ flag: true, env: {}, isTTY: true }), 1);
    assert.equal(colorLevel({ flag: true, env: {}, isTTY: false }), 0);
    assert.equal(colorLevel({ flag: true, env: { NO_COLOR: '1' }, isTTY: true }), 0);
    assert.equal(colorLevel({ flag: true, env: { FORCE_COLOR: '1' }, isTTY: false }), 1);
    assert.equal(colorLevel({ flag: false, env: { FORCE_COLOR: '1' }, isTTY: true }), 0);
  });
});
