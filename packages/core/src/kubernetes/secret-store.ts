/**
 * The lifecycle's state store for Kubernetes: one Secret whose annotation `glkeys.io/state`
 * holds the state next to the value. Every write is ONE server-side apply of the whole
 * Secret (fieldManager `glkeys`, force), so value and state never disagree. The namespace is
 * created on first use, as `flux bootstrap` does.
 */
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import type { SecretStore, StoredSecret } from '../lifecycle/secret-store.js';
import type { SecretManifest } from '../render/secret-manifest.js';
import { kubeCall, statusOf } from './kube-call.js';

export const FIELD_MANAGER = 'glkeys';

export class KubernetesSecretStore implements SecretStore {
  private readonly core: CoreV1Api;
  private readonly objects: KubernetesObjectApi;
  /** Kubernetes writes made by this store (for reports and tests). */
  writes = 0;

  constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
    readonly name: string,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  }

  async read(): Promise<StoredSecret | undefined> {
    let secret: V1Secret;
    try {
      secret = await kubeCall({ verb: 'get', resource: 'Secret', namespace: this.namespace, name: this.name }, () =>
        this.core.readNamespacedSecret({ name: this.name, namespace: this.namespace }),
      );
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
    return {
      type: secret.type ?? 'Opaque',
      data: { ...secret.data },
      annotations: { ...secret.metadata?.annotations },
      labels: { ...secret.metadata?.labels },
    };
  }

  async write(manifest: SecretManifest): Promise<void> {
    if (manifest.metadata.namespace !== this.namespace || manifest.metadata.name !== this.name) {
      throw new Error(`secret store for ${this.namespace}/${this.name} was handed ${manifest.metadata.namespace}/${manifest.metadata.name}`);
    }
    try {
      await this.apply(manifest);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      // The namespace is missing: create it (also by apply, so it is idempotent) and retry once.
      await this.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } });
      await this.apply(manifest);
    }
  }

  /**
   * A server-side dry-run apply: fails with the apiserver's 401/403 when this identity may not
   * write the Secret, before anything else changes. A missing namespace (404) is fine: write
   * creates it.
   */
  async check(manifest: SecretManifest): Promise<void> {
    try {
      await kubeCall({ verb: 'apply', dryRun: true, resource: 'Secret', namespace: this.namespace, name: this.name }, () =>
        this.objects.patch(manifest as never, undefined, 'All', FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
      );
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  /** Decoded values of the stored Secret. Secrets: for callers that print with consent only. */
  static decode(stored: StoredSecret): Record<string, string> {
    return Object.fromEntries(Object.entries(stored.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }

  private async apply(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): Promise<void> {
    const { name, namespace } = object.metadata;
    await kubeCall({ verb: 'apply', resource: object.kind, name, ...(namespace ? { namespace } : {}) }, () =>
      this.objects.patch(object as never, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    );
    this.writes += 1;
  }
}

export { statusOf };
