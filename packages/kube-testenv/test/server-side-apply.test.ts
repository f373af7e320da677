import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { testEnv, useNamespace } from '../src/vitest.js';
import { kubeStatus, statusOf } from './helpers.js';

const secret = (namespace: string, value: string): V1Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'deploy-token', namespace, labels: { 'app.kubernetes.io/managed-by': 'glkeys' } },
  type: 'Opaque',
  stringData: { username: 'gitlab+deploy-token-1', password: value },
});

describe('server-side apply of a Secret', () => {
  const ns = useNamespace('ssa');

  it('creates the Secret, records the field manager and reads back the data', async () => {
    const kc = testEnv().kubeConfig;
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.patch(secret(ns.name, 'first'), undefined, undefined, 'glkeys-test', true, PatchStrategy.ServerSideApply);

    const read = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'deploy-token', namespace: ns.name });
    expect(Buffer.from(read.data?.['password'] ?? '', 'base64').toString()).toBe('first');
    expect(Buffer.from(read.data?.['username'] ?? '', 'base64').toString()).toBe('gitlab+deploy-token-1');
    const managers = read.metadata?.managedFields?.map((f) => [f.manager, f.operation]);
    expect(managers).toEqual([['glkeys-test', 'Apply']]);
  });

  it('refuses a second manager changing an owned field with 409, and hands it over with force', async () => {
    const kc = testEnv().kubeConfig;
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.patch(secret(ns.name, 'first'), undefined, undefined, 'glkeys-test', true, PatchStrategy.ServerSideApply);

    const err = await objects
      .patch(secret(ns.name, 'second'), undefined, undefined, 'someone-else', false, PatchStrategy.ServerSideApply)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(statusOf(err)).toBe(409);
    expect(kubeStatus(err).message).toContain('Apply failed with 2 conflicts: conflicts with "glkeys-test"');
    expect(kubeStatus(err).message).toContain('.stringData.password');

    await objects.patch(secret(ns.name, 'second'), undefined, undefined, 'someone-else', true, PatchStrategy.ServerSideApply);
    const read = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'deploy-token', namespace: ns.name });
    expect(Buffer.from(read.data?.['password'] ?? '', 'base64').toString()).toBe('second');
    expect(read.metadata?.managedFields?.map((f) => f.manager).sort()).toEqual(['glkeys-test', 'someone-else']);
  });
});
