/**
 * The Secret binding's store for Kubernetes: one Secret whose annotation `glkeys.io/state`
 * holds the state next to the value. Writes are guarded like controller-runtime's
 * CreateOrUpdate: a create (POST) fails with 409 AlreadyExists if the Secret appeared since the
 * read, an update (PUT with the resourceVersion read) fails with 409 Conflict if it changed.
 * Either is a ConflictError: read again. An update keeps what others put on the Secret
 * (finalizers, owner references, labels and annotations they own), because the binding builds
 * each write from the last read.
 *
 * A missing namespace is an error unless the caller asked for it to be created (`flux
 * bootstrap` creates its namespace; an operator or a typo in `--namespace` must not).
 */
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { ValidationError } from '../errors.js';
import type { CallOptions } from '../lifecycle/driver.js';
import type { SecretStore, StoredSecret, WritePrecondition } from '../lifecycle/secret-store.js';
import type { SecretManifest } from '../render/secret-manifest.js';
import { ConflictError, type KubeRequest } from './errors.js';
import { kubeCall, statusOf } from './kube-call.js';
import { shown } from '../shown.js';

export const FIELD_MANAGER = 'glkeys';

export interface KubernetesSecretStoreOptions {
  /** Create the namespace when it is missing. Default false: a missing namespace is an error. */
  createNamespace?: boolean;
}

export class KubernetesSecretStore implements SecretStore {
  private readonly core: CoreV1Api;
  /** The Secret as last read or written: what an update builds on. */
  private last: V1Secret | undefined;
  /** Kubernetes writes made by this store (for reports and tests). */
  writes = 0;

  constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
    readonly name: string,
    private readonly options: KubernetesSecretStoreOptions = {},
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async read(options: CallOptions = {}): Promise<StoredSecret | undefined> {
    let secret: V1Secret;
    try {
      secret = await kubeCall(
        this.request('get'),
        () => this.core.readNamespacedSecret({ name: this.name, namespace: this.namespace }),
        signalOf(options),
      );
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      this.last = undefined;
      await this.checkNamespace(options);
      return undefined;
    }
    this.last = secret;
    return {
      type: secret.type ?? 'Opaque',
      data: { ...secret.data },
      annotations: { ...secret.metadata?.annotations },
      labels: { ...secret.metadata?.labels },
      resourceVersion: secret.metadata?.resourceVersion ?? '',
    };
  }

  async write(manifest: SecretManifest, precondition: WritePrecondition, options: CallOptions = {}): Promise<{ resourceVersion: string }> {
    this.checkName(manifest);
    const body = this.body(manifest, precondition);
    const written =
      precondition.resourceVersion === undefined ? await this.create(body, options, false) : await this.replace(body, options, false);
    this.last = written;
    this.writes += 1;
    return { resourceVersion: written.metadata?.resourceVersion ?? '' };
  }

  /** A server-side dry run of `write`: the apiserver's 401/403/409/422 without any change. */
  async check(manifest: SecretManifest, precondition: WritePrecondition): Promise<void> {
    this.checkName(manifest);
    const body = this.body(manifest, precondition);
    try {
      if (precondition.resourceVersion === undefined) await this.create(body, {}, true);
      else await this.replace(body, {}, true);
    } catch (error) {
      // A namespace the write would create does not exist yet; the dry run cannot tell more.
      if (!(statusOf(error) === 404 && this.options.createNamespace)) throw error;
    }
  }

