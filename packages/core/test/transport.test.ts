import { createTestCertificates } from '@glkeys/gitlab-sim';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ForbiddenError,
  GitlabServerError,
  GitlabValidationError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
  createGitlabClient,
  type RetryEvent,
} from '../src/index.js';
import { startScriptedServer, type ScriptedServer, type Step } from './support/scripted-server.js';

const SECRET = 'glpat-transport-test-secret-0001';
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(steps: Step[], extra: Partial<Parameters<typeof createGitlabClient>[0]> = {}) {
  server = await startScriptedServer(steps);
  const waits: number[] = [];
  const retries: RetryEvent[] = [];
  const client = createGitlabClient({
    host: server.url,
    token: SECRET,
    timeoutMs: 2_000,
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
    onRetry: (event) => retries.push(event),
    ...extra,
  });
  return { client, waits, retries, server };
}

const token = { id: 1, name: 'n', username: 'u', expires_at: null, scopes: ['read_repository'], revoked: false, expired: false };

describe('transport retries', () => {
  it('should send PRIVATE-TOKEN and GET projects/:id/deploy_tokens with the path escaped once', async () => {
    const { client, server } = await clientFor([{ status: 200, body: [token] }]);
    await client.deployTokens.all({ projectId: 'group/sub/app' });
    expect(server.received[0]!.url).toBe('/api/v4/projects/group%2Fsub%2Fapp/deploy_tokens');
    expect(server.received[0]!.headers['private-token']).toBe(SECRET);
  });

  it('should retry a GET on 502, 503, 504 and a reset connection, then succeed', async () => {
    const { client, retries, server } = await clientFor([
      { status: 502 },
      { status: 503 },
      { reset: true },
      { status: 504 },
      { status: 200, body: token },
    ]);
    const shown = await client.deployTokens.show(1, { projectId: 7 });
    expect(shown).toMatchObject({ id: 1 });
    expect(server.received).toHaveLength(5);
    expect(retries.map((r) => r.reason)).toEqual(['HTTP 502', 'HTTP 503', 'reset', 'HTTP 504']);
  });

  it('should wait what Retry-After asks on 429 (plus jitter) and succeed', async () => {
    const { client, waits } = await clientFor([
      { status: 429, body: 'Retry later', headers: { 'retry-after': '3' } },
      { status: 200, body: [] },
    ]);
    await client.deployTokens.all({ projectId: 7 });
    expect(waits).toEqual([3_000 + 125]);
  });

  it('should fall back to RateLimit-Reset when there is no Retry-After', async () => {
    const reset = Math.floor(Date.now() / 1000) + 10;
    const { client, waits } = await clientFor([
      { status: 429, body: 'Retry later', headers: { 'ratelimit-reset': String(reset) } },
      { status: 200, body: [] },
    ]);
    await client.deployTokens.all({ projectId: 7 });
    expect(waits[0]).toBeGreaterThan(8_000);
    expect(waits[0]).toBeLessThanOrEqual(10_125);
  });

  it('should not read RateLimit-Reset as a wait while quota remains (GitLab sends it on every answer)', async () => {
    const reset = Math.floor(Date.now() / 1000) + 50;
    const { client, waits } = await clientFor(
      [
        { status: 503, headers: { 'ratelimit-reset': String(reset), 'ratelimit-remaining': '1999' } },
        { status: 200, body: [] },
      ],
      { retry: { baseDelayMs: 100, maxDelayMs: 300 } },
    );
    await client.deployTokens.all({ projectId: 7 });
    expect(waits).toEqual([50]); // backoff, not the 50 s until the window ends
  });

  it('should back off exponentially with a cap when GitLab names no wait', async () => {
    const { client, waits } = await clientFor(
      [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: [] }],
      { retry: { baseDelayMs: 100, maxDelayMs: 300 } },
    );
    await client.deployTokens.all({ projectId: 7 });
    // random() = 0.5 of min(cap, base * 2^n)
    expect(waits).toEqual([50, 100, 150, 150]);
  });

  it('should give up after the retry limit with a typed error', async () => {
    const { client, server } = await clientFor([{ status: 503 }, { status: 503 }, { status: 503 }], { retry: { limit: 2 } });
    await expect(client.deployTokens.all({ projectId: 7 })).rejects.toBeInstanceOf(GitlabServerError);
    expect(server.received).toHaveLength(3);
  });

  it('should give up at once when Retry-After is longer than the allowed wait', async () => {
    const { client, server } = await clientFor([{ status: 429, body: 'Retry later', headers: { 'retry-after': '3600' } }]);
    const error = await client.deployTokens.all({ projectId: 7 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(3_600_000);
    expect(server.received).toHaveLength(1);
  });

  it('should not retry a POST (a create) after 502 or a reset: a retry could mint a second token', async () => {
    for (const step of [{ status: 502 }, { reset: true } as const, { status: 504 }]) {
      const { client, server: s } = await clientFor([step, { status: 201, body: { ...token, token: 'gldt-x' } }]);
      await expect(client.deployTokens.create('n', ['read_repository'], { projectId: 7 })).rejects.toSatisfy(
        (e: unknown) => e instanceof GitlabServerError || e instanceof NetworkError,
      );
      expect(s.received).toHaveLength(1);
      await s.close();
      server = undefined;
    }
  });

  it('should retry a POST on 429 and 503, where GitLab did not act', async () => {
    const { client, server } = await clientFor([
      { status: 429, headers: { 'retry-after': '0' }, body: 'Retry later' },
      { status: 503 },
      { status: 201, body: { ...token, token: 'gldt-x' } },
    ]);
    await client.deployTokens.create('n', ['read_repository'], { projectId: 7 });
    expect(server.received).toHaveLength(3);
  });

  it('should time out a hanging create and say the outcome is unknown', async () => {
    const { client } = await clientFor([{ hang: true }], { timeoutMs: 200 });
    const error = await client.deployTokens.create('n', ['read_repository'], { projectId: 7 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).outcomeUnknown).toBe(true);
  });

  it('should retry a hanging GET after the timeout', async () => {
    const { client, server } = await clientFor([{ hang: true }, { status: 200, body: [] }], { timeoutMs: 200 });
    await client.deployTokens.all({ projectId: 7 });
    expect(server.received).toHaveLength(2);
  });

  it('should report a refused connection as a NetworkError after retrying', async () => {
    const client = createGitlabClient({ host: 'http://127.0.0.1:1', token: SECRET, sleep: async () => undefined, retry: { limit: 1 } });
    await expect(client.deployTokens.all({ projectId: 7 })).rejects.toBeInstanceOf(NetworkError);
  });

  it('should ask an async token provider on every request, for rotating tokens', async () => {
    let calls = 0;
    server = await startScriptedServer([
      { status: 200, body: [] },
      { status: 200, body: [] },
    ]);
    const client = createGitlabClient({ host: server.url, token: async () => `glpat-rotating-${++calls}` });
    await client.deployTokens.all({ projectId: 7 });
    await client.deployTokens.all({ projectId: 7 });
    expect(server.received.map((r) => r.headers['private-token'])).toEqual(['glpat-rotating-1', 'glpat-rotating-2']);
  });
});

describe('typed errors', () => {
  it.each([
    [{ status: 401, body: { message: '401 Unauthorized' } }, UnauthorizedError, /401/],
    [{ status: 403, body: { error: 'insufficient_scope', error_description: 'x', scope: 'api' } }, ForbiddenError, /lacks the "api" scope/],
    [{ status: 403, body: { message: '403 Forbidden' } }, ForbiddenError, /higher role/],
    [{ status: 404, body: { message: '404 Project Not Found' } }, NotFoundError, /404 Project Not Found/],
    [{ status: 400, body: { message: { name: ['is missing'] } } }, GitlabValidationError, /name is missing/],
    [{ status: 400, body: { error: 'scopes does not have a valid value' } }, GitlabValidationError, /scopes does not have a valid value/],
  ])('should map %j', async (step, type, message) => {
    const { client } = await clientFor([step]);
    const error = await client.deployTokens.all({ projectId: 7 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('should carry the missing scope on a 403 insufficient_scope', async () => {
    const { client } = await clientFor([{ status: 403, body: { error: 'insufficient_scope', scope: 'api' } }]);
    const error = (await client.deployTokens.all({ projectId: 7 }).catch((e: unknown) => e)) as ForbiddenError;
    expect(error.missingScope).toBe('api');
  });

  it('should never put the token into an error message, its cause or its JSON', async () => {
    const failures: unknown[] = [];
    for (const step of [
      { status: 401, body: { message: '401 Unauthorized' } },
      { status: 500 },
      { reset: true },
      { hang: true },
    ] as Step[]) {
      const { client, server: s } = await clientFor([step, step, step, step, step], { timeoutMs: 150 });
      failures.push(await client.deployTokens.all({ projectId: 7 }).catch((e: unknown) => e));
      await s.close();
      server = undefined;
    }
    const refused = createGitlabClient({ host: 'http://127.0.0.1:1', token: SECRET, retry: { limit: 0 } });
    failures.push(await refused.deployTokens.all({ projectId: 7 }).catch((e: unknown) => e));
    for (const failure of failures) {
      const text = [
        String(failure),
        (failure as Error).stack,
        JSON.stringify(failure),
        String((failure as Error).cause),
        JSON.stringify((failure as Error).cause),
      ].join('\n');
      expect(text).not.toContain(SECRET);
    }
  });
});

describe('client options', () => {
  it.each([
    ['', 'not empty'],
    ['glpat-abc\n', 'no whitespace'],
    ['glpat abc', 'no whitespace'],
  ])('should refuse token %j without echoing it', (value, rule) => {
    const attempt = () => createGitlabClient({ host: 'gitlab.example.com', token: value });
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).rule).toBe(rule);
      if (value.trim() !== '') expect((error as Error).message).not.toContain(value.trim());
    }
  });

  it.each([
    ['gitlab.example.com', 'https://gitlab.example.com'],
    ['https://gitlab.example.com/', 'https://gitlab.example.com'],
    ['https://example.com/gitlab/api/v4', 'https://example.com/gitlab'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
  ])('should normalise host %s', (host, expected) => {
    expect(createGitlabClient({ host, token: 'glpat-x' }).host).toBe(expected);
  });

  it.each(['', 'ftp://gitlab.example.com', 'https://user:pw@gitlab.example.com', 'https://gitlab.example.com/?x=1', 'http://'])(
    'should refuse host %j',
    (host) => {
      expect(() => createGitlabClient({ host, token: 'glpat-x' })).toThrow(ValidationError);
    },
  );
});

describe('custom CA bundle', () => {
  it('should trust a private CA for API calls when given, and refuse the server without it', async () => {
    const certs = createTestCertificates();
    server = await startScriptedServer([{ status: 200, body: [] }], { key: certs.key, cert: certs.cert });
    const withCa = createGitlabClient({ host: server.url, token: SECRET, ca: certs.caCert });
    await expect(withCa.deployTokens.all({ projectId: 7 })).resolves.toEqual([]);
    const withoutCa = createGitlabClient({ host: server.url, token: SECRET, retry: { limit: 0 } });
    await expect(withoutCa.deployTokens.all({ projectId: 7 })).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('onAttempt', () => {
  it('should report every attempt with its status and no header or body', async () => {
    const { start, SEED_TOKENS } = await import('@glkeys/gitlab-sim');
    const sim = await start();
    try {
      const events: unknown[] = [];
      sim.setFaults([{ route: 'GET /projects/:id/deploy_tokens', kind: 'status', status: 503, count: 1 }]);
      const client = createGitlabClient({
        host: sim.url,
        token: SEED_TOKENS.owner,
        retry: { baseDelayMs: 1 },
        onAttempt: (event) => events.push(event),
      });
      await client.request('GET', 'projects/platform%2Fapps%2Fweb/deploy_tokens');
      expect(events).toEqual([
        { request: { method: 'GET', path: 'projects/platform%2Fapps%2Fweb/deploy_tokens' }, status: 503, durationMs: expect.any(Number) },
        { request: { method: 'GET', path: 'projects/platform%2Fapps%2Fweb/deploy_tokens' }, status: 200, durationMs: expect.any(Number) },
      ]);
      expect(JSON.stringify(events)).not.toContain(SEED_TOKENS.owner);
    } finally {
      await sim.close();
    }
  });
});
