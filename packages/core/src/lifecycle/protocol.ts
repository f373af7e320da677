/**
 * The credential lifecycle protocol. Every adapter (CLI, operator, ci-gen) goes through it.
 *
 * Invariants it keeps:
 * 1. Findable: every credential it creates carries the owner marker (owner key + generation)
 *    in its GitLab name, so it can be found and revoked without any local record.
 * 2. Intent before create: the state is persisted with `intent` set BEFORE the create call and
 *    with the value and `intent` cleared AFTER it. A state found with `intent` set means the
 *    process stopped in between; the next call lists the owner's credentials on the intent's
 *    target and revokes every one that is neither `current` nor `retiring`. Nothing leaks.
 * 3. One live credential: in steady state exactly one credential per owner is alive (`current`);
 *    during a rotation the old one stays alive only until its grace period ends.
 * 4. Minted for a spec and a target: a credential whose spec hash differs from the driver's is
 *    rotated; one on another target than the driver's is replaced, and everything the owner has
 *    on the old target (found by its marker) is revoked.
 * 5. Revocation is idempotent: a credential already gone counts as done, but is reported as
 *    `gone`, not `revoked`.
 * 6. A create whose outcome is unknown (timeout, reset, 5xx) is never retried blindly: the
 *    owner's credentials are listed, strays revoked, and only then a new one is minted.
 * 7. One writer: the caller's `persist` must refuse a write based on a stale read (the Secret
 *    binding sends the resourceVersion it read; the apiserver answers 409, a ConflictError).
 *    A conflict on the intent write means nothing was created: read again and start over.
 *    So two writers acting on one read (a leader hand-over, the CLI beside a controller) can
 *    never leave two live credentials. The stored state must come from a fresh read, never
 *    from an informer cache, or every run after a write conflicts once.
 *
 * Calls per run (GitLab / writes to the store):
 * - fresh credential: 1 GitLab call (create) / 2 writes (intent, then value + state);
 * - rotation with no grace period: 2 GitLab calls (create, revoke) / 3 writes (intent; value +
 *   state; the revocation recorded). The old credential is revoked only after the consumer holds
 *   the new value, and recorded as revoked only after GitLab confirmed it;
 * - rotation with a grace period: 1 GitLab call now and 1 revoke later / 2 writes now, 1 later;
 * - no-op: 0 GitLab calls (1 GET when verifying) / 0 writes.
 *
 * The caller persists; the protocol never stores anything itself. `persist` receives the value
 * only when a new credential was minted, so value and state can be written in one request.
 */
import { ForeignStateError, GitlabApiError, LifecycleError, ValidationError, type GlkeysErrorCode } from '../errors.js';
import type { CallOptions, CredentialDriver, MintedCredential } from './driver.js';
import { markName, ownerKeyOf, parseMarker } from './owner-marker.js';
import { checkState, emptyState, sameTarget, type CredentialRef, type LifecycleState, type TargetRef } from './state.js';

export interface PersistUpdate<V> {
  state: LifecycleState;
  /** Present only when a new credential was minted: store it together with `state`. */
  value?: V;
}

export interface LifecycleOptions<V> {
  driver: CredentialDriver<V>;
  /** Stable identity of the owner (a CR's UID, `cluster/namespace/secret`); hashed into the marker. */
  owner: string;
  /** Identities an older glkeys used for this owner: their version-1 states are migrated. */
  legacyOwners?: readonly string[];
  /** Human part of the credential name (e.g. `flux-system-main-flux-system`). */
  name: string;
  persist: (update: PersistUpdate<V>, options: CallOptions) => Promise<void>;
  /** How long a replaced credential stays alive for consumers to switch. Default 0: revoke at once. */
  graceMs?: number;
  /** Rotate when the current credential expires within this window. Default 0 (off). */
  rotateBeforeExpiryMs?: number;
  /** Rotate when the current credential is older than this. Default: never. */
  maxAgeMs?: number;
  /** Attempts to mint when GitLab's answer to a create is lost. Default 3. */
  mintAttempts?: number;
  now?: () => Date;
}

export interface RunOptions extends CallOptions {
  /**
   * A state of another owner is refused (ForeignStateError) unless this is set: then that
   * owner's credentials are revoked first (reported in `replacedOwner`) and a fresh one minted.
   */
  takeOver?: boolean;
}

