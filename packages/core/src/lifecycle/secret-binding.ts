/**
 * A lifecycle-managed credential whose consumer is one Secret: the state lives in the Secret's
 * `glkeys.io/state` annotation and every write carries value and state together.
 *
 * What makes it safe under a controller's conditions:
 * - The Secret is read fresh once per run, and every write names the resourceVersion it builds
 *   on (a create names none, so it fails if the Secret appeared meanwhile). A ConflictError means
 *   another writer got there first: read again. Because the intent is the first write, a
 *   conflict can only stop a run before its create, or make it revoke what it just created.
 * - The Secret's type is the renderer's from the very first write (a placeholder value valid
 *   for the type), because a Secret's type is immutable. A Secret of another type is refused
 *   before any GitLab call.
 * - A Secret another owner wrote, or one holding data glkeys did not write, is refused unless
 *   the caller asks to take it over.
 * - A Secret whose data was edited (its hash no longer matches the one written with it) gets a
 *   fresh credential, and the old one is revoked.
 * - Revoking never needs to write the Secret (`persist: false`), so it works while the
 *   namespace is terminating.
 */
import { createHash } from 'node:crypto';
import { ForeignStateError, LifecycleError } from '../errors.js';
import type { RenderedSecret, SecretRenderer } from '../render/formats.js';
import { MANAGED_BY_LABEL, type OwnerReference, type SecretManifest } from '../render/secret-manifest.js';
import type { CallOptions, CredentialDriver } from './driver.js';
import { CredentialLifecycle, type LifecycleOptions, type LifecycleResult } from './protocol.js';
import type { SecretStore, StoredSecret } from './secret-store.js';
import { specHashOf } from './spec-hash.js';
import { parseStateAnnotation, stateToAnnotations, type LifecycleState } from './state.js';

/** Hash of the Secret's data as glkeys last wrote it; a mismatch means someone edited it. */
export const DATA_HASH_ANNOTATION = 'glkeys.io/data-hash';

export interface SecretRef {
  namespace: string;
  name: string;
}

/** What the caller adds to the Secret besides the credential (a controller's owner, labels). */
export interface SecretDecoration {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface SecretBindingInput<V> {
  store: SecretStore;
  secret: SecretRef & SecretDecoration;
  renderer: SecretRenderer<V>;
  lifecycle: Omit<LifecycleOptions<V>, 'persist' | 'driver'>;
  /**
   * The driver, or how to get it (resolving a path to an ID is a GitLab call): asked for only
   * after the Secret was read and checked, so a Secret that cannot be used costs no GitLab call.
   */
  driver: CredentialDriver<V> | (() => Promise<CredentialDriver<V>>);
  /** `ensure` keeps a live credential that fits; `rotate` replaces it now. */
  mode: 'ensure' | 'rotate';
  /** With `ensure`: check the current credential in GitLab (one GET). Default true. */
  verify?: boolean;
  /** With `ensure`: revoke retired credentials now (the consumer has switched). */
  revokeRetired?: boolean;
  /** Replace another owner's state (revoking its credentials) or data glkeys did not write. */
  takeOver?: boolean;
  /**
   * Afterwards, revoke every credential with this owner's marker that the state does not hold:
   * for stores that lose their state (an export, a deleted Secret). One list call.
   */
  collectStrays?: boolean;
  signal?: AbortSignal | undefined;
}

export interface SecretBindingResult {
  result: LifecycleResult;
  /** Writes of the Secret this run made. */
  writes: number;
  /** The Secret as it now is (the last write, or what was read). Holds the secret value. */
  manifest: SecretManifest | undefined;
  warnings: string[];
}

export async function bindCredentialToSecret<V>(input: SecretBindingInput<V>): Promise<SecretBindingResult> {
  const call: CallOptions = input.signal ? { signal: input.signal } : {};
  const stored = await input.store.read(call);
  const where = `Secret ${input.secret.namespace}/${input.secret.name}`;
  if (stored && stored.type !== input.renderer.type) {
    throw new LifecycleError(
      `${where} has type ${stored.type}, and format ${input.renderer.format} writes type ${input.renderer.type}; a Secret's type cannot change. Delete the Secret or use another name.`,
    );
  }
  const rawState = parseStateAnnotation(stored?.annotations);
  if (stored && rawState === undefined && Object.keys(stored.data).length > 0 && !input.takeOver) {
    throw new ForeignStateError(`${where} holds data that glkeys did not write; take it over explicitly to replace it`, {
      ownerKey: undefined,
      kind: undefined,
      credentials: [],
    });
  }

  const base = typeof input.driver === 'function' ? await input.driver() : input.driver;
  // A change of format or render options is a change of what the consumer gets: rotate.
  const driver: CredentialDriver<V> = {
    ...base,
    specHash: bindingSpecHash(base.specHash, input.renderer),
  };
  let current: SecretManifest | undefined = stored && fromStored(input.secret, stored);
  let resourceVersion = stored?.resourceVersion;
  let writes = 0;
  const lifecycle = new CredentialLifecycle<V>({
    ...input.lifecycle,
    driver,
    persist: async ({ state, value }, options) => {
      const manifest =
        value !== undefined
          ? valueManifest(input, current, input.renderer.render(value), state)
          : stateManifest(input.secret, current ?? placeholderManifest(input.secret, input.renderer), state);
      ({ resourceVersion } = await input.store.write(manifest, { resourceVersion }, options));
      current = manifest;
      writes += 1;
    },
  });
  const run = { ...call, ...(input.takeOver ? { takeOver: true } : {}) };
  const edited = stored !== undefined && rawState !== undefined && dataWasEdited(stored);
  let result =
    input.mode === 'rotate'
      ? await lifecycle.rotate(rawState, run)
      : await lifecycle.ensure(rawState, {
          ...run,
          verify: input.verify ?? true,
          replace: edited,
          revokeRetired: input.revokeRetired === true,
        });
  if (input.collectStrays) {
    // New first, then the strays: a failure here never takes away the working credential.
    const collected = await lifecycle.collectOrphans(result.state, call);
    result = { ...result, revoked: [...result.revoked, ...collected.revoked], gone: [...result.gone, ...collected.gone] };
  }
  return { result, writes, manifest: current, warnings: [...result.warnings] };
}

export interface SecretRevokeInput<V> {
  store: SecretStore;
  secret: SecretRef;
  lifecycle: Omit<LifecycleOptions<V>, 'persist'>;
  /** false: revoke without writing the Secret (it may be going away with its namespace). */
  persist?: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * Revokes everything the owner has (found by state and by marker). The Secret is read if it is
 * still there; a missing Secret still revokes strays by marker on the driver's target.
 */
export async function revokeSecretCredential<V>(input: SecretRevokeInput<V>): Promise<SecretBindingResult> {
  const call: CallOptions = input.signal ? { signal: input.signal } : {};
  const stored = await input.store.read(call);
  let resourceVersion = stored?.resourceVersion;
  let current: SecretManifest | undefined = stored && fromStored(input.secret, stored);
  let writes = 0;
  const lifecycle = new CredentialLifecycle<V>({
    ...input.lifecycle,
    persist: async ({ state }, options) => {
      if (!current) return; // nothing to record the revocation in
      const manifest = stateManifest(input.secret, current, state);
      ({ resourceVersion } = await input.store.write(manifest, { resourceVersion }, options));
      current = manifest;
      writes += 1;
    },
  });
  const result = await lifecycle.revokeAll(parseStateAnnotation(stored?.annotations), { ...call, persist: input.persist !== false });
  return { result, writes, manifest: current, warnings: [...result.warnings] };
}

function fromStored(secret: SecretRef, stored: StoredSecret): SecretManifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secret.name, namespace: secret.namespace, labels: { ...stored.labels }, annotations: { ...stored.annotations } },
    type: stored.type,
    data: { ...stored.data },
  };
}