  /** Decoded values of the stored Secret. Secrets: for callers that print with consent only. */
  static decode(stored: StoredSecret): Record<string, string> {
    return Object.fromEntries(Object.entries(stored.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }

  private request(verb: string, dryRun = false): KubeRequest {
    return requestOf(this.namespace, this.name, verb, dryRun);
  }

  private checkName(manifest: SecretManifest): void {
    if (manifest.metadata.namespace !== this.namespace || manifest.metadata.name !== this.name) {
      throw new ValidationError(
        'secret',
        "this store's Secret",
        `secret store for ${this.namespace}/${this.name} was handed ${manifest.metadata.namespace}/${manifest.metadata.name}`,
      );
    }
  }

  /** The object to send: the manifest over what the last read showed (others' metadata kept). */
  private body(manifest: SecretManifest, precondition: WritePrecondition): V1Secret {
    const previous = precondition.resourceVersion === undefined ? undefined : this.last?.metadata;
    const ownerReferences = manifest.metadata.ownerReferences ?? previous?.ownerReferences;
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: manifest.metadata.labels,
        annotations: manifest.metadata.annotations,
        ...(previous?.finalizers ? { finalizers: previous.finalizers } : {}),
        ...(ownerReferences ? { ownerReferences } : {}),
        ...(precondition.resourceVersion === undefined ? {} : { resourceVersion: precondition.resourceVersion }),
      },
      type: manifest.type,
      data: manifest.data,
    };
  }

  private async create(body: V1Secret, options: CallOptions, dryRun: boolean): Promise<V1Secret> {
    const post = () =>
      kubeCall(
        this.request('create', dryRun),
        () =>
          this.core.createNamespacedSecret({
            namespace: this.namespace,
            body,
            fieldManager: FIELD_MANAGER,
            ...(dryRun ? { dryRun: 'All' } : {}),
          }),
        signalOf(options),
      );
    try {
      return await post();
    } catch (error) {
      const status = statusOf(error);
      // 409 AlreadyExists (someone created it since the read) leaves kubeCall as a ConflictError.
      if (status !== 404) throw error;
      if (!this.options.createNamespace) throw missingNamespace(this.namespace);
      if (dryRun) throw error;
      await this.createNamespace(options);
      return post();
    }
  }

  private async replace(body: V1Secret, options: CallOptions, dryRun: boolean): Promise<V1Secret> {
    try {
      return await kubeCall(
        this.request('update', dryRun),
        () =>
          this.core.replaceNamespacedSecret({
            name: this.name,
            namespace: this.namespace,
            body,
            fieldManager: FIELD_MANAGER,
            ...(dryRun ? { dryRun: 'All' } : {}),
          }),
        signalOf(options),
      );
    } catch (error) {
      // 409 (changed since the read) is a ConflictError already. 404: deleted since the read, which
      // is a conflict too: a create would have to start from a fresh read.
      if (statusOf(error) !== 404) throw error;
      const request = this.request('update', dryRun);
      throw new ConflictError(`Kubernetes API: update Secret ${this.namespace}/${this.name} refused: it was deleted since it was read`, {
        request,
        status: 404,
        reason: 'NotFound',
      });
    }
  }

  /**
   * With the Secret missing: is its namespace missing too? Asked at read time, so the refusal
   * comes before the caller sends anything to GitLab. An identity that may not read namespaces
   * (403) cannot tell; the create then answers.
   */
  private async checkNamespace(options: CallOptions): Promise<void> {
    if (this.options.createNamespace) return;
    try {
      await kubeCall(
        { verb: 'get', resource: 'Namespace', name: this.namespace },
        () => this.core.readNamespace({ name: this.namespace }),
        signalOf(options),
      );
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) throw missingNamespace(this.namespace);
      if (status !== 403) throw error;
    }
  }

  private async createNamespace(options: CallOptions): Promise<void> {
    try {
      await kubeCall(
        { verb: 'create', resource: 'Namespace', name: this.namespace },
        () => this.core.createNamespace({ body: { metadata: { name: this.namespace } }, fieldManager: FIELD_MANAGER }),
        signalOf(options),
      );
    } catch (error) {
      if (statusOf(error) !== 409) throw error; // created meanwhile: fine
    }
  }
}

function missingNamespace(namespace: string): ValidationError {
  return new ValidationError(
    'namespace',
    'existing namespace',
    `namespace: ${shown(namespace)} does not exist; create it first (or ask glkeys to create it)`,
  );
}

/** The request as errors name it. */
function requestOf(namespace: string, name: string, verb: string, dryRun = false): KubeRequest {
  return { verb, resource: 'Secret', namespace, name, ...(dryRun ? { dryRun: true } : {}) };
}

function signalOf(options: CallOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
