/**
 * One GitLab client per (URL, token, CA bundle): objects that share a PAT share its keep-alive
 * connections and its rate-limit gate. A rotated PAT (a new token value) gets a new client; the
 * old one is dropped once unused for an hour (it holds the old token). The transport gives up on a 429 that asks for more than a short wait, so the
 * wait is handed to the gate (all of this user's reconciles pause) instead of holding a worker.
 */
import { createGitlabClient, type AttemptEvent, type GitlabClient } from '@glkeys/core';
import { createHash } from 'node:crypto';
import { userKeyOf } from './rate-limit-gate.js';

export interface GitlabAccess {
  url: string;
  token: string;
  ca?: string | undefined;
}

export interface ClientEntry {
  client: GitlabClient;
  /** When `get` last handed it out (ms since epoch): unused entries are dropped. */
  lastUsedMs: number;
  /** Hash of host and token: the rate-limit gate's key. */
  userKey: string;
}

export interface GitlabClientsOptions {
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  /** The longest Retry-After the transport waits in place; longer ones pause the user. Default 2 s. */
  maxRetryAfterMs?: number;
  onAttempt?: (event: AttemptEvent & { host: string }) => void;
}

const UNUSED_MS = 3_600_000;

export class GitlabClients {
  private readonly entries = new Map<string, ClientEntry>();

  constructor(
    private readonly options: GitlabClientsOptions = {},
    private readonly now: () => number = Date.now,
  ) {}

  get(access: GitlabAccess): ClientEntry {
    const host = new URL(access.url).host;
    const userKey = userKeyOf(host, access.token);
    const key = `${userKey}/${access.ca ? createHash('sha256').update(access.ca).digest('hex').slice(0, 16) : '-'}`;
    const now = this.now();
    this.dropUnused(now);
    const found = this.entries.get(key);
    if (found) {
      found.lastUsedMs = now;
      return found;
    }
    const { onAttempt } = this.options;
    const client = createGitlabClient({
      host: access.url,
      token: access.token,
      ...(access.ca ? { ca: access.ca } : {}),
      timeoutMs: this.options.timeoutMs ?? 30_000,
      retry: { maxRetryAfterMs: this.options.maxRetryAfterMs ?? 2_000 },
      ...(onAttempt ? { onAttempt: (event: AttemptEvent) => onAttempt({ ...event, host }) } : {}),
    });
    const entry = { client, userKey, lastUsedMs: now };
    this.entries.set(key, entry);
    return entry;
  }

  /** A rotated PAT leaves its old client (and token) behind: drop clients unused for an hour. */
  private dropUnused(now: number): void {
    for (const [key, entry] of this.entries) if (now - entry.lastUsedMs > UNUSED_MS) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
