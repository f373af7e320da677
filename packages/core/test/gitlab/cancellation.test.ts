/**
 * The caller's AbortSignal on every GitLab-calling function of core: an aborted call sends
 * nothing; an abort during a call (a hung attempt or a retry wait) ends it with the abort
 * reason and is never retried. Counted in the simulator's request log.
 */
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MemorySecretStore,
  createDeployToken,
  createGitlabClient,
  createGitlabReader,
  deleteDeployKey,
  enableDeployKey,
  getDeployKey,
  getDeployToken,
  getTokenSelf,
  listDeployKeys,
  listDeployTokens,
  parseGitlabRef,
  registerDeployKey,
  resolveTarget,
  revokeDeployToken,
  updateDeployKey,
  type GitlabApi,
  type GitlabCallOptions,
  type RetryEvent,
  type TransportOptions,
} from '../../src/index.js';
import { bootstrapGitlab } from '../../src/bootstrap/index.js';
import { commitFiles } from '../../src/bootstrap/commit-files.js';
import { createProjectVariable, lintCiConfig, listProjectVariables, updateProjectVariable } from '../../src/ci/index.js';
import { ensureProject, findNamespace, findProject, findProjectIn } from '../../src/bootstrap/project.js';
import { preflight } from '../../src/bootstrap/preflight.js';
import { bootstrapInput } from '../support/bootstrap-input.js';

let sim: GitlabSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const target = resolveTarget({ project: SEED_PATHS.project });
const project = parseGitlabRef(SEED_PATHS.project);
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl flux';

async function simAndClient(options: Partial<TransportOptions> = {}) {
  sim = await start();
  const client = createGitlabClient({ host: sim.url, token: SEED_TOKENS.owner, timeoutMs: 10_000, ...options });
  const reader = createGitlabReader({ host: sim.url, token: SEED_TOKENS.owner, timeoutMs: 10_000, ...options });
  return { sim, client, reader };
}

/** Every exported GitLab-calling function, called with valid input and the given options. */
const CALLS: Record<string, (api: GitlabApi, o: GitlabCallOptions) => Promise<unknown>> = {
  createDeployToken: (api, o) => createDeployToken(api, target, { name: 'n', scopes: ['read_repository'] }, new Date(), o),
  listDeployTokens: (api, o) => listDeployTokens(api, target, o),
  getDeployToken: (api, o) => getDeployToken(api, target, 1, o),
  revokeDeployToken: (api, o) => revokeDeployToken(api, target, 1, o),
  registerDeployKey: (api, o) => registerDeployKey(api, project, { title: 't', key: KEY }, new Date(), o),
  listDeployKeys: (api, o) => listDeployKeys(api, project, o),
  getDeployKey: (api, o) => getDeployKey(api, project, 1, o),
  updateDeployKey: (api, o) => updateDeployKey(api, project, 1, { canPush: true }, o),
  deleteDeployKey: (api, o) => deleteDeployKey(api, project, 1, o),
  enableDeployKey: (api, o) => enableDeployKey(api, project, 1, o),
  listProjectVariables: (api, o) => listProjectVariables(api, project, o),
  createProjectVariable: (api, o) => createProjectVariable(api, project, { key: 'K', value: 'v' }, o),
  updateProjectVariable: (api, o) => updateProjectVariable(api, project, { key: 'K', value: 'v' }, o),
  lintCiConfig: (api, o) => lintCiConfig(api, project, 'job:\n  script: [true]\n', o),
  getTokenSelf: (api, o) => getTokenSelf(api, o),
  findProject: (api, o) => findProject(api, SEED_PATHS.project, o),
  findProjectIn: (api, o) => findProjectIn(api, 'alice', 'Fleet Infra', o),
  findNamespace: (api, o) => findNamespace(api, 'alice', o),
  ensureProject: (api, o) => ensureProject(api, { owner: 'alice', repository: 'fleet' }, undefined, o),
  preflight: (api, o) => preflight(api, { projectPath: 'alice/fleet', owner: 'alice' }, o),
  commitFiles: (api, o) =>
    commitFiles(api, { id: 1, defaultBranch: 'main' }, { branch: 'main', message: 'm', files: [{ path: 'a', content: 'b' }] }, o),
};