export interface EnsureOptions extends RunOptions {
  /** Check with one GET that the current credential is still alive. */
  verify?: boolean;
  /** The consumer's copy is known to be bad (an edited Secret): mint a new one, revoke the old at once. */
  replace?: boolean;
  /**
   * Revoke retired credentials now, before their grace period ends: the consumer has shown it
   * switched (a Flux GitRepository reported Ready with the new value).
   */
  revokeRetired?: boolean;
}

export type EnsureAction = 'created' | 'kept' | 'rotated' | 'repaired';

/** Why a new credential was minted. */
export type MintReason = 'missing' | 'requested' | 'due' | 'spec-changed' | 'target-changed' | 'dead' | 'consumer-damaged';

export interface LifecycleResult {
  action: EnsureAction | 'revoked' | 'collected';
  /** Present when a credential was minted. */
  reason?: MintReason;
  state: LifecycleState;
  /** Credentials this call revoked (retired, orphaned, or the previous owner's). */
  revoked: number[];
  /** Credentials this call found already gone from GitLab (nothing was revoked). */
  gone: number[];
  /** Problems that did not stop the call (a revoke that failed and will be retried). */
  warnings: string[];
  /**
   * False while a retired credential is past its grace period but not yet revoked: call
   * `ensure` again soon (a controller requeues with backoff) until it is true.
   */
  settled: boolean;
  /**
   * When something is due next without any change of input: the rotate-before window, the
   * maximum age, the end of a grace period. Null when nothing is scheduled. May be in the past
   * when a revoke failed: come back with backoff. Verification intervals are the caller's.
   */
  nextCheckAt: string | null;
  /** Set when a foreign state was taken over: whose it was, and what of it was revoked. */
  replacedOwner?: { ownerKey: string | undefined; revoked: number[]; gone: number[] };
}

export class CredentialLifecycle<V> {
  readonly ownerKey: string;
  private readonly options: LifecycleOptions<V>;
  private readonly legacyOwnerKeys: string[];

  constructor(options: LifecycleOptions<V>) {
    this.options = options;
    this.ownerKey = ownerKeyOf(options.owner);
    this.legacyOwnerKeys = (options.legacyOwners ?? []).map(ownerKeyOf);
  }

  /** Reads a stored state (or none) for this owner; a state of another owner is a ForeignStateError. */
  load(stored: unknown): LifecycleState {
    const { driver } = this.options;
    if (stored === undefined || stored === null) return emptyState(driver.kind, this.ownerKey);
    return checkState(stored, {
      kind: driver.kind,
      ownerKey: this.ownerKey,
      legacyOwnerKeys: this.legacyOwnerKeys,
      target: driver.target,
      specHash: driver.specHash,
    });
  }

  /**
   * Makes sure one live credential fits the spec and target: creates it when missing, rotates
   * it when it is due, the spec changed or the target moved, replaces it when `verify` finds it
   * revoked or gone (or the caller says the consumer's copy is damaged), keeps it otherwise.
   */
  async ensure(stored: unknown, opts: EnsureOptions = {}): Promise<LifecycleResult> {
    const run = await this.start(stored, opts);
    await this.recoverFromCrash(run);
    await this.revokeDue(run, opts.revokeRetired === true);
    const { driver } = this.options;
    const current = run.state.current;
    if (!current) return this.mintAndFinish(run, undefined, 'missing', 'created');
    if (!sameTarget(current.target, driver.target)) return this.moveTarget(run, current);
    if (current.specHash !== driver.specHash) return this.mintAndFinish(run, current, 'spec-changed', 'rotated');
    if (this.isDue(current)) return this.mintAndFinish(run, current, 'due', 'rotated');
    if (opts.replace) return this.mintAndFinish(run, current, 'consumer-damaged', 'repaired', { retireImmediately: true });
    if (opts.verify) {
      const record = await driver.get(current.target, current.id, run.call);
      if (!record || !record.alive) {
        // Someone revoked it in GitLab, or it expired: the consumer holds a dead value.
        return this.mintAndFinish(run, current, 'dead', 'repaired', { retireImmediately: true });
      }
    }
    return run.finish('kept', this.timing());
  }

  /** Replaces the current credential now (create, hand over, revoke the old after the grace period). */
  async rotate(stored: unknown, opts: RunOptions = {}): Promise<LifecycleResult> {
    const run = await this.start(stored, opts);
    await this.recoverFromCrash(run);
    await this.revokeDue(run);
    const previous = run.state.current;
    if (previous && !sameTarget(previous.target, this.options.driver.target)) return this.moveTarget(run, previous);
    return this.mintAndFinish(run, previous, previous ? 'requested' : 'missing', previous ? 'rotated' : 'created');
  }

