/**
 * Refuses literal secrets in a pipeline file: anything committed to `.gitlab-ci.yml` is readable
 * by everyone who can read the repository, forever (git history). Secrets belong in masked CI/CD
 * variables and are referenced as `$NAME`. The reasons returned never contain the value itself.
 */

const REFERENCE = /\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/g;

// GitLab token prefixes (PAT, deploy, runner, pipeline trigger, feed, OAuth app secret, CI job...).
const GITLAB_PREFIXES = ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glft-', 'gloas-', 'glcbt-', 'glimt-', 'glagent-', 'glsoat-'];

// Key names that announce a credential: a literal under such a name is refused even when short.
const SECRET_KEY = /(TOKEN|PASSWORD|PASSWD|SECRET|PRIVATE_KEY|API_KEY|CREDENTIALS?)$/i;

/** True when the whole value is one `$NAME` or `${NAME}` reference. */
export function isVariableReference(value: string): boolean {
  return /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(value.trim());
}

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A long run of token characters, mixing letters and digits, with near-random spread. */
function looksRandom(text: string): boolean {
  for (const run of text.match(/[A-Za-z0-9+/=_-]{20,}/g) ?? []) {
    // Mixed case, or a long single-case run (hex, base32), with digits: words-with-dashes
    // such as --max-old-space-size=4096 are neither.
    const mixedCase = /[a-z]/.test(run) && /[A-Z]/.test(run);
    if (/[0-9]/.test(run) && /[A-Za-z]/.test(run) && (mixedCase || run.length >= 32) && shannonEntropy(run) >= 3.5) {
      return true;
    }
  }
  return false;
}

/**
 * Why `value` (stored under `key`) looks like a secret, or undefined when it does not.
 * `$REFERENCES` are removed before looking, so `Bearer $TOKEN` passes.
 */
export function secretLiteralReason(key: string, value: string): string | undefined {
  const literal = value.replace(REFERENCE, '');
  const lower = literal.toLowerCase();
  const prefix = GITLAB_PREFIXES.find((p) => lower.includes(p));
  if (prefix) return `looks like a GitLab token (${prefix}…)`;
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(literal)) return 'contains a private key';
  if (looksRandom(literal)) return 'looks like a high-entropy secret';
  if (SECRET_KEY.test(key) && literal.trim() !== '') return `is a literal under a credential name (${key})`;
  return undefined;
}
