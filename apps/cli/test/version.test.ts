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

describe('flag parsing failures', () => {
  it('should exit 2 (usage) when a file flag names a missing file, as for any other bad flag', async () => {
    const failure = await run(process.execPath, [bin, 'token', 'list', '--project', 'a/b', '--ca-file', '/nonexistent/ca.pem', '--json'], {
      env: { ...process.env, GITLAB_TOKEN: 'glpat-usage-test', GITLAB_HOST: 'http://127.0.0.1:1' },
    }).catch((error: { code: number; stdout: string }) => error);
    expect((failure as { code: number }).code).toBe(2);
    expect(JSON.parse((failure as { stdout: string }).stdout).error).toMatchObject({ code: 'USAGE', exitCode: 2 });
  });
});
