// `npm run readme`: puts the real report of the demo domain at the top of README.md, between the
// markers below, as the CLI prints it at 80 columns without colour. `npm run readme -- --check`
// (and test/unit/readme.test.ts) fails when the README no longer shows what the CLI prints.
// The clock is fixed, so that the dated advice does not change the README every day.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from '../src/cli.ts';
import { fixedClock } from '../src/clock.ts';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));
export const START = '<!-- fwdcheck:demo:start (npm run readme writes this block) -->';
export const END = '<!-- fwdcheck:demo:end -->';
/** The day the README's report is dated; move it when the dated advice should move. */
export const README_DATE = '2026-11-30T12:00:00Z';
export const DEMO_ARGS = ['bank.example', '--zone', 'fixtures/zones/demo.zone', '--offline', '--relay', '203.0.113.7'];

/** The block as it belongs in the README: the command, its output, its exit code. */
export const demoBlock = async (): Promise<string> => {
  let out = '';
  const cwd = process.cwd();
  process.chdir(fileURLToPath(new URL('..', import.meta.url)));
  try {
    const code = await run(DEMO_ARGS, {
      stdout: { write: (text: string) => ((out += text), true) },
      stderr: { write: () => true, isTTY: false },
      env: {},
      stdoutIsTTY: false,
      columns: 80,
      clock: fixedClock(README_DATE),
    });
    return `${START}\n\`\`\`console\n$ npx fwdcheck ${DEMO_ARGS.join(' ')}\n${out.trimEnd()}\n$ echo $?\n${code}\n\`\`\`\n${END}`;
  } finally {
    process.chdir(cwd);
  }
};

/** The README with the block replaced (or put after the first paragraph when it has none). */
export const withDemo = (readme: string, block: string): string => {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start >= 0 && end > start) return `${readme.slice(0, start)}${block}${readme.slice(end + END.length)}`;
  const firstBreak = readme.indexOf('\n\n', readme.indexOf('\n\n') + 2);
  return `${readme.slice(0, firstBreak)}\n\n${block}${readme.slice(firstBreak)}`;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const readme = readFileSync(README, 'utf8');
  const next = withDemo(readme, await demoBlock());
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      process.stderr.write('README.md does not show the report the CLI prints now: run npm run readme\n');
      process.exitCode = 1;
    }
  } else if (next !== readme) {
    writeFileSync(README, next);
    process.stdout.write('README.md: demo report updated\n');
  } else process.stdout.write('README.md: demo report already current\n');
}
