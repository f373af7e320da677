/**
 * The auth Secret outlives the objects that need it: with kube-controller-manager deleting a
 * namespace, a held auth Secret stays readable until it is released, then the namespace goes.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { createTestNamespace, testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { describe, expect, it } from 'vitest';
import { AUTH_FINALIZER, AUTH_LABEL, holdAuthSecret, releaseAuthSecret } from '../../src/auth/in-use.js';
import { AccessError, readAccess } from '../../src/auth/access.js';

const ns = useNamespace('auth');
const core = () => testEnv().kubeConfig.makeApiClient(CoreV1Api);

describe('auth Secret finalizer', () => {
  it('should add finalizer and label once (0 writes when held), keep other finalizers, and release', async () => {
    await core().createNamespacedSecret({
      namespace: ns.name,
      body: { metadata: { name: 'pat', finalizers: ['example.com/other'] }, stringData: { token: 'glpat-test' } },
    });
    expect(await holdAuthSecret(testEnv().kubeConfig, ns.name, 'pat')).toBe(true);
    const rv = (await core().readNamespacedSecret({ name: 'pat', namespace: ns.name })).metadata?.resourceVersion;
    expect(await holdAuthSecret(testEnv().kubeConfig, ns.name, 'pat')).toBe(false);
    const held = await core().readNamespacedSecret({ name: 'pat', namespace: ns.name });
    expect(held.metadata?.resourceVersion).toBe(rv);
    expect(held.metadata?.finalizers).toEqual(['example.com/other', AUTH_FINALIZER]);
    expect(held.metadata?.labels?.[AUTH_LABEL]).toBe('true');
    expect(await releaseAuthSecret(testEnv().kubeConfig, ns.name, 'pat')).toBe(true);
    expect((await core().readNamespacedSecret({ name: 'pat', namespace: ns.name })).metadata?.finalizers).toEqual(['example.com/other']);
    expect(await releaseAuthSecret(testEnv().kubeConfig, ns.name, 'pat')).toBe(false);
    await core().patchNamespacedSecret({ name: 'pat', namespace: ns.name, body: [{ op: 'remove', path: '/metadata/finalizers' }] });
  });

  it('should keep a held auth Secret readable in a terminating namespace until released, then let the namespace go', async () => {
    const kc = testEnv().kubeConfig;
    const doomed = await createTestNamespace(kc, 'doomed-auth');
    await core().createNamespacedSecret({
      namespace: doomed.name,
      body: { metadata: { name: 'pat' }, stringData: { token: 'glpat-test-value' } },
    });
    await holdAuthSecret(kc, doomed.name, 'pat');
    await core().deleteNamespace({ name: doomed.name });
    await waitFor(async () => (await core().readNamespace({ name: doomed.name })).status?.phase === 'Terminating');
    // kube-controller-manager has had time to delete what it can; the auth Secret is still there.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const access = await readAccess(kc, doomed.name, {
      url: 'https://gitlab.example.com',
      auth: { token: { secretRef: { name: 'pat', key: 'token' } } },
    });
    expect(access.token).toBe('glpat-test-value');
    expect(await holdAuthSecret(kc, doomed.name, 'pat')).toBe(false);
    await releaseAuthSecret(kc, doomed.name, 'pat');
    await waitFor(
      async () =>
        (await core()
          .readNamespace({ name: doomed.name })
          .catch((e: { code?: number }) => (e.code === 404 ? undefined : Promise.reject(e as Error)))) === undefined,
    );
  }, 120_000);
});

describe('readAccess', () => {
  it('should name what is missing, never a value', async () => {
    await core().createNamespacedSecret({
      namespace: ns.name,
      body: { metadata: { name: 'pat' }, stringData: { other: 'glpat-secret-value' } },
    });
    const spec = (key: string, name = 'pat') => ({ url: 'https://gitlab.example.com', auth: { token: { secretRef: { name, key } } } });
    await expect(readAccess(testEnv().kubeConfig, ns.name, spec('token', 'absent'))).rejects.toMatchObject({
      reason: 'AuthSecretNotFound',
    });
    const missingKey = await readAccess(testEnv().kubeConfig, ns.name, spec('token')).catch((e: unknown) => e);
    expect(missingKey).toBeInstanceOf(AccessError);
    expect(missingKey).toMatchObject({ reason: 'AuthKeyNotFound' });
    expect(JSON.stringify({ ...(missingKey as object), message: (missingKey as Error).message })).not.toContain('glpat-secret-value');
    await core().createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'ca' }, data: { 'ca.crt': 'PEM' } } });
    const withCa = await readAccess(testEnv().kubeConfig, ns.name, {
      ...spec('other'),
      caBundle: { configMapRef: { name: 'ca', key: 'ca.crt' } },
    });
    expect(withCa).toEqual({ url: 'https://gitlab.example.com', token: 'glpat-secret-value', ca: 'PEM' });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs;) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('condition not met in time');
}
