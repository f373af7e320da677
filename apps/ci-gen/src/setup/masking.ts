/**
 * GitLab's rules for CI/CD variables, checked before any API call so a refusal names the rule.
 * A masked value must match ^[a-zA-Z0-9_+=/@:.~-]{8,}$ (GitLab's documented masking rule).
 */

export const VARIABLE_KEY_RULE = 'key must match [A-Za-z0-9_] and be 1 to 255 characters';
const KEY = /^[A-Za-z0-9_]{1,255}$/;
const MASKABLE_CHAR = /[a-zA-Z0-9_+=/@:.~-]/;

export function variableKeyProblem(key: string): string | undefined {
  return KEY.test(key) ? undefined : VARIABLE_KEY_RULE;
}

function describeChar(ch: string): string {
  if (ch === ' ') return 'a space';
  if (ch === '\n' || ch === '\r') return 'a line break';
  if (ch === '\t') return 'a tab';
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return 'a control character';
  if (code > 0x7e) return 'a non-ASCII character';
  return `"${ch}"`;
}

/**
 * Why GitLab would refuse to mask `value`, or undefined when it can be masked. The reason
 * names the rule (length, or which kind of character) and never repeats the value.
 */
export function maskingProblem(value: string): string | undefined {
  const problems: string[] = [];
  const length = [...value].length;
  if (length < 8) problems.push(`it is ${length} characters long and a masked value needs at least 8`);
  const bad = [...new Set([...value].filter((ch) => !MASKABLE_CHAR.test(ch)).map(describeChar))];
  if (bad.length > 0) {
    problems.push(`it contains ${bad.join(', ')}, which GitLab cannot mask (allowed: letters, digits and _ + = / @ : . ~ -)`);
  }
  return problems.length > 0 ? `cannot be masked: ${problems.join('; ')}` : undefined;
}
