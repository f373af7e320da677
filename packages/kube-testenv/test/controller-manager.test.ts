import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type KubeTestEnv } from '../src/index.js';
import { eventually, expectGone, statusOf } from './helpers.js';

describe('withControllerManager', () => {
  let env: KubeTestEnv;
  beforeAll(async () => {
    env = await start({ withControllerManager: true });
  }, 40 * 60_000); // builds kube-controller-manager first when the cache lacks it
  afterAll(async () => {
    await env?.stop();
    if (env) await expectGone(env);
  });

  it('runs the controllers: default ServiceAccount, namespace deletion, garbage collection', async () => {
    expect(env.pids.kubeControllerManager).toBeGreaterThan(0);
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    // Created by the serviceaccount controller; start() waits for it.
    expect((await core.readNamespacedServiceAccount({ namespace: 'default', name: 'default' })).metadata?.name).toBe('default');

    await core.createNamespace({ body: { metadata: { name: 'short-lived' } } });
    const owner = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'owner' } } });
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }],
        },
      },
    });
    await core.deleteNamespace({ name: 'short-lived' });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'owner' });

    // The namespace controller empties and removes it; the garbage collector removes the dependent.
    await eventually(async () => {
      const gone = await core.readNamespace({ name: 'short-lived' }).then(() => 200, statusOf);
      expect(gone).toBe(404);
    }, 60_000);
    await eventually(async () => {
      const gone = await core.readNamespacedConfigMap({ namespace: 'default', name: 'dependent' }).then(() => 200, statusOf);
      expect(gone).toBe(404);
    }, 60_000);
  });
});
