/**
 * A short, stable hash of a credential's spec, stored with the credential so a changed spec is
 * noticed. Keys are sorted and absent values normalised to null, so `{a, b}` and `{b, a}` or an
 * omitted and an undefined field hash the same. Holds no secret: specs have none.
 */
import { createHash } from 'node:crypto';

export function specHashOf(spec: Record<string, unknown>): string {
  return createHash('sha256').update(canonical(spec), 'utf8').digest('hex').slice(0, 16);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
