import { randomBytes } from 'node:crypto';

/** GitLab returns timestamps as ISO 8601 with milliseconds in UTC. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Monotonic ID sequences, one per table, like GitLab's database sequences. */
export class Sequence {
  private next = 1;
  take(): number {
    return this.next++;
  }
}

// Devise.friendly_token alphabet (URL-safe base64), which GitLab token values use.
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function randomTokenBody(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += TOKEN_ALPHABET[b % 64];
  return out;
}