describe('an already-aborted signal', () => {
  it.each(Object.keys(CALLS))('%s should send 0 requests and reject with the abort reason', async (name) => {
    const { client, reader } = await simAndClient();
    for (const api of [client, reader]) {
      const reason = new Error(`stop ${name}`);
      await expect(CALLS[name]!(api, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    }
    expect(sim!.log.count()).toBe(0);
  });

  it('bootstrapGitlab should send 0 requests and reject with the abort reason', async () => {
    const { client } = await simAndClient();
    const store = new MemorySecretStore();
    const reason = new Error('stop bootstrap');
    await expect(bootstrapGitlab(bootstrapInput(client, { store }), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(sim!.log.count()).toBe(0);
    expect(await store.read()).toBeUndefined();
  });
});

/** Starts `call`, waits until the simulator has seen its first request, aborts, and returns the outcome. */
async function abortAfterFirstRequest(call: (signal: AbortSignal) => Promise<unknown>, seen: () => number) {
  const controller = new AbortController();
  const reason = new Error('caller gave up');
  const outcome = call(controller.signal).then(
    () => ({ resolved: true as const }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  while (seen() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort(reason);
  return { outcome: await outcome, reason };
}

describe('an abort during a hung request', () => {
  for (const engine of ['client', 'reader'] as const) {
    it(`should reject a read with the reason and not retry it (${engine})`, async () => {
      const retries: RetryEvent[] = [];
      const env = await simAndClient({ onRetry: (event) => retries.push(event) });
      env.sim.setFaults([{ route: 'GET /projects/:id/deploy_tokens', kind: 'hang', count: 1 }]);
      const { outcome, reason } = await abortAfterFirstRequest(
        (signal) => listDeployTokens(env[engine], target, { signal }),
        () => env.sim.log.count({ route: 'GET /projects/:id/deploy_tokens' }),
      );
      expect(outcome.resolved).toBe(false);
      expect(outcome.resolved === false && outcome.error).toBe(reason);
      expect(retries).toEqual([]);
      expect(env.sim.log.count()).toBe(1);
    });
  }

  it('should reject a create with the reason and not retry it', async () => {
    const retries: RetryEvent[] = [];
    const env = await simAndClient({ onRetry: (event) => retries.push(event) });
    env.sim.setFaults([{ route: 'POST /projects/:id/deploy_tokens', kind: 'hang', count: 1 }]);
    const { outcome, reason } = await abortAfterFirstRequest(
      (signal) => createDeployToken(env.client, target, { name: 'n', scopes: ['read_repository'] }, new Date(), { signal }),
      () => env.sim.log.count({ route: 'POST /projects/:id/deploy_tokens' }),
    );
    expect(outcome.resolved).toBe(false);
    expect(outcome.resolved === false && outcome.error).toBe(reason);
    expect(retries).toEqual([]);
    expect(env.sim.log.count()).toBe(1);
  });
});

describe('an abort during the wait before a retry', () => {
  it('should end a wait whose sleep ignores the signal, with the reason, and send no second attempt', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    // A sleep that never ends and never looks at the signal: only the transport can cut it short.
    const sleep = () => {
      setImmediate(() => controller.abort(reason));
      return new Promise<void>(() => undefined);
    };
    const env = await simAndClient({ sleep });
    env.sim.setFaults([{ route: 'GET /projects/:id/deploy_keys', kind: 'status', status: 503, count: 1 }]);
    await expect(listDeployKeys(env.reader, project, { signal: controller.signal })).rejects.toBe(reason);
    expect(env.sim.log.count()).toBe(1);
  });

  it('should end the real backoff timer early (a minute-long wait does not hold the test)', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const retries: RetryEvent[] = [];
    const env = await simAndClient({
      retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 },
      random: () => 1,
      onRetry: (event) => {
        retries.push(event);
        setTimeout(() => controller.abort(reason), 20);
      },
    });
    env.sim.setFaults([{ route: 'GET /personal_access_tokens/self', kind: 'status', status: 503, count: 1 }]);
    await expect(getTokenSelf(env.client, { signal: controller.signal })).rejects.toBe(reason);
    expect(retries.map((r) => r.delayMs)).toEqual([60_000]);
    expect(env.sim.log.count()).toBe(1);
  });
});
