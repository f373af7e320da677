// Request parameters the way Grape sees them: query string and body merged,
// JSON or form-encoded (`scopes[]=a&scopes[]=b` becomes an array).
import type { IncomingMessage } from 'node:http';
import { HttpError, json } from './response.js';

export type Params = Record<string, unknown>;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function formToParams(search: URLSearchParams, into: Params): void {
  for (const [rawKey, value] of search) {
    if (rawKey.endsWith('[]')) {
      const key = rawKey.slice(0, -2);
      const list = Array.isArray(into[key]) ? (into[key] as unknown[]) : [];
      list.push(value);
      into[key] = list;
    } else {
      into[rawKey] = value;
    }
  }
}

export function parseParams(query: URLSearchParams, body: Buffer, contentType: string | undefined): Params {
  const params: Params = {};
  formToParams(query, params);
  if (body.length === 0) return params;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') {
    formToParams(new URLSearchParams(body.toString('utf8')), params);
    return params;
  }
  if (type === 'application/json' || type === '' || type.endsWith('+json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      // What Rack answers for a JSON body it cannot parse.
      throw new HttpError(json(400, { error: "The provided content-type 'application/json' is not supported." }));
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed);
  }
  return params;
}

// Grape's Boolean coercion (dry-types Params::Bool), which GitLab's `type: Boolean` parameters use:
// python-gitlab sends `active=True`, curl users write `yes` or `on`.
const TRUE_WORDS = new Set(['true', '1', 't', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'f', 'no', 'n', 'off']);

/** Grape's Boolean coercion. Returns undefined when absent, null when not a boolean. */
export function toBool(v: unknown): boolean | undefined | null {
  if (v === undefined) return undefined;
  if (v === true || v === 1) return true;
  if (v === false || v === 0) return false;
  if (typeof v !== 'string') return null;
  const word = v.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}

/** Grape's Array[String] with GitLab's CommaSeparatedToArray coercion. */
export function toStringArray(v: unknown): string[] | undefined | null {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? v : null;
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return null;
}

export function isPresentString(v: unknown): v is string {
  return typeof v === 'string' || typeof v === 'number';
}

/**
 * A request value as text, the way GitLab's parameter coercion reads scalars; a list or an object
 * stays recognisable JSON rather than `[object Object]`, so a route's own check refuses it.
 */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}
