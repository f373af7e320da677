/**
 * Go durations (`1m`, `10m0s`, `1h30m`) as Flux's `spec.interval` takes them. Flux writes
 * them back in Go's canonical form (`1m0s`), so we render the same text and a re-run that
 * compares file contents sees no change.
 */
import { ValidationError } from '../errors.js';
import { shown } from '../shown.js';

// Go's units (time.ParseDuration): ns, us (or µs), ms, s, m, h; fractions allowed.
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const GO_DURATION = /^(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

/**
 * Milliseconds of a Go duration. `minimumMs` (default 1 s, Flux's shortest useful interval) is
 * the least accepted; a grace period may be `0s`, so callers pass 0 there.
 */
export function parseGoDuration(input: string, field = 'interval', options: { minimumMs?: number } = {}): number {
  const text = String(input).trim();
  if (!GO_DURATION.test(text) && text !== '0') {
    throw new ValidationError(
      field,
      'Go duration like 1m, 30s, 1h30m',
      `${field}: ${shown(input)} is not a duration; use e.g. 1m, 30s or 1h30m`,
    );
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit!]!;
  const minimumMs = options.minimumMs ?? 1_000;
  if (total < minimumMs) {
    throw new ValidationError(
      field,
      `at least ${minimumMs / 1000}s`,
      `${field}: must be at least ${minimumMs >= 1000 ? `${minimumMs / 1000}s` : `${minimumMs}ms`}`,
    );
  }
  return Math.round(total);
}

/** Go's time.Duration.String() for whole milliseconds: 60000 -> `1m0s`, 5400000 -> `1h30m0s`. */
export function formatGoDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1_000;
  const secText = `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, '')}s`;
  if (hours > 0) return `${hours}h${minutes}m${secText}`;
  if (minutes > 0) return `${minutes}m${secText}`;
  return secText;
}
