import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Config } from '@oclif/core';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cliDir = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));

describe('glkeys --version', () => {
  it.each([['--version'], ['-v'], ['version']])('should print exactly what oclif would for %s, without loading oclif', async (flag) => {
    const config = await Config.load(cliDir);
    const { stdout } = await run(process.execPath, [bin, flag]);
    expect(stdout).toBe(`${config.userAgent}\n`);
  });

  it('should still hand anything else to oclif', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    expect(stdout).toMatch(/USAGE/);
    expect(stdout).toMatch(/token/);
  });
});
