/**
 * Leader election over a coordination.k8s.io Lease, with client-go's rules (controller-runtime
 * v0.24 defaults: 15 s lease, 10 s renew deadline, 2 s retry period).
 *
 * - Concurrency is the Lease's resourceVersion: a create that meets 409 AlreadyExists and an
 *   update that meets 409 Conflict both mean "someone else won this round".
 * - Another holder's lease counts as expired only once leaseDuration has passed on OUR clock
 *   (monotonic) since we last saw its record change; its renewTime is never compared with our
 *   clock, so clock skew between replicas does not matter.
 * - The leader renews every retryPeriod. If no renewal started less than renewDeadline ago has
 *   succeeded, it stops leading (onStoppedLeading) at once, even with a request still hanging:
 *   renewDeadline < leaseDuration, so that happens before anyone else may take over.
 * - stop() first stops leading (awaiting onStoppedLeading, so workers are quiet), then
 *   releases the Lease (holderIdentity cleared, leaseDurationSeconds 1, as client-go's
 *   ReleaseOnCancel) so a successor takes over on its next try instead of a lease later.
 * - No fencing: a paused leader may act late; writes elsewhere must tolerate two leaders.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CoordinationV1Api, type KubeConfig, type V1Lease, type V1LeaseSpec, V1MicroTime } from '@kubernetes/client-node';
import { statusCodeOf, withTimeout } from './call-timeout.js';
import { type LogSink, SILENT_LOG } from './log-sink.js';
import { sleep } from './restart-backoff.js';

export interface LeaderElectorOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** The Lease's name. */
  name: string;
  /** Unique per replica. Default: hostname + '_' + a random UUID. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Each Lease request's own deadline. Default: the smaller of retryPeriod and renewDeadline / 2. */
  requestTimeoutMs?: number;
  onStartedLeading?: () => void | Promise<void>;
  /** Called once per term, when leading ends for any reason; stop() awaits it before releasing. */
  onStoppedLeading?: () => void | Promise<void>;
  log?: LogSink;
}

export interface LeaderElectorStats {
  /** Acquire or renew rounds tried. */
  attempts: number;
  /** Rounds that found the Lease held by someone else and not yet expired. */
  heldByOthers: number;
  /** Terms this elector started. */
  terms: number;
}

/** client-go's JitterFactor for a candidate's retries: spreads candidates that woke together. */
const CANDIDATE_JITTER = 1.2;

export class LeaderElector {
  readonly identity: string;
  private readonly api: CoordinationV1Api;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly requestTimeoutMs: number;
  private readonly log: LogSink;
  private leading = false;
  private observedKey: string | undefined;
  private observedAt = 0;
  private observedLease: V1Lease | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private running: { abort: AbortController; loop: Promise<void> } | undefined;
  private readonly counters: LeaderElectorStats = { attempts: 0, heldByOthers: 0, terms: 0 };

  constructor(private readonly options: LeaderElectorOptions) {
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? Math.min(this.retryPeriodMs, this.renewDeadlineMs / 2);
    // client-go's own checks: without them a leader could still believe it leads after others may take over.
    if (!(this.leaseDurationMs > this.renewDeadlineMs)) throw new RangeError('leaseDurationMs must be greater than renewDeadlineMs');
    if (!(this.renewDeadlineMs > CANDIDATE_JITTER * this.retryPeriodMs))
      throw new RangeError('renewDeadlineMs must be greater than 1.2 × retryPeriodMs');
    if (this.leaseDurationMs % 1000 !== 0) throw new RangeError('leaseDurationMs must be whole seconds (the Lease stores seconds)');
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.log = options.log ?? SILENT_LOG;
  }

  isLeader(): boolean {
    return this.leading;
  }

  stats(): LeaderElectorStats {
    return { ...this.counters };
  }

  /**
   * Campaigns until it leads, then renews until leadership ends (lost or stop()). Resolves
   * then; a manager exits on a lost lease, as controller-runtime does, or calls run() again.
   */
  run(): Promise<void> {
    if (this.running) return this.running.loop;
    const abort = new AbortController();
    this.running = { abort, loop: this.loop(abort.signal) };
    return this.running.loop;
  }

