/**
 * The lifecycle state: a plain JSON object the caller stores next to the credential's value
 * (annotations of the target Secret, a CI variable, a file), written in the same request as
 * the value so the two cannot disagree.
 */
import { LifecycleError } from '../errors.js';

export type CredentialKind = 'deploy-token' | 'deploy-key';

export interface CredentialRef {
  id: number;
  generation: number;
  name: string;
  createdAt: string;
  expiresAt: string | null;
}

export interface RetiringCredential {
  id: number;
  generation: number;
  /** Not revoked before this time, so consumers can switch to the new value. */
  revokeAfter: string;
}

export interface LifecycleState {
  version: 1;
  kind: CredentialKind;
  ownerKey: string;
  /** The highest generation ever minted for this owner. */
  generation: number;
  /** The credential the consumer holds. */
  current?: CredentialRef;
  /** Replaced credentials awaiting revocation after their grace period. */
  retiring: RetiringCredential[];
  /** Set before a create and cleared after its value is stored; seen set, it means a crash. */
  intent?: { generation: number; startedAt: string };
}

export const STATE_ANNOTATION = 'glkeys.io/state';

export function emptyState(kind: CredentialKind, ownerKey: string): LifecycleState {
  return { version: 1, kind, ownerKey, generation: 0, retiring: [] };
}

/** Checks a state read back from storage; refuses one written for another owner or kind. */
export function checkState(value: unknown, kind: CredentialKind, ownerKey: string): LifecycleState {
  if (typeof value !== 'object' || value === null) throw new LifecycleError('lifecycle state: not an object');
  const state = value as Partial<LifecycleState>;
  if (state.version !== 1) throw new LifecycleError(`lifecycle state: unknown version ${String(state.version)}`);
  if (state.kind !== kind) throw new LifecycleError(`lifecycle state: written for a ${String(state.kind)}, not a ${kind}`);
  if (state.ownerKey !== ownerKey) {
    throw new LifecycleError(`lifecycle state: belongs to owner ${String(state.ownerKey)}, not ${ownerKey}`);
  }
  if (!Number.isSafeInteger(state.generation) || (state.generation ?? -1) < 0) {
    throw new LifecycleError('lifecycle state: generation must be a whole number');
  }
  if (!Array.isArray(state.retiring)) throw new LifecycleError('lifecycle state: retiring must be a list');
  if (state.current && !(Number.isSafeInteger(state.current.id) && state.current.generation <= state.generation!)) {
    throw new LifecycleError('lifecycle state: current credential is malformed');
  }
  return state as LifecycleState;
}

export function stateToAnnotations(state: LifecycleState): Record<string, string> {
  return { [STATE_ANNOTATION]: JSON.stringify(state) };
}

/** Reads the state from annotations; undefined when there is none yet. */
export function stateFromAnnotations(
  annotations: Record<string, string> | undefined,
  kind: CredentialKind,
  ownerKey: string,
): LifecycleState | undefined {
  const raw = annotations?.[STATE_ANNOTATION];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new LifecycleError(`annotation ${STATE_ANNOTATION} is not JSON`, { cause: error });
  }
  return checkState(parsed, kind, ownerKey);
}
