/**
 * Reading and writing the custom resources themselves: always a fresh GET (never the informer's
 * copy: the protocol's decisions need the latest spec and status), and JSON patches guarded by the
 * resourceVersion read (a patch that sets `metadata.resourceVersion` makes it a precondition), so
 * a stale writer gets a 409 ConflictError and reads again.
 */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { kubeCall, statusOf } from '@glkeys/core/kubernetes';
import { GROUP, VERSION, type CommonSpec, type CredentialObject, type CredentialStatus } from './spec.js';

const PLURALS = ['gitlabdeploytokens', 'gitlabdeploykeys'] as const;

export interface KindNames {
  kind: string;
  plural: string;
}

export class CredentialObjects<S> {
  private readonly api: CustomObjectsApi;

  constructor(
    kubeConfig: KubeConfig,
    private readonly names: KindNames,
  ) {
    this.api = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async get(namespace: string, name: string, signal?: AbortSignal): Promise<CredentialObject<S> | undefined> {
    try {
      return (await kubeCall(
        this.request('get', namespace, name),
        () => this.api.getNamespacedCustomObject(this.params(namespace, name)),
        signalOf(signal),
      )) as CredentialObject<S>;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async list(namespace: string | undefined, signal?: AbortSignal): Promise<CredentialObject<S>[]> {
    const list = (await kubeCall(
      { verb: 'list', resource: this.names.kind, ...(namespace ? { namespace } : {}) },
      () =>
        namespace
          ? this.api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: this.names.plural, namespace })
          : this.api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: this.names.plural }),
      signalOf(signal),
    )) as { items?: CredentialObject<S>[] };
    return list.items ?? [];
  }

  /** Objects of both kinds in a namespace (who else needs an auth Secret). */
  async listBothKinds(namespace: string, signal?: AbortSignal): Promise<CredentialObject<Partial<CommonSpec>>[]> {
    const all: CredentialObject<Partial<CommonSpec>>[] = [];
    for (const plural of PLURALS) {
      const list = (await kubeCall(
        { verb: 'list', resource: plural, namespace },
        () => this.api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace }),
        signalOf(signal),
      )) as {
        items?: CredentialObject<Partial<CommonSpec>>[];
      };
      all.push(...(list.items ?? []));
    }
    return all;
  }

  /** Adds `finalizer`; false when present already (no write). */
  async addFinalizer(object: CredentialObject<S>, finalizer: string, signal?: AbortSignal): Promise<boolean> {
    const finalizers = object.metadata.finalizers;
    if (finalizers?.includes(finalizer)) return false;
    await this.patch(
      object,
      [
        finalizers
          ? { op: 'add', path: '/metadata/finalizers/-', value: finalizer }
          : { op: 'add', path: '/metadata/finalizers', value: [finalizer] },
      ],
      signal,
    );
    return true;
  }

  /** Removes `finalizer`; false when absent (no write). */
  async removeFinalizer(object: CredentialObject<S>, finalizer: string, signal?: AbortSignal): Promise<boolean> {
    const index = object.metadata.finalizers?.indexOf(finalizer) ?? -1;
    if (index < 0) return false;
    await this.patch(object, [{ op: 'remove', path: `/metadata/finalizers/${index}` }], signal);
    return true;
  }

  /** Replaces the status (status subresource), guarded by the resourceVersion read. */
  async writeStatus(object: CredentialObject<S>, status: CredentialStatus, signal?: AbortSignal): Promise<void> {
    const { namespace, name } = object.metadata;
    await kubeCall(
      this.request('update', namespace, name),
      () =>
        this.api.patchNamespacedCustomObjectStatus({
          ...this.params(namespace, name),
          body: [
            { op: 'replace', path: '/metadata/resourceVersion', value: object.metadata.resourceVersion },
            { op: 'add', path: '/status', value: status },
          ],
        }),
      signalOf(signal),
    );
  }

  private async patch(object: CredentialObject<S>, ops: object[], signal?: AbortSignal): Promise<void> {
    const { namespace, name } = object.metadata;
    const updated = (await kubeCall(
      this.request('patch', namespace, name),
      () =>
        this.api.patchNamespacedCustomObject({
          ...this.params(namespace, name),
          body: [{ op: 'replace', path: '/metadata/resourceVersion', value: object.metadata.resourceVersion }, ...ops],
        }),
      signalOf(signal),
    )) as CredentialObject<S>;
    object.metadata.resourceVersion = updated.metadata.resourceVersion;
    object.metadata.finalizers = updated.metadata.finalizers;
  }

  private params(namespace: string, name: string) {
    return { group: GROUP, version: VERSION, plural: this.names.plural, namespace, name };
  }

  private request(verb: string, namespace: string, name: string) {
    return { verb, resource: this.names.kind, namespace, name };
  }
}

function signalOf(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
