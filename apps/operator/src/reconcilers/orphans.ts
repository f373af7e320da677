/**
 * Where the operator writes down credentials it had to give up revoking: a ConfigMap in its own
 * namespace, one key per object, holding IDs, target and owner marker (never a value). `glkeys`
 * (or a person) can find and revoke them later; the CLI reads the same JSON.
 */
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { ConflictError } from '@glkeys/core';
import { kubeCall, statusOf } from '@glkeys/core/kubernetes';
import type { OrphanRecord, OrphanRecorder } from './finalize.js';

export const ORPHANS_CONFIGMAP = 'glkeys-orphaned-credentials';

export class ConfigMapOrphanRecorder implements OrphanRecorder {
  private readonly core: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly namespace: string,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async record(orphan: OrphanRecord): Promise<void> {
    const key = `${orphan.namespace}.${orphan.name}.${orphan.uid}`;
    const value = JSON.stringify(orphan);
    // Read, add, write guarded by the resourceVersion; a conflict reads again (a few times).
    for (let attempt = 0; ; attempt += 1) {
      const existing = await this.read();
      try {
        if (!existing) {
          await kubeCall({ verb: 'create', resource: 'ConfigMap', namespace: this.namespace, name: ORPHANS_CONFIGMAP }, () =>
            this.core.createNamespacedConfigMap({
              namespace: this.namespace,
              body: { metadata: { name: ORPHANS_CONFIGMAP, labels: { 'app.kubernetes.io/managed-by': 'glkeys' } }, data: { [key]: value } },
            }),
          );
        } else {
          existing.data = { ...existing.data, [key]: value };
          await kubeCall({ verb: 'update', resource: 'ConfigMap', namespace: this.namespace, name: ORPHANS_CONFIGMAP }, () =>
            this.core.replaceNamespacedConfigMap({ name: ORPHANS_CONFIGMAP, namespace: this.namespace, body: existing }),
          );
        }
        return;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 4) throw error;
      }
    }
  }

  async list(): Promise<OrphanRecord[]> {
    const existing = await this.read();
    return Object.values(existing?.data ?? {}).map((v) => JSON.parse(v) as OrphanRecord);
  }

  private async read(): Promise<V1ConfigMap | undefined> {
    try {
      return await kubeCall({ verb: 'get', resource: 'ConfigMap', namespace: this.namespace, name: ORPHANS_CONFIGMAP }, () =>
        this.core.readNamespacedConfigMap({ name: ORPHANS_CONFIGMAP, namespace: this.namespace }),
      );
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }
}
