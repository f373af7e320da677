/**
 * A supervised informer: list, then watch from the list's resourceVersion, forever, with a
 * cache the reconcilers read and add/update/delete events that enqueue keys.
 *
 * Why our own list+watch rather than client-node 1.4's `makeInformer`: that one stops for
 * good on any error but 410 (the caller must notice and restart it), asks for no bookmarks
 * and no watch timeout (a silently dead connection is never noticed: #364, #958), has no
 * timeout on its list, mixes typed-model objects (from the list) with plain JSON (from the
 * watch), and a restart does not re-announce what changed meanwhile (#795). Supervising it
 * from outside would mean re-implementing most of it anyway; the loop below is short.
 *
 * The loop: list (paged, each page with a timeout) and diff against the cache → watch with
 * bookmarks and a server-side timeout, resuming from the last resourceVersion when the
 * server ends it → on 410 Gone relist at once → on any other error wait (capped exponential
 * backoff with jitter), then relist and diff, so nothing that happened while the watch was
 * down is lost. Every `resyncMs` the watch is cut and a relist announces every object again.
 *
 * Event rule, also across stop() and start(): per key the stream is add, update*, delete,
 * (add…) and never two adds without a delete between. The first list after start() also
 * announces each object already cached and unchanged as update(obj, obj), so a consumer whose
 * queue was dropped while stopped sees every live object once again, as a resync.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { KubeHttpError, kubeGetJSON, kubeStreamLines } from './kube-http.js';
import { type LogSink, SILENT_LOG } from './log-sink.js';
import { type Emitter, type InformerEvent, ObjectStore } from './object-store.js';
import { DEFAULT_RESTART_BACKOFF, type RestartBackoff, restartDelayMs, sleep } from './restart-backoff.js';
import { resolveCollectionPath } from './resource-path.js';

export type { InformerEvent } from './object-store.js';

export interface InformerOptions<T extends KubernetesObject = KubernetesObject> {
  kubeConfig: KubeConfig;
  /** The resource by apiVersion and kind (`v1`/`Secret`, `glkeys.io/v1alpha1`/`GitlabDeployToken`), found through discovery... */
  apiVersion?: string;
  kind?: string;
  /** ...or by its cluster-wide collection path (`/api/v1/secrets`, `/apis/glkeys.io/v1alpha1/gitlabdeploytokens`). */
  path?: string;
  /** Only this namespace; cluster-wide (or a cluster-scoped resource) without it. */
  namespace?: string;
  /** Applied by the apiserver to list and watch: nothing else is ever received or cached. */
  labelSelector?: string;
  /**
   * What the cache keeps of each object (controller-runtime's cache transform): applied to every
   * listed and watched object before it is cached or handed to a handler. Must keep metadata's
   * name, namespace and resourceVersion. A cache that holds only what routing needs keeps the
   * operator's memory flat in the number of objects, and no Secret value in memory.
   */
  transform?: (obj: T) => T;
  /** Relist and announce everything again this often; 0 turns it off. Default 10 min. */
  resyncMs?: number;
  restartBackoff?: Partial<RestartBackoff>;
  /** Per page of a list. Default 60 s. */
  listTimeoutMs?: number;
  /** Objects per page. Default 500. */
  pageSize?: number;
  /** The server ends each watch after this many seconds, randomised up to twice it (as client-go). Default 300. */
  watchTimeoutSeconds?: number;
  log?: LogSink;
}

export type InformerHandler<T> = (obj: T, old?: T) => void;

export interface InformerStats {
  /** Full lists done (start, resync, after 410, after errors). */
  lists: number;
  /** Watches the apiserver accepted (200). */
  watches: number;
  /** Restarts after an error (list or watch failed), each after a backoff wait. */
  restarts: number;
  /** Failures since the last accepted watch: the backoff grows with it. */
  consecutiveFailures: number;
  lastError?: string;
}

export interface Informer<T extends KubernetesObject> {
  start(): void;
  stop(): Promise<void>;
  /** Resolves once the first list after start() is in the cache; rejects if stop() comes first. */
  synced(): Promise<void>;
  hasSynced(): boolean;
  /** From the cache. Treat as read-only: the informer replaces, never mutates, what it holds. */
  get(namespace: string, name: string): T | undefined;
  list(namespace?: string): T[];
  /** Handlers run in the informer's loop, in order: keep them short (enqueue a key). Returns an unsubscribe. */
  on(event: InformerEvent, handler: InformerHandler<T>): () => void;
  stats(): InformerStats;
}

