import { describe, expect, it } from 'vitest';
import { SEED_TOKENS, defaultSeed, type Seed } from '../src/index.js';
import { call, enc, useSim } from './helpers.js';

// The default world plus projects whose display name differs from their path.
function seed(): Seed {
  const s = defaultSeed();
  s.groups!.push({ path: 'infra', name: 'Infra', parent: 'platform/apps' });
  s.projects!.push(
    { path: 'fleet-infra-renamed', name: 'fleet-infra', namespace: 'platform/apps', description: 'Flux' },
    { path: 'fleet-infra', name: 'Fleet Infra Old', namespace: 'platform/apps/infra' },
    { path: 'tools', name: 'Tools', namespace: 'alice', description: 'fleet helpers' },
  );
  return s;
}

const names = (body: Array<{ path_with_namespace: string }>) => body.map((p) => p.path_with_namespace).sort();

describe('GET /groups/:id/projects', () => {
  const h = useSim({ seed: seed() });
  const apps = enc('platform/apps');

  it('lists only the direct projects of the group unless include_subgroups=true', async () => {
    const direct = await call(h.sim, 'GET', `/groups/${apps}/projects`, { token: SEED_TOKENS.maintainer });
    expect(direct.status).toBe(200);
    expect(names(direct.body)).toEqual(['platform/apps/api', 'platform/apps/fleet-infra-renamed', 'platform/apps/web']);
    const deep = await call(h.sim, 'GET', `/groups/${apps}/projects?include_subgroups=true`, { token: SEED_TOKENS.maintainer });
    expect(names(deep.body)).toContain('platform/apps/infra/fleet-infra');
  });

  it('searches name, path and description case-insensitively, every word of 3+ characters', async () => {
    const byName = await call(h.sim, 'GET', `/groups/${apps}/projects?search=FLEET-INFRA`, { token: SEED_TOKENS.maintainer });
    expect(names(byName.body)).toEqual(['platform/apps/fleet-infra-renamed']);
    expect(byName.body[0]).toMatchObject({ name: 'fleet-infra', path: 'fleet-infra-renamed', namespace: { full_path: 'platform/apps' } });
    const byPath = await call(h.sim, 'GET', `/groups/${apps}/projects?search=renamed`, { token: SEED_TOKENS.maintainer });
    expect(names(byPath.body)).toEqual(['platform/apps/fleet-infra-renamed']);
    const words = await call(h.sim, 'GET', `/groups/${apps}/projects?search=${encodeURIComponent('infra fleet')}&include_subgroups=true`, {
      token: SEED_TOKENS.maintainer,
    });
    expect(names(words.body)).toEqual(['platform/apps/fleet-infra-renamed', 'platform/apps/infra/fleet-infra']);
    const none = await call(h.sim, 'GET', `/groups/${apps}/projects?search=nothing-like-it`, { token: SEED_TOKENS.maintainer });
    expect(none.body).toEqual([]);
  });

  it('matches a query shorter than 3 characters only as a whole column', async () => {
    const short = await call(h.sim, 'GET', `/groups/${apps}/projects?search=we`, { token: SEED_TOKENS.maintainer });
    expect(short.body).toEqual([]);
    const exact = await call(h.sim, 'GET', `/groups/${apps}/projects?search=API`, { token: SEED_TOKENS.maintainer });
    expect(names(exact.body)).toEqual(['platform/apps/api']);
  });

  it('orders, paginates and validates like GitLab', async () => {
    const byPath = await call(h.sim, 'GET', `/groups/${apps}/projects?order_by=path&sort=asc&per_page=2`, {
      token: SEED_TOKENS.maintainer,
    });
    expect(byPath.body.map((p: { path: string }) => p.path)).toEqual(['api', 'fleet-infra-renamed']);
    expect(byPath.headers.get('x-total')).toBe('3');
    expect(byPath.headers.get('x-next-page')).toBe('2');
    const bad = await call(h.sim, 'GET', `/groups/${apps}/projects?order_by=colour&include_subgroups=maybe`, {
      token: SEED_TOKENS.maintainer,
    });
    expect(bad.status).toBe(400);
  });

  it('hides the group from outsiders (404) and private projects from callers without access', async () => {
    const hidden = await call(h.sim, 'GET', `/groups/${apps}/projects`, { token: SEED_TOKENS.outsider });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ message: '404 Group Not Found' });
    const anonymous = await call(h.sim, 'GET', '/groups/platform/projects');
    expect(anonymous.status).toBe(404);
  });
});

describe('GET /users/:user_id/projects', () => {
  const h = useSim({ seed: seed() });

  it("lists a user's personal projects by username or ID, with search", async () => {
    const byName = await call(h.sim, 'GET', '/users/alice/projects?search=fleet', { token: SEED_TOKENS.owner });
    expect(byName.status).toBe(200);
    expect(names(byName.body)).toEqual(['alice/tools']);
    const id = (await call(h.sim, 'GET', '/users?username=alice', { token: SEED_TOKENS.owner })).body[0].id;
    const byId = await call(h.sim, 'GET', `/users/${id}/projects`, { token: SEED_TOKENS.owner });
    expect(names(byId.body)).toEqual(['alice/sandbox', 'alice/tools']);
  });

  it("shows another user's private projects to nobody else and answers 404 for an unknown user", async () => {
    const other = await call(h.sim, 'GET', '/users/alice/projects', { token: SEED_TOKENS.maintainer });
    expect(other.status).toBe(200);
    expect(other.body).toEqual([]);
    const missing = await call(h.sim, 'GET', '/users/nobody-here/projects', { token: SEED_TOKENS.owner });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: '404 User Not Found' });
  });
});
