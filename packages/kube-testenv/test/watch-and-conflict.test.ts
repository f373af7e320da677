import { CoreV1Api, Watch, type V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { testEnv, useNamespace } from '../src/vitest.js';
import { eventually, kubeStatus, statusOf } from './helpers.js';

describe('watch', () => {
  const ns = useNamespace('watch');

  it('delivers ADDED, MODIFIED and DELETED for a ConfigMap from the listed resourceVersion', async () => {
    const kc = testEnv().kubeConfig;
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: ns.name });
    const events: Array<[string, string | undefined]> = [];
    let ended: unknown;
    const watch = await new Watch(kc).watch(
      `/api/v1/namespaces/${ns.name}/configmaps`,
      { resourceVersion: list.metadata?.resourceVersion, fieldSelector: 'metadata.name=rotation-state' },
      (phase, obj: V1ConfigMap) => events.push([phase, obj.data?.['generation']]),
      (err: unknown) => (ended = err ?? 'closed'),
    );
    try {
      await core.createNamespacedConfigMap({
        namespace: ns.name,
        body: { metadata: { name: 'rotation-state' }, data: { generation: '1' } },
      });
      // client-node sends PATCH bodies as JSON Patch by default.
      await core.patchNamespacedConfigMap({
        namespace: ns.name,
        name: 'rotation-state',
        body: [{ op: 'replace', path: '/data/generation', value: '2' }],
      });
      await core.deleteNamespacedConfigMap({ namespace: ns.name, name: 'rotation-state' });
      await eventually(() => expect(events).toHaveLength(3), 15_000);
      expect(events).toEqual([
        ['ADDED', '1'],
        ['MODIFIED', '2'],
        ['DELETED', '2'],
      ]);
      expect(ended).toBeUndefined();
    } finally {
      watch.abort();
    }
  });
});

describe('optimistic concurrency', () => {
  const ns = useNamespace('conflict');

  it('answers 409 Conflict to an update carrying a stale resourceVersion', async () => {
    const core = testEnv().kubeConfig.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'lease' }, data: { holder: 'a' } },
    });
    const stale = structuredClone(created);
    await core.replaceNamespacedConfigMap({ namespace: ns.name, name: 'lease', body: { ...created, data: { holder: 'b' } } });

    const err = await core
      .replaceNamespacedConfigMap({ namespace: ns.name, name: 'lease', body: { ...stale, data: { holder: 'c' } } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(statusOf(err)).toBe(409);
    expect(kubeStatus(err).reason).toBe('Conflict');
    expect(kubeStatus(err).message).toContain('the object has been modified');
    const now = await core.readNamespacedConfigMap({ namespace: ns.name, name: 'lease' });
    expect(now.data).toEqual({ holder: 'b' });
  });
});
