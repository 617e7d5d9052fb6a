// verify-5-8 findings 6 and 7, end to end: the stand-in forwarder when the SPF tree lists every
// documentation address or authorizes any address, and --offline names that were not checked.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, runCli } from '../helpers/run-cli.ts';

const ZONE = join(FIXTURES, 'zones/truth.zone');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const offline = async (domain: string, ...args: string[]) => {
  const res = await runCli([domain, '--zone', ZONE, '--offline', ...args]);
  return res;
};
const offlineJson = async (domain: string, ...args: string[]): Promise<{ code: number | null; json: Json }> => {
  const res = await offline(domain, '--json', ...args);
  return { code: res.code, json: JSON.parse(res.stdout) };
};
const find = (json: Json, code: string): Json => json.findings.find((f: Json) => f.code === code);

describe('the stand-in forwarder (no --relay)', () => {
  it('an SPF listing every documentation range: an address outside it is found, SPF fails, p=reject rejects', async () => {
    const { code, json } = await offlineJson('doc-nets.example');
    const relay = json.path[0].relay;
    assert.ok(!/^(192\.0\.2|198\.51\.100|203\.0\.113)\.|^2001:db8:/.test(relay), relay);
    assert.deepEqual([json.verdict, json.path[0].spf.result, code], ['fail', 'fail', 1]);
    assert.equal(find(json, 'RELAY_ASSUMED').args.spfAuthorizesAny, undefined);
  });
  for (const domain of ['allow-all.example', 'wild-spf.example']) {
    it(`${domain}: the SPF authorizes any forwarder, and the report says so instead of "not listed"`, async () => {
      const { json } = await offlineJson(domain);
      assert.deepEqual([json.verdict, json.path[0].spf.result], ['pass', 'pass']);
      assert.equal(find(json, 'RELAY_ASSUMED').args.spfAuthorizesAny, domain);
      const human = await offline(domain, '--no-color');
      assert.doesNotMatch(human.stdout, /not list/);
      assert.match(human.stdout.replace(/\s+/g, ' '), /any forwarder \(the sender's SPF authorizes every address tried\)/);
    });
  }
});

describe('--offline: names not checked are not DNS failures', () => {
  it('an include outside the files: unknown, "not checked (offline)", no 451 4.7.26, no "defers"', async () => {
    const { code, json } = await offlineJson('acmerej.example', '--relay', '203.0.113.7');
    assert.deepEqual([json.verdict, code, json.gmail.reasonCode, json.gmail.smtp], ['unknown', 3, 'NOT_CHECKED', null]);
    const unread = find(json, 'OUTCOME_OPEN').args.unread;
    assert.ok(unread.length > 0 && unread.every((u: Json) => u.error === 'EOFFLINE'), JSON.stringify(unread));
    assert.ok(unread.some((u: Json) => u.name === '_spf.google.com'));
    const human = await offline('acmerej.example', '--relay', '203.0.113.7', '--no-color');
    assert.match(human.stdout.replace(/\s+/g, ' '), /reaches Gmail: not checked \(offline\)/);
    assert.doesNotMatch(human.stdout, /DNS errors|4\.7\.26|defers|ENOTFOUND/);
    assert.match(human.stdout.replace(/\s+/g, ' '), /Not checked \(offline\): TXT _spf\.google\.com/);
  });
});
