/** The Kubernetes Secret store and cluster identity, against a real apiserver (kube-testenv). */
import { randomBytes } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { KubernetesSecretStore, clusterIdentity, loadKubeConfig } from '../../src/kubernetes/index.js';
import { ConflictError, renderTokenSecret, secretManifest, type SecretManifest } from '../../src/index.js';
import { emptyState } from '../../src/lifecycle/state.js';

const ns = useNamespace('store');
const tokenSecret = (name: string, value: string, namespace = ns.name): SecretManifest =>
  secretManifest({ name, namespace, rendered: renderTokenSecret('token', { id: 1, username: 'u', token: value, expiresAt: null }) });

describe('KubernetesSecretStore', () => {
  it('should create with no resourceVersion, update with the one read, and read value and state back', async () => {
    const kc = testEnv().kubeConfig;
    const store = new KubernetesSecretStore(kc, ns.name, 'creds');
    expect(await store.read()).toBeUndefined();
    const state = { ...emptyState('deploy-token', 'abcdefabcdef'), generation: 1 };
    const rendered = renderTokenSecret('flux-https', { id: 7, username: 'u', token: 't0ken-value', expiresAt: null });
    const created = await store.write(secretManifest({ name: 'creds', namespace: ns.name, rendered, state }), {
      resourceVersion: undefined,
    });
    const read = await store.read();
    expect(read!.resourceVersion).toBe(created.resourceVersion);
    expect(KubernetesSecretStore.decode(read!)).toEqual({ username: 'u', password: 't0ken-value' });
    expect(JSON.parse(read!.annotations['glkeys.io/state']!)).toEqual(state);
    const updated = await store.write(tokenSecret('creds', 'second'), { resourceVersion: read!.resourceVersion });
    expect(updated.resourceVersion).not.toBe(read!.resourceVersion);
    expect(store.writes).toBe(2);
    const raw = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'creds', namespace: ns.name });
    expect(raw.metadata?.managedFields?.map((f) => f.manager)).toEqual(['glkeys']);
  });

  it('should refuse a create when the Secret appeared since the read (AlreadyExists), writing nothing', async () => {
    const store = new KubernetesSecretStore(testEnv().kubeConfig, ns.name, 'raced');
    expect(await store.read()).toBeUndefined();
    const other = new KubernetesSecretStore(testEnv().kubeConfig, ns.name, 'raced');
    await other.write(tokenSecret('raced', 'theirs'), { resourceVersion: undefined });
    const error = await store.write(tokenSecret('raced', 'mine'), { resourceVersion: undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'CONFLICT', reason: 'AlreadyExists' });
    expect(KubernetesSecretStore.decode((await store.read())!).token).toBe('theirs');
  });

  it('should refuse an update based on a stale read (409 Conflict), writing nothing', async () => {
    const a = new KubernetesSecretStore(testEnv().kubeConfig, ns.name, 'stale');
    const b = new KubernetesSecretStore(testEnv().kubeConfig, ns.name, 'stale');
    await a.write(tokenSecret('stale', 'v1'), { resourceVersion: undefined });
    const readA = await a.read();
    const readB = await b.read();
    await b.write(tokenSecret('stale', 'from-b'), { resourceVersion: readB!.resourceVersion });
    const error = await a.write(tokenSecret('stale', 'from-a'), { resourceVersion: readA!.resourceVersion }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ reason: 'Conflict' });
    expect(KubernetesSecretStore.decode((await a.read())!).token).toBe('from-b');
  });

  it('should keep finalizers, owner references and annotations others put on the Secret', async () => {
    const core = testEnv().kubeConfig.makeApiClient(CoreV1Api);
    const store = new KubernetesSecretStore(testEnv().kubeConfig, ns.name, 'shared');
    await store.write(tokenSecret('shared', 'v1'), { resourceVersion: undefined });
    const cm = await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'owner' } } });
    const ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: cm.metadata!.uid! }];
    await core.patchNamespacedSecret({
      name: 'shared',
      namespace: ns.name,
      body: [
        { op: 'add', path: '/metadata/finalizers', value: ['example.com/keep'] },
        { op: 'add', path: '/metadata/ownerReferences', value: ownerReferences },
      ],
    });
    const read = await store.read();
    const next = tokenSecret('shared', 'v2');
    next.metadata.annotations = { ...next.metadata.annotations, 'example.com/note': 'kept by the binding' };
    await store.write(next, { resourceVersion: read!.resourceVersion });
    const raw = await core.readNamespacedSecret({ name: 'shared', namespace: ns.name });
    expect(raw.metadata?.finalizers).toEqual(['example.com/keep']);
    expect(raw.metadata?.ownerReferences?.[0]?.uid).toBe(cm.metadata!.uid);
    await core.patchNamespacedSecret({ name: 'shared', namespace: ns.name, body: [{ op: 'remove', path: '/metadata/finalizers' }] });
  });

  it('should refuse a missing namespace by default and create it only when asked', async () => {
    const name = `glkeys-new-${randomBytes(3).toString('hex')}`;
    const core = testEnv().kubeConfig.makeApiClient(CoreV1Api);
    const refusing = new KubernetesSecretStore(testEnv().kubeConfig, name, 'flux-system');
    // Said at read time, before a caller would send anything to GitLab.
    await expect(refusing.read()).rejects.toMatchObject({ code: 'VALIDATION', field: 'namespace' });
    await expect(refusing.write(tokenSecret('flux-system', 'v', name), { resourceVersion: undefined })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'namespace',
    });
    await expect(core.readNamespace({ name })).rejects.toMatchObject({ code: 404 });
    const creating = new KubernetesSecretStore(testEnv().kubeConfig, name, 'flux-system', { createNamespace: true });
    await creating.write(tokenSecret('flux-system', 'v', name), { resourceVersion: undefined });
    expect((await creating.read())?.data['token']).toBe(Buffer.from('v').toString('base64'));
    await core.deleteNamespace({ name });
  });

  it('should refuse a manifest for another Secret', async () => {
    const store = new KubernetesSecretStore(testEnv().kubeConfig, ns.name, 'a');
    await expect(store.write(tokenSecret('b', 'v'), { resourceVersion: undefined })).rejects.toThrow(/was handed/);
  });
});

describe('clusterIdentity and loadKubeConfig', () => {
  it('should return the kube-system UID, the same on every call', async () => {
    const kc = loadKubeConfig({ kubeconfig: testEnv().kubeconfigPath });
    const id = await clusterIdentity(kc);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await clusterIdentity(testEnv().kubeConfig)).toBe(id);
  });

  it('should name the known contexts when --context is wrong', () => {
    expect(() => loadKubeConfig({ kubeconfig: testEnv().kubeconfigPath, context: 'nope' })).toThrow(/not in the kubeconfig/);
  });
});
