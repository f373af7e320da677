/**
 * The credential lifecycle protocol. Every adapter (CLI, operator, ci-gen) goes through it.
 *
 * Invariants it keeps:
 * 1. Findable: every credential it creates carries the owner marker (owner key + generation)
 *    in its GitLab name, so it can be found and revoked without any local record.
 * 2. Intent before create: the state is persisted with `intent` set BEFORE the create call and
 *    with the value and `intent` cleared AFTER it. A state found with `intent` set means the
 *    process stopped in between; the next call lists the owner's credentials and revokes every
 *    one that is neither `current` nor `retiring` (collectOrphans). Nothing leaks after a crash.
 * 3. One live credential: in steady state exactly one credential per owner is alive (`current`);
 *    during a rotation the old one stays alive only until its grace period ends.
 * 4. Minimal calls: a fresh credential costs 1 GitLab call (create); a rotation 2 (create +
 *    revoke, with no grace period); an ensure of a live credential 0 writes (1 GET if `verify`).
 * 5. Revocation is idempotent: a credential already gone counts as revoked.
 * 6. A create whose outcome is unknown (timeout, reset, 5xx) is never retried blindly: the
 *    owner's credentials are listed, strays revoked, and only then a new one is minted.
 *
 * The caller persists; the protocol never stores anything itself. `persist` receives the value
 * only when a new credential was minted, so value and state can be written in one request.
 * One protocol instance must not run concurrently for the same owner (the operator queues per
 * key, the CLI runs once).
 */
import { GitlabApiError, LifecycleError, ValidationError, type GlkeysErrorCode } from '../errors.js';
import type { CredentialDriver, MintedCredential } from './driver.js';
import { markName, ownerKeyOf, parseMarker } from './owner-marker.js';
import { checkState, emptyState, type CredentialRef, type LifecycleState } from './state.js';

export interface PersistUpdate<V> {
  state: LifecycleState;
  /** Present only when a new credential was minted: store it together with `state`. */
  value?: V;
}

export interface LifecycleOptions<V> {
  driver: CredentialDriver<V>;
  /** Stable identity of the owner (a CR's UID, `cluster/namespace/secret`); hashed into the marker. */
  owner: string;
  /** Human part of the credential name (e.g. `flux-system-main-flux-system`). */
  name: string;
  persist: (update: PersistUpdate<V>) => Promise<void>;
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

export type EnsureAction = 'created' | 'kept' | 'rotated' | 'repaired';

export interface LifecycleResult {
  action: EnsureAction | 'revoked' | 'collected';
  state: LifecycleState;
  /** Credentials revoked by this call (retired or orphaned). */
  revoked: number[];
  /** Problems that did not stop the call (a revoke that failed and will be retried). */
  warnings: string[];
  /**
   * False while a retired credential is past its grace period but not yet revoked: call
   * `ensure` again soon (a controller requeues with backoff) until it is true.
   */
  settled: boolean;
}

export class CredentialLifecycle<V> {
  readonly ownerKey: string;
  private readonly options: LifecycleOptions<V>;

  constructor(options: LifecycleOptions<V>) {
    this.options = options;
    this.ownerKey = ownerKeyOf(options.owner);
  }

  /** Reads a stored state (or none) for this owner; refuses a state of another owner. */
  load(stored: unknown): LifecycleState {
    return stored === undefined || stored === null
      ? emptyState(this.options.driver.kind, this.ownerKey)
      : checkState(stored, this.options.driver.kind, this.ownerKey);
  }

  /**
   * Makes sure one live credential exists: creates it when missing, rotates it when it is too
   * old or about to expire, replaces it when `verify` finds it revoked or gone, keeps it otherwise.
   */
  async ensure(stored: unknown, opts: { verify?: boolean } = {}): Promise<LifecycleResult> {
    const run = this.start(stored);
    await this.recoverFromCrash(run);
    await this.revokeDue(run);
    const current = run.state.current;
    if (!current) {
      await this.mint(run, undefined);
      return run.finish('created', this.now());
    }
    if (this.isDue(current)) {
      await this.mint(run, current);
      return run.finish('rotated', this.now());
    }
    if (opts.verify) {
      const record = await this.options.driver.get(current.id);
      if (!record || !record.alive) {
        // Someone revoked it in GitLab, or it expired: the consumer holds a dead value.
        await this.mint(run, current, { retireImmediately: true });
        return run.finish('repaired', this.now());
      }
    }
    await run.flush();
    return run.finish('kept', this.now());
  }

  /** Replaces the current credential now (create, hand over, revoke the old after the grace period). */
  async rotate(stored: unknown): Promise<LifecycleResult> {
    const run = this.start(stored);
    await this.recoverFromCrash(run);
    await this.revokeDue(run);
    const previous = run.state.current;
    await this.mint(run, previous);
    return run.finish(previous ? 'rotated' : 'created', this.now());
  }

