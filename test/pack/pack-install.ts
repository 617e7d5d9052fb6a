// Packs fwdcheck and installs the tarball into an empty directory, as a user would, then runs
// it there on Node 22: `npx fwdcheck --version`, a check on the demo zone the package ships,
// the README's API example (examples/api.mjs), a TypeScript consumer of the published types,
// and the shipped JSON Schema against the JSON the installed CLI prints. npm installs the
// dependencies from its cache where it can (--prefer-offline), else from the registry. Prints a transcript; exits 1 at the first thing that fails.
//   npm run pack-check
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE22_BIN = dirname(realpathSync(join(ROOT, 'node_modules/.bin/node')));
const NPM = 'npm';
const work = mkdtempSync(join(tmpdir(), 'fwdcheck-pack-'));
const app = join(work, 'app');
mkdirSync(app);
// Node 22 first on PATH, as `npm install` of the node package gives a project; nothing else of the clone
const env = { ...process.env, PATH: `${NODE22_BIN}:${process.env.PATH}`, NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

const show = (cmd: string, out: string) => process.stdout.write(`$ ${cmd}\n${out.replace(/\s+$/, '')}\n`);
const run = (cmd: string, args: string[], cwd: string, expectCode = 0): { stdout: string; stderr: string } => {
  const res = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const lines = res.stdout.split('\n');
  const out = lines.length > 24 ? `${lines.slice(0, 20).join('\n')}\n... (${lines.length - 20} more lines)` : res.stdout;
  show(`${[cmd, ...args].join(' ')}${cwd === app ? '' : `   (in ${cwd})`}`, `${out}${res.stderr ? `\n[stderr] ${res.stderr.trim()}` : ''}\n[exit ${res.status}]`);
  assert.equal(res.status, expectCode, `${cmd} ${args.join(' ')} exited ${res.status}`);
  return { stdout: res.stdout, stderr: res.stderr };
};

try {
  // 1. pack (prepack builds dist/)
  const packed = JSON.parse(execFileSync(NPM, ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as {
    filename: string;
    files: { path: string }[];
    size: number;
  }[];
  const pack = packed[0]!;
  const files = pack.files.map((f) => f.path).sort();
  show(`npm pack --json --pack-destination ${work}`, `${pack.filename}: ${files.length} files, ${pack.size} bytes\n${files.join('\n')}`);
  for (const must of ['package.json', 'README.md', 'LICENSE', 'bin/fwdcheck.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist/contract/v1.d.ts', 'schema/report.schema.json', 'fixtures/zones/demo.zone']) {
    assert.ok(files.includes(must), `the tarball lacks ${must}`);
  }
  const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE|bin\/fwdcheck\.js|dist\/.*\.(js|d\.ts)|schema\/report\.schema\.json|fixtures\/zones\/demo\.zone)$/.test(f));
  assert.deepEqual(stray, [], 'the tarball ships only what runs, types, schema, README and licence');
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(manifest.scripts[s], undefined, `no ${s} script`);

  // 2. install into an empty directory (dependencies from npm's cache where it has them)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2));
  const install = run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, pack.filename)], app);
  assert.doesNotMatch(install.stdout + install.stderr, /install script|allowScripts|npm warn/i, 'no install-time scripts or warnings');

  // 3. the CLI on Node 22
  run('node', ['--version'], app);
  const version = run('npx', ['--no-install', 'fwdcheck', '--version'], app).stdout.trim();
  assert.equal(version, JSON.parse(readFileSync(join(app, 'node_modules/fwdcheck/package.json'), 'utf8')).version);
  const demo = run('npx', ['--no-install', 'fwdcheck', '--demo', '--relay', '203.0.113.7'], app, 1);
  assert.match(demo.stdout, /bank\.example/);
  const json = run('npx', ['--no-install', 'fwdcheck', 'signed.example', '--zone', 'node_modules/fwdcheck/fixtures/zones/demo.zone', '--offline', '--relay', '203.0.113.7', '--json'], app, 0).stdout;
  // the installed packages resolve as the load plan expects, so mailauth loads in slices (issue 7)
  const debug = run('npx', ['--no-install', 'fwdcheck', 'signed.example', '--zone', 'node_modules/fwdcheck/fixtures/zones/demo.zone', '--offline', '--relay', '203.0.113.7', '--json', '--debug'], app, 0).stderr;
  assert.match(debug, /^mailauth: loaded by its load plan, \d+ files in \d+ slices$/m, 'mailauth loads by its load plan in the installed package');

  // 4. the shipped schema validates what the installed CLI prints (ajv from the clone's dev dependencies)
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020.default({ strict: true, allErrors: true, validateFormats: false });
  const schema = JSON.parse(readFileSync(join(app, 'node_modules/fwdcheck/schema/report.schema.json'), 'utf8'));
  const validate = ajv.compile(schema);
  assert.ok(validate(JSON.parse(json)), ajv.errorsText(validate.errors));
  show('validate (installed schema) < signed.example --json', 'valid');
  writeFileSync(join(app, 'schema.mjs'), "import schema from 'fwdcheck/schema' with { type: 'json' };\nconsole.log(schema.title);\n");
  run('node', ['schema.mjs'], app);

  // 5. the README's API example, as written
  copyFileSync(join(ROOT, 'examples/api.mjs'), join(app, 'api.mjs'));
  const api = run('node', ['api.mjs'], app, 1).stdout;
  assert.match(api, /^bank\.example: fail, Gmail: reject 550 5\.7\.26\n/);
  assert.match(api, /\nbad input: invalid domain "not a domain": contains white space\n$/);

  // 6. a TypeScript consumer of the published types (strict, library checking on)
  writeFileSync(
    join(app, 'consumer.ts'),
    `import { check, renderText, zoneResolver, UsageError, VERDICTS, type Report, type Verdict, type Finding } from 'fwdcheck';
const report: Report = await check('bank.example', { relays: ['203.0.113.7'], resolver: await zoneResolver('demo.zone') });
const verdict: Verdict = report.verdict;
const codes: string[] = report.findings.map((f: Finding) => f.code);
const text: string = renderText(report, { color: false, width: 80 });
const known: readonly string[] = VERDICTS;
export { verdict, codes, text, known, UsageError };
`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] }, files: ['consumer.ts'] }, null, 2),
  );
  run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app);
  process.stdout.write('\npack-check: OK\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