interface ListPage<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T & { code?: number; reason?: string; message?: string };
}

/** 410 Gone: our resourceVersion is too old; relist at once, it is not a failure. */
class Gone extends Error {}

export function createInformer<T extends KubernetesObject>(options: InformerOptions<T>): Informer<T> {
  return new SupervisedInformer<T>(options);
}

class SupervisedInformer<T extends KubernetesObject> implements Informer<T> {
  private readonly store = new ObjectStore<T>();
  private readonly handlers: Record<InformerEvent, Set<InformerHandler<T>>> = { add: new Set(), update: new Set(), delete: new Set() };
  private readonly log: LogSink;
  private readonly backoff: RestartBackoff;
  private readonly counters: InformerStats = { lists: 0, watches: 0, restarts: 0, consecutiveFailures: 0 };
  private path: string | undefined;
  private running: { abort: AbortController; loop: Promise<void> } | undefined;
  private isSynced = false;
  private syncWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly emitter: Emitter<T>;

  constructor(private readonly options: InformerOptions<T>) {
    if (!options.path && !(options.apiVersion && options.kind)) throw new TypeError('createInformer: give path, or apiVersion and kind');
    this.log = options.log ?? SILENT_LOG;
    this.backoff = { ...DEFAULT_RESTART_BACKOFF, ...options.restartBackoff };
    this.emitter = {
      add: (obj) => this.dispatch('add', obj),
      update: (obj, old) => this.dispatch('update', obj, old),
      delete: (obj) => this.dispatch('delete', obj),
    };
  }

