/**
 * The lifecycle state: a plain JSON object the caller stores next to the credential's value
 * (annotations of the target Secret, a CI variable, a file), written in the same request as
 * the value so the two cannot disagree.
 *
 * Version 2 remembers what each credential was minted for: the target by its numeric GitLab ID
 * (never the path a user typed, which changes with a rename or transfer) and a hash of the
 * credential's spec. So a changed spec rotates, and a changed target is noticed and cleaned up
 * on the old target. Version-1 states (no target, no spec) are migrated on read.
 */
import { ForeignStateError, LifecycleError } from '../errors.js';

export type CredentialKind = 'deploy-token' | 'deploy-key';

/** A project or group by its numeric ID: stable across renames and transfers. */
export interface TargetRef {
  kind: 'project' | 'group';
  id: number;
}

export interface CredentialRef {
  id: number;
  generation: number;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  /** Where the credential lives. */
  target: TargetRef;
  /** Hash of the spec it was minted from (scopes, username, expiry policy, key type, …). */
  specHash: string;
  /** A deploy token's username. */
  username?: string;
  /** A deploy key's SHA256 fingerprint. */
  fingerprintSha256?: string;
}

export interface RetiringCredential {
  id: number;
  generation: number;
  /** Not revoked before this time, so consumers can switch to the new value. */
  revokeAfter: string;
  target: TargetRef;
}

export interface LifecycleState {
  version: 2;
  kind: CredentialKind;
  ownerKey: string;
  /** The highest generation ever minted for this owner. */
  generation: number;
  /** The credential the consumer holds. */
  current?: CredentialRef;
  /** Replaced credentials awaiting revocation after their grace period. */
  retiring: RetiringCredential[];
  /** Set before a create and cleared after its value is stored; seen set, it means a crash. */
  intent?: { generation: number; startedAt: string; target: TargetRef };
  /**
   * Owner keys this state had before a migration: credentials minted under them carry their
   * marker, so collection and revocation look for them too.
   */
  formerOwnerKeys?: string[];
}

/** What a state is checked against when it is read back. */
export interface StateContext {
  kind: CredentialKind;
  ownerKey: string;
  /** Owner keys of identities an older glkeys used for the same owner: their states are migrated. */
  legacyOwnerKeys?: readonly string[];
  /** Where credentials of a migrated version-1 state live (v1 did not record it). */
  target: TargetRef;
  /** The spec a migrated version-1 credential is taken to have (v1 did not record it). */
  specHash: string;
}

export const STATE_ANNOTATION = 'glkeys.io/state';
export const STATE_VERSION = 2;

export function emptyState(kind: CredentialKind, ownerKey: string): LifecycleState {
  return { version: 2, kind, ownerKey, generation: 0, retiring: [] };
}

export function sameTarget(a: TargetRef, b: TargetRef): boolean {
  return a.kind === b.kind && a.id === b.id;
}

/**
 * Checks a state read back from storage. A state of another owner is a ForeignStateError (the
 * caller decides whether to replace it); a version-1 state of this owner (or of a legacy
 * identity of it) is migrated.
 */
export function checkState(value: unknown, context: StateContext): LifecycleState {
  if (typeof value !== 'object' || value === null) throw new LifecycleError('lifecycle state: not an object');
  const raw = value as Record<string, unknown>;
  if (raw.version !== 1 && raw.version !== 2) throw new LifecycleError(`lifecycle state: unknown version ${String(raw.version)}`);
  if (raw.kind !== context.kind) {
    throw new ForeignStateError(`lifecycle state: written for a ${String(raw.kind)}, not a ${context.kind}`, foreignOf(raw));
  }
  const ownerKey = String(raw.ownerKey);
  const legacy = context.legacyOwnerKeys ?? [];
  if (ownerKey !== context.ownerKey && !(raw.version === 1 && legacy.includes(ownerKey))) {
    throw new ForeignStateError(`lifecycle state: belongs to owner ${ownerKey}, not ${context.ownerKey}`, foreignOf(raw));
  }
  const state = raw.version === 1 ? migrateV1(raw, context) : (raw as unknown as LifecycleState);
  return checkShape(state);
}

