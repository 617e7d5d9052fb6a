#!/usr/bin/env node
// mailauth 7 needs Node.js 22.19 or later; say so in one line rather than crash deep inside it.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(`fwdcheck: Node.js >= 22.19 is required (this is ${process.versions.node})\n`);
  process.exitCode = 2;
} else {
  const { main } = await import('../dist/cli.js');
  await main();
}
