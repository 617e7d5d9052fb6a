// Start-up: --version and --help load no check code, and a check loads only the renderer it uses.
// (How long start-up takes is measured by npm run bench, not asserted here.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BIN, FIXTURES } from '../helpers/run-cli.ts';
import { startDnsServer } from '../helpers/dns-server.ts';
import { loadZoneFiles } from '../../src/dns/zone-resolver.ts';

const PROBE = fileURLToPath(new URL('../helpers/log-modules.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fwdcheck-startup-'));

/** The modules a run of the CLI loads (file URLs, node: builtins). */
const modulesOf = (args: string[]): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const log = join(dir, `${Math.random().toString(36).slice(2)}.log`);
    execFile(process.execPath, ['--import', PROBE, BIN, ...args], { env: { PATH: process.env.PATH, NO_COLOR: '1', FWDCHECK_MODULE_LOG: log } }, () => {
      try {
        resolve(readFileSync(log, 'utf8').split('\n'));
      } catch (err) {
        reject(err);
      }
    });
  });

const CHECK_CODE = [/\/dist\/check\.js$/, /\/dist\/dns\/(wire|open|zone|zone-resolver|parse-zone)\.js$/, /\/dist\/records\//, /\/dist\/auth\/mailauth-modules\.js$/, /node_modules\/mailauth\//, /\/dist\/report\/render-/, /node_modules\/(chalk|cli-table3|tldts)\//];
const loadedCheckCode = (modules: string[]) => modules.filter((m) => CHECK_CODE.some((re) => re.test(m)));

describe('start-up loads only what the command needs', () => {
  for (const flag of ['--version', '--help']) {
    it(`${flag}: no DNS, record, mailauth or renderer code`, async () => {
      const modules = await modulesOf([flag]);
      assert.ok(modules.some((m) => m.endsWith('/dist/cli.js')), 'the probe saw the CLI load');
      assert.deepEqual(loadedCheckCode(modules), []);
    });
  }

  it('a plain check does not load commander; --help and a non-plain command line do (plain-args.ts)', async () => {
    const zone = join(FIXTURES, 'zones/demo.zone');
    const plain = await modulesOf(['bank.example', '--zone', zone, '--offline', '--relay', '203.0.113.7', '--json']);
    assert.ok(plain.some((m) => m.endsWith('/dist/cli.js')), 'the probe saw the CLI load');
    assert.deepEqual(plain.filter((m) => /node_modules\/commander\/|\/dist\/cli-program\.js$/.test(m)), []);
    for (const args of [['--help'], ['bank.example', '--zone', zone, '--offline', '--jobs', '2', '--json']]) {
      const modules = await modulesOf(args);
      assert.ok(modules.some((m) => /node_modules\/commander\//.test(m)), `${args.join(' ')} loads commander`);
    }
  });

  it('a --json check loads mailauth and the JSON renderer, not the table renderer, chalk or cli-table3', async () => {
    const modules = await modulesOf(['bank.example', '--zone', join(FIXTURES, 'zones/demo.zone'), '--offline', '--json']);
    assert.ok(modules.some((m) => /node_modules\/mailauth\/lib\/spf\//.test(m)));
    assert.ok(modules.some((m) => m.endsWith('/dist/report/render-json.js')));
    assert.deepEqual(modules.filter((m) => /render-table\.js$|node_modules\/(chalk|cli-table3)\//.test(m)), []);
  });

  it('a check sends its first query before it loads mailauth, the verdict code or the renderer (issue 7)', async () => {
    const server = await startDnsServer({ zone: await loadZoneFiles([join(FIXTURES, 'zones/demo.zone')]) });
    try {
      const modules = await modulesOf(['bank.example', '--resolver', server.address, '--relay', '203.0.113.7', '--json']);
      const first = modules.indexOf('dns:first-send');
      assert.ok(first > 0, 'the probe saw a query sent');
      const late = [/node_modules\/mailauth\//, /node_modules\/joi\//, /\/dist\/conclude\.js$/, /\/dist\/report\/render-json\.js$/, /node_modules\/dns-packet\//];
      for (const re of late) {
        const at = modules.findIndex((m) => re.test(m));
        assert.ok(at > first, `${re} loads after the first query (at ${at}, first query at ${first})`);
      }
    } finally {
      await server.close();
    }
  });
});
