import { describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS } from '../src/index.js';
import { call, enc, useSim } from './helpers.js';

describe('authentication and scopes', () => {
  const h = useSim();
  const project = enc(SEED_PATHS.project);

  it('answers 401 {"message":"401 Unauthorized"} without a token on /user', async () => {
    const r = await call(h.sim, 'GET', '/user');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: '401 Unauthorized' });
  });

  it('answers 401 for an unknown token, even on routes that allow anonymous access', async () => {
    const r = await call(h.sim, 'GET', `/projects/${enc(SEED_PATHS.publicProject)}`, { token: 'glpat-nope' });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: '401 Unauthorized' });
  });

  it('accepts PRIVATE-TOKEN, Authorization: Bearer and ?private_token=', async () => {
    const viaHeader = await call(h.sim, 'GET', '/user', { token: SEED_TOKENS.owner });
    const viaBearer = await call(h.sim, 'GET', '/user', { headers: { Authorization: `Bearer ${SEED_TOKENS.owner}` } });
    const viaQuery = await call(h.sim, 'GET', `/user?private_token=${SEED_TOKENS.owner}`);
    for (const r of [viaHeader, viaBearer, viaQuery]) {
      expect(r.status).toBe(200);
      expect(r.body.username).toBe('alice');
    }
  });

  it('answers 401 invalid_token "Token has expired." for an expired PAT', async () => {
    const r = await call(h.sim, 'GET', '/user', { token: SEED_TOKENS.expired });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'invalid_token', error_description: 'Token has expired.' });
    expect(r.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('answers 401 invalid_token for a revoked PAT', async () => {
    const r = await call(h.sim, 'GET', '/user', { token: SEED_TOKENS.revoked });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      error: 'invalid_token',
      error_description: 'Token was revoked. You have to re-authorize from the user.',
    });
  });

  it('lets a read_api PAT read but answers 403 insufficient_scope on a write', async () => {
    const read = await call(h.sim, 'GET', `/projects/${project}/deploy_tokens`, { token: SEED_TOKENS.readApi });
    expect(read.status).toBe(200);
    const write = await call(h.sim, 'POST', `/projects/${project}/deploy_tokens`, {
      token: SEED_TOKENS.readApi,
      body: { name: 'x', scopes: ['read_repository'] },
    });
    expect(write.status).toBe(403);
    expect(write.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: 'api',
    });
    expect(h.sim.state.deployTokens(SEED_PATHS.project)).toHaveLength(0);
  });

  it('answers 403 insufficient_scope with "api read_api" for a read with a read_user-only PAT', async () => {
    const { start } = await import('../src/index.js');
    const sim = await start({ seed: { users: [{ username: 'u', tokens: [{ token: 't-user', scopes: ['read_user'] }] }] } });
    try {
      const user = await call(sim, 'GET', '/user', { token: 't-user' });
      expect(user.status).toBe(200);
      const ns = await call(sim, 'GET', '/namespaces/u', { token: 't-user' });
      expect(ns.status).toBe(403);
      expect(ns.body.error).toBe('insufficient_scope');
      expect(ns.body.scope).toBe('api read_api');
    } finally {
      await sim.close();
    }
  });

  it('GET /personal_access_tokens/self describes the calling token', async () => {
    const r = await call(h.sim, 'GET', '/personal_access_tokens/self', { token: SEED_TOKENS.readApi });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'read-only', scopes: ['read_api'], revoked: false, active: true, expires_at: null });
    for (const f of ['id', 'name', 'revoked', 'created_at', 'scopes', 'user_id', 'last_used_at', 'active', 'expires_at']) {
      expect(r.body).toHaveProperty(f);
    }
    expect(JSON.stringify(r.body)).not.toContain(SEED_TOKENS.readApi);
  });

  it('matches no route for an unencoded path: 404 {"error":"404 Not Found"}', async () => {
    const r = await call(h.sim, 'GET', `/projects/${SEED_PATHS.project}`, { token: SEED_TOKENS.owner });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: '404 Not Found' });
  });

  it('answers 405 for a known path with an unsupported method', async () => {
    const r = await call(h.sim, 'PATCH', `/projects/${project}/deploy_tokens`, { token: SEED_TOKENS.owner });
    expect(r.status).toBe(405);
  });

  it('GET /version answers for an authenticated caller', async () => {
    const r = await call(h.sim, 'GET', '/version', { token: SEED_TOKENS.developer });
    expect(r.status).toBe(200);
    expect(typeof r.body.version).toBe('string');
  });

  it('never writes a token from the query string into the request log', async () => {
    await call(h.sim, 'GET', `/user?private_token=${SEED_TOKENS.owner}`);
    expect(JSON.stringify(h.sim.log.entries())).not.toContain(SEED_TOKENS.owner);
  });
});
