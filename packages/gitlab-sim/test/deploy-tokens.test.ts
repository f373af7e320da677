import { describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS, start } from '../src/index.js';
import { call, enc, useSim } from './helpers.js';

// API_Entities_DeployToken / DeployTokenWithToken in GitLab's OpenAPI subset.
const TOKEN_FIELDS = ['id', 'name', 'username', 'expires_at', 'scopes', 'revoked', 'expired'];
const PROJECT_SCOPES = [
  'read_repository',
  'read_registry',
  'write_registry',
  'read_package_registry',
  'write_package_registry',
  'read_virtual_registry',
  'write_virtual_registry',
];

describe('project deploy tokens', () => {
  const h = useSim();
  const base = `/projects/${enc(SEED_PATHS.project)}/deploy_tokens`;
  const create = (body: unknown, token: string = SEED_TOKENS.maintainer) => call(h.sim, 'POST', base, { token, body });

  it('creates a token: 201, gldt- value once, default username gitlab+deploy-token-{id}, expires_at null', async () => {
    const r = await create({ name: 'ci', scopes: ['read_repository', 'read_registry'] });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body).sort()).toEqual([...TOKEN_FIELDS, 'token'].sort());
    expect(r.body.token).toMatch(/^gldt-[A-Za-z0-9_-]{20}$/);
    expect(r.body.username).toBe(`gitlab+deploy-token-${r.body.id}`);
    expect(r.body).toMatchObject({ expires_at: null, revoked: false, expired: false });
    const get = await call(h.sim, 'GET', `${base}/${r.body.id}`, { token: SEED_TOKENS.maintainer });
    expect(Object.keys(get.body).sort()).toEqual([...TOKEN_FIELDS].sort());
    expect(get.text).not.toContain(r.body.token);
    const list = await call(h.sim, 'GET', base, { token: SEED_TOKENS.maintainer });
    expect(list.text).not.toContain(r.body.token);
  });

  it('accepts all 7 project scopes, a custom username, an ISO expiry and a past date (born expired)', async () => {
    const r = await create({ name: 'all', scopes: PROJECT_SCOPES, username: 'flux.bot+1_x-y', expires_at: '2999-01-02T03:04:05Z' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ username: 'flux.bot+1_x-y', expires_at: '2999-01-02T03:04:05.000Z', expired: false });
    const past = await create({ name: 'old', scopes: ['read_repository'], expires_at: '2020-01-01' });
    expect(past.status).toBe(201);
    expect(past.body.expired).toBe(true);
  });

  it('accepts form-encoded bodies with scopes[] like curl sends', async () => {
    const r = await call(h.sim, 'POST', base, {
      token: SEED_TOKENS.maintainer,
      body: 'name=form&scopes[]=read_repository&scopes[]=read_registry',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(201);
    expect(r.body.scopes).toEqual(['read_repository', 'read_registry']);
  });

  it.each([
    [{ scopes: ['read_repository'] }, { error: 'name is missing' }],
    [{ name: 'x' }, { error: 'scopes is missing' }],
    [{}, { error: 'name is missing, scopes is missing' }],
    [{ name: 'x', scopes: ['api'] }, { error: 'scopes does not have a valid value' }],
    [{ name: 'x', scopes: [] }, { message: "Scopes can't be blank" }],
    [{ name: 'x', scopes: ['read_repository'], expires_at: 'tomorrow' }, { error: 'expires_at is invalid' }],
    [{ name: 'x'.repeat(256), scopes: ['read_repository'] }, { message: 'Name is too long (maximum is 255 characters)' }],
    [
      { name: 'x', scopes: ['read_repository'], username: 'has space' },
      { message: "Username can contain only letters, digits, '_', '-', '+', and '.'" },
    ],
    [
      { name: 'x', scopes: ['read_repository'], username: 'u'.repeat(256) },
      { message: 'Username is too long (maximum is 255 characters)' },
    ],
  ])('refuses %j with 400 %j and creates nothing', async (body, expected) => {
    const before = h.sim.state.deployTokens(SEED_PATHS.project).length;
    const r = await create(body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(expected);
    expect(h.sim.state.deployTokens(SEED_PATHS.project)).toHaveLength(before);
  });

  it('role matrix: Maintainer+ may manage, Developer 403, outsider/anonymous 404/401', async () => {
    for (const t of [SEED_TOKENS.owner, SEED_TOKENS.admin, SEED_TOKENS.maintainer]) {
      expect((await call(h.sim, 'GET', base, { token: t })).status).toBe(200);
    }
    const dev = await create({ name: 'x', scopes: ['read_repository'] }, SEED_TOKENS.developer);
    expect(dev.status).toBe(403);
    expect(dev.body).toEqual({ message: '403 Forbidden' });
    expect((await call(h.sim, 'GET', base, { token: SEED_TOKENS.developer })).status).toBe(403);
    const outsider = await call(h.sim, 'GET', base, { token: SEED_TOKENS.outsider });
    expect(outsider.status).toBe(404);
    expect(outsider.body).toEqual({ message: '404 Project Not Found' });
    expect((await call(h.sim, 'GET', base)).status).toBe(401);
  });

  it('DELETE destroys the token: 204, then GET 404 "404 Not found", gone from the list, second DELETE 404', async () => {
    const r = await create({ name: 'doomed', scopes: ['read_repository'] });
    const del = await call(h.sim, 'DELETE', `${base}/${r.body.id}`, { token: SEED_TOKENS.maintainer });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const get = await call(h.sim, 'GET', `${base}/${r.body.id}`, { token: SEED_TOKENS.maintainer });
    expect(get.status).toBe(404);
    expect(get.body).toEqual({ message: '404 Not found' });
    const list = await call(h.sim, 'GET', `${base}?per_page=100`, { token: SEED_TOKENS.maintainer });
    expect(list.body.map((t: { id: number }) => t.id)).not.toContain(r.body.id);
    expect((await call(h.sim, 'DELETE', `${base}/${r.body.id}`, { token: SEED_TOKENS.maintainer })).status).toBe(404);
  });

  it('a token of another project is 404 here', async () => {
    const other = await call(h.sim, 'POST', `/projects/${enc(SEED_PATHS.otherProject)}/deploy_tokens`, {
      token: SEED_TOKENS.maintainer,
      body: { name: 'other', scopes: ['read_repository'] },
    });
    expect((await call(h.sim, 'GET', `${base}/${other.body.id}`, { token: SEED_TOKENS.maintainer })).status).toBe(404);
  });

  it('?active=true hides revoked (UI revoke) and expired tokens; the full list shows revoked: true', async () => {
    const r = await create({ name: 'revoke-me', scopes: ['read_repository'] });
    expect(h.sim.state.revokeDeployToken(r.body.id)).toBe(true);
    const all = await call(h.sim, 'GET', `${base}?per_page=100`, { token: SEED_TOKENS.maintainer });
    expect(all.body.find((t: { id: number }) => t.id === r.body.id)).toMatchObject({ revoked: true });
    const active = await call(h.sim, 'GET', `${base}?active=true&per_page=100`, { token: SEED_TOKENS.maintainer });
    const ids = active.body.map((t: { id: number }) => t.id);
    expect(ids).not.toContain(r.body.id);
    expect(active.body.every((t: { revoked: boolean; expired: boolean }) => !t.revoked && !t.expired)).toBe(true);
    const single = await call(h.sim, 'GET', `${base}/${r.body.id}`, { token: SEED_TOKENS.maintainer });
    expect(single.body.revoked).toBe(true);
  });
});

describe('deploy token pagination', () => {
  it('pages with X-* headers and a Link header, per_page capped at 100', async () => {
    const sim = await start();
    try {
      const base = `/projects/${enc(SEED_PATHS.project)}/deploy_tokens`;
      for (let i = 0; i < 45; i++) {
        await call(sim, 'POST', base, { token: SEED_TOKENS.owner, body: { name: `t${i}`, scopes: ['read_repository'] } });
      }
      const first = await call(sim, 'GET', base, { token: SEED_TOKENS.owner });
      expect(first.body).toHaveLength(20);
      expect(first.headers.get('x-total')).toBe('45');
      expect(first.headers.get('x-total-pages')).toBe('3');
      expect(first.headers.get('x-page')).toBe('1');
      expect(first.headers.get('x-per-page')).toBe('20');
      expect(first.headers.get('x-next-page')).toBe('2');
      expect(first.headers.get('x-prev-page')).toBe('');
      const link = first.headers.get('link') ?? '';
      expect(link).toContain(`<${sim.apiUrl}${base}?page=2&per_page=20>; rel="next"`);
      expect(link).toContain('rel="first"');
      expect(link).toContain(`page=3&per_page=20>; rel="last"`);
      expect(link).not.toContain('rel="prev"');

      const last = await call(sim, 'GET', `${base}?page=3`, { token: SEED_TOKENS.owner });
      expect(last.body).toHaveLength(5);
      expect(last.headers.get('x-next-page')).toBe('');
      expect(last.headers.get('x-prev-page')).toBe('2');
      expect(last.headers.get('link')).toContain('rel="prev"');

      // Following Link rel="next" visits every token exactly once.
      const seen: number[] = [];
      let next: string | undefined = `${sim.apiUrl}${base}?per_page=7`;
      while (next) {
        const res = await fetch(next, { headers: { 'PRIVATE-TOKEN': SEED_TOKENS.owner } });
        seen.push(...((await res.json()) as Array<{ id: number }>).map((t) => t.id));
        next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      }
      expect(new Set(seen).size).toBe(45);

      const big = await call(sim, 'GET', `${base}?per_page=1000`, { token: SEED_TOKENS.owner });
      expect(big.headers.get('x-per-page')).toBe('100');
      expect(big.body).toHaveLength(45);
    } finally {
      await sim.close();
    }
  });
});

describe('group deploy tokens', () => {
  const h = useSim();
  const base = `/groups/${enc(SEED_PATHS.subgroup)}/deploy_tokens`;

  it('Owner creates (5 group scopes), Maintainer lists and reads, only Owner deletes', async () => {
    const created = await call(h.sim, 'POST', base, {
      token: SEED_TOKENS.owner,
      body: { name: 'registry', scopes: ['read_registry', 'read_package_registry'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^gldt-/);
    const byMaintainer = await call(h.sim, 'POST', base, {
      token: SEED_TOKENS.maintainer,
      body: { name: 'x', scopes: ['read_registry'] },
    });
    expect(byMaintainer.status).toBe(403);
    const list = await call(h.sim, 'GET', base, { token: SEED_TOKENS.maintainer });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect((await call(h.sim, 'GET', `${base}/${created.body.id}`, { token: SEED_TOKENS.maintainer })).status).toBe(200);
    expect((await call(h.sim, 'GET', base, { token: SEED_TOKENS.developer })).status).toBe(403);
    expect((await call(h.sim, 'DELETE', `${base}/${created.body.id}`, { token: SEED_TOKENS.maintainer })).status).toBe(403);
    expect((await call(h.sim, 'DELETE', `${base}/${created.body.id}`, { token: SEED_TOKENS.owner })).status).toBe(204);
    expect(h.sim.state.deployTokens(SEED_PATHS.subgroup)).toHaveLength(0);
  });

  it("accepts the virtual registry scopes for groups, as GitLab's endpoint does (its prose docs list five)", async () => {
    const r = await call(h.sim, 'POST', base, {
      token: SEED_TOKENS.owner,
      body: { name: 'virtual', scopes: ['read_virtual_registry', 'write_virtual_registry'] },
    });
    expect(r.status).toBe(201);
    expect(r.body.scopes).toEqual(['read_virtual_registry', 'write_virtual_registry']);
    const bad = await call(h.sim, 'POST', base, { token: SEED_TOKENS.owner, body: { name: 'x', scopes: ['api'] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'scopes does not have a valid value' });
    await call(h.sim, 'DELETE', `${base}/${r.body.id}`, { token: SEED_TOKENS.owner });
  });

  it('hides a private group from outsiders with 404 Group Not Found', async () => {
    const r = await call(h.sim, 'GET', base, { token: SEED_TOKENS.outsider });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: '404 Group Not Found' });
  });

  it('GET /deploy_tokens lists every token for admins only', async () => {
    expect((await call(h.sim, 'GET', '/deploy_tokens', { token: SEED_TOKENS.admin })).status).toBe(200);
    expect((await call(h.sim, 'GET', '/deploy_tokens', { token: SEED_TOKENS.owner })).status).toBe(403);
  });
});

describe('Boolean parameters, coerced like Grape', () => {
  const h = useSim();
  const base = `/projects/${enc(SEED_PATHS.project)}/deploy_tokens`;

  it('reads True/yes/on/t/y and their negatives in any case; anything else is 400 "active is invalid"', async () => {
    const live = await call(h.sim, 'POST', base, { token: SEED_TOKENS.maintainer, body: { name: 'live', scopes: ['read_repository'] } });
    const gone = await call(h.sim, 'POST', base, { token: SEED_TOKENS.maintainer, body: { name: 'gone', scopes: ['read_repository'] } });
    h.sim.state.revokeDeployToken(gone.body.id);
    const ids = async (query: string, token: string = SEED_TOKENS.maintainer, path = base) => {
      const r = await call(h.sim, 'GET', `${path}?${query}&per_page=100`, { token });
      expect(r.status, query).toBe(200);
      return r.body.map((t: { id: number }) => t.id);
    };
    for (const yes of ['true', 'True', 'TRUE', '1', 't', 'T', 'yes', 'Yes', 'y', 'on', 'ON']) {
      const active = await ids(`active=${yes}`);
      expect(active, yes).toContain(live.body.id);
      expect(active, yes).not.toContain(gone.body.id);
    }
    for (const no of ['false', 'False', '0', 'f', 'no', 'NO', 'n', 'off']) expect(await ids(`active=${no}`), no).toContain(gone.body.id);
    // The instance-wide list (admins) coerces the same way.
    expect(await ids('active=True', SEED_TOKENS.admin, '/deploy_tokens')).not.toContain(gone.body.id);
    for (const path of [base, '/deploy_tokens']) {
      const r = await call(h.sim, 'GET', `${path}?active=maybe`, { token: SEED_TOKENS.admin });
      expect(r.status, path).toBe(400);
      expect(r.body).toEqual({ error: 'active is invalid' });
    }
  });
});
