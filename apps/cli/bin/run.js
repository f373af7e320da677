#!/usr/bin/env node
// The glkeys launcher: oclif reads oclif.manifest.json, so only the command that runs is loaded.
// `--version` is answered here, in oclif's format, without loading oclif: it is the call
// scripts and shells make most often, and loading the framework would triple its cost.
// Plain invocations of the read-only commands (token/key list/get) run on the fast path,
// also without oclif; it hands everything else to oclif unchanged (src/fast-path).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === 'version')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  const { runFastPath } = await import('../dist/fast-path.js');
  if (!(await runFastPath(args))) {
    const { execute } = await import('@oclif/core');
    await execute({ dir: import.meta.url });
  }
}
