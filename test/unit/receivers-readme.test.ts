import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { receiverSourcesMarkdown, receiverTableMarkdown } from '../helpers/receiver-table.ts';

describe('README: the receivers table', () => {
  it('is the one the receiver models give (regenerate it from test/helpers/receiver-table.ts)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const m = /<!-- receivers table:[^\n]*-->\n([\s\S]*?)\n<!-- end receivers table -->/.exec(readme);
    assert.ok(m, 'the README has the receivers table markers');
    assert.equal(m[1], receiverTableMarkdown());
    assert.ok(readme.includes(receiverSourcesMarkdown()), 'the README lists every receiver source with its date');
  });
});
