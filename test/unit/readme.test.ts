// The README opens with the demo report as the CLI prints it (`npm run readme` writes it, CI runs
// `npm run readme -- --check`): the same check in the suite, so that a change that moves the
// report fails `npm test` too, not only CI.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { demoBlock, README, withDemo } from '../../scripts/readme.ts';

it("the README shows the demo report the CLI prints now (else: npm run readme)", async () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(withDemo(readme, await demoBlock()), readme);
});
