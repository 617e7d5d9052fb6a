// `npm run mailauth-plan`: writes src/auth/mailauth-load-plan.ts, the order in which a check
// requires mailauth's modules one at a time while its first DNS queries are in flight (issue 7).
// `--check` fails when the file is not what the installed mailauth gives (test/unit/startup-
// parts.test.ts runs it).
//
// Loading mailauth (joi, libmime, tldts, ~220 CommonJS files) takes ~70 ms of CPU in one block;
// in one block it holds up every DNS answer that arrives meanwhile. Required one file at a time,
// each after the files it requires, the work can be cut into slices with the event loop free in
// between. The plan is the order in which the files complete loading when mailauth's entry points
// are required, keeping only the files whose loading is closed: everything they require either
// completed before they started or loads inside them. A file inside a require cycle is left to
// the file that starts the cycle, so that each file is evaluated exactly as the natural order
// evaluates it (the same partial exports, the same cache). The plan also records each package a
// package requires (who requires it, under what name, where it was found, its version): at run
// time the plan is used only when the installed packages resolve the same way (another layout,
// pnpm, a copy hoisted for another package, another version of a dependency: the plain import).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const PLAN_FILE = fileURLToPath(new URL('../src/auth/mailauth-load-plan.ts', import.meta.url));
/** The entry points src/auth/mailauth-modules.ts requires (the DKIM verifier, for --message only, is not in the plan). */
import { MAILAUTH_ENTRIES } from '../src/auth/mailauth-modules.ts';
export const ENTRIES: readonly string[] = MAILAUTH_ENTRIES;

interface PackageEdge {
  /** The requiring package's folder, relative to the node_modules folder that holds mailauth. */
  from: string;
  /** The name it requires. */
  request: string;
  /** The folder that name resolved to, relative likewise. */
  dir: string;
  version: string;
}

interface Recorded {
  version: string;
  plan: string[];
  packages: PackageEdge[];
}

/** The package folder a file is in: up to node_modules/NAME or node_modules/@SCOPE/NAME. */
const packageDir = (file: string): string | null => {
  const m = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file);
  return m ? m[1]! : null;
};

const record = (): Recorded => {
  const require = createRequire(fileURLToPath(new URL('../src/auth/mailauth.ts', import.meta.url)));
  const pkg = require.resolve('mailauth/package.json');
  const base = dirname(dirname(pkg));
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  const M = Module as unknown as {
    _load(request: string, parent: { filename?: string } | null, isMain: boolean): unknown;
    _resolveFilename(request: string, parent: unknown, isMain: boolean): string;
    _cache: Record<string, { loaded: boolean } | undefined>;
  };
  const plan: string[] = [];
  const edges = new Map<string, { from: string; request: string; dir: string }>();
  const stack: { file: string; closed: boolean }[] = [];
  const original = M._load;
  M._load = function (request, parent, isMain) {
    const builtin = request.startsWith('node:') || Module.isBuiltin(request);
    const file = builtin ? `node:${request.replace(/^node:/, '')}` : M._resolveFilename(request, parent, isMain);
    const cached = builtin ? undefined : M._cache[file];
    const from = parent?.filename ? packageDir(parent.filename) : null;
    const to = builtin ? null : packageDir(file);
    if (from && to && from !== to && !request.startsWith('.') && !request.startsWith('/')) edges.set(`${from} ${request}`, { from, request, dir: to });
    if (cached && !cached.loaded) {
      // a cycle: every file loading above the one it returns to is not closed
      const at = stack.findIndex((s) => s.file === file);
      for (const s of stack.slice(at + 1)) s.closed = false;
    }
    const fresh = builtin ? !plan.includes(file) : cached === undefined;
    if (!fresh) return original.call(this, request, parent, isMain);
    stack.push({ file, closed: true });
    try {
      return original.call(this, request, parent, isMain);
    } finally {
      const done = stack.pop()!;
      if (done.closed) plan.push(done.file);
      // an enclosing file that required a file outside the plan still loads it itself
    }
  };
  for (const entry of ENTRIES) require(entry);
  M._load = original;
  const rel = (f: string) => relative(base, f).split(sep).join('/');
  const packages = [...edges.values()]
    .map((e) => ({ from: rel(e.from), request: e.request, dir: rel(e.dir), version: (JSON.parse(readFileSync(`${e.dir}/package.json`, 'utf8')) as { version: string }).version }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.request.localeCompare(b.request));
  return { version, plan: plan.map((f) => (f.startsWith('node:') ? f : rel(f))), packages };
};

const render = ({ version, plan, packages }: Recorded): string =>
  `// Generated by \`npm run mailauth-plan\` (scripts/mailauth-load-plan.ts) from mailauth ${version}; do not edit.
// The order in which a check requires mailauth's files, one at a time, while its first queries
// are in flight: paths relative to the node_modules folder that holds mailauth.
export const MAILAUTH_PLAN_VERSION = '${version}';

export const MAILAUTH_LOAD_PLAN: readonly string[] = [
${plan.map((p) => `  '${p}',`).join('\n')}
];

/** Each package a package requires, as it resolved when the plan was made. */
export const MAILAUTH_PLAN_PACKAGES: readonly { from: string; request: string; dir: string; version: string }[] = [
${packages.map((p) => `  { from: '${p.from}', request: '${p.request}', dir: '${p.dir}', version: '${p.version}' },`).join('\n')}
];
`;

if (process.argv.includes('--record')) {
  process.stdout.write(JSON.stringify(record()));
} else if (import.meta.filename === process.argv[1]) {
  // a fresh process: this one has loaded nothing of mailauth's, but the record must see it all
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--record'], { encoding: 'utf8' });
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    process.exit(1);
  }
  const text = render(JSON.parse(child.stdout) as Recorded);
  if (process.argv.includes('--check')) {
    if (readFileSync(PLAN_FILE, 'utf8') !== text) {
      process.stderr.write('mailauth-plan: src/auth/mailauth-load-plan.ts is not current: run npm run mailauth-plan\n');
      process.exit(1);
    }
    process.stdout.write('mailauth-plan: current\n');
  } else {
    writeFileSync(PLAN_FILE, text);
    process.stdout.write(`mailauth-plan: wrote ${PLAN_FILE}\n`);
  }
}
