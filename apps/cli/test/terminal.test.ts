/**
 * The two ways a person meets glkeys that other tests cannot reach: the no-echo token prompt on a
 * real terminal (tmux gives the binary a pty) and a self-managed GitLab over HTTPS with a private
 * CA given by --ca-file (the simulator serves TLS with a CA made for the test).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TOKENS, createTestCertificates, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { BIN, CLI_DIR, runCli } from './support/run-cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glkeys-terminal-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--ca-file with a GitLab served over HTTPS by a private CA', () => {
  let sim: GitlabSim;
  let caFile: string;
  beforeAll(async () => {
    const certs = createTestCertificates();
    sim = await start({ tls: { key: certs.key, cert: certs.cert } });
    caFile = join(dir, 'gitlab-ca.pem');
    writeFileSync(caFile, certs.caCert);
  });
  afterAll(() => sim.close());

  it('should reach the API when the CA is given, and say what to check when it is not', async () => {
    const env = { GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner };
    const trusted = await runCli(['auth', 'status', '--ca-file', caFile, '--json'], { env });
    expect(trusted.code).toBe(0);
    expect(trusted.json<{ user: { username: string } }>().user.username).toBe('alice');

    const untrusted = await runCli(['auth', 'status'], { env });
    expect(untrusted.code).toBe(5);
    expect(untrusted.stderr).toContain('--ca-file');
  });
});

describe('the token prompt on a terminal', () => {
  let sim: GitlabSim;
  beforeAll(async () => {
    sim = await start();
  });
  afterAll(() => sim.close());

  const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
  async function screenUntil(session: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = tmux('capture-pane', '-p', '-t', session);
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`screen never showed ${pattern}:\n${screen}`);
      await sleep(100);
    }
  }

  it('should ask without echoing what is typed, and use it', async () => {
    const session = `glkeys-prompt-${process.pid}`;
    const command = `cd ${CLI_DIR} && env -u GITLAB_TOKEN GITLAB_HOST=${sim.url} NO_COLOR=1 ${process.execPath} ${BIN} auth status; echo "EXIT=$?"; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '40', command);
    try {
      await screenUntil(session, /GitLab token:/); // capture-pane trims the trailing space
      tmux('send-keys', '-t', session, '-l', SEED_TOKENS.owner);
      tmux('send-keys', '-t', session, 'Enter');
      const screen = await screenUntil(session, /EXIT=\d+/);
      expect(screen).toContain('EXIT=0');
      expect(screen).toContain('alice');
      expect(screen).not.toContain(SEED_TOKENS.owner);
    } finally {
      tmux('kill-session', '-t', session);
    }
  });

  it('should read one line from a pipe when not on a terminal', async () => {
    const run = await runCli(['auth', 'status', '--json'], {
      env: { GITLAB_HOST: sim.url, GITLAB_TOKEN: undefined },
      input: `${SEED_TOKENS.owner}\nignored\n`,
    });
    expect(run.code).toBe(0);
    expect(run.json<{ user: { username: string } }>().user.username).toBe('alice');
    expect(run.stdout + run.stderr).not.toContain(SEED_TOKENS.owner);
  });
});
