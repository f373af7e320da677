// The supervised informer on a real apiserver: label-selected caches, custom resources, a
// watch broken by RBAC and recovered without losing a change, stop() then start().
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, type KubernetesObject, type V1Secret } from '@kubernetes/client-node';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInformer, type Informer } from '../src/runtime/informer.js';
import { metadataOnly } from '../src/runtime/projection.js';
import { EventRecorder } from './support/event-recorder.js';
import { bind, createRole, unbind } from './support/rbac.js';

const ns = useNamespace('informer');
const LABEL = 'glkeys.io/managed';
const eventually = { timeout: 30_000, interval: 100 };
const running: Informer<KubernetesObject>[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.stop()));
});

function core() {
  return testEnv().kubeConfig.makeApiClient(CoreV1Api);
}

async function secret(name: string, labelled: boolean, value = 'v1'): Promise<void> {
  await core().createNamespacedSecret({
    namespace: ns.name,
    body: { metadata: { name, labels: labelled ? { [LABEL]: 'true' } : {} }, stringData: { token: value } },
  });
}

async function change(name: string, value: string): Promise<void> {
  const current = await core().readNamespacedSecret({ name, namespace: ns.name });
  await core().replaceNamespacedSecret({ name, namespace: ns.name, body: { ...current, data: undefined, stringData: { token: value } } });
}

function start(informer: Informer<KubernetesObject>): EventRecorder {
  const recorder = new EventRecorder(informer);
  running.push(informer);
  informer.start();
  return recorder;
}

const names = (objects: KubernetesObject[]) => objects.map((o) => o.metadata?.name).sort();

