// A client that did not come from this project: python-gitlab (Debian's python3-gitlab,
// which scripts/test installs when missing). Not skipped: without it this test fails.
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS } from '../src/index.js';
import { useSim } from './helpers.js';

const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import gitlab'], { stdio: 'ignore' }).status === 0);

describe('python-gitlab against the simulator', () => {
  const h = useSim();

  it('has python-gitlab installed (apt-get install python3-gitlab; scripts/test does it)', () => {
    expect(python).toBeDefined();
  });

  it('creates, lists and deletes project deploy tokens, and reads a file', async () => {
    const script = `
import os, gitlab
gl = gitlab.Gitlab(os.environ["SIM_URL"], private_token=os.environ["SIM_TOKEN"])
gl.auth()
p = gl.projects.get(os.environ["SIM_PROJECT"])
t = p.deploytokens.create({"name": "py", "scopes": ["read_repository"]})
assert t.token.startswith("gldt-"), t.token
names = [x.name for x in p.deploytokens.list(get_all=True)]
print("tokens", names)
print("user", gl.user.username)
f = p.files.get(file_path="README.md", ref="main")
print("readme", f.decode().decode())
p.deploytokens.delete(t.id)
print("after", len(p.deploytokens.list(get_all=True)))
`;
    // Asynchronous spawn: the simulator lives in this process and must keep serving.
    const child = spawn(python!, ['-c', script], {
      env: { ...process.env, SIM_URL: h.sim.url, SIM_TOKEN: SEED_TOKENS.maintainer, SIM_PROJECT: SEED_PATHS.project },
    });
    const r = { stdout: '', stderr: '', status: null as number | null };
    child.stdout.on('data', (d: Buffer) => (r.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (r.stderr += d.toString()));
    r.status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("tokens ['py']");
    expect(r.stdout).toContain('user bob');
    expect(r.stdout).toContain('readme # web');
    expect(r.stdout).toContain('after 0');
  });
});