  /**
   * Revokes everything this owner has: current, retiring and any stray carrying its marker, on
   * every target the state mentions and the driver's. With `persist: false` nothing is written
   * (the store may be gone, e.g. a terminating namespace); the cleared state is still returned.
   */
  async revokeAll(stored: unknown, opts: RunOptions & { persist?: boolean } = {}): Promise<LifecycleResult> {
    const run = await this.start(stored, opts);
    const known = [
      ...(run.state.current ? [{ id: run.state.current.id, target: run.state.current.target }] : []),
      ...run.state.retiring.map((r) => ({ id: r.id, target: r.target })),
    ];
    const targets = uniqueTargets([
      this.options.driver.target,
      ...known.map((k) => k.target),
      ...(run.state.intent ? [run.state.intent.target] : []),
    ]);
    const failures: unknown[] = [];
    const attempt = async (target: TargetRef, id: number) => {
      try {
        await run.revoke(target, id);
      } catch (error) {
        failures.push(error);
      }
    };
    for (const { id, target } of known) await attempt(target, id);
    for (const target of targets) {
      for (const record of await this.ownedRecords(run, target)) {
        if (!run.revoked.includes(record.id)) await attempt(target, record.id);
      }
    }
    if (failures.length > 0) {
      throw new LifecycleError(`revoking ${failures.length} credential(s) failed; nothing was forgotten, try again`, {
        cause: failures[0],
      });
    }
    const { current: _current, intent: _intent, ...rest } = run.state;
    run.state = { ...rest, retiring: [] };
    if (opts.persist !== false) await run.flush(true);
    else run.dirty = false;
    return run.finish('revoked', this.timing());
  }

  /** Revokes credentials with this owner's marker that are neither current nor retiring. */
  async collectOrphans(stored: unknown, opts: RunOptions = {}): Promise<LifecycleResult> {
    const run = await this.start(stored, opts);
    await this.collect(run, run.state.intent?.target ?? this.options.driver.target);
    if (run.state.intent) {
      const { intent: _intent, ...rest } = run.state;
      run.state = rest;
      run.dirty = true;
    }
    return run.finish('collected', this.timing());
  }

  private async start(stored: unknown, opts: RunOptions): Promise<Run<V>> {
    const call: CallOptions = opts.signal ? { signal: opts.signal } : {};
    let state: LifecycleState;
    let replacedOwner: LifecycleResult['replacedOwner'];
    try {
      state = this.load(stored);
    } catch (error) {
      if (!(error instanceof ForeignStateError) || !opts.takeOver) throw error;
      replacedOwner = await this.revokeForeign(error, call);
      state = emptyState(this.options.driver.kind, this.ownerKey);
    }
    const run = new Run(state, this.options, call);
    // A migrated version-1 state is written back once, so it is read as version 2 from then on.
    if ((stored as { version?: unknown } | undefined)?.version === 1) run.dirty = true;
    if (replacedOwner) {
      run.replacedOwner = replacedOwner;
      run.dirty = true;
    }
    return run;
  }

