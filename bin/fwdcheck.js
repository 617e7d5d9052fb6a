#!/usr/bin/env node
// mailauth 7 needs Node.js 22.19 or later; say so in one line rather than crash deep inside it.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(`fwdcheck: Node.js >= 22.19 is required (this is ${process.versions.node})\n`);
  process.exitCode = 2;
} else {
  // Node's on-disk compile cache (in the OS temp directory; NODE_DISABLE_COMPILE_CACHE=1 turns it
  // off): later runs skip compiling fwdcheck and its dependencies, a third of a check's start-up.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  // A batch from a file re-executes node under its heap flags (dist/batch-runtime.js); done here,
  // before the CLI loads, it costs one bare node start, not two loads of the CLI. Other batches
  // (several domains as arguments) are re-executed by the CLI once it has parsed them.
  if (process.argv.some((a) => a === '--domains-file' || a.startsWith('--domains-file='))) {
    // when it cannot (no execve), the CLI tries once more, then runs the batch in this process
    const { reexecForBatch } = await import('../dist/batch-runtime.js');
    const facts = { execPath: process.execPath, execArgv: process.execArgv, argv: process.argv, env: process.env, canExec: typeof process.execve === 'function' };
    reexecForBatch(facts, (file, args, env) => process.execve(file, args, env));
  }
  const { main } = await import('../dist/cli.js');
  await main();
  // Everything is done once both outputs are flushed (an empty write calls back after the writes
  // before it): exit then, rather than wait for a garbage collection V8 may have started, which
  // kept a check's process alive ~10 ms past its work (issue 7). process.exitCode is kept.
  const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit();
}
