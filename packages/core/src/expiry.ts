/**
 * Expiry inputs shared by deploy tokens and deploy keys: an absolute RFC 3339 time (or a
 * full date, read as midnight UTC) or a relative duration (`DURATION_RULE`). A time in the past
 * is refused (GitLab would accept it and mint an already-expired token), and so is a lifetime
 * under an hour: a deploy credential meant to live minutes is never what was meant.
 */
import { ValidationError } from './errors.js';
import { shown } from './shown.js';

/**
 * The one rule for durations a person types: the CLI's `--expires-in` and the operator's
 * `expiresAfter`. Go's syntax (what Kubernetes and Flux write: `1h30m`, `720h`, `720h0m0s`)
 * plus `d` (24 h) and `w` (7 d), which Go lacks and people use for credentials.
 */
export const DURATION_RULE =
  'a number and a unit, repeated (1w2d): s, m (minutes), h, d (24h) or w (7d); e.g. 12h, 90m, 30d, 2w; Go durations such as 720h0m0s also work';
/** DURATION_RULE as a regular expression (also the operator's CRD pattern for expiresAfter). */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|μs|ms|s|m|h|d|w))+$';
/** The shortest expiry glkeys accepts: one hour. */
export const MIN_EXPIRY_MS = 3_600_000;

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION = new RegExp(DURATION_PATTERN);
const RFC3339 = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2}))?$/;

export interface ExpiryInput {
  expiresAt?: string | Date | undefined;
  expiresAfter?: string | undefined;
}

/**
 * Milliseconds of a duration written by DURATION_RULE. `minimumMs` (default one hour,
 * MIN_EXPIRY_MS) is the least accepted; the error says why.
 */
export function parseDuration(input: string, field = 'expiresAfter', options: { minimumMs?: number } = {}): number {
  const text = String(input).trim();
  if (!DURATION.test(text)) {
    throw new ValidationError(field, 'duration like 30d, 720h, 1w', `${field}: ${shown(input)} is not a duration; use ${DURATION_RULE}`);
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h|d|w)/g)) total += Number(amount) * UNIT_MS[unit!]!;
  const minimumMs = options.minimumMs ?? MIN_EXPIRY_MS;
  if (total <= 0) throw new ValidationError(field, 'longer than zero', `${field}: must be longer than zero`);
  if (total < minimumMs) {
    throw new ValidationError(
      field,
      `at least ${formatMinimum(minimumMs)}`,
      `${field}: ${shown(input)} is shorter than ${formatMinimum(minimumMs)}; a deploy credential that expires this soon is never what is meant (m is minutes: for months write 30d, 90d)`,
    );
  }
  return Math.round(total);
}

function formatMinimum(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'an hour (1h)' : `${ms / 3_600_000}h`;
  return `${ms / 60_000}m`;
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
    throw new ValidationError('expiresAt', 'valid date', `expiresAt: ${shown(String(expiresAt))} is not a valid date`);
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
      `expiresAt: ${shown(text)} is not an RFC 3339 time (e.g. 2027-01-01T00:00:00Z or 2027-01-01)`,
    );
  }
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  // Date accepts 2027-02-30 by rolling over; GitLab does not, so neither do we.
  const [year, month, day] = trimmed.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(date.getTime()) || !isRealDay(year, month, day)) {
    throw new ValidationError('expiresAt', 'valid date', `expiresAt: ${shown(text)} is not a real calendar date`);
  }
  return date;
}

function isRealDay(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}
