/**
 * Where bootstrap keeps the credential: one Secret, read once and written whole. The
 * Kubernetes implementation (server-side apply) lives in `@glkeys/core/kubernetes`; `--export`
 * uses the in-memory one. Value and lifecycle state always travel in the same write.
 */
import type { SecretManifest } from '../render/secret-manifest.js';

export interface StoredSecret {
  type: string;
  /** base64 values, as in a Secret's `data`. */
  data: Record<string, string>;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

export interface SecretStore {
  read(): Promise<StoredSecret | undefined>;
  /** One write of the whole Secret (server-side apply for Kubernetes). */
  write(manifest: SecretManifest): Promise<void>;
  /** Fails as `write` would, without writing (a dry-run apply), when the store can tell. */
  check?(manifest: SecretManifest): Promise<void>;
}

/** Keeps the last written Secret in memory (for `--export` and tests of the flow). */
export class MemorySecretStore implements SecretStore {
  manifest: SecretManifest | undefined;
  writes = 0;

  async read(): Promise<StoredSecret | undefined> {
    const m = this.manifest;
    return m && { type: m.type, data: { ...m.data }, annotations: { ...m.metadata.annotations }, labels: { ...m.metadata.labels } };
  }

  async write(manifest: SecretManifest): Promise<void> {
    this.manifest = structuredClone(manifest);
    this.writes += 1;
  }
}
