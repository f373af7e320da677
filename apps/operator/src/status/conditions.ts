/**
 * metav1.Condition handling as controller-runtime's meta.SetStatusCondition does it:
 * `lastTransitionTime` moves only when the status flips; type, reason, message and
 * observedGeneration are always brought up to date. Flux/kstatus conventions: `Ready` is the
 * summary, `Reconciling` and `Stalled` are "abnormal-true" (present only while true).
 */

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  /** CamelCase, machine-readable. */
  reason: string;
  /** For people; never a secret value. */
  message: string;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/** Returns the new list; the input is not changed. */
export function setCondition(conditions: readonly Condition[], next: ConditionInput, now: Date): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  const lastTransitionTime = existing && existing.status === next.status ? existing.lastTransitionTime : now.toISOString();
  const updated: Condition = { ...next, lastTransitionTime };
  return existing ? conditions.map((c) => (c.type === next.type ? updated : c)) : [...conditions, updated];
}

export function removeCondition(conditions: readonly Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * The three conditions of a reconcile outcome: ready, progressing (Reconciling) or stuck
 * (Stalled: retrying cannot help until the spec or a referenced object changes).
 */
export function outcomeConditions(
  conditions: readonly Condition[],
  outcome: { state: 'ready' | 'progressing' | 'stalled' | 'failing'; reason: string; message: string; generation: number | undefined },
  now: Date,
): Condition[] {
  const base = {
    reason: outcome.reason,
    message: outcome.message,
    ...(outcome.generation === undefined ? {} : { observedGeneration: outcome.generation }),
  };
  let next = setCondition(
    conditions,
    { ...base, type: 'Ready', status: outcome.state === 'ready' ? 'True' : outcome.state === 'progressing' ? 'Unknown' : 'False' },
    now,
  );
  next =
    outcome.state === 'progressing'
      ? setCondition(next, { ...base, type: 'Reconciling', status: 'True' }, now)
      : removeCondition(next, 'Reconciling');
  next =
    outcome.state === 'stalled' ? setCondition(next, { ...base, type: 'Stalled', status: 'True' }, now) : removeCondition(next, 'Stalled');
  return next;
}
