/**
 * Usage errors in the user's words: the flag they typed, the rule, and for a typo the nearest
 * flag or command. Everything here runs before the token is read or any call is made.
 */
import { escapeControl } from '@glkeys/core/read';

/** A refused flag or argument (code VALIDATION, exit 2). `field` is the flag as typed (`--scopes`). */
export class FlagError extends Error {
  readonly code = 'VALIDATION';

  constructor(
    readonly field: string,
    readonly rule: string,
    message = `${field}: ${rule}`,
  ) {
    super(message);
  }
}

/** A flag that would change nothing: refused, so the user learns it was not applied. */
export function noEffect(flag: string, why: string): FlagError {
  return new FlagError(flag, 'has an effect', `${flag} has no effect ${why}; remove it`);
}

/** Levenshtein distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The candidate closest to `typed`: a prefix or extension of it first, else within a third of its length. */
export function nearest(typed: string, candidates: readonly string[]): string | undefined {
  const prefixed = candidates.filter((c) => c.startsWith(typed) || typed.startsWith(c));
  if (prefixed.length > 0) return prefixed.sort((x, y) => Math.abs(x.length - typed.length) - Math.abs(y.length - typed.length))[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.ceil(typed.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(typed, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

interface OclifParseError {
  message?: unknown;
  flags?: unknown;
  args?: unknown;
}

/**
 * oclif's parse errors, reworded: the first line only (its "See more help" is our hint),
 * control characters escaped (a value typed with a newline cannot forge a line), the flag
 * named as `field`, and for an unknown flag the nearest real one.
 */
export function usageFromOclif(
  error: unknown,
  flags: Record<string, { aliases?: string[] | undefined; char?: string | undefined }>,
): FlagError {
  const e = (error ?? {}) as OclifParseError;
  const raw = typeof e.message === 'string' ? e.message : String(error);
  const names = Object.keys(flags).flatMap((name) => [name, ...(flags[name]!.aliases ?? [])]);
  if (Array.isArray(e.flags) && /^Nonexistent flags?:/.test(raw)) {
    const unknown = (e.flags as string[]).map((f) => String(f));
    const first = unknown[0]!.split('=')[0]!;
    const suggestion = nearest(first.replace(/^-+/, ''), names);
    return new FlagError(
      escapeControl(first),
      'known flag',
      `${unknown.map((f) => escapeControl(f)).join(', ')}: no such flag${suggestion ? `; did you mean --${suggestion}?` : ''}`,
    );
  }
  // oclif lists relationship failures under a heading, one per line; the first says enough.
  const listed = /^The following errors? occurred:\s*\n?\s*(.*)/s.exec(raw.replace(/\nSee more help with --help\s*$/, ''));
  const body = listed ? listed[1]!.split('\n')[0]!.trim() : raw.replace(/\nSee more help with --help\s*$/, '');
  const text = body.replace(/^Parsing (--[a-z0-9-]+)\s*\n?\s*/, '$1: ');
  const missingArgs = /^Missing (\d+) required args?:\n(\S+)/.exec(text);
  if (missingArgs) {
    const arg = missingArgs[2]!.toUpperCase();
    return new FlagError(arg, 'required', `the ${arg} argument is required`);
  }
  const missingFlag = /^Missing required flag[:\s]+(?:--)?([a-z][a-z0-9-]*)/.exec(text);
  if (missingFlag) return new FlagError(`--${missingFlag[1]}`, 'required', `--${missingFlag[1]} is required`);
  const unexpected = /^Unexpected arguments?: (.*)/s.exec(text);
  if (unexpected)
    return new FlagError('argument', 'no extra argument', `unexpected argument ${escapeControl(unexpected[1]!.split('\n')[0]!)}`);
  const flag = /--[a-z][a-z0-9-]*/.exec(text)?.[0];
  return new FlagError(flag ?? 'usage', 'valid usage', escapeControl(text));
}
