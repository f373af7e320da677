/**
 * Handing a rotation over to Flux, with Flux's real GitRepository CRD. source-controller itself is
 * not run: a STAND-IN does what source-controller documents for a reconcile request (it copies the
 * `reconcile.fluxcd.io/requestedAt` value to `status.lastHandledReconcileAt` and reports Ready for
 * the current generation). The old credential is revoked once that is seen, before the grace ends.
 */
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { ownerKeyOf } from '@glkeys/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCrds } from '../../src/api/index.js';
import { EventRecorder } from '../../src/events/recorder.js';
import { GitlabClients } from '../../src/gitlab/clients.js';
import { RateLimitGate } from '../../src/gitlab/rate-limit-gate.js';
import { credentialReconciler } from '../../src/reconcilers/credential-reconciler.js';
import { deployTokenKind } from '../../src/reconcilers/kinds.js';
import { applyGitRepositoryCrd } from '../support/flux.js';

const ns = useNamespace('flux');
let sim: GitlabSim;
let projectId: number;
beforeAll(async () => {
  await applyCrds(testEnv().kubeConfig);
  await applyGitRepositoryCrd(testEnv().kubeConfig);
  sim = await start();
  projectId = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id;
}, 300_000);
afterAll(() => sim.close());

const signal = new AbortController().signal;
const custom = () => testEnv().kubeConfig.makeApiClient(CustomObjectsApi);
const TOKENS = { group: 'glkeys.io', version: 'v1alpha1', plural: 'gitlabdeploytokens' };
const REPOS = { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories' };

/** What source-controller documents doing for a reconcile request: handled and Ready. */
async function standInSourceController(namespace: string, name: string): Promise<string | undefined> {
  const repo = (await custom().getNamespacedCustomObject({ ...REPOS, namespace, name })) as {
    metadata: { generation: number; annotations?: Record<string, string> };
  };
  const requested = repo.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
  if (!requested) return undefined;
  await custom().patchNamespacedCustomObjectStatus({
    ...REPOS,
    namespace,
    name,
    body: [
      {
        op: 'add',
        path: '/status',
        value: {
          observedGeneration: repo.metadata.generation,
          lastHandledReconcileAt: requested,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Succeeded',
              message: 'stored artifact (stand-in)',
              observedGeneration: repo.metadata.generation,
              lastTransitionTime: new Date().toISOString(),
            },
          ],
        },
      },
    ],
  });
  return requested;
}

describe('Flux hand-over', () => {
  it('should ask the GitRepository to reconcile after a rotation and revoke the old token once it reports Ready, before the grace ends', async () => {
    const kubeConfig = testEnv().kubeConfig;
    await kubeConfig
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'pat' }, stringData: { token: SEED_TOKENS.owner } } });
    await custom().createNamespacedCustomObject({
      ...REPOS,
      namespace: ns.name,
      body: {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'flux-system', namespace: ns.name },
        spec: { url: `${sim.url}/${SEED_PATHS.project}.git`, interval: '1m', ref: { branch: 'main' }, secretRef: { name: 'flux-system' } },
      },
    });
    await custom().createNamespacedCustomObject({
      ...TOKENS,
      namespace: ns.name,
      body: {
        apiVersion: 'glkeys.io/v1alpha1',
        kind: 'GitlabDeployToken',
        metadata: { name: 'flux', namespace: ns.name },
        spec: {
          url: sim.url,
          projectID: String(projectId),
          scopes: ['read_repository'],
          gracePeriod: '1h',
          auth: { token: { secretRef: { name: 'pat', key: 'token' } } },
          target: { name: 'flux-system', format: 'flux-https' },
        },
      },
    });
    const reconcile = credentialReconciler(deployTokenKind, {
      kubeConfig,
      clients: new GitlabClients(),
      gate: new RateLimitGate(),
      events: new EventRecorder(kubeConfig, { component: 'glkeys-operator', instance: 'test' }),
      scanKnownHosts: async () => 'unused',
    });
    const key = `${ns.name}/flux`;
    await reconcile(key, { signal });
    const object = (await custom().getNamespacedCustomObject({ ...TOKENS, namespace: ns.name, name: 'flux' })) as {
      metadata: { uid: string };
    };
    const live = () =>
      sim.state
        .deployTokens(projectId)
        .filter(
          (t) => !t.revoked && t.name.includes(`glkeys:${ownerKeyOf(`glkeys.io/v1alpha1/GitlabDeployToken/${object.metadata.uid}`)}/`),
        );
    const first = live().map((t) => t.id);
    expect(first).toHaveLength(1);

    await custom().patchNamespacedCustomObject({
      ...TOKENS,
      namespace: ns.name,
      name: 'flux',
      body: [{ op: 'replace', path: '/spec/scopes', value: ['read_repository', 'read_registry'] }],
    });
    const rotated = await reconcile(key, { signal });
    expect(live()).toHaveLength(2);
    expect(rotated.requeueAfterMs).toBeLessThanOrEqual(5_000);
    const status = (
      (await custom().getNamespacedCustomObject({ ...TOKENS, namespace: ns.name, name: 'flux' })) as {
        status: { fluxHandover?: { requestedAt: string; repositories: string[] } };
      }
    ).status;
    expect(status.fluxHandover?.repositories).toEqual(['flux-system']);

    // Not handled yet: the old token stays (its grace is an hour).
    await reconcile(key, { signal });
    expect(live()).toHaveLength(2);

    expect(await standInSourceController(ns.name, 'flux-system')).toBe(status.fluxHandover!.requestedAt);
    await reconcile(key, { signal });
    expect(live().map((t) => t.id)).not.toContain(first[0]);
    expect(live()).toHaveLength(1);
    const after = (
      (await custom().getNamespacedCustomObject({ ...TOKENS, namespace: ns.name, name: 'flux' })) as {
        status: { fluxHandover?: unknown; pendingRevocations?: unknown };
      }
    ).status;
    expect(after.fluxHandover).toBeUndefined();
    expect(after.pendingRevocations).toBeUndefined();
  });
});