  /** Revokes what a foreign state names and what carries its marker on our target. */
  private async revokeForeign(error: ForeignStateError, call: CallOptions): Promise<NonNullable<LifecycleResult['replacedOwner']>> {
    const { driver } = this.options;
    const { foreign } = error;
    if (foreign.kind !== driver.kind) {
      throw new LifecycleError(`${error.message}; revoke that ${String(foreign.kind)} first, this driver cannot`, { cause: error });
    }
    const done = { ownerKey: foreign.ownerKey, revoked: [] as number[], gone: [] as number[] };
    const seen = new Set<number>();
    const revoke = async (target: TargetRef, id: number) => {
      if (seen.has(id)) return;
      seen.add(id);
      ((await driver.revoke(target, id, call)) ? done.revoked : done.gone).push(id);
    };
    for (const credential of foreign.credentials) await revoke(credential.target ?? driver.target, credential.id);
    if (foreign.ownerKey) {
      for (const record of await driver.list(driver.target, call)) {
        if (parseMarker(record.name)?.ownerKey === foreign.ownerKey) await revoke(driver.target, record.id);
      }
    }
    return done;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private timing() {
    return { now: this.now(), rotateBeforeExpiryMs: this.options.rotateBeforeExpiryMs ?? 0, maxAgeMs: this.options.maxAgeMs };
  }

  private isDue(current: CredentialRef): boolean {
    const due = dueAt(current, this.timing());
    return due !== undefined && due <= this.now().getTime();
  }

  private async mintAndFinish(
    run: Run<V>,
    previous: CredentialRef | undefined,
    reason: MintReason,
    action: EnsureAction,
    opts: { retireImmediately?: boolean } = {},
  ): Promise<LifecycleResult> {
    await this.mint(run, previous, opts);
    run.reason = reason;
    return run.finish(action, this.timing());
  }

  /** The target moved: mint on the new one, then revoke all the owner has on the old one. */
  private async moveTarget(run: Run<V>, previous: CredentialRef): Promise<LifecycleResult> {
    await this.mint(run, previous, { retireImmediately: true });
    const old = previous.target;
    // Anything still retiring on the old target goes now: the owner no longer names it.
    for (const retiring of run.state.retiring.filter((r) => sameTarget(r.target, old))) {
      try {
        await run.revoke(old, retiring.id);
        run.state = { ...run.state, retiring: run.state.retiring.filter((r) => r.id !== retiring.id) };
        run.dirty = true;
      } catch (error) {
        run.warnings.push(`revoking credential ${retiring.id} on the old target failed: ${(error as Error).message}`);
      }
    }
    await this.collect(run, old);
    run.reason = 'target-changed';
    return run.finish('rotated', this.timing());
  }

  private async recoverFromCrash(run: Run<V>): Promise<void> {
    if (!run.state.intent) return;
    await this.collect(run, run.state.intent.target);
    const { intent: _intent, ...rest } = run.state;
    run.state = rest;
    run.dirty = true;
  }

  private async ownedRecords(run: Run<V>, target: TargetRef) {
    const keys = new Set([this.ownerKey, ...(run.state.formerOwnerKeys ?? [])]);
    const records = await this.options.driver.list(target, run.call);
    return records.filter((record) => keys.has(parseMarker(record.name)?.ownerKey ?? ''));
  }

  private async collect(run: Run<V>, target: TargetRef): Promise<void> {
    const keep = new Set([run.state.current?.id, ...run.state.retiring.map((r) => r.id)]);
    for (const record of await this.ownedRecords(run, target)) {
      if (keep.has(record.id)) continue;
      await run.revoke(target, record.id);
    }
  }

  private async revokeDue(run: Run<V>, all = false): Promise<void> {
    const now = this.now().getTime();
    const still = [];
    for (const retiring of run.state.retiring) {
      if (!all && Date.parse(retiring.revokeAfter) > now) {
        still.push(retiring);
        continue;
      }
      try {
        await run.revoke(retiring.target, retiring.id);
        run.dirty = true;
      } catch (error) {
        // The consumer already has a good credential; keep this one listed and try next time.
        still.push(retiring);
        run.warnings.push(`revoking retired credential ${retiring.id} failed: ${(error as Error).message}`);
      }
    }
    run.state = { ...run.state, retiring: still };
  }

  /** Creates generation n+1 under a persisted intent, stores it, then retires `previous`. */
  private async mint(run: Run<V>, previous: CredentialRef | undefined, opts: { retireImmediately?: boolean } = {}): Promise<void> {
    const { driver } = this.options;
    const attempts = this.options.mintAttempts ?? 3;
    let minted: MintedCredential<V> | undefined;
    for (let attempt = 1; !minted; attempt += 1) {
      const generation = run.state.generation + 1;
      run.state = { ...run.state, generation, intent: { generation, startedAt: this.now().toISOString(), target: driver.target } };
      // A conflict here throws before anything exists in GitLab: the caller reads again.
      await run.flush(true);
      try {
        const name = markName(this.options.name, { ownerKey: this.ownerKey, generation });
        minted = await driver.create(name, this.now(), run.call);
      } catch (error) {
        if (definitelyNotCreated(error)) {
          // GitLab refused (4xx) or we never sent: nothing exists, the intent can go.
          run.state = withoutIntent(run.state);
          await run.flush(true);
          throw error;
        }
        // The create may have happened: find it by its marker and revoke it, then try again.
        await this.collect(run, driver.target);
        run.state = withoutIntent(run.state);
        await run.flush(true);
        if (attempt >= attempts) throw error;
      }
    }

    const now = this.now();
    const graceMs = opts.retireImmediately ? 0 : (this.options.graceMs ?? 0);
    const retiring = [...run.state.retiring];
    if (previous) {
      retiring.push({
        id: previous.id,
        generation: previous.generation,
        revokeAfter: new Date(now.getTime() + graceMs).toISOString(),
        target: previous.target,
      });
    }
    run.state = {
      ...withoutIntent(run.state),
      current: {
        id: minted.record.id,
        generation: run.state.generation,
        name: minted.record.name,
        createdAt: now.toISOString(),
        expiresAt: minted.record.expiresAt,
        target: driver.target,
        specHash: driver.specHash,
        ...(minted.record.username === undefined ? {} : { username: minted.record.username }),
        ...(minted.record.fingerprintSha256 === undefined ? {} : { fingerprintSha256: minted.record.fingerprintSha256 }),
      },
      retiring,
    };
    try {
      await this.options.persist({ state: run.state, value: minted.value }, run.call);
      run.dirty = false;
    } catch (error) {
      // The value was not stored, so nobody can use this credential: revoke it now. If that
      // fails too, the stored intent makes the next call collect it.
      await driver.revoke(driver.target, minted.record.id, run.call).catch(() => undefined);
      throw error;
    }
    if (graceMs === 0) await this.revokeDue(run);
  }
}

/** When `current` is due for rotation (ms since epoch), or undefined when never. */
function dueAt(current: CredentialRef, timing: { rotateBeforeExpiryMs: number; maxAgeMs: number | undefined }): number | undefined {
  const candidates: number[] = [];
  if (current.expiresAt !== null) candidates.push(Date.parse(current.expiresAt) - timing.rotateBeforeExpiryMs);
  if (timing.maxAgeMs !== undefined) candidates.push(Date.parse(current.createdAt) + timing.maxAgeMs);
  return candidates.length === 0 ? undefined : Math.min(...candidates);
}

function withoutIntent(state: LifecycleState): LifecycleState {
  const { intent: _intent, ...rest } = state;
  return rest;
}

function uniqueTargets(targets: TargetRef[]): TargetRef[] {
  const out: TargetRef[] = [];
  for (const t of targets) if (!out.some((o) => sameTarget(o, t))) out.push(t);
  return out;
}

/**
 * Whether a failed create certainly created nothing: refused input, or a 4xx from GitLab.
 * Timeouts, resets, 5xx and unexpected errors may hide a created credential.
 */
function definitelyNotCreated(error: unknown): boolean {
  if (error instanceof ValidationError) return true;
  if (!(error instanceof GitlabApiError)) return false;
  return !(['TIMEOUT', 'NETWORK', 'GITLAB_SERVER'] as GlkeysErrorCode[]).includes(error.code);
}

/** One protocol call: the working state, what changed, and what to report. */
class Run<V> {
  dirty = false;
  reason: MintReason | undefined;
  replacedOwner: LifecycleResult['replacedOwner'];
  readonly revoked: number[] = [];
  readonly gone: number[] = [];
  readonly warnings: string[] = [];