/** The Secret with only the state changed (an intent, a revocation recorded). */
function stateManifest(secret: SecretRef & SecretDecoration, base: SecretManifest, state: LifecycleState): SecretManifest {
  return decorate(secret, {
    ...base,
    metadata: { ...base.metadata, annotations: { ...base.metadata.annotations, ...stateToAnnotations(state) } },
  });
}

/** The Secret holding a new value: data replaced whole, glkeys' annotations replaced, others kept. */
function valueManifest<V>(
  input: SecretBindingInput<V>,
  current: SecretManifest | undefined,
  rendered: RenderedSecret,
  state: LifecycleState,
): SecretManifest {
  const data = encode(rendered.stringData);
  const kept = Object.fromEntries(Object.entries(current?.metadata.annotations ?? {}).filter(([key]) => !key.startsWith('glkeys.io/')));
  return decorate(input.secret, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: input.secret.name,
      namespace: input.secret.namespace,
      labels: { ...current?.metadata.labels },
      annotations: { ...kept, ...rendered.annotations, ...stateToAnnotations(state), [DATA_HASH_ANNOTATION]: dataHash(data) },
    },
    type: rendered.type,
    data,
  });
}

function placeholderManifest<V>(secret: SecretRef, renderer: SecretRenderer<V>): SecretManifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secret.name, namespace: secret.namespace, labels: {}, annotations: {} },
    type: renderer.type,
    data: encode(renderer.placeholder),
  };
}

function decorate(secret: SecretDecoration, manifest: SecretManifest): SecretManifest {
  const metadata = {
    ...manifest.metadata,
    labels: { ...manifest.metadata.labels, ...secret.labels, ...MANAGED_BY_LABEL },
    annotations: { ...manifest.metadata.annotations, ...secret.annotations },
    ...(secret.ownerReferences ? { ownerReferences: secret.ownerReferences } : {}),
  };
  return { ...manifest, metadata };
}

function encode(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
}

/** SHA-256 over the sorted data, as written. Not reversible; used only to notice an edit. */
function dataHash(data: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(data).sort()) hash.update(`${key}\u0000${data[key]}\u0000`);
  return hash.digest('hex').slice(0, 32);
}

export function dataWasEdited(stored: StoredSecret): boolean {
  const recorded = stored.annotations[DATA_HASH_ANNOTATION];
  return recorded !== undefined && recorded !== dataHash(stored.data);
}

/** The spec hash a binding records: the driver's and the renderer's (bootstrap's dry run compares with it). */
export function bindingSpecHash<V>(driverSpecHash: string, renderer: SecretRenderer<V>): string {
  return specHashOf({ spec: driverSpecHash, render: rendererFingerprint(renderer) });
}

/** What a renderer bakes into the Secret besides the value (format, CA, registry, known_hosts). */
function rendererFingerprint<V>(renderer: SecretRenderer<V>): string {
  const probe = renderer.render(PROBE as never);
  return specHashOf({ format: renderer.format, type: renderer.type, data: probe.stringData });
}

/** A value with fixed fake fields: rendering it shows what a renderer adds besides the value. */
const PROBE = {
  id: 0,
  username: 'probe',
  token: 'probe',
  privateKey: 'probe',
  publicKey: 'probe',
  fingerprintSha256: 'probe',
  expiresAt: null,
};