function checkShape(state: LifecycleState): LifecycleState {
  if (!Number.isSafeInteger(state.generation) || state.generation < 0) {
    throw new LifecycleError('lifecycle state: generation must be a whole number');
  }
  if (!Array.isArray(state.retiring)) throw new LifecycleError('lifecycle state: retiring must be a list');
  const targets = [state.current?.target, state.intent?.target, ...state.retiring.map((r) => r.target)];
  if (targets.some((t) => t !== undefined && !isTargetRef(t))) throw new LifecycleError('lifecycle state: a target is malformed');
  if (state.current && !(Number.isSafeInteger(state.current.id) && state.current.generation <= state.generation)) {
    throw new LifecycleError('lifecycle state: current credential is malformed');
  }
  if (state.retiring.some((r) => !Number.isSafeInteger(r.id) || Number.isNaN(Date.parse(r.revokeAfter)))) {
    throw new LifecycleError('lifecycle state: a retiring credential is malformed');
  }
  return state;
}

/**
 * Version 1 recorded neither target nor spec. Its owner identity included the target as typed,
 * so its credentials live on the target the caller names now; their spec is taken to be the
 * current one (an upgrade must not rotate every credential at once).
 */
function migrateV1(raw: Record<string, unknown>, context: StateContext): LifecycleState {
  const v1 = raw as {
    generation: number;
    current?: Omit<CredentialRef, 'target' | 'specHash'>;
    retiring?: Omit<RetiringCredential, 'target'>[];
    intent?: { generation: number; startedAt: string };
    ownerKey: string;
  };
  const { target, specHash } = context;
  const state: LifecycleState = {
    version: 2,
    kind: context.kind,
    ownerKey: context.ownerKey,
    generation: v1.generation,
    retiring: (Array.isArray(v1.retiring) ? v1.retiring : []).map((r) => ({ ...r, target })),
  };
  if (v1.current) state.current = { ...v1.current, target, specHash };
  if (v1.intent) state.intent = { ...v1.intent, target };
  if (v1.ownerKey !== context.ownerKey) state.formerOwnerKeys = [v1.ownerKey];
  return state;
}

function isTargetRef(value: unknown): value is TargetRef {
  const t = value as TargetRef;
  return typeof t === 'object' && t !== null && (t.kind === 'project' || t.kind === 'group') && Number.isSafeInteger(t.id) && t.id > 0;
}

/** What a foreign state lets a takeover revoke: its credentials by ID, and its marker. */
function foreignOf(raw: Record<string, unknown>) {
  const ids: { id: number; target?: TargetRef }[] = [];
  const current = raw.current as { id?: unknown; target?: unknown } | undefined;
  if (current && Number.isSafeInteger(current.id))
    ids.push({ id: current.id as number, ...(isTargetRef(current.target) ? { target: current.target } : {}) });
  for (const r of Array.isArray(raw.retiring) ? (raw.retiring as { id?: unknown; target?: unknown }[]) : []) {
    if (Number.isSafeInteger(r.id)) ids.push({ id: r.id as number, ...(isTargetRef(r.target) ? { target: r.target } : {}) });
  }
  return {
    ownerKey: typeof raw.ownerKey === 'string' ? raw.ownerKey : undefined,
    kind: typeof raw.kind === 'string' ? raw.kind : undefined,
    credentials: ids,
  };
}

export function stateToAnnotations(state: LifecycleState): Record<string, string> {
  return { [STATE_ANNOTATION]: JSON.stringify(state) };
}

/** Parses the state annotation; undefined when there is none. Checking is `checkState`'s job. */
export function parseStateAnnotation(annotations: Record<string, string> | undefined): unknown {
  const raw = annotations?.[STATE_ANNOTATION];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new LifecycleError(`annotation ${STATE_ANNOTATION} is not JSON`, { cause: error });
  }
}
