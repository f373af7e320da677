/** Events on the real apiserver: written, aggregated on repeat, never carrying a secret. */
import { CoreV1Api } from '@kubernetes/client-node';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { describe, expect, it } from 'vitest';
import { EventRecorder } from '../../src/events/recorder.js';

const ns = useNamespace('events');

async function involved() {
  const core = testEnv().kubeConfig.makeApiClient(CoreV1Api);
  const cm = await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'subject' } } });
  return { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns.name, name: 'subject', uid: cm.metadata!.uid! };
}

async function events() {
  const list = await testEnv().kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns.name });
  return list.items;
}

describe('EventRecorder', () => {
  it('should write an Event on the object and aggregate a repeat into its count', async () => {
    let now = new Date('2026-12-01T00:00:00Z');
    const recorder = new EventRecorder(testEnv().kubeConfig, { component: 'glkeys-operator', instance: 'test', now: () => now });
    const object = await involved();
    await recorder.record(object, 'Normal', 'Created', 'Created deploy token 7');
    await recorder.record(object, 'Warning', 'RevokeFailed', 'GitLab failed (502)');
    now = new Date('2026-12-01T00:01:00Z');
    await recorder.record(object, 'Warning', 'RevokeFailed', 'GitLab failed (502)');
    const items = await events();
    expect(items.map((e) => [e.type, e.reason, e.count, e.involvedObject.uid]).sort()).toEqual([
      ['Normal', 'Created', 1, object.uid],
      ['Warning', 'RevokeFailed', 2, object.uid],
    ]);
    expect(items.find((e) => e.reason === 'RevokeFailed')?.lastTimestamp?.toISOString()).toBe('2026-12-01T00:01:00.000Z');
  });

  it('should drop a message shaped like a token or a private key, and never throw', async () => {
    const dropped: string[] = [];
    const recorder = new EventRecorder(testEnv().kubeConfig, {
      component: 'glkeys-operator',
      instance: 'test',
      onDropped: (r) => dropped.push(r),
    });
    const object = await involved();
    await recorder.record(object, 'Warning', 'Oops', 'token gldt-AAAAAAAAAAAAAAAAAAAA leaked');
    await recorder.record({ ...object, namespace: 'no-such-namespace' }, 'Normal', 'Created', 'fine');
    expect(dropped).toEqual(['secret-like message', 'apiserver refused']);
    expect(await events()).toHaveLength(0);
  });
});
