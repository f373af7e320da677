import { describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS } from '../src/index.js';
import { call, enc, useSim } from './helpers.js';

// API_Entities_Ci_Variable in GitLab's OpenAPI subset.
const VARIABLE_FIELDS = ['variable_type', 'key', 'value', 'hidden', 'protected', 'masked', 'raw', 'environment_scope', 'description'];

describe('project CI/CD variables', () => {
  const h = useSim();
  const base = `/projects/${enc(SEED_PATHS.project)}/variables`;
  const post = (body: unknown, token: string = SEED_TOKENS.maintainer) => call(h.sim, 'POST', base, { token, body });

  it('creates with defaults and reads back with every GitLab field', async () => {
    const r = await post({ key: 'DEPLOY_USER', value: 'gitlab+deploy-token-1' });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body).sort()).toEqual([...VARIABLE_FIELDS].sort());
    expect(r.body).toMatchObject({
      variable_type: 'env_var',
      protected: false,
      masked: false,
      raw: false,
      environment_scope: '*',
      hidden: false,
    });
    const get = await call(h.sim, 'GET', `${base}/DEPLOY_USER`, { token: SEED_TOKENS.maintainer });
    expect(get.body.value).toBe('gitlab+deploy-token-1');
    const list = await call(h.sim, 'GET', base, { token: SEED_TOKENS.maintainer });
    expect(list.headers.get('x-total')).toBe('1');
  });

  it("masked values must match GitLab's mask rule; hidden values are never returned", async () => {
    const ok = await post({ key: 'DEPLOY_PASSWORD', value: 'gldt-abcdefghij0123456789', masked: true, protected: true });
    expect(ok.status).toBe(201);
    expect(ok.body.masked).toBe(true);
    const short = await post({ key: 'SHORT', value: 'abc', masked: true });
    expect(short.status).toBe(400);
    expect(short.body).toEqual({ message: { value: ['is invalid'] } });
    const spaces = await post({ key: 'SPACES', value: 'has spaces in it', masked: true });
    expect(spaces.body).toEqual({ message: { value: ['is invalid'] } });
    const hidden = await post({ key: 'HIDDEN', value: 'supersecretvalue', masked_and_hidden: true });
    expect(hidden.body).toMatchObject({ hidden: true, masked: true, value: null });
    expect((await call(h.sim, 'GET', `${base}/HIDDEN`, { token: SEED_TOKENS.maintainer })).body.value).toBeNull();
  });

  it('keys: letters, digits and _ only, ≤255; duplicate key+scope refused, other scope allowed', async () => {
    const bad = await post({ key: 'BAD-KEY', value: 'v' });
    expect(bad.body).toEqual({ message: { key: ["can contain only letters, digits and '_'."] } });
    const long = await post({ key: 'K'.repeat(256), value: 'v' });
    expect(long.body.message.key).toContain('is too long (maximum is 255 characters)');
    const missing = await post({});
    expect(missing.body).toEqual({ error: 'key is missing, value is missing' });
    const type = await post({ key: 'T', value: 'v', variable_type: 'secret' });
    expect(type.body).toEqual({ error: 'variable_type does not have a valid value' });

    expect((await post({ key: 'KUBECONFIG', value: 'a', variable_type: 'file' })).status).toBe(201);
    const dup = await post({ key: 'KUBECONFIG', value: 'b' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({ message: { key: ['(KUBECONFIG) has already been taken'] } });
    expect((await post({ key: 'KUBECONFIG', value: 'c', environment_scope: 'production' })).status).toBe(201);
    const ambiguous = await call(h.sim, 'GET', `${base}/KUBECONFIG`, { token: SEED_TOKENS.maintainer });
    expect(ambiguous.status).toBe(409);
    const scoped = await call(h.sim, 'GET', `${base}/KUBECONFIG?filter[environment_scope]=production`, { token: SEED_TOKENS.maintainer });
    expect(scoped.body.value).toBe('c');
  });

  it('PUT updates value and flags; DELETE answers 204 then 404 "404 Variable Not Found"', async () => {
    await post({ key: 'ROTATE_ME', value: 'old' });
    const put = await call(h.sim, 'PUT', `${base}/ROTATE_ME`, {
      token: SEED_TOKENS.maintainer,
      body: { value: 'new-value-123', masked: true },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ value: 'new-value-123', masked: true });
    const badPut = await call(h.sim, 'PUT', `${base}/ROTATE_ME`, { token: SEED_TOKENS.maintainer, body: { value: 'x y' } });
    expect(badPut.body).toEqual({ message: { value: ['is invalid'] } });
    expect(h.sim.state.variables(SEED_PATHS.project).find((v) => v.key === 'ROTATE_ME')?.value).toBe('new-value-123');
    expect((await call(h.sim, 'DELETE', `${base}/ROTATE_ME`, { token: SEED_TOKENS.maintainer })).status).toBe(204);
    const gone = await call(h.sim, 'GET', `${base}/ROTATE_ME`, { token: SEED_TOKENS.maintainer });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ message: '404 Variable Not Found' });
  });

  it('Developer gets 403, outsider 404', async () => {
    expect((await post({ key: 'X', value: 'y' }, SEED_TOKENS.developer)).status).toBe(403);
    expect((await call(h.sim, 'GET', base, { token: SEED_TOKENS.outsider })).status).toBe(404);
  });
});
