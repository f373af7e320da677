/** The Kubernetes Secret store and cluster identity, against a real apiserver (kube-testenv). */
import { randomBytes } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { KubernetesSecretStore, clusterIdentity, loadKubeConfig } from '../../src/kubernetes/index.js';
import { emptyState, renderTokenSecret, secretManifest } from '../../src/index.js';

const ns = useNamespace('store');

describe('KubernetesSecretStore', () => {
  it('should write value and state in one server-side apply owned by glkeys, and read them back', async () => {
    const kc = testEnv().kubeConfig;
    const store = new KubernetesSecretStore(kc, ns.name, 'creds');
    expect(await store.read()).toBeUndefined();
    const state = { ...emptyState('deploy-token', 'abcdefabcdef'), generation: 1 };
    const rendered = renderTokenSecret('flux-https', { id: 7, username: 'u', token: 't0ken-value', expiresAt: null });
    await store.write(secretManifest({ name: 'creds', namespace: ns.name, rendered, state }));
    expect(store.writes).toBe(1);

    const read = await store.read();
    expect(KubernetesSecretStore.decode(read!)).toEqual({ username: 'u', password: 't0ken-value' });
    expect(JSON.parse(read!.annotations['glkeys.io/state']!)).toEqual(state);
    const raw = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'creds', namespace: ns.name });
    expect(raw.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toEqual([['glkeys', 'Apply']]);
  });

  it('should drop keys a later apply no longer carries (apply owns the whole Secret)', async () => {
    const store = new KubernetesSecretStore(testEnv().kubeConfig, ns.name, 'ca');
    const base = { id: 1, username: 'u', token: 'value-1', expiresAt: null };
    await store.write(secretManifest({ name: 'ca', namespace: ns.name, rendered: renderTokenSecret('flux-https', base, { caCert: 'PEM' }) }));
    await store.write(secretManifest({ name: 'ca', namespace: ns.name, rendered: renderTokenSecret('flux-https', base) }));
    expect(Object.keys((await store.read())!.data).sort()).toEqual(['password', 'username']);
  });

  it('should create a missing namespace on first write', async () => {
    const name = `glkeys-new-${randomBytes(3).toString('hex')}`;
    const store = new KubernetesSecretStore(testEnv().kubeConfig, name, 'flux-system');
    await store.write(secretManifest({ name: 'flux-system', namespace: name, rendered: renderTokenSecret('token', { id: 1, username: 'u', token: 'v', expiresAt: null }) }));
    expect((await store.read())?.data['token']).toBe(Buffer.from('v').toString('base64'));
    await testEnv().kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name });
  });

  it('should refuse a manifest for another Secret', async () => {
    const store = new KubernetesSecretStore(testEnv().kubeConfig, ns.name, 'a');
    const manifest = secretManifest({ name: 'b', namespace: ns.name, rendered: renderTokenSecret('token', { id: 1, username: 'u', token: 'v', expiresAt: null }) });
    await expect(store.write(manifest)).rejects.toThrow(/was handed/);
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
