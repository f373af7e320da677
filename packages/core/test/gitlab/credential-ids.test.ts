/**
 * A credential ID goes into a URL path, so anything but a positive safe integer is refused
 * with a ValidationError naming `id` before GitLab sees a request (the simulator's log stays empty).
 */
import { SEED_PATHS } from '@glkeys/gitlab-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ValidationError,
  deleteDeployKey,
  enableDeployKey,
  getDeployKey,
  getDeployToken,
  parseGitlabRef,
  resolveTarget,
  revokeDeployToken,
  updateDeployKey,
  type GitlabClient,
} from '../../src/index.js';
import { startSim, type SimClient } from '../support/sim.js';

let env: SimClient;
beforeAll(async () => {
  env = await startSim();
});
afterAll(async () => {
  await env.sim.close();
});
beforeEach(() => env.sim.log.clear());

const target = resolveTarget({ project: SEED_PATHS.project });
const project = parseGitlabRef(SEED_PATHS.project);

// The string '1' reaches here from untyped callers (JavaScript, parsed JSON).
const BAD_IDS: unknown[] = [0, -3, '1', 2 ** 53 + 2, 1.5, Number.NaN, Number.POSITIVE_INFINITY];

const CALLS: Record<string, (client: GitlabClient, id: number) => Promise<unknown>> = {
  revokeDeployToken: (client, id) => revokeDeployToken(client, target, id),
  getDeployToken: (client, id) => getDeployToken(client, target, id),
  deleteDeployKey: (client, id) => deleteDeployKey(client, project, id),
  getDeployKey: (client, id) => getDeployKey(client, project, id),
  updateDeployKey: (client, id) => updateDeployKey(client, project, id, { title: 'renamed' }),
  enableDeployKey: (client, id) => enableDeployKey(client, project, id),
};

describe.each(Object.entries(CALLS))('%s', (_name, call) => {
  it.each(BAD_IDS.map((id) => [typeof id === 'string' ? `'${id}'` : String(id), id]))(
    'should refuse id %s before any request',
    async (_label, id) => {
      const error = await call(env.client, id as number).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('id');
      expect(env.sim.log.count()).toBe(0);
    },
  );

  it('should send the request for a valid id', async () => {
    // 404 for an ID nobody has: read as absent, delete as already gone (after reading the
    // project, see gone-or-not.test.ts), or NotFoundError. The ID's own request is sent once.
    await call(env.client, 999_999).catch(() => undefined);
    expect(env.sim.log.entries().filter((e) => e.path.startsWith('/api/v4/projects/') && e.path.includes('/999999')).length).toBe(1);
  });
});
