// The bin as a child process, driven the way a test in another language would: plain HTTP.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SEED_PATHS, SEED_TOKENS, createTestCertificates } from '../src/index.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'glkeys-gitlab-sim.js');
const dir = mkdtempSync(join(tmpdir(), 'gitlab-sim-knobs-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the bin and resolves with its URL and everything it printed. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; out: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m && out.includes('users:\n') && out.includes('dave')) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}${err}`)));
  });
  return { url, out, child };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

async function http(url: string, method = 'GET', opts: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers['PRIVATE-TOKEN'] = opts.token;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // text bodies stay strings
  }
  return { status: res.status, headers: res.headers, body, text };
}

const tokensPath = `/api/v4/projects/${encodeURIComponent(SEED_PATHS.project)}/deploy_tokens`;

describe('glkeys-gitlab-sim flags', () => {
  it('takes --rate-limit, --faults (YAML), --fault-seed, --latency-ms, --request-log and --admin-token', async () => {
    const faults = join(dir, 'faults.yaml');
    writeFileSync(faults, '- route: GET /version\n  kind: status\n  status: 503\n  count: 1\n');
    const logFile = join(dir, 'requests.jsonl');
    const { url, out, child } = await run([
      '--rate-limit',
      '3/60s',
      '--faults',
      faults,
      '--fault-seed',
      '7',
      '--latency-ms',
      '1',
      '--request-log',
      logFile,
      '--admin-token',
      'sim-admin-secret',
    ]);
    expect(out).toContain('rate limit: 3 per 60 s');
    for (const t of Object.values(SEED_TOKENS)) expect(out).not.toContain(t);

    const first = await http(`${url}/api/v4/version`, 'GET', { token: SEED_TOKENS.owner });
    expect(first.status).toBe(503);
    const second = await http(`${url}/api/v4/version`, 'GET', { token: SEED_TOKENS.owner });
    expect(second.status).toBe(200);
    expect(second.headers.get('ratelimit-limit')).toBe('3');
    await http(`${url}/api/v4/user?private_token=${SEED_TOKENS.owner}`);
    const limited = await http(`${url}/api/v4/user`, 'GET', { token: SEED_TOKENS.owner });
    expect(limited.status).toBe(429);
    expect(limited.text).toBe('Retry later\n');

    // The log is appended by a stream: the last line may land just after the answer.
    const lines = await vi.waitFor(
      () => {
        const all = readFileSync(logFile, 'utf8').trim().split('\n');
        expect(all).toHaveLength(4);
        return all;
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(lines.map((l) => JSON.parse(l).status)).toEqual([503, 200, 200, 429]);
    expect(JSON.parse(lines[2]!).query).toEqual({ private_token: '[REDACTED]' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ method: 'GET', route: 'GET /version', fault: { kind: 'status', status: 503 } });
    const logText = readFileSync(logFile, 'utf8');
    for (const t of Object.values(SEED_TOKENS)) expect(logText).not.toContain(t);

    // The admin API answers only the --admin-token, and stays out of the log and the limit.
    const admin = `${url}/-/glkeys-sim`;
    expect((await http(`${admin}/config`)).status).toBe(401);
    expect((await http(`${admin}/config`, 'GET', { token: SEED_TOKENS.admin })).status).toBe(401);
    const config = await http(`${admin}/config`, 'GET', { token: 'sim-admin-secret' });
    expect(config.body).toEqual({
      latencyMs: 1,
      rateLimit: { limit: 3, windowMs: 60_000 },
      faults: [{ route: 'GET /version', kind: 'status', status: 503, count: 0 }],
    });
    expect(readFileSync(logFile, 'utf8').trim().split('\n')).toHaveLength(4);
    expect(await stop(child)).toBe(0);
  });

  it('has an admin API to change faults, limits and latency, read and clear the log, revoke, and reset', async () => {
    // No --admin-token: a seeded administrator's PAT opens it, nobody else's.
    const { url, child } = await run(['--rate-limit', 'off']);
    const admin = `${url}/-/glkeys-sim`;
    const as = (method: string, path: string, body?: unknown) => http(`${admin}${path}`, method, { token: SEED_TOKENS.admin, body });
    expect((await http(`${admin}/config`, 'GET', { token: SEED_TOKENS.owner })).status).toBe(401);
    expect((await as('GET', '/config')).body.rateLimit).toBe(false);
    expect((await as('GET', '/nothing')).status).toBe(404);

    const badRule = await as('PUT', '/faults', [{ route: 'GET /user', status: 500 }]);
    expect(badRule.status).toBe(400);
    expect(badRule.body.message).toContain('faults[0].kind');
    const setFaults = await as('PUT', '/faults', {
      faults: [{ route: 'POST /projects/:id/deploy_tokens', kind: 'status', status: 500, when: 'after', count: 1 }],
    });
    expect(setFaults.status).toBe(200);
    const created = await http(`${url}${tokensPath}`, 'POST', {
      token: SEED_TOKENS.owner,
      body: { name: 'lost', scopes: ['read_repository'] },
    });
    expect(created.status).toBe(500);
    const list = await http(`${url}${tokensPath}`, 'GET', { token: SEED_TOKENS.owner });
    expect(list.body.map((t: { name: string }) => t.name)).toEqual(['lost']);

    const revoke = await as('POST', `/deploy-tokens/${list.body[0].id}/revoke`);
    expect(revoke.status).toBe(204);
    expect((await http(`${url}${tokensPath}`, 'GET', { token: SEED_TOKENS.owner })).body[0].revoked).toBe(true);
    expect((await as('POST', '/deploy-tokens/999999/revoke')).status).toBe(404);

    const requests = await as('GET', `/requests?route=${encodeURIComponent('POST /projects/:id/deploy_tokens')}`);
    expect(requests.body.count).toBe(1);
    expect(requests.body.entries[0]).toMatchObject({ status: 500, fault: { when: 'after', status: 500 } });
    expect((await as('GET', '/requests?write=false')).body.count).toBe(2);

    expect((await as('PUT', '/rate-limit', { rateLimit: '1/60s' })).body.rateLimit).toEqual({ limit: 1, windowMs: 60_000 });
    expect((await http(`${url}/api/v4/version`, 'GET', { token: SEED_TOKENS.owner })).status).toBe(200);
    expect((await http(`${url}/api/v4/version`, 'GET', { token: SEED_TOKENS.owner })).status).toBe(429);
    expect((await as('PUT', '/rate-limit', null)).body.rateLimit).toBe(false);
    expect((await as('PUT', '/rate-limit', { limit: 0 })).status).toBe(400);
    expect((await as('PUT', '/latency', { latencyMs: 5 })).body).toEqual({ latencyMs: 5 });
    expect((await as('PUT', '/latency', { latencyMs: -1 })).status).toBe(400);

    expect((await as('DELETE', '/requests')).status).toBe(204);
    expect((await as('GET', '/requests')).body.count).toBe(0);

    await http(`${url}${tokensPath}`, 'POST', { token: SEED_TOKENS.owner, body: { name: 'kept?', scopes: ['read_repository'] } });
    expect((await as('POST', '/reset')).status).toBe(204);
    expect((await http(`${url}${tokensPath}`, 'GET', { token: SEED_TOKENS.owner })).body).toEqual([]);
    expect((await as('GET', '/config')).body).toEqual({ latencyMs: 0, rateLimit: false, faults: [] });
    expect((await as('GET', '/requests')).body.count).toBe(1);
    // IDs count from 1 again, as in a fresh simulator.
    const again = await http(`${url}${tokensPath}`, 'POST', { token: SEED_TOKENS.owner, body: { name: 'a', scopes: ['read_repository'] } });
    expect(again.body.id).toBe(1);
    expect(await stop(child)).toBe(0);
  });

  it('serves HTTPS with a generated certificate (CA written out) or a given one', async () => {
    const caFile = join(dir, 'ca.pem');
    const generated = await run(['--tls', '--tls-ca-out', caFile]);
    expect(generated.url).toMatch(/^https:\/\//);
    expect(generated.out).toContain(`CA certificate: ${caFile}`);
    const get = (url: string, ca: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${url}/api/v4/user`, { headers: { 'private-token': SEED_TOKENS.owner }, agent: new Agent({ ca }) }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await get(generated.url, readFileSync(caFile, 'utf8'))).toBe(200);
    expect(await stop(generated.child)).toBe(0);

    const certs = createTestCertificates();
    writeFileSync(join(dir, 'server.crt'), certs.cert);
    writeFileSync(join(dir, 'server.key'), certs.key);
    const given = await run(['--tls-cert', join(dir, 'server.crt'), '--tls-key', join(dir, 'server.key')]);
    expect(await get(given.url, certs.caCert)).toBe(200);
    await expect(get(given.url, readFileSync(caFile, 'utf8'))).rejects.toThrow();
    expect(await stop(given.child)).toBe(0);
  });

  it.each([
    [['--rate-limit', '0/1s'], '--rate-limit'],
    [['--rate-limit', 'fast'], '--rate-limit'],
    [['--latency-ms', '-1'], '--latency-ms'],
    [['--fault-seed', '1.5'], '--fault-seed'],
    [['--faults', join(dir, 'missing.yaml')], '--faults'],
    [['--tls-cert', 'x.crt'], '--tls-cert and --tls-key'],
    [['--tls-ca-out', 'ca.pem'], '--tls-ca-out needs --tls'],
    [['--admin-token', ''], '--admin-token'],
    [['--request-log', join(dir, 'no', 'such', 'dir', 'log')], '--request-log'],
  ])('refuses %j with exit 2 naming the flag', (args, named) => {
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(named);
  });

  it('refuses a faults file whose rule breaks a rule, naming the rule and field', () => {
    const file = join(dir, 'bad-faults.json');
    writeFileSync(file, JSON.stringify({ faults: [{ kind: 'status', status: 200 }] }));
    const r = spawnSync(process.execPath, [bin, '--faults', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('faults[0].status: an integer 400..599');
  });
});
