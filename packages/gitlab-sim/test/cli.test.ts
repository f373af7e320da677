import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Seed } from '../src/index.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(pkg, 'bin', 'glkeys-gitlab-sim.js');

describe('glkeys-gitlab-sim bin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-sim-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('needs the build (turbo runs build before test)', () => {
    expect(existsSync(join(pkg, 'dist', 'cli.js')), 'run `pnpm --filter @glkeys/gitlab-sim build` first').toBe(true);
  });

  it('starts from a seed file, prints the URL and users without tokens, serves, and stops on SIGTERM', async () => {
    const seed: Seed = {
      users: [{ username: 'erin', tokens: [{ token: 'glpat-cli-test-token', scopes: ['api'] }] }],
      projects: [{ path: 'demo', namespace: 'erin' }],
    };
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    const child = spawn(process.execPath, [bin, '--port', '0', '--seed', seedFile, '--latency-ms', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m && out.includes('erin')) resolve(m[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect(out).not.toContain('glpat-cli-test-token');
    const res = await fetch(`${url}/api/v4/projects/erin%2Fdemo`, { headers: { 'PRIVATE-TOKEN': 'glpat-cli-test-token' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { path_with_namespace: string }).path_with_namespace).toBe('erin/demo');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses bad flags with exit code 2 and a message naming the flag', () => {
    const port = spawnSync(process.execPath, [bin, '--port', 'abc'], { encoding: 'utf8' });
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('--port');
    const seed = spawnSync(process.execPath, [bin, '--seed', join(dir, 'missing.json')], { encoding: 'utf8' });
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain('--seed');
  });
});
