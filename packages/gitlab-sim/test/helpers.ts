// Plain-fetch helpers written from GitLab's documented REST API; nothing here
// knows how the simulator is built.
import { afterAll, beforeAll } from 'vitest';
import { start, type GitlabSim, type StartOptions } from '../src/index.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function call(
  sim: GitlabSim,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token !== undefined) headers['PRIVATE-TOKEN'] = opts.token;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  const res = await fetch(`${sim.apiUrl}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain-text bodies (raw files, 429) stay strings
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** URL-encodes a full path as GitLab wants for `:id` (only `/` matters). */
export const enc = (path: string): string => encodeURIComponent(path);

/** Starts a fresh simulator for a describe block. */
export function useSim(opts: StartOptions = {}): { sim: GitlabSim } {
  const holder = {} as { sim: GitlabSim };
  beforeAll(async () => {
    holder.sim = await start(opts);
  });
  afterAll(async () => {
    await holder.sim?.close();
  });
  return holder;
}

export function expectFields(entity: Record<string, unknown>, fields: string[]): string[] {
  return fields.filter((f) => !(f in entity));
}
