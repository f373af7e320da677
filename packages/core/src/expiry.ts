/**
 * Expiry inputs shared by deploy tokens and deploy keys: an absolute RFC 3339 time (or a
 * full date, read as midnight UTC) or a relative duration like `30d`, `720h`, `1w2d`.
 * A time in the past is refused: GitLab would accept it and mint an already-expired token.
 */
import { ValidationError } from './errors.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(\d+[mhdw])+$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2}))?$/;

export interface ExpiryInput {
  expiresAt?: string | Date | undefined;
  expiresAfter?: string | undefined;
}

export function parseDuration(input: string, field = 'expiresAfter'): number {
  const text = input.trim();
  if (!DURATION.test(text)) {
    throw new ValidationError(
      field,
      'duration like 30d, 720h, 1w',
      `${field}: "${input}" is not a duration; use a number with m, h, d or w (e.g. 30d, 720h)`,
    );
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([mhdw])/g)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  if (total <= 0) throw new ValidationError(field, 'longer than zero', `${field}: must be longer than zero`);
  return total;
}

/** Returns the expiry as an ISO string (UTC), or undefined for "never expires". */
export function resolveExpiry(input: ExpiryInput, now: Date = new Date()): string | undefined {
  const { expiresAt, expiresAfter } = input;
  if (expiresAt !== undefined && expiresAfter !== undefined) {
    throw new ValidationError('expiresAt', 'only one of expiresAt and expiresAfter', 'give expiresAt or expiresAfter, not both');
  }
  if (expiresAfter !== undefined) {
    return new Date(now.getTime() + parseDuration(expiresAfter)).toISOString();
  }
  if (expiresAt === undefined) return undefined;
  const date = expiresAt instanceof Date ? expiresAt : parseTimestamp(expiresAt);
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError('expiresAt', 'valid date', `expiresAt: "${String(expiresAt)}" is not a valid date`);
  }
  if (date.getTime() <= now.getTime()) {
    throw new ValidationError(
      'expiresAt',
      'in the future',
      `expiresAt: ${date.toISOString()} is in the past; GitLab would create an expired credential`,
    );
  }
  return date.toISOString();
}

function parseTimestamp(text: string): Date {
  const trimmed = text.trim();
  if (!RFC3339.test(trimmed)) {
    throw new ValidationError(
      'expiresAt',
      'RFC 3339 time',
      `expiresAt: "${text}" is not an RFC 3339 time (e.g. 2027-01-01T00:00:00Z or 2027-01-01)`,
    );
  }
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  // Date accepts 2027-02-30 by rolling over; GitLab does not, so neither do we.
  const [year, month, day] = trimmed.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(date.getTime()) || !isRealDay(year, month, day)) {
    throw new ValidationError('expiresAt', 'valid date', `expiresAt: "${text}" is not a real calendar date`);
  }
  return date;
}

function isRealDay(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}
