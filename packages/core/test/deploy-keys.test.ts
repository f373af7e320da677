import { SEED_PATHS, SEED_TOKENS } from '@glkeys/gitlab-sim';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GitlabValidationError,
  ValidationError,
  createGitlabClient,
  deleteDeployKey,
  enableDeployKey,
  generateKeyPair,
  getDeployKey,
  listDeployKeys,
  parseGitlabRef,
  registerDeployKey,
  updateDeployKey,
} from '../src/index.js';
import { startSim, type SimClient } from './support/sim.js';

let env: SimClient | undefined;
afterEach(async () => {
  await env?.sim.close();
  env = undefined;
});

const web = parseGitlabRef(SEED_PATHS.project);
const api = parseGitlabRef(SEED_PATHS.otherProject);

describe('project deploy keys', () => {
  it("should register a read-only key whose fingerprints match GitLab's, then update, enable and delete it", async () => {
    env = await startSim();
    const pair = await generateKeyPair({ algorithm: 'ecdsa', curve: 'p384', comment: 'flux' });
    const key = await registerDeployKey(env.client, web, { title: 'flux', key: pair.publicKey, expiresAfter: '90d' });
    expect(key.fingerprintSha256).toBe(pair.fingerprintSha256);
    expect(key.fingerprint).toBe(pair.fingerprintMd5);
    expect(key.canPush).toBe(false);
    expect(key.expiresAt).not.toBeNull();

    expect((await updateDeployKey(env.client, web, key.id, { title: 'flux-rw', canPush: true })).title).toBe('flux-rw');
    expect((await getDeployKey(env.client, web, key.id))?.canPush).toBe(true);

    await enableDeployKey(env.client, api, key.id);
    expect((await listDeployKeys(env.client, api)).map((k) => k.id)).toEqual([key.id]);

    expect(await deleteDeployKey(env.client, web, key.id)).toBe(true);
    expect(await deleteDeployKey(env.client, web, key.id)).toBe(false);
    expect(await getDeployKey(env.client, web, key.id)).toBeUndefined();
    // Still enabled on the other project.
    expect(await getDeployKey(env.client, api, key.id)).toBeDefined();
  });

  it('should refuse a key that is not an SSH public key before calling GitLab', async () => {
    env = await startSim();
    env.sim.log.clear();
    for (const key of ['', 'ssh-dss AAAAB3NzaC1kc3MAAACBAP', 'not a key', '-----BEGIN OPENSSH PRIVATE KEY-----']) {
      await expect(registerDeployKey(env.client, web, { title: 't', key })).rejects.toBeInstanceOf(ValidationError);
    }
    expect(env.sim.log.count()).toBe(0);
  });

  it('should surface GitLab\'s "has already been taken" when the key is on a project the caller cannot reach', async () => {
    env = await startSim();
    const pair = await generateKeyPair({ algorithm: 'ed25519' });
    await registerDeployKey(env.client, web, { title: 'mine', key: pair.publicKey });
    const outsider = createGitlabClient({ host: env.sim.url, token: SEED_TOKENS.outsider });
    await outsider.projects.create({ name: 'tools' });
    const error = await registerDeployKey(outsider, parseGitlabRef('dave/tools'), { title: 't', key: pair.publicKey }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitlabValidationError);
    expect((error as GitlabValidationError).status).toBe(400);
    expect((error as Error).message).toMatch(/fingerprint_sha256 has already been taken/);
    // The owner can reach both projects, so GitLab links the existing key instead.
    const again = await registerDeployKey(env.client, api, { title: 'shared', key: pair.publicKey });
    expect(again.fingerprintSha256).toBe(pair.fingerprintSha256);
  });
});
