/**
 * GitlabDeployKey through the reconcile (Flux's SSH format, key type change rotates) and GitLab's
 * per-user rate limit: a 429 with Retry-After pauses every object of that user (host and token)
 * with no further call, while another user's objects go on. Real apiserver, GitLab simulator.
 */
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCrds } from '../../src/api/index.js';
import { credentialReconciler, type ReconcilerDeps } from '../../src/reconcilers/credential-reconciler.js';
import { deployKeyKind, deployTokenKind } from '../../src/reconcilers/kinds.js';
import { testDeps } from '../support/reconcile.js';

const ns = useNamespace('keys');
let sim: GitlabSim;
let projectId: number;
beforeAll(async () => {
  await applyCrds(testEnv().kubeConfig);
  sim = await start();
  projectId = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id;
});
afterAll(() => sim.close());

const signal = new AbortController().signal;
const core = () => testEnv().kubeConfig.makeApiClient(CoreV1Api);
const custom = () => testEnv().kubeConfig.makeApiClient(CustomObjectsApi);
const KNOWN_HOSTS = 'gitlab.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

const deps = (overrides: Partial<ReconcilerDeps> = {}): ReconcilerDeps =>
  testDeps({ scanKnownHosts: async () => KNOWN_HOSTS, ...overrides });

async function pat(name: string, token: string): Promise<void> {
  await core().createNamespacedSecret({ namespace: ns.name, body: { metadata: { name }, stringData: { token } } });
}

async function create(kind: 'GitlabDeployToken' | 'GitlabDeployKey', name: string, spec: Record<string, unknown>): Promise<void> {
  const plural = kind === 'GitlabDeployToken' ? 'gitlabdeploytokens' : 'gitlabdeploykeys';
  await custom().createNamespacedCustomObject({
    group: 'glkeys.io',
    version: 'v1alpha1',
    plural,
    namespace: ns.name,
    body: {
      apiVersion: 'glkeys.io/v1alpha1',
      kind,
      metadata: { name, namespace: ns.name },
      spec: { url: sim.url, projectID: String(projectId), target: { name: `${name}-secret` }, ...spec },
    },
  });
}

describe('GitlabDeployKey reconcile', () => {
  it('should register a key in Flux SSH format with the scanned known_hosts, and rotate when the algorithm changes', async () => {
    await pat('pat', SEED_TOKENS.owner);
    await create('GitlabDeployKey', 'ssh', {
      auth: { token: { secretRef: { name: 'pat', key: 'token' } } },
      key: { algorithm: 'ed25519' },
    });
    const reconcile = credentialReconciler(deployKeyKind, deps());
    await reconcile(`${ns.name}/ssh`, { signal });
    const secret = await core().readNamespacedSecret({ name: 'ssh-secret', namespace: ns.name });
    expect(Object.keys(secret.data!).sort()).toEqual(['identity', 'identity.pub', 'known_hosts']);
    expect(Buffer.from(secret.data!.known_hosts!, 'base64').toString('utf8')).toBe(`${KNOWN_HOSTS}\n`);
    const keys = () => sim.state.deployKeys(projectId).filter((k) => k.title.includes(' glkeys:'));
    expect(keys()).toHaveLength(1);
    expect(Buffer.from(secret.data!['identity.pub']!, 'base64').toString('utf8')).toMatch(/^ssh-ed25519 /);
    await custom().patchNamespacedCustomObject({
      group: 'glkeys.io',
      version: 'v1alpha1',
      plural: 'gitlabdeploykeys',
      namespace: ns.name,
      name: 'ssh',
      body: [{ op: 'replace', path: '/spec/key', value: { algorithm: 'ecdsa', ecdsaCurve: 'p256' } }],
    });
    await reconcile(`${ns.name}/ssh`, { signal });
    const rotated = await core().readNamespacedSecret({ name: 'ssh-secret', namespace: ns.name });
    expect(Buffer.from(rotated.data!['identity.pub']!, 'base64').toString('utf8')).toMatch(/^ecdsa-sha2-nistp256 /);
    expect(keys()).toHaveLength(1);
  });
});

describe("GitLab's rate limit is per user", () => {
  it('should pause every object of the limited user with no further call, and let another user go on', async () => {
    await pat('alice', SEED_TOKENS.owner);
    await pat('bob', SEED_TOKENS.maintainer);
    for (const name of ['a1', 'a2'])
      await create('GitlabDeployToken', name, {
        scopes: ['read_repository'],
        auth: { token: { secretRef: { name: 'alice', key: 'token' } } },
      });
    await create('GitlabDeployToken', 'b1', { scopes: ['read_repository'], auth: { token: { secretRef: { name: 'bob', key: 'token' } } } });
    const shared = deps();
    const reconcile = credentialReconciler(deployTokenKind, shared);
    sim.setFaults([{ route: 'POST /projects/:id/deploy_tokens', kind: 'status', status: 429, retryAfterSeconds: 30, count: 1 }]);
    sim.log.clear();
    const first = await reconcile(`${ns.name}/a1`, { signal });
    expect(first.requeueAfterMs).toBeGreaterThanOrEqual(29_000);
    const callsAfterFirst = sim.log.count();
    // Alice's other object waits without asking GitLab anything.
    const second = await reconcile(`${ns.name}/a2`, { signal });
    expect(second.requeueAfterMs).toBeGreaterThan(25_000);
    expect(sim.log.count()).toBe(callsAfterFirst);
    // Bob is another user: his object is reconciled now.
    await reconcile(`${ns.name}/b1`, { signal });
    expect(sim.log.count({ route: 'POST /projects/:id/deploy_tokens' })).toBe(2);
    const b1 = (await custom().getNamespacedCustomObject({
      group: 'glkeys.io',
      version: 'v1alpha1',
      plural: 'gitlabdeploytokens',
      namespace: ns.name,
      name: 'b1',
    })) as { status?: { credential?: { id: number } } };
    expect(b1.status?.credential?.id).toBeDefined();
    expect(shared.gate.pausedUsers()).toBe(1);
  });
});
