/**
 * gitbeaker's resources on the client are the rest of GitLab's API for SDK users. Core no
 * longer calls them, so this proves they still run over glkeys' retrying transport.
 */
import { SEED_PATHS } from '@glkeys/gitlab-sim';
import { afterEach, expect, it } from 'vitest';
import type { RetryEvent } from '../../src/index.js';
import { startSim, type SimClient } from '../support/sim.js';

let env: SimClient | undefined;
afterEach(async () => {
  await env?.sim.close();
  env = undefined;
});

const noWait = { sleep: async () => undefined, random: () => 0 };

it('should retry a gitbeaker read through the transport when GitLab answers 503 once', async () => {
  const retries: RetryEvent[] = [];
  env = await startSim({}, { ...noWait, onRetry: (event) => retries.push(event) });
  env.sim.setFaults([{ route: 'GET /projects/:id/deploy_tokens', kind: 'status', status: 503, count: 1 }]);

  const tokens = await env.client.deployTokens.all({ projectId: SEED_PATHS.project });

  expect(Array.isArray(tokens)).toBe(true);
  const sent = env.sim.log.entries().filter((e) => e.route === 'GET /projects/:id/deploy_tokens');
  expect(sent.map((e) => e.status)).toEqual([503, 200]);
  expect(retries.map((r) => r.reason)).toEqual(['HTTP 503']);
});

it('should retry a gitbeaker write on 503 (GitLab did not act) and create exactly one variable', async () => {
  env = await startSim({}, noWait);
  env.sim.setFaults([{ route: 'POST /projects/:id/variables', kind: 'status', status: 503, count: 1 }]);

  await env.client.projectVariables.create(SEED_PATHS.project, 'SDK_RETRY', 'value-1');

  expect(env.sim.log.count({ route: 'POST /projects/:id/variables' })).toBe(2);
  expect(env.sim.state.variables(SEED_PATHS.project).filter((v) => v.key === 'SDK_RETRY')).toHaveLength(1);
});
