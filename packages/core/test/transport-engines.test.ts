/**
 * The retrying transport behaves the same over both engines: ky (the SDK client's) and plain
 * node:http (the lean reader's, which the CLI's fast path uses). Same retries, waits,
 * timeouts, typed errors, CA handling and secrecy; only the bytes move differently.
 */
import { createTestCertificates } from '@glkeys/gitlab-sim';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GitlabServerError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnauthorizedError,
  type TransportOptions,
} from '../src/index.js';
import { createNodeTransport } from '../src/gitlab/node-engine.js';
import { createTransport } from '../src/gitlab/ky-engine.js';
import { startScriptedServer, type ScriptedServer, type Step } from './support/scripted-server.js';

const SECRET = 'glpat-engine-test-secret-0002';
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each([
  ['ky', createTransport],
  ['node', createNodeTransport],
] as const)('the %s engine', (_name, create) => {
  async function transportFor(steps: Step[], extra: TransportOptions = {}) {
    server = await startScriptedServer(steps);
    const waits: number[] = [];
    const send = create({ timeoutMs: 2_000, sleep: async (ms) => void waits.push(ms), random: () => 0.5, ...extra });
    const call = (method: string, path = 'projects/7/deploy_tokens', body?: string) =>
      send({
        method,
        url: `${server!.url}/api/v4/${path}`,
        path,
        headers: { 'private-token': SECRET, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
      });
    return { call, waits, server };
  }

  it('should return status, lower-case headers and the parsed JSON body', async () => {
    const { call, server } = await transportFor([{ status: 200, body: [{ id: 1 }], headers: { 'X-Next-Page': '2' } }]);
    const response = await call('GET');
    expect(response).toMatchObject({ status: 200, body: [{ id: 1 }] });
    expect(response.headers['x-next-page']).toBe('2');
    expect(server.received[0]!.headers['private-token']).toBe(SECRET);
    expect(server.received[0]!.headers['user-agent']).toBe('glkeys');
  });

  it('should send a JSON body with its length', async () => {
    const { call, server } = await transportFor([{ status: 201, body: { id: 2 } }]);
    await call('POST', 'projects/7/deploy_tokens', JSON.stringify({ name: 'n' }));
    expect(server.received[0]!.body).toBe('{"name":"n"}');
    expect(server.received[0]!.headers['content-length']).toBe('12');
  });

  it('should retry a GET on 502, 503, 504 and a reset, with the backoff waits', async () => {
    const { call, server, waits } = await transportFor(
      [{ status: 502 }, { status: 503 }, { reset: true }, { status: 504 }, { status: 200, body: [] }],
      {
        retry: { baseDelayMs: 100, maxDelayMs: 300 },
      },
    );
    await expect(call('GET')).resolves.toMatchObject({ status: 200 });
    expect(server.received).toHaveLength(5);
    expect(waits).toEqual([50, 100, 150, 150]);
  });

  it('should wait what Retry-After asks on 429', async () => {
    const { call, waits } = await transportFor([
      { status: 429, body: 'Retry later', headers: { 'retry-after': '3' } },
      { status: 200, body: [] },
    ]);
    await call('GET');
    expect(waits).toEqual([3_125]);
  });

  it('should not retry a POST after 502 or a reset', async () => {
    for (const step of [{ status: 502 }, { reset: true } as const]) {
      const { call, server: s } = await transportFor([step, { status: 201, body: {} }]);
      await expect(call('POST', 'projects/7/deploy_tokens', '{}')).rejects.toSatisfy(
        (e: unknown) => e instanceof GitlabServerError || e instanceof NetworkError,
      );
      expect(s.received).toHaveLength(1);
      await s.close();
      server = undefined;
    }
  });

  it('should time out a hanging POST with the outcome unknown, and retry a hanging GET', async () => {
    const post = await transportFor([{ hang: true }], { timeoutMs: 200 });
    const error = await post.call('POST', 'projects/7/deploy_tokens', '{}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).outcomeUnknown).toBe(true);
    await server!.close();
    const get = await transportFor([{ hang: true }, { status: 200, body: [] }], { timeoutMs: 200 });
    await expect(get.call('GET')).resolves.toMatchObject({ status: 200 });
    expect(get.server.received).toHaveLength(2);
  });

  it('should give up with typed errors', async () => {
    const { call } = await transportFor([
      { status: 401, body: { message: '401 Unauthorized' } },
      { status: 404, body: { message: '404 Project Not Found' } },
      { status: 429, headers: { 'retry-after': '3600' } },
    ]);
    await expect(call('GET')).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(call('GET')).rejects.toThrow(/404 Project Not Found/);
    await expect(call('GET')).rejects.toBeInstanceOf(RateLimitedError);
    const refused = create({ sleep: async () => undefined, retry: { limit: 1 } });
    await expect(refused({ method: 'GET', url: 'http://127.0.0.1:1/api/v4/x', path: 'x', headers: {} })).rejects.toBeInstanceOf(
      NetworkError,
    );
  });

  it('should follow a 301 for a moved project and drop the token on a cross-origin redirect', async () => {
    const other = await startScriptedServer([{ status: 200, body: [] }]);
    try {
      const { call, server } = await transportFor([
        { status: 301, headers: { location: '/api/v4/projects/8/deploy_tokens' } },
        { status: 302, headers: { location: `${other.url}/elsewhere` } },
      ]);
      await expect(call('GET')).resolves.toMatchObject({ status: 200 });
      expect(server.received.map((r) => r.url)).toEqual(['/api/v4/projects/7/deploy_tokens', '/api/v4/projects/8/deploy_tokens']);
      expect(server.received[1]!.headers['private-token']).toBe(SECRET);
      expect(other.received[0]!.headers['private-token']).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('should trust a private CA when given and refuse the server without it', async () => {
    const certs = createTestCertificates();
    server = await startScriptedServer([{ status: 200, body: [] }], { key: certs.key, cert: certs.cert });
    const request = { method: 'GET', url: `${server.url}/api/v4/x`, path: 'x', headers: {} };
    await expect(create({ ca: certs.caCert })(request)).resolves.toMatchObject({ status: 200 });
    await expect(create({ retry: { limit: 0 } })(request)).rejects.toBeInstanceOf(NetworkError);
  });

  it('should never put the token into an error, its cause or its JSON', async () => {
    const { call } = await transportFor([{ status: 401, body: { message: 'no' } }, { reset: true }, { reset: true }], {
      retry: { limit: 1 },
      timeoutMs: 150,
    });
    for (const failure of [await call('GET').catch((e: unknown) => e), await call('GET').catch((e: unknown) => e)]) {
      const text = [String(failure), (failure as Error).stack, JSON.stringify(failure), String((failure as Error).cause)].join('\n');
      expect(text).not.toContain(SECRET);
    }
  });
});

it('the node engine refuses a non-string body before sending anything', async () => {
  server = await startScriptedServer([{ status: 200, body: [] }]);
  const send = createNodeTransport();
  await expect(send({ method: 'POST', url: `${server.url}/x`, path: 'x', headers: {}, body: new FormData() })).rejects.toThrow(
    /string bodies only/,
  );
  expect(server.received).toHaveLength(0);
});

it('NotFoundError stays the type for 404 on both engines (unlessNotFound relies on it)', async () => {
  for (const create of [createTransport, createNodeTransport]) {
    server = await startScriptedServer([{ status: 404, body: { message: '404 Not found' } }]);
    await expect(create()({ method: 'GET', url: `${server.url}/x`, path: 'x', headers: {} })).rejects.toBeInstanceOf(NotFoundError);
    await server.close();
    server = undefined;
  }
});
