import { afterEach, describe, expect, it } from 'vitest';
import { createNodeFetch } from '../src/gitlab/node-fetch.js';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const serve = async (...args: Parameters<typeof startScriptedServer>) => {
  const server = await startScriptedServer(...args);
  servers.push(server);
  return server;
};
const fetchOverNode = createNodeFetch();

describe('the node:http fetch under ky', () => {
  it('should follow a 301 for a GET, keeping the token on the same origin', async () => {
    const server = await serve([
      { status: 301, headers: { location: '/api/v4/projects/7' } },
      { status: 200, body: { id: 7 } },
    ]);
    const response = await fetchOverNode(`${server.url}/api/v4/projects/old%2Fpath`, { headers: { 'private-token': 't' } });
    expect(await response.json()).toEqual({ id: 7 });
    expect(server.received.map((r) => r.url)).toEqual(['/api/v4/projects/old%2Fpath', '/api/v4/projects/7']);
    expect(server.received[1]!.headers['private-token']).toBe('t');
  });

  it('should turn a POST answered 303 into a GET without a body, as fetch does', async () => {
    const server = await serve([
      { status: 303, headers: { location: '/done' } },
      { status: 200, body: {} },
    ]);
    await fetchOverNode(`${server.url}/create`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(server.received.map((r) => [r.method, r.body])).toEqual([
      ['POST', '{"a":1}'],
      ['GET', ''],
    ]);
  });

  it('should drop credentials when a redirect leaves the origin', async () => {
    const other = await serve([{ status: 200, body: {} }]);
    const server = await serve([{ status: 302, headers: { location: `${other.url}/elsewhere` } }]);
    await fetchOverNode(`${server.url}/x`, { headers: { 'private-token': 'secret', authorization: 'Bearer secret' } });
    expect(other.received[0]!.headers['private-token']).toBeUndefined();
    expect(other.received[0]!.headers.authorization).toBeUndefined();
  });

  it('should return the redirect itself with redirect: manual, and give up after 20 hops', async () => {
    const server = await serve([{ status: 301, headers: { location: '/b' } }]);
    expect((await fetchOverNode(`${server.url}/a`, { redirect: 'manual' })).status).toBe(301);
    const loop = await serve(Array.from({ length: 25 }, () => ({ status: 302, headers: { location: '/again' } })));
    await expect(fetchOverNode(`${loop.url}/again`)).rejects.toThrow(/redirect not followed/);
  });

  it('should give 204 a null body and keep repeated headers', async () => {
    const server = await serve([{ status: 204, headers: { link: '<a>; rel="next"' } }]);
    const response = await fetchOverNode(`${server.url}/x`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect(response.headers.get('link')).toBe('<a>; rel="next"');
  });

  it('should abort a hanging request when the signal fires', async () => {
    const server = await serve([{ hang: true }]);
    const controller = new AbortController();
    const pending = fetchOverNode(`${server.url}/x`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('timed out')), 50);
    await expect(pending).rejects.toThrow('timed out');
  });
});