  constructor(
    public state: LifecycleState,
    private readonly options: LifecycleOptions<V>,
    readonly call: CallOptions,
  ) {}

  /** Revokes one credential and records whether it was revoked now or already gone. */
  async revoke(target: TargetRef, id: number): Promise<void> {
    const removed = await this.options.driver.revoke(target, id, this.call);
    (removed ? this.revoked : this.gone).push(id);
  }

  async flush(force = false): Promise<void> {
    if (!force && !this.dirty) return;
    await this.options.persist({ state: this.state }, this.call);
    this.dirty = false;
  }

  async finish(
    action: LifecycleResult['action'],
    timing: { now: Date; rotateBeforeExpiryMs: number; maxAgeMs: number | undefined },
  ): Promise<LifecycleResult> {
    await this.flush();
    const now = timing.now.getTime();
    const overdue = this.state.retiring.some((r) => Date.parse(r.revokeAfter) <= now);
    const next = [
      ...(this.state.current ? [dueAt(this.state.current, timing)] : []),
      ...this.state.retiring.map((r) => Date.parse(r.revokeAfter)),
    ].filter((t): t is number => t !== undefined && Number.isFinite(t));
    return {
      action,
      ...(this.reason ? { reason: this.reason } : {}),
      state: this.state,
      revoked: this.revoked,
      gone: this.gone,
      warnings: this.warnings,
      settled: !overdue && !this.state.intent,
      nextCheckAt: next.length === 0 ? null : new Date(Math.min(...next)).toISOString(),
      ...(this.replacedOwner ? { replacedOwner: this.replacedOwner } : {}),
    };
  }
}
