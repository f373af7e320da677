// Every request the simulator answered (or dropped), so tests and benchmarks can
// count GitLab calls. Token-bearing query parameters are redacted.

export interface FaultApplied {
  kind: 'status' | 'reset' | 'hang';
  when: 'before' | 'after';
  status?: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the query, e.g. `/api/v4/projects/1/deploy_tokens`. */
  path: string;
  query: Record<string, string>;
  /** HTTP status sent; 0 when the connection was reset or left hanging. */
  status: number;
  /** `METHOD /template` below /api/v4, e.g. `POST /projects/:id/deploy_tokens`; null if no route matched. */
  route: string | null;
  /** Epoch milliseconds. */
  startedAt: number;
  durationMs: number;
  fault?: FaultApplied;
}

export interface RequestLogFilter {
  method?: string;
  /** `POST /projects/:id/deploy_tokens` or just the template `/projects/:id/deploy_tokens`. */
  route?: string;
  /** true = only non-GET/HEAD requests, false = only GET/HEAD. */
  write?: boolean;
}

const SECRET_PARAMS = new Set(['private_token', 'access_token', 'job_token']);

export class RequestLog {
  private list: RequestLogEntry[] = [];
  private readonly listeners: Array<(entry: RequestLogEntry) => void> = [];

  add(entry: RequestLogEntry): void {
    this.list.push(entry);
    for (const listener of this.listeners) listener(entry);
  }

  /** Calls `listener` with every entry added from now on (the CLI's --request-log file). */
  subscribe(listener: (entry: RequestLogEntry) => void): void {
    this.listeners.push(listener);
  }

  matches(entry: RequestLogEntry, filter: RequestLogFilter): boolean {
    return matches(entry, filter);
  }

  entries(): RequestLogEntry[] {
    return [...this.list];
  }

  count(filter: RequestLogFilter = {}): number {
    return this.list.filter((e) => matches(e, filter)).length;
  }

  clear(): void {
    this.list = [];
  }
}

function matches(e: RequestLogEntry, f: RequestLogFilter): boolean {
  if (f.method !== undefined && e.method !== f.method.toUpperCase()) return false;
  if (f.route !== undefined) {
    if (e.route === null) return false;
    const template = e.route.slice(e.route.indexOf(' ') + 1);
    if (f.route !== e.route && f.route !== template) return false;
  }
  if (f.write !== undefined) {
    const isWrite = e.method !== 'GET' && e.method !== 'HEAD';
    if (isWrite !== f.write) return false;
  }
  return true;
}

export function redactQuery(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) out[k] = SECRET_PARAMS.has(k) ? '[REDACTED]' : v;
  return out;
}
