/**
 * The README's migration from External Secrets, on the real apiserver and the simulator: objects
 * from `glkeys eso convert` (core's converter) next to a Secret ESO wrote. With the same target
 * name the object stops with SecretOwnedElsewhere, sends no GitLab write and leaves ESO's Secret as
 * it was (why the guide uses --target-suffix); with the suffix it reaches Ready beside it.
 */
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { convertEsoDocuments, parseEsoYaml } from '@glkeys/core/eso';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCrds } from '../../src/api/index.js';
import { credentialReconciler } from '../../src/reconcilers/credential-reconciler.js';
import { deployTokenKind } from '../../src/reconcilers/kinds.js';
import { ConfigMapOrphanRecorder } from '../../src/reconcilers/orphans.js';
import { testDeps } from '../support/reconcile.js';

const ns = useNamespace('eso-mig');
let sim: GitlabSim;
let projectId: number;
beforeAll(async () => {
  await applyCrds(testEnv().kubeConfig);
  sim = await start();
  projectId = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id;
});
afterAll(() => sim.close());

const core = () => testEnv().kubeConfig.makeApiClient(CoreV1Api);
const custom = () => testEnv().kubeConfig.makeApiClient(CustomObjectsApi);
const PLURAL = { group: 'glkeys.io', version: 'v1alpha1', plural: 'gitlabdeploytokens' };

const esoYaml = (namespace: string) => `
apiVersion: generators.external-secrets.io/v1alpha1
kind: GitlabDeployToken
metadata: { name: registry-token, namespace: ${namespace} }
spec:
  url: ${sim.url}
  projectID: "${projectId}"
  scopes: [read_registry]
  auth: { token: { secretRef: { name: gitlab-pat, key: token } } }
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: registry-pull, namespace: ${namespace} }
spec:
  refreshInterval: 1h
  target: { name: regcred }
  dataFrom:
    - sourceRef: { generatorRef: { apiVersion: generators.external-secrets.io/v1alpha1, kind: GitlabDeployToken, name: registry-token } }
`;

async function setUp(namespace: string, targetSuffix?: string) {
  await core().createNamespacedSecret({ namespace, body: { metadata: { name: 'gitlab-pat' }, stringData: { token: SEED_TOKENS.owner } } });
  // What ESO's generator wrote: keys username and token, ESO's own annotation, no glkeys state.
  const eso = await core().createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: 'regcred', annotations: { 'reconcile.external-secrets.io/data-hash': '5f1c2b' } },
      stringData: { username: 'gitlab+deploy-token-7', token: 'eso-minted-value' },
    },
  });
  const { tokens, notes } = convertEsoDocuments(parseEsoYaml(esoYaml(namespace), 'eso.yaml'), targetSuffix ? { targetSuffix } : {});
  expect(notes.filter((n) => n.level === 'error')).toEqual([]);
  await custom().createNamespacedCustomObject({ ...PLURAL, namespace, body: tokens[0]!.object });
  return { key: `${namespace}/registry-pull`, esoVersion: eso.metadata!.resourceVersion };
}

const reconcile = (namespace: string) =>
  credentialReconciler(deployTokenKind, testDeps({ orphans: new ConfigMapOrphanRecorder(testEnv().kubeConfig, namespace) }));

async function ready(namespace: string) {
  const object = (await custom().getNamespacedCustomObject({ ...PLURAL, namespace, name: 'registry-pull' })) as {
    status?: { conditions?: { type: string; status: string; reason: string }[] };
  };
  return object.status?.conditions?.find((c) => c.type === 'Ready');
}

describe('migrating from External Secrets', () => {
  it("same target name: stops with SecretOwnedElsewhere, no GitLab write, ESO's Secret untouched", async () => {
    const { key, esoVersion } = await setUp(ns.name);
    sim.log.clear();
    await reconcile(ns.name)(key, { signal: new AbortController().signal });
    expect(await ready(ns.name)).toMatchObject({ status: 'False', reason: 'SecretOwnedElsewhere' });
    expect(sim.log.count({ write: true })).toBe(0);
    const secret = await core().readNamespacedSecret({ namespace: ns.name, name: 'regcred' });
    expect(secret.metadata!.resourceVersion).toBe(esoVersion);
    expect(Buffer.from(secret.data!['token']!, 'base64').toString()).toBe('eso-minted-value');
  });

  it("--target-suffix: Ready with its own Secret, ESO's Secret untouched (consumers switch from one full Secret to another)", async () => {
    const { key, esoVersion } = await setUp(ns.name, '-glkeys');
    sim.log.clear();
    await reconcile(ns.name)(key, { signal: new AbortController().signal });
    expect(await ready(ns.name)).toMatchObject({ status: 'True' });
    expect(sim.log.count({ write: true })).toBe(1);
    const ours = await core().readNamespacedSecret({ namespace: ns.name, name: 'regcred-glkeys' });
    expect(Object.keys(ours.data ?? {}).sort()).toEqual(['token', 'username']);
    expect((await core().readNamespacedSecret({ namespace: ns.name, name: 'regcred' })).metadata!.resourceVersion).toBe(esoVersion);
  });
});
