/**
 * The status a reconcile leaves, computed from core's result, and the rule that a status equal to
 * the one read is not written (a no-op reconcile makes no Kubernetes write).
 */
import type { CredentialSecretResult } from '@glkeys/core';
import { outcomeConditions } from '../status/conditions.js';
import type { CredentialObject, CredentialStatus } from './spec.js';

export function statusAfterBinding<S>(
  object: CredentialObject<S>,
  out: CredentialSecretResult,
  targetName: string,
  now: Date,
  extra: Partial<CredentialStatus>,
): CredentialStatus {
  const previous = object.status ?? {};
  const current = out.credential;
  const minted = ['created', 'rotated', 'repaired'].includes(out.result.action);
  const pending = out.result.state.retiring.map((r) => ({ id: r.id, revokeAfter: r.revokeAfter }));
  const status: CredentialStatus = {
    ...previous,
    ...extra,
    observedGeneration: object.metadata.generation ?? 0,
    targetName,
    conditions: outcomeConditions(
      previous.conditions ?? [],
      current
        ? { state: 'ready', reason: 'CredentialReady', message: readyMessage(out), generation: object.metadata.generation }
        : { state: 'progressing', reason: 'Creating', message: 'No credential yet', generation: object.metadata.generation },
      now,
    ),
  };
  if (current) {
    status.credential = {
      id: current.id,
      name: current.name,
      ...(current.username ? { username: current.username } : {}),
      ...(current.fingerprintSha256 ? { fingerprint: current.fingerprintSha256 } : {}),
      // Never expiring: the field is left out (the schema has no null).
      ...(current.expiresAt ? { expiresAt: current.expiresAt } : {}),
      createdAt: current.createdAt,
    };
  }
  if (minted && out.result.action !== 'created') status.lastRotation = now.toISOString();
  if (out.result.nextCheckAt) status.nextCheck = out.result.nextCheckAt;
  else delete status.nextCheck;
  if (pending.length > 0) status.pendingRevocations = pending;
  else delete status.pendingRevocations;
  return status;
}

/** Deep equality of two JSON values (status objects), key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Stable while nothing changes (what happened is told by Events), so a no-op writes nothing. */
function readyMessage(out: CredentialSecretResult): string {
  const c = out.credential!;
  const expiry = c.expiresAt ? `, expires ${c.expiresAt}` : '';
  const pending = out.result.state.retiring.length;
  return `Credential ${c.id} is in the Secret${expiry}${pending ? `; ${pending} replaced credential(s) awaiting revocation` : ''}`;
}
