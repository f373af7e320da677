import { describe, expect, it } from 'vitest';
import { GITLAB_COM_API_RATE_LIMIT, SEED_PATHS, SEED_TOKENS, parseRateLimit, start, type FaultRule } from '../src/index.js';
import { call, enc } from './helpers.js';

const tokens = `/projects/${enc(SEED_PATHS.project)}/deploy_tokens`;
const createBody = { name: 'fault', scopes: ['read_repository'] };

describe('fault injection', () => {
  it('status faults answer GitLab-like bodies before the operation, and only `count` times', async () => {
    const sim = await start({ faults: [{ route: 'POST /projects/:id/deploy_tokens', kind: 'status', status: 503, count: 2 }] });
    try {
      const a = await call(sim, 'POST', tokens, { token: SEED_TOKENS.owner, body: createBody });
      const b = await call(sim, 'POST', tokens, { token: SEED_TOKENS.owner, body: createBody });
      const c = await call(sim, 'POST', tokens, { token: SEED_TOKENS.owner, body: createBody });
      expect([a.status, b.status, c.status]).toEqual([503, 503, 201]);
      expect(a.body).toEqual({ message: '503 Service Unavailable' });
      // `before`: nothing was created by the failed calls.
      expect(sim.state.deployTokens(SEED_PATHS.project)).toHaveLength(1);
      // Other routes are untouched.
      expect((await call(sim, 'GET', tokens, { token: SEED_TOKENS.owner })).status).toBe(200);
      expect(
        sim.log
          .entries()
          .filter((e) => e.fault)
          .map((e) => e.fault),
      ).toEqual([
        { kind: 'status', when: 'before', status: 503 },
        { kind: 'status', when: 'before', status: 503 },
      ]);
    } finally {
      await sim.close();
    }
  });

  it('`after` performs the create, then fails the response: the token exists but the client never saw it', async () => {
    const sim = await start({
      faults: [{ route: 'POST /projects/:id/deploy_tokens', kind: 'status', status: 502, when: 'after', count: 1 }],
    });
    try {
      const r = await call(sim, 'POST', tokens, { token: SEED_TOKENS.owner, body: createBody });
      expect(r.status).toBe(502);
      expect(r.text).toBe('GitLab is not responding');
      expect(sim.state.deployTokens(SEED_PATHS.project)).toHaveLength(1);
    } finally {
      await sim.close();
    }
  });

  it('reset destroys the connection (before and after)', async () => {
    const sim = await start({
      faults: [
        { method: 'POST', kind: 'reset', when: 'after', count: 1 },
        { route: '/user', kind: 'reset' },
      ],
    });
    try {
      await expect(fetch(`${sim.apiUrl}/user`, { headers: { 'PRIVATE-TOKEN': SEED_TOKENS.owner } })).rejects.toThrow();
      await expect(
        fetch(`${sim.apiUrl}${tokens}`, {
          method: 'POST',
          headers: { 'PRIVATE-TOKEN': SEED_TOKENS.owner, 'Content-Type': 'application/json' },
          body: JSON.stringify(createBody),
        }),
      ).rejects.toThrow();
      expect(sim.state.deployTokens(SEED_PATHS.project)).toHaveLength(1);
      expect(sim.log.count({ route: '/user' })).toBe(1);
      expect(sim.log.entries().every((e) => e.status === 0 && e.fault?.kind === 'reset')).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('hang never answers; close() still ends the server', async () => {
    const sim = await start({ faults: [{ route: 'GET /user', kind: 'hang' }] });
    const res = fetch(`${sim.apiUrl}/user`, { headers: { 'PRIVATE-TOKEN': SEED_TOKENS.owner }, signal: AbortSignal.timeout(300) });
    await expect(res).rejects.toThrow();
    expect(sim.log.entries()[0]).toMatchObject({ status: 0, fault: { kind: 'hang', when: 'before' } });
    await sim.close();
  });

  it('probability faults are reproducible for the same faultSeed', async () => {
    const rules: FaultRule[] = [{ kind: 'status', status: 500, probability: 0.5 }];
    const run = async (faultSeed: number) => {
      const sim = await start({ faults: rules, faultSeed });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner })).status);
        return statuses;
      } finally {
        await sim.close();
      }
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(7);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const failures = a.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
  });

  it('429 faults carry Retry-After; setFaults replaces the rules at run time', async () => {
    const sim = await start();
    try {
      sim.setFaults([{ kind: 'status', status: 429, retryAfterSeconds: 7, count: 1 }]);
      const r = await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner });
      expect(r.status).toBe(429);
      expect(r.text).toBe('Retry later\n');
      expect(r.headers.get('retry-after')).toBe('7');
      expect((await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner })).status).toBe(200);
      sim.setFaults([{ kind: 'status', status: 500 }]);
      expect((await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner })).body).toEqual({ message: '500 Internal Server Error' });
      sim.setFaults([]);
      expect((await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner })).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 "Retry later\\n" past the limit; passing answers carry five RateLimit-* headers, 429s add ResetTime and Retry-After', async () => {
    const sim = await start({ rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const ok: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner });
        expect(r.status).toBe(200);
        expect(r.headers.get('ratelimit-limit')).toBe('3');
        expect(r.headers.get('ratelimit-name')).toBe('throttle_authenticated_api');
        expect(r.headers.get('ratelimit-observed')).toBe(String(i + 1));
        expect(Number(r.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
        expect(r.headers.get('ratelimit-resettime')).toBeNull();
        expect(r.headers.get('retry-after')).toBeNull();
        ok.push(r.headers.get('ratelimit-remaining') ?? '');
      }
      expect(ok).toEqual(['2', '1', '0']);
      const limited = await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner });
      expect(limited.status).toBe(429);
      expect(limited.text).toBe('Retry later\n');
      expect(limited.headers.get('content-type')).toMatch(/^text\/plain/);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');
      expect(limited.headers.get('ratelimit-observed')).toBe('4');
      expect(limited.headers.get('ratelimit-name')).toBe('throttle_authenticated_api');
      const reset = Number(limited.headers.get('ratelimit-reset'));
      expect(reset).toBeGreaterThan(Date.now() / 1000);
      expect(Date.parse(limited.headers.get('ratelimit-resettime') ?? '')).toBe(reset * 1000);
      sim.setRateLimit(undefined);
      const free = await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner });
      expect(free.status).toBe(200);
      expect(free.headers.get('ratelimit-limit')).toBeNull();
    } finally {
      await sim.close();
    }
  });

  it('reports RateLimit-Limit as a quota per 60 seconds, whatever the window', async () => {
    const sim = await start({ rateLimit: { limit: 10, windowMs: 1_000 } });
    try {
      const r = await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner });
      expect(r.headers.get('ratelimit-limit')).toBe('600');
      expect(r.headers.get('ratelimit-remaining')).toBe('9');
      sim.setRateLimit({ limit: 7, windowMs: 3_600_000 });
      expect((await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner })).headers.get('ratelimit-limit')).toBe('1');
    } finally {
      await sim.close();
    }
  });

  it("defaults to GitLab.com's authenticated API limit, 2,000 a minute; rateLimit: false turns it off", async () => {
    expect(GITLAB_COM_API_RATE_LIMIT).toEqual({ limit: 2000, windowMs: 60_000 });
    const sim = await start();
    const off = await start({ rateLimit: false });
    try {
      const r = await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner });
      expect(r.headers.get('ratelimit-limit')).toBe('2000');
      expect(r.headers.get('ratelimit-remaining')).toBe('1999');
      expect((await call(off, 'GET', '/user', { token: SEED_TOKENS.owner })).headers.get('ratelimit-limit')).toBeNull();
    } finally {
      await Promise.all([sim.close(), off.close()]);
    }
  });

  it('parses N/PERIOD and off', () => {
    expect(parseRateLimit('2000/60s')).toEqual({ limit: 2000, windowMs: 60_000 });
    expect(parseRateLimit('600/1m')).toEqual({ limit: 600, windowMs: 60_000 });
    expect(parseRateLimit('5/500ms')).toEqual({ limit: 5, windowMs: 500 });
    expect(parseRateLimit('10/1h')).toEqual({ limit: 10, windowMs: 3_600_000 });
    expect(parseRateLimit('3/2')).toEqual({ limit: 3, windowMs: 2_000 });
    expect(parseRateLimit('off')).toBe(false);
    for (const bad of ['', '0/60s', '10', 'ten/1m', '10/0s', '10/1d', '-1/1s']) expect(parseRateLimit(bad), bad).toBeNull();
  });
});

