import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS } from '../src/index.js';
import { call, enc, useSim } from './helpers.js';
import { KeyDir, builtKeys } from './ssh-keys.js';

// API_Entities_DeployKeysProject (list/get/create) and API_Entities_DeployKey (update/enable)
// from GitLab's OpenAPI subset; projects_with_* are only exposed by the admin /deploy_keys API.
const KEY_FIELDS = ['id', 'title', 'created_at', 'expires_at', 'last_used_at', 'key', 'usage_type', 'fingerprint', 'fingerprint_sha256'];

describe('project deploy keys', () => {
  const h = useSim();
  const keys = new KeyDir();
  const web = `/projects/${enc(SEED_PATHS.project)}/deploy_keys`;
  const api = `/projects/${enc(SEED_PATHS.otherProject)}/deploy_keys`;
  const add = (base: string, body: unknown, token: string = SEED_TOKENS.maintainer) => call(h.sim, 'POST', base, { token, body });
  let generated: Record<string, string> = {};

  beforeAll(() => {
    generated = {
      ed25519: keys.generate('ed25519'),
      'ecdsa-256': keys.generate('ecdsa', 256),
      'ecdsa-384': keys.generate('ecdsa', 384),
      'ecdsa-521': keys.generate('ecdsa', 521),
      'rsa-1024': keys.generate('rsa', 1024),
      'rsa-2048': keys.generate('rsa', 2048),
      'rsa-4096': keys.generate('rsa', 4096),
      'sk-ed25519': builtKeys.skEd25519(),
      'sk-ecdsa': builtKeys.skEcdsa(),
    };
  });
  afterAll(() => keys.remove());

  it('accepts every allowed type with fingerprints identical to ssh-keygen -l -E sha256 / -E md5', async () => {
    for (const [name, line] of Object.entries(generated)) {
      const r = await add(web, { title: `key ${name}`, key: line, can_push: name === 'ed25519' });
      expect(r.status, name).toBe(201);
      expect(r.body.fingerprint_sha256, name).toBe(keys.fingerprint(line, 'sha256'));
      expect(`MD5:${r.body.fingerprint}`, name).toBe(keys.fingerprint(line, 'md5'));
      expect(r.body.can_push).toBe(name === 'ed25519');
      for (const f of [...KEY_FIELDS, 'can_push']) expect(r.body, `${name} ${f}`).toHaveProperty(f);
      expect(r.body.key).toBe(line);
    }
    const list = await call(h.sim, 'GET', `${web}?per_page=100`, { token: SEED_TOKENS.maintainer });
    expect(list.body).toHaveLength(Object.keys(generated).length);
    expect(list.headers.get('x-total')).toBe(String(Object.keys(generated).length));
  });

  it.each([
    ['DSA', () => builtKeys.dsa(), { 'deploy_key.key': ['type is forbidden. Must be RSA, ECDSA, ED25519, ECDSA_SK, or ED25519_SK'] }],
    ['RSA 768', () => builtKeys.rsa(768), { 'deploy_key.key': ['must be at least 1024 bits'] }],
    [
      'garbage',
      () => 'ssh-ed25519 AAAAnotakey',
      {
        'deploy_key.key': ['type is forbidden. Must be RSA, ECDSA, ED25519, ECDSA_SK, or ED25519_SK'],
        'deploy_key.fingerprint_sha256': ['cannot be generated'],
      },
    ],
    [
      'a private key',
      () => '-----BEGIN OPENSSH PRIVATE KEY-----',
      {
        'deploy_key.key': ['type is forbidden. Must be RSA, ECDSA, ED25519, ECDSA_SK, or ED25519_SK'],
        'deploy_key.fingerprint_sha256': ['cannot be generated'],
      },
    ],
  ])('refuses %s with 400 and GitLab field errors', async (_name, make, expected) => {
    const r = await add(web, { title: 'bad', key: make() });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ message: expected });
  });

  it('refuses missing params, an over-long title and an over-long key', async () => {
    const missing = await add(web, {});
    expect(missing.body).toEqual({ error: 'key is missing, title is missing' });
    const longTitle = await add(web, { title: 't'.repeat(256), key: keys.generate('ed25519') });
    expect(longTitle.body.message['deploy_key.title']).toEqual(['is too long (maximum is 255 characters)']);
    const longKey = await add(web, { title: 't', key: `${keys.generate('ed25519')} ${'c'.repeat(5000)}` });
    expect(longKey.body.message['deploy_key.key']).toContain('is too long (maximum is 5000 characters)');
  });

  it('posting the same key text again returns the existing record with 201; another comment is a new key, refused by fingerprint', async () => {
    const line = keys.generate('ed25519');
    const first = await add(web, { title: 'dup', key: line });
    const again = await add(web, { title: 'other title', key: `  ${line}\n` });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.title).toBe('dup');
    // GitLab looks keys up by their exact text, so the same blob with another comment is not found.
    const recommented = await add(web, { title: 'other', key: `${line.split(' ').slice(0, 2).join(' ')} different-comment` });
    expect(recommented.status).toBe(400);
    expect(recommented.body).toEqual({ message: { 'deploy_key.fingerprint_sha256': ['has already been taken'] } });
    expect(
      h.sim.state
        .deployKeys(SEED_PATHS.project)
        .filter((k) => k.fingerprintSha256 === h.sim.state.deployKeyTable.get(first.body.id)!.fingerprintSha256),
    ).toHaveLength(1);
  });

  it('refuses a past expires_at with 400 deploy_key.key has expired, and creates nothing', async () => {
    const before = h.sim.state.deployKeyTable.size;
    const r = await add(web, { title: 'old', key: keys.generate('ed25519'), expires_at: '2020-01-01T00:00:00Z' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ message: { 'deploy_key.key': ['has expired'] } });
    expect(h.sim.state.deployKeyTable.size).toBe(before);
  });

  it('a key on another project the caller maintains is shared, not duplicated', async () => {
    const line = keys.generate('ed25519');
    const first = await add(web, { title: 'shared', key: line });
    const second = await add(api, { title: 'shared', key: line, can_push: true });
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.can_push).toBe(true);
  });

  it('a key registered where the caller has no access -> 400 fingerprint_sha256 has already been taken', async () => {
    const line = keys.generate('ed25519');
    expect((await add(web, { title: 'bob', key: line })).status).toBe(201);
    // carol owns no project where the key lives, so she may not reuse it.
    const carolProject = await call(h.sim, 'POST', '/projects', { token: SEED_TOKENS.developer, body: { path: 'keys' } });
    const r = await add(`/projects/${carolProject.body.id}/deploy_keys`, { title: 'steal', key: line }, SEED_TOKENS.developer);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ message: { 'deploy_key.fingerprint_sha256': ['has already been taken'] } });
  });

  it('GET one, PUT title/can_push, enable on another project, DELETE removes the key when unused', async () => {
    const line = keys.generate('ecdsa', 384);
    const created = await add(web, { title: 'lifecycle', key: line, expires_at: '2999-12-31' });
    expect(created.body.expires_at).toBe('2999-12-31T00:00:00.000Z');
    const id = created.body.id;
    const get = await call(h.sim, 'GET', `${web}/${id}`, { token: SEED_TOKENS.maintainer });
    expect(get.body).toMatchObject({ id, title: 'lifecycle', can_push: false });
    const put = await call(h.sim, 'PUT', `${web}/${id}`, { token: SEED_TOKENS.maintainer, body: { title: 'renamed', can_push: true } });
    expect(put.status).toBe(200);
    expect(put.body.title).toBe('renamed');
    for (const f of KEY_FIELDS) expect(put.body).toHaveProperty(f);
    // The answer is the join row (Entities::DeployKeysProject), with can_push.
    expect(put.body.can_push).toBe(true);
    expect((await call(h.sim, 'GET', `${web}/${id}`, { token: SEED_TOKENS.maintainer })).body.can_push).toBe(true);
    const emptyPut = await call(h.sim, 'PUT', `${web}/${id}`, { token: SEED_TOKENS.maintainer, body: {} });
    expect(emptyPut.status).toBe(400);

    const enable = await call(h.sim, 'POST', `${api}/${id}/enable`, { token: SEED_TOKENS.maintainer });
    expect(enable.status).toBe(201);
    expect(enable.body.id).toBe(id);
    expect(h.sim.state.deployKeys(SEED_PATHS.otherProject).map((k) => k.id)).toContain(id);

    expect((await call(h.sim, 'DELETE', `${web}/${id}`, { token: SEED_TOKENS.maintainer })).status).toBe(204);
    expect((await call(h.sim, 'GET', `${web}/${id}`, { token: SEED_TOKENS.maintainer })).status).toBe(404);
    expect(h.sim.state.deployKeyTable.has(id)).toBe(true); // still used by the other project
    expect((await call(h.sim, 'DELETE', `${api}/${id}`, { token: SEED_TOKENS.maintainer })).status).toBe(204);
    expect(h.sim.state.deployKeyTable.has(id)).toBe(false);
    const again = await call(h.sim, 'DELETE', `${api}/${id}`, { token: SEED_TOKENS.maintainer });
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ message: '404 Deploy key Not Found' });
    // GET and PUT find the join row with find_by!, so their 404 is the generic one.
    expect((await call(h.sim, 'GET', `${api}/${id}`, { token: SEED_TOKENS.maintainer })).body).toEqual({ message: '404 Not found' });
  });

  it('enable of an unknown or unreachable key is 404 Deploy key Not Found', async () => {
    const r = await call(h.sim, 'POST', `${api}/999999/enable`, { token: SEED_TOKENS.maintainer });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: '404 Deploy key Not Found' });
  });

  it('Developer gets 403, outsider 404', async () => {
    expect((await call(h.sim, 'GET', web, { token: SEED_TOKENS.developer })).status).toBe(403);
    const dev = await add(web, { title: 'x', key: keys.generate('ed25519') }, SEED_TOKENS.developer);
    expect(dev.status).toBe(403);
    expect((await call(h.sim, 'GET', web, { token: SEED_TOKENS.outsider })).status).toBe(404);
  });
});
