// The node a batch re-executes into (batch-runtime.ts): when, with what, and when not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BATCH_NODE_FLAGS, batchRuntime, describeBatchRuntime, reexecForBatch, REEXEC_ENV, type ProcessFacts } from '../../src/batch-runtime.ts';

const facts = (over: Partial<ProcessFacts> = {}): ProcessFacts => ({
  execPath: '/usr/bin/node',
  execArgv: ['--import', './probe.mjs'],
  argv: ['/usr/bin/node', '/opt/fwdcheck/bin/fwdcheck.js', '--domains-file', '-', '--json'],
  env: { PATH: '/usr/bin', HOME: '/home/u' },
  canExec: true,
  ...over,
});

describe('batch runtime', () => {
  it('re-executes node with its own arguments, the flags, the script and its arguments, and marks the environment', () => {
    const r = batchRuntime(facts());
    assert.deepEqual(r, {
      kind: 'reexec',
      file: '/usr/bin/node',
      args: ['/usr/bin/node', '--import', './probe.mjs', ...BATCH_NODE_FLAGS, '/opt/fwdcheck/bin/fwdcheck.js', '--domains-file', '-', '--json'],
      env: { PATH: '/usr/bin', HOME: '/home/u', [REEXEC_ENV]: 'done' },
    });
    assert.equal(describeBatchRuntime(r), 'batch: node re-executed with --v8-pool-size=1');
  });

  it('the re-executed process runs the batch: no loop', () => {
    const r = batchRuntime(facts({ env: { [REEXEC_ENV]: 'done' } }));
    assert.deepEqual(r, { kind: 'as-is', reason: 'reexecuted' });
    assert.match(describeBatchRuntime(r), /\(re-executed\)$/);
  });

  it('the user opts out with the variable set to anything else', () => {
    assert.deepEqual(batchRuntime(facts({ env: { [REEXEC_ENV]: '0' } })), { kind: 'as-is', reason: 'opted-out' });
  });

  it("keeps the user's own heap or pool flags, in NODE_OPTIONS or given to node", () => {
    assert.deepEqual(batchRuntime(facts({ env: { NODE_OPTIONS: '--max-old-space-size=4096' } })), { kind: 'as-is', reason: 'user-flags' });
    assert.deepEqual(batchRuntime(facts({ execArgv: ['--max-semi-space-size=64'] })), { kind: 'as-is', reason: 'user-flags' });
    assert.deepEqual(batchRuntime(facts({ execArgv: ['--v8-pool-size=8'] })), { kind: 'as-is', reason: 'user-flags' });
    // other flags are carried over, not a reason to stay
    assert.equal(batchRuntime(facts({ env: { NODE_OPTIONS: '--enable-source-maps' } })).kind, 'reexec');
  });

  it('stays where the platform has no execve (Windows)', () => {
    const r = batchRuntime(facts({ canExec: false }));
    assert.deepEqual(r, { kind: 'as-is', reason: 'no-execve' });
    assert.match(describeBatchRuntime(r), /cannot re-execute/);
  });
  it('execs what batchRuntime says; a failed exec leaves the batch here, and nothing is exec\'d when it stays as it is', () => {
    const calls: string[][] = [];
    const failing = (file: string, args: string[]) => {
      calls.push([file, ...args]);
      throw new Error('ENOSYS');
    };
    assert.deepEqual(reexecForBatch(facts(), failing), { kind: 'as-is', reason: 'no-execve' });
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0], ['/usr/bin/node', ...(batchRuntime(facts()) as { args: string[] }).args]);
    assert.deepEqual(reexecForBatch(facts({ env: { [REEXEC_ENV]: 'done' } }), failing), { kind: 'as-is', reason: 'reexecuted' });
    assert.equal(calls.length, 1);
  });
});