describe('latency and request log', () => {
  it('adds the configured latency to every request (as measured by the log)', async () => {
    const sim = await start({ latencyMs: 60 });
    try {
      await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner });
      sim.setLatency(0);
      await call(sim, 'GET', '/user', { token: SEED_TOKENS.owner });
      const [slow, fast] = sim.log.entries();
      expect(slow!.durationMs).toBeGreaterThanOrEqual(55);
      expect(fast!.durationMs).toBeLessThan(slow!.durationMs);
    } finally {
      await sim.close();
    }
  });

  it('counts requests by method, route template and write, and can be cleared', async () => {
    const sim = await start();
    try {
      await call(sim, 'POST', tokens, { token: SEED_TOKENS.owner, body: createBody });
      await call(sim, 'POST', tokens, { token: SEED_TOKENS.owner, body: {} });
      await call(sim, 'GET', `${tokens}?active=true`, { token: SEED_TOKENS.owner });
      await call(sim, 'GET', '/projects/a/b', { token: SEED_TOKENS.owner });
      expect(sim.log.count()).toBe(4);
      expect(sim.log.count({ route: 'POST /projects/:id/deploy_tokens' })).toBe(2);
      expect(sim.log.count({ route: '/projects/:id/deploy_tokens' })).toBe(3);
      expect(sim.log.count({ write: true })).toBe(2);
      expect(sim.log.count({ write: false })).toBe(2);
      expect(sim.log.count({ method: 'get' })).toBe(2);
      const [first, , list, unmatched] = sim.log.entries();
      expect(first).toMatchObject({ method: 'POST', status: 201, route: 'POST /projects/:id/deploy_tokens', path: `/api/v4${tokens}` });
      expect(list!.query).toEqual({ active: 'true' });
      expect(unmatched).toMatchObject({ route: null, status: 404 });
      sim.log.clear();
      expect(sim.log.count()).toBe(0);
    } finally {
      await sim.close();
    }
  });
});

describe('TLS', () => {
  it("serves HTTPS that a client trusts only with the simulator's CA", async () => {
    const { createTestCertificates, start, SEED_TOKENS } = await import('../src/index.js');
    const { Agent, request } = await import('node:https');
    const certs = createTestCertificates();
    const sim = await start({ tls: { key: certs.key, cert: certs.cert } });
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const get = (ca?: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(
            `${sim.apiUrl}/user`,
            { headers: { 'private-token': SEED_TOKENS.owner }, agent: new Agent(ca ? { ca } : {}) },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.end();
        });
      expect(await get(certs.caCert)).toBe(200);
      await expect(get()).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    } finally {
      await sim.close();
    }
  });
});
