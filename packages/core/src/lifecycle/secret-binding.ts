/**
 * A lifecycle-managed credential whose consumer is one Secret: the state lives in the
 * Secret's `glkeys.io/state` annotation and every write carries value and state together
 * (one server-side apply). Shared by `bootstrap gitlab`, `token create|rotate --secret`
 * and `key create|rotate --secret`.
 */
import { LifecycleError } from '../errors.js';
import type { CredentialDriver } from './driver.js';
import { ownerKeyOf } from './owner-marker.js';
import { CredentialLifecycle, type LifecycleResult } from './protocol.js';
import { STATE_ANNOTATION, stateFromAnnotations, type LifecycleState } from './state.js';
import type { RenderedSecret } from '../render/formats.js';
import { MANAGED_BY_LABEL, secretManifest, type SecretManifest } from '../render/secret-manifest.js';
import type { SecretStore, StoredSecret } from './secret-store.js';

export interface SecretCredentialInput<V> {
  store: SecretStore;
  secretName: string;
  namespace: string;
  driver: CredentialDriver<V>;
  /** Lifecycle owner identity (cluster + Secret + target); hashed into the credential's name. */
  owner: string;
  /** Human part of the credential's GitLab name. */
  credentialName: string;
  render: (value: V) => RenderedSecret;
  /** `ensure` keeps a live credential (verified with one GET); `rotate` replaces it. */
  mode: 'ensure' | 'rotate';
  graceMs?: number;
  /**
   * The store keeps no state between runs (an export): after minting, revoke every other
   * credential carrying this owner's marker, so repeated exports leave one live credential.
   */
  supersedeOwned?: boolean;
}

export interface SecretCredentialResult {
  result: LifecycleResult;
  /** Whether the Secret was written at all. */
  written: boolean;
  /** The Secret as it now is (the last write, or what was read). A secret. */
  manifest: SecretManifest | undefined;
  warnings: string[];
}

export async function credentialToSecret<V>(input: SecretCredentialInput<V>): Promise<SecretCredentialResult> {
  const warnings: string[] = [];
  const stored = await input.store.read();
  let state: LifecycleState | undefined;
  try {
    state = stateFromAnnotations(stored?.annotations, input.driver.kind, ownerKeyOf(input.owner));
  } catch (error) {
    if (!(error instanceof LifecycleError)) throw error;
    // Another cluster, target or credential kind wrote this Secret: start over, and say so.
    warnings.push(`The Secret held lifecycle state for something else (${error.message}); a new credential was created. Revoke the old one if nothing uses it.`);
  }
  let current: SecretManifest | undefined = stored && fromStored(input, stored);
  let written = false;
  const lifecycle = new CredentialLifecycle<V>({
    driver: input.driver,
    owner: input.owner,
    name: input.credentialName,
    ...(input.graceMs === undefined ? {} : { graceMs: input.graceMs }),
    persist: async ({ state: next, value }) => {
      const manifest =
        value !== undefined
          ? secretManifest({ name: input.secretName, namespace: input.namespace, rendered: input.render(value), state: next })
          : withState(current ?? emptyManifest(input), next);
      await input.store.write(manifest);
      current = manifest;
      written = true;
    },
  });
  let result = input.mode === 'rotate' ? await lifecycle.rotate(state) : await lifecycle.ensure(state, { verify: true });
  if (input.supersedeOwned) {
    // New first, then the old ones: a failed export never takes away a working credential.
    const collected = await lifecycle.collectOrphans(result.state);
    result = { ...result, revoked: [...result.revoked, ...collected.revoked], warnings: [...result.warnings, ...collected.warnings] };
  }
  warnings.push(...result.warnings);
  return { result, written, manifest: current, warnings };
}

function fromStored(input: { secretName: string; namespace: string }, stored: StoredSecret): SecretManifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: input.secretName, namespace: input.namespace, labels: { ...stored.labels, ...MANAGED_BY_LABEL }, annotations: { ...stored.annotations } },
    type: stored.type,
    data: { ...stored.data },
  };
}

function emptyManifest(input: { secretName: string; namespace: string }): SecretManifest {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: input.secretName, namespace: input.namespace, labels: { ...MANAGED_BY_LABEL }, annotations: {} }, type: 'Opaque', data: {} };
}

function withState(manifest: SecretManifest, state: LifecycleState): SecretManifest {
  return { ...manifest, metadata: { ...manifest.metadata, annotations: { ...manifest.metadata.annotations, [STATE_ANNOTATION]: JSON.stringify(state) } } };
}

/** Lifecycle owner for a Secret written by `token|key create|rotate --secret`. */
export function secretOwner(input: { clusterId: string; namespace: string; secretName: string; target: string }): string {
  return `secret:${input.clusterId}/${input.namespace}/${input.secretName}@${input.target}`;
}