  start(): void {
    if (this.running) return;
    const abort = new AbortController();
    this.running = { abort, loop: this.run(abort.signal) };
  }

  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.abort.abort();
    await running.loop;
    this.running = undefined;
    this.isSynced = false;
    const waiters = this.syncWaiters.splice(0);
    for (const waiter of waiters) waiter.reject(new Error(`informer ${this.describe()} stopped before its cache synced`));
  }

  synced(): Promise<void> {
    if (this.isSynced) return Promise.resolve();
    return new Promise((resolve, reject) => this.syncWaiters.push({ resolve, reject }));
  }

  hasSynced(): boolean {
    return this.isSynced;
  }

  get(namespace: string, name: string): T | undefined {
    return this.store.get(namespace, name);
  }

  list(namespace?: string): T[] {
    return this.store.list(namespace);
  }

  on(event: InformerEvent, handler: InformerHandler<T>): () => void {
    this.handlers[event].add(handler);
    return () => this.handlers[event].delete(handler);
  }

  stats(): InformerStats {
    return { ...this.counters };
  }

  private describe(): string {
    const what = this.options.path ?? `${this.options.apiVersion}/${this.options.kind}`;
    return this.options.namespace ? `${what} in ${this.options.namespace}` : what;
  }

  private dispatch(event: InformerEvent, obj: T, old?: T): void {
    for (const handler of this.handlers[event]) {
      try {
        handler(obj, old);
      } catch (error) {
        // A consumer's bug must not stop the informer; only names go to the log.
        this.log.error('informer handler threw', {
          informer: this.describe(),
          event,
          object: `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`,
          error: String(error),
        });
      }
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    let resourceVersion: string | undefined;
    let announceUnchanged = true; // the first list after start(): see the event rule above
    let resyncAt = this.nextResync();
    while (!signal.aborted) {
      try {
        this.path ??= await resolveCollectionPath(this.options, signal);
        if (resourceVersion === undefined) {
          resourceVersion = await this.relist(signal, announceUnchanged);
          announceUnchanged = false;
        }
        const resyncIn = resyncAt - Date.now();
        if (resyncIn <= 0) {
          resourceVersion = undefined;
          announceUnchanged = true;
          resyncAt = this.nextResync();
          continue;
        }
        resourceVersion = await this.watch(resourceVersion, signal, resyncIn);
      } catch (error) {
        if (signal.aborted) break;
        resourceVersion = undefined;
        if (error instanceof Gone) {
          this.log.info('watch too old (410 Gone): relisting', { informer: this.describe() });
          continue;
        }
        this.counters.restarts += 1;
        this.counters.consecutiveFailures += 1;
        this.counters.lastError = error instanceof Error ? error.message : String(error);
        const delayMs = restartDelayMs(this.counters.consecutiveFailures, this.backoff);
        this.log.warn('informer failed: relisting after a backoff', {
          informer: this.describe(),
          error: this.counters.lastError,
          statusCode: error instanceof KubeHttpError ? error.statusCode : undefined,
          consecutiveFailures: this.counters.consecutiveFailures,
          delayMs,
        });
        await sleep(delayMs, signal);
      }
    }
  }

  private nextResync(): number {
    const resyncMs = this.options.resyncMs ?? 600_000;
    return resyncMs > 0 ? Date.now() + resyncMs : Number.POSITIVE_INFINITY;
  }

  /** A full paged list, diffed into the cache; returns the list's resourceVersion. */
  private async relist(signal: AbortSignal, announceUnchanged: boolean): Promise<string> {
    const path = this.path as string;
    const timeoutMs = this.options.listTimeoutMs ?? 60_000;
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await kubeGetJSON<ListPage<T>>(
        this.options.kubeConfig,
        path,
        {
          labelSelector: this.options.labelSelector,
          limit: this.options.pageSize ?? 500,
          continue: continueToken,
          timeoutSeconds: Math.ceil(timeoutMs / 1000),
        },
        { timeoutMs, signal },
      );
      // Items of a list carry no apiVersion/kind of their own; watch events do. Make them alike.
      const kind = page.kind?.replace(/List$/, '');
      for (const item of page.items ?? [])
        items.push(this.transform({ ...item, apiVersion: item.apiVersion ?? page.apiVersion, kind: item.kind ?? kind }));
      continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (continueToken && !signal.aborted);
    signal.throwIfAborted();
    this.store.replace(items, this.emitter, announceUnchanged);
    this.counters.lists += 1;
    this.markSynced();
    return resourceVersion;
  }

  private markSynced(): void {
    if (this.isSynced) return;
    this.isSynced = true;
    for (const waiter of this.syncWaiters.splice(0)) waiter.resolve();
  }

  /**
   * One watch from `resourceVersion` until the server ends it (its timeoutSeconds) or the
   * resync is due; returns the last resourceVersion seen (bookmarks included). Throws Gone on
   * 410 and the error otherwise.
   */
  private async watch(resourceVersion: string, signal: AbortSignal, resyncInMs: number): Promise<string> {
    const base = this.options.watchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.round(base * (1 + Math.random()));
    const cut = new AbortController();
    const resyncTimer = setTimeout(() => cut.abort(), Math.min(resyncInMs, 2 ** 31 - 1));
    let last = resourceVersion;
    try {
      await kubeStreamLines(
        this.options.kubeConfig,
        this.path as string,
        { watch: true, resourceVersion, allowWatchBookmarks: true, timeoutSeconds, labelSelector: this.options.labelSelector },
        {
          // Bookmarks come about once a minute and the server closes at timeoutSeconds: longer silence is a dead connection.
          idleTimeoutMs: (timeoutSeconds + 30) * 1000,
          signal: AbortSignal.any([signal, cut.signal]),
          onOpen: () => {
            this.counters.watches += 1;
            this.counters.consecutiveFailures = 0;
          },
          onLine: (line) => {
            last = this.apply(JSON.parse(line) as WatchEvent<T>) ?? last;
          },
        },
      );
    } catch (error) {
      if (error instanceof KubeHttpError && error.statusCode === 410) throw new Gone();
      throw error;
    } finally {
      clearTimeout(resyncTimer);
    }
    return last;
  }

  private transform(obj: T): T {
    return this.options.transform ? this.options.transform(obj) : obj;
  }

  /** One watch event into the cache; returns its resourceVersion. */
  private apply(event: WatchEvent<T>): string | undefined {
    const obj = event.object;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.store.upsert(this.transform(obj), this.emitter);
        break;
      case 'DELETED':
        this.store.remove(this.transform(obj), this.emitter);
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR':
        if (obj.code === 410) throw new Gone();
        throw new KubeHttpError(`watch ${this.describe()}: ${obj.message ?? 'error event'}`, obj.code, obj.reason);
    }
    return obj.metadata?.resourceVersion;
  }
}