describe('createInformer', () => {
  it('sees add/update/delete of labelled Secrets only and never caches the others', async () => {
    await secret('a', true);
    await secret('unlabelled-1', false);
    const informer = createInformer<V1Secret>({
      kubeConfig: testEnv().kubeConfig,
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: ns.name,
      labelSelector: `${LABEL}=true`,
    });
    expect(informer.hasSynced()).toBe(false);
    const recorder = start(informer);
    await informer.synced();
    expect(informer.hasSynced()).toBe(true);
    expect(names(informer.list())).toEqual(['a']);
    expect(recorder.since(0)).toEqual(['add a']);
    expect(informer.get(ns.name, 'a')?.kind).toBe('Secret'); // list items are given their kind

    await secret('b', true);
    await secret('unlabelled-2', false);
    await change('a', 'v2');
    await core().deleteNamespacedSecret({ name: 'b', namespace: ns.name });
    await change('unlabelled-1', 'v2');
    await vi.waitFor(() => expect(recorder.events).toHaveLength(4), eventually);
    expect(recorder.events.map((e) => `${e.event} ${e.name}`)).toEqual(['add a', 'add b', 'update a', 'delete b']);
    expect(names(informer.list())).toEqual(['a']);
    expect(recorder.violations).toEqual([]);
  });

  it('caches and hands out only what its transform keeps: no Secret value, no managedFields', async () => {
    // A real owner: kube-controller-manager's garbage collector deletes a Secret whose owner does not exist.
    const owner = await core().createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'o' } } });
    const ownerRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: owner.metadata?.uid ?? '', controller: true };
    await core().createNamespacedSecret({
      namespace: ns.name,
      body: {
        metadata: {
          name: 'kept',
          labels: { [LABEL]: 'true' },
          ownerReferences: [{ ...ownerRef, blockOwnerDeletion: true }],
        },
        stringData: { token: 'value-never-cached' },
      },
    });
    const informer = createInformer<V1Secret>({
      kubeConfig: testEnv().kubeConfig,
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: ns.name,
      labelSelector: `${LABEL}=true`,
      transform: metadataOnly,
    });
    const handed: KubernetesObject[] = [];
    informer.on('add', (obj) => handed.push(obj));
    informer.on('update', (obj) => handed.push(obj));
    const recorder = start(informer);
    await informer.synced();
    await change('kept', 'second-value-never-cached'); // through the watch this time
    await vi.waitFor(() => expect(recorder.events).toHaveLength(2), eventually);
    const cached = informer.get(ns.name, 'kept');
    expect(cached?.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(cached?.metadata?.ownerReferences).toEqual([ownerRef]); // the controller reference, nothing more
    for (const obj of [...handed, cached]) {
      expect(Object.keys(obj ?? {}).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
      expect(JSON.stringify(obj)).not.toMatch(/managedFields|value-never-cached|dmFsdWUtbmV2ZXItY2FjaGVk|c2Vjb25kLXZhbHVl/);
    }
    expect(recorder.violations).toEqual([]);
  });

  it('works for a custom resource once its CRD is applied, retrying until then', async () => {
    const group = `t${Date.now().toString(36)}.glkeys.io`;
    const ext = testEnv().kubeConfig.makeApiClient(ApiextensionsV1Api);
    const informer = createInformer({
      kubeConfig: testEnv().kubeConfig,
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      namespace: ns.name,
      restartBackoff: { initialMs: 200, maxMs: 1000 },
    });
    const recorder = start(informer);
    await vi.waitFor(() => expect(informer.stats().restarts).toBeGreaterThanOrEqual(1), eventually);
    expect(informer.hasSynced()).toBe(false);

    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: `widgets.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } },
              },
            },
          ],
        },
      },
    });
    try {
      await informer.synced();
      const custom = testEnv().kubeConfig.makeApiClient(CustomObjectsApi);
      await custom.createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace: ns.name,
        plural: 'widgets',
        body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } },
      });
      await vi.waitFor(() => expect(recorder.since(0)).toEqual(['add w1']), eventually);
      expect((informer.get(ns.name, 'w1') as { spec?: { size?: number } }).spec?.size).toBe(3);
    } finally {
      await ext.deleteCustomResourceDefinition({ name: `widgets.${group}` });
    }
  });

  it('recovers a watch broken by a 403 with backoff, and the missed changes come out as events', async () => {
    const admin = testEnv().kubeConfig;
    const grant = {
      namespace: ns.name,
      serviceAccount: 'watcher',
      name: 'secret-reader',
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
    };
    const { kubeConfig } = await testEnv().kubeconfigFor({ serviceAccount: { namespace: ns.name, name: 'watcher' } });
    await createRole(admin, grant);
    for (const name of ['s1', 's2', 's3']) await secret(name, true);

    // A short server-side watch timeout: RBAC is checked when a watch starts, so the next one meets the 403.
    const informer = createInformer({
      kubeConfig,
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: ns.name,
      labelSelector: `${LABEL}=true`,
      watchTimeoutSeconds: 1,
      restartBackoff: { initialMs: 200, maxMs: 2_000 },
    });
    const recorder = start(informer);
    await vi.waitFor(() => expect(informer.hasSynced()).toBe(true), eventually);
    await vi.waitFor(() => expect(informer.stats().watches).toBeGreaterThanOrEqual(1), eventually); // a watch is running (RBAC allowed it)
    expect(recorder.since(0)).toEqual(['add s1', 'add s2', 'add s3']);

    await unbind(admin, grant);
    await vi.waitFor(() => expect(informer.stats().consecutiveFailures).toBeGreaterThanOrEqual(2), eventually);
    expect(informer.stats().lastError).toMatch(/forbidden/);
    const seen = recorder.events.length;
    await change('s1', 'v2');
    await core().deleteNamespacedSecret({ name: 's2', namespace: ns.name });
    await secret('s4', true);

    // Over a window of 6 s a hot loop would try hundreds of times; the backoff (0.2 s doubling to 2 s) a handful.
    const before = informer.stats().restarts;
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const during = informer.stats().restarts - before;
    expect(during).toBeGreaterThanOrEqual(1);
    expect(during).toBeLessThanOrEqual(10);
    expect(recorder.events.length).toBe(seen); // the informer really was blind
    expect(names(informer.list())).toEqual(['s1', 's2', 's3']);

    await bind(admin, grant);
    await vi.waitFor(() => expect(names(informer.list())).toEqual(['s1', 's3', 's4']), eventually);
    const live = await core().listNamespacedSecret({ namespace: ns.name, labelSelector: `${LABEL}=true` });
    for (const s of live.items)
      expect(informer.get(ns.name, s.metadata!.name!)?.metadata?.resourceVersion).toBe(s.metadata?.resourceVersion);
    expect(recorder.since(seen)).toEqual(['add s4', 'delete s2', 'update s1']);
    expect(recorder.violations).toEqual([]);
  });

  it('after stop() and start() announces each live object once more and keeps the mirror valid', async () => {
    for (const name of ['s1', 's2']) await secret(name, true);
    const informer = createInformer({
      kubeConfig: testEnv().kubeConfig,
      path: '/api/v1/secrets',
      namespace: ns.name,
      labelSelector: `${LABEL}=true`,
    });
    const recorder = start(informer);
    await informer.synced();
    expect(recorder.since(0)).toEqual(['add s1', 'add s2']);

    await informer.stop();
    expect(informer.hasSynced()).toBe(false);
    await secret('s3', true);
    await core().deleteNamespacedSecret({ name: 's2', namespace: ns.name });
    const seen = recorder.events.length;
    informer.start();
    await informer.synced();
    // s1 unchanged: an update with old === new (a resync); s2 gone: delete; s3 new: add. Never a second add of s1.
    expect(recorder.since(seen)).toEqual(['add s3', 'delete s2', 'update(resync) s1']);
    expect([...recorder.mirror.keys()].sort()).toEqual(['s1', 's3']);
    expect(recorder.violations).toEqual([]);
  });

  it('rejects synced() when stopped before the first list', async () => {
    const informer = createInformer({
      kubeConfig: testEnv().kubeConfig,
      apiVersion: 'v1',
      kind: 'NoSuchKind',
      restartBackoff: { initialMs: 100, maxMs: 200 },
    });
    informer.start();
    const synced = informer.synced();
    await vi.waitFor(() => expect(informer.stats().restarts).toBeGreaterThanOrEqual(1), eventually);
    await informer.stop();
    await expect(synced).rejects.toThrow(/stopped before its cache synced/);
  });
});