  /** Stops campaigning or leading; with `release` (default) a leader frees the Lease for a successor. */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    const running = this.running;
    if (running) {
      running.abort.abort();
      await running.loop;
    }
    await this.stopLeading('stopped');
    // Also when a round won just as stop() came, before this elector began its term.
    if (release && this.observedHolder() === this.identity) await this.release();
    this.running = undefined;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !this.leading) {
      const started = performance.now();
      if (await this.tryAcquireOrRenew()) {
        if (signal.aborted) break; // stop() will release what we just took
        this.startLeading(started);
        break;
      }
      await sleep(this.retryPeriodMs * (1 + Math.random() * (CANDIDATE_JITTER - 1)), signal);
    }
    while (!signal.aborted && this.leading) {
      await sleep(this.retryPeriodMs, signal);
      if (signal.aborted || !this.leading) break;
      const started = performance.now();
      const renewed = await this.tryAcquireOrRenew();
      if (!this.leading) break;
      if (renewed) this.armDeadline(started);
      else if (this.observedHolder() !== this.identity) await this.stopLeading('the lease has another holder');
    }
  }

  private startLeading(renewStartedAt: number): void {
    this.leading = true;
    this.counters.terms += 1;
    this.armDeadline(renewStartedAt);
    this.log.info('started leading', { lease: this.options.name, namespace: this.options.namespace, identity: this.identity });
    // The hook starts the work; leading goes on while it runs (callHook logs its failures).
    void this.callHook('onStartedLeading');
  }

  /** Leading ends renewDeadline after the start of the last renewal that succeeded. */
  private armDeadline(renewStartedAt: number): void {
    clearTimeout(this.deadlineTimer);
    const left = Math.max(0, renewStartedAt + this.renewDeadlineMs - performance.now());
    this.deadlineTimer = setTimeout(() => void this.stopLeading('no renewal within the renew deadline'), left);
  }

  private async stopLeading(why: string): Promise<void> {
    clearTimeout(this.deadlineTimer);
    if (!this.leading) return;
    this.leading = false;
    this.log.info('stopped leading', { lease: this.options.name, namespace: this.options.namespace, identity: this.identity, why });
    await this.callHook('onStoppedLeading');
  }

  private async callHook(name: 'onStartedLeading' | 'onStoppedLeading'): Promise<void> {
    try {
      await this.options[name]?.();
    } catch (error) {
      this.log.error(`${name} threw`, { lease: this.options.name, error: String(error) });
    }
  }

  private observedHolder(): string {
    return this.observedLease?.spec?.holderIdentity ?? '';
  }

  /** Notes the record and, when it changed, the time WE saw it change: expiry counts from here. */
  private observe(lease: V1Lease): void {
    const spec = lease.spec ?? {};
    const key = JSON.stringify([spec.holderIdentity, spec.leaseDurationSeconds, spec.acquireTime, spec.renewTime, spec.leaseTransitions]);
    if (key !== this.observedKey) {
      this.observedKey = key;
      this.observedAt = performance.now();
    }
    this.observedLease = lease;
  }

  /** One round: read, then create, renew or take over. True if we hold the Lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    this.counters.attempts += 1;
    const { namespace, name } = this.options;
    const timeout = withTimeout(this.requestTimeoutMs);
    let current: V1Lease;
    try {
      current = await this.api.readNamespacedLease({ name, namespace }, timeout);
    } catch (error) {
      if (statusCodeOf(error) !== 404) return this.failed('read', error);
      try {
        this.observe(
          await this.api.createNamespacedLease(
            { namespace, body: { metadata: { name, namespace }, spec: this.record(undefined) } },
            timeout,
          ),
        );
        return true;
      } catch (createError) {
        return statusCodeOf(createError) === 409 ? false : this.failed('create', createError);
      }
    }
    this.observe(current);
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const durationMs = spec.leaseDurationSeconds ? spec.leaseDurationSeconds * 1000 : this.leaseDurationMs;
    if (holder && holder !== this.identity && performance.now() < this.observedAt + durationMs) {
      this.counters.heldByOthers += 1;
      return false;
    }
    try {
      this.observe(await this.api.replaceNamespacedLease({ name, namespace, body: { ...current, spec: this.record(spec) } }, timeout));
      return true;
    } catch (error) {
      return statusCodeOf(error) === 409 ? false : this.failed('update', error);
    }
  }

  /** The record we write: a renewal keeps acquireTime and the count, a takeover moves both. */
  private record(old: V1LeaseSpec | undefined): V1LeaseSpec {
    const now = new V1MicroTime();
    const ours = old?.holderIdentity === this.identity;
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.leaseDurationMs / 1000,
      acquireTime: ours && old?.acquireTime ? old.acquireTime : now,
      renewTime: now,
      leaseTransitions: ours ? (old?.leaseTransitions ?? 0) : old ? (old.leaseTransitions ?? 0) + 1 : 0,
    };
  }

  private failed(verb: string, error: unknown): false {
    this.log.warn('lease request failed', {
      lease: this.options.name,
      namespace: this.options.namespace,
      verb,
      statusCode: statusCodeOf(error),
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }

  /** As client-go's ReleaseOnCancel: only if the Lease is still ours; a 409 means it is not. */
  private async release(): Promise<void> {
    const lease = this.observedLease;
    if (!lease?.spec || lease.spec.holderIdentity !== this.identity) return;
    const now = new V1MicroTime();
    const spec: V1LeaseSpec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now };
    try {
      this.observe(
        await this.api.replaceNamespacedLease(
          { name: this.options.name, namespace: this.options.namespace, body: { ...lease, spec } },
          withTimeout(this.requestTimeoutMs),
        ),
      );
      this.log.info('released the lease', { lease: this.options.name, namespace: this.options.namespace, identity: this.identity });
    } catch (error) {
      this.failed('release', error);
    }
  }
}