  /** Revokes everything this owner has: current, retiring and any stray carrying its marker. */
  async revokeAll(stored: unknown): Promise<LifecycleResult> {
    const run = this.start(stored);
    const known = [run.state.current?.id, ...run.state.retiring.map((r) => r.id)].filter((id): id is number => id !== undefined);
    const strays = (await this.ownedRecords()).map((r) => r.id);
    const failures: unknown[] = [];
    for (const id of new Set([...known, ...strays])) {
      try {
        await this.options.driver.revoke(id);
        run.revoked.push(id);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) {
      throw new LifecycleError(`revoking ${failures.length} credential(s) failed; nothing was forgotten, try again`, {
        cause: failures[0],
      });
    }
    const { current: _current, intent: _intent, ...rest } = run.state;
    run.state = { ...rest, retiring: [] };
    await run.flush(true);
    return run.finish('revoked', this.now());
  }

  /** Revokes credentials with this owner's marker that are neither current nor retiring. */
  async collectOrphans(stored: unknown): Promise<LifecycleResult> {
    const run = this.start(stored);
    await this.collect(run);
    if (run.state.intent) {
      const { intent: _intent, ...rest } = run.state;
      run.state = rest;
      run.dirty = true;
    }
    await run.flush();
    return run.finish('collected', this.now());
  }

  private start(stored: unknown): Run<V> {
    return new Run(this.load(stored), this.options.persist);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private isDue(current: CredentialRef): boolean {
    const now = this.now().getTime();
    const { rotateBeforeExpiryMs = 0, maxAgeMs } = this.options;
    if (current.expiresAt !== null && Date.parse(current.expiresAt) - now <= rotateBeforeExpiryMs) return true;
    return maxAgeMs !== undefined && now - Date.parse(current.createdAt) >= maxAgeMs;
  }

  private async recoverFromCrash(run: Run<V>): Promise<void> {
    if (!run.state.intent) return;
    await this.collect(run);
    const { intent: _intent, ...rest } = run.state;
    run.state = rest;
    run.dirty = true;
  }

  private async ownedRecords() {
    const records = await this.options.driver.list();
    return records.filter((record) => parseMarker(record.name)?.ownerKey === this.ownerKey);
  }

  private async collect(run: Run<V>): Promise<void> {
    const keep = new Set([run.state.current?.id, ...run.state.retiring.map((r) => r.id)]);
    for (const record of await this.ownedRecords()) {
      if (keep.has(record.id)) continue;
      await this.options.driver.revoke(record.id);
      run.revoked.push(record.id);
    }
  }

  private async revokeDue(run: Run<V>): Promise<void> {
    const now = this.now().getTime();
    const still = [];
    for (const retiring of run.state.retiring) {
      if (Date.parse(retiring.revokeAfter) > now) {
        still.push(retiring);
        continue;
      }
      try {
        await this.options.driver.revoke(retiring.id);
        run.revoked.push(retiring.id);
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
    const attempts = this.options.mintAttempts ?? 3;
    let minted: MintedCredential<V> | undefined;
    for (let attempt = 1; !minted; attempt += 1) {
      const generation = run.state.generation + 1;
      run.state = { ...run.state, generation, intent: { generation, startedAt: this.now().toISOString() } };
      await run.flush(true);
      try {
        const name = markName(this.options.name, { ownerKey: this.ownerKey, generation });
        minted = await this.options.driver.create(name, this.now());
      } catch (error) {
        if (definitelyNotCreated(error)) {
          // GitLab refused (4xx) or we never sent: nothing exists, the intent can go.
          const { intent: _intent, ...rest } = run.state;
          run.state = rest;
          await run.flush(true);
          throw error;
        }
        // The create may have happened: find it by its marker and revoke it, then try again.
        await this.collect(run);
        const { intent: _intent, ...rest } = run.state;
        run.state = rest;
        await run.flush(true);
        if (attempt >= attempts) throw error;
      }
    }

    const now = this.now();
    const graceMs = opts.retireImmediately ? 0 : (this.options.graceMs ?? 0);
    const retiring = [...run.state.retiring];
    if (previous) retiring.push({ id: previous.id, generation: previous.generation, revokeAfter: new Date(now.getTime() + graceMs).toISOString() });
    const { intent: _intent, ...rest } = run.state;
    run.state = {
      ...rest,
      current: {
        id: minted.record.id,
        generation: run.state.generation,
        name: minted.record.name,
        createdAt: now.toISOString(),
        expiresAt: minted.record.expiresAt,
      },
      retiring,
    };
    try {
      await this.options.persist({ state: run.state, value: minted.value });
      run.dirty = false;
    } catch (error) {
      // The value was not stored, so nobody can use this credential: revoke it now. If that
      // fails too, the stored intent makes the next call collect it.
      await this.options.driver.revoke(minted.record.id).catch(() => undefined);
      throw error;
    }
    if (graceMs === 0) await this.revokeDue(run);
    await run.flush();
  }
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
  readonly revoked: number[] = [];
  readonly warnings: string[] = [];

  constructor(
    public state: LifecycleState,
    private readonly persist: (update: PersistUpdate<V>) => Promise<void>,
  ) {}

  async flush(force = false): Promise<void> {
    if (!force && !this.dirty) return;
    await this.persist({ state: this.state });
    this.dirty = false;
  }

  async finish(action: LifecycleResult['action'], now: Date): Promise<LifecycleResult> {
    await this.flush();
    const overdue = this.state.retiring.some((r) => Date.parse(r.revokeAfter) <= now.getTime());
    return { action, state: this.state, revoked: this.revoked, warnings: this.warnings, settled: !overdue && !this.state.intent };
  }
}
