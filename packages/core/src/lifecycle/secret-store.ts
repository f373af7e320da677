/**
 * Where a Secret binding keeps the credential: one Secret, read fresh and written whole, each
 * write guarded by what was read (as controller-runtime's CreateOrUpdate): a create fails if the
 * Secret appeared meanwhile, an update fails if it changed. Both throw a ConflictError, which
 * means "read again", never "mint another". The Kubernetes implementation lives in
 * `@glkeys/core/kubernetes`; the in-memory one serves exports and tests of flows.
 */
import { ConflictError } from '../kubernetes/errors.js';
import type { SecretManifest } from '../render/secret-manifest.js';
import type { CallOptions } from './driver.js';
import { GlkeysError } from '../errors.js';

export interface StoredSecret {
  type: string;
  /** base64 values, as in a Secret's `data`. */
  data: Record<string, string>;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** What a guarded write names to prove it saw this version. */
  resourceVersion: string;
}

/** `resourceVersion` of the version the write replaces; undefined: the Secret must not exist yet. */
export interface WritePrecondition {
  resourceVersion: string | undefined;
}

export interface SecretStore {
  read(options?: CallOptions): Promise<StoredSecret | undefined>;
  /** One guarded write of the whole Secret; returns the new resourceVersion. */
  write(manifest: SecretManifest, precondition: WritePrecondition, options?: CallOptions): Promise<{ resourceVersion: string }>;
  /** Fails as `write` would, without writing (a dry run), when the store can tell. */
  check?(manifest: SecretManifest, precondition: WritePrecondition): Promise<void>;
}

/** Keeps the Secret in memory, with the apiserver's resourceVersion rules (exports and tests). */
export class MemorySecretStore implements SecretStore {
  manifest: SecretManifest | undefined;
  writes = 0;
  private version = 0;

  async read(): Promise<StoredSecret | undefined> {
    const m = this.manifest;
    return (
      m && {
        type: m.type,
        data: { ...m.data },
        annotations: { ...m.metadata.annotations },
        labels: { ...m.metadata.labels },
        resourceVersion: String(this.version),
      }
    );
  }

  async write(manifest: SecretManifest, precondition: WritePrecondition): Promise<{ resourceVersion: string }> {
    const exists = this.manifest !== undefined;
    const request = {
      verb: precondition.resourceVersion === undefined ? 'create' : 'update',
      resource: 'Secret',
      name: manifest.metadata.name,
      namespace: manifest.metadata.namespace,
    };
    if (precondition.resourceVersion === undefined && exists)
      throw new ConflictError('Secret already exists', { request, status: 409, reason: 'AlreadyExists' });
    if (precondition.resourceVersion !== undefined && (!exists || precondition.resourceVersion !== String(this.version))) {
      throw new ConflictError('Secret changed since it was read', { request, status: 409, reason: 'Conflict' });
    }
    if (exists && this.manifest!.type !== manifest.type)
      throw new GlkeysError('KUBERNETES', `Secret type is immutable (${this.manifest!.type} -> ${manifest.type})`);
    this.manifest = structuredClone(manifest);
    this.writes += 1;
    this.version += 1;
    return { resourceVersion: String(this.version) };
  }

  /** Someone else changes the Secret (a test's second writer). */
  touch(): void {
    this.version += 1;
  }
}
