/**
 * GitLab's rules for project CI/CD variables, checked before any call so a refusal names the
 * rule: a key of `[A-Za-z0-9_]`, 1..255 characters; a masked value of at least 8 characters
 * from `[a-zA-Z0-9_+=/@:.~-]`. The reasons never repeat the value.
 */
import { ValidationError } from '../errors.js';
import { shown } from '../shown.js';

export const VARIABLE_KEY_RULE = 'key must match [A-Za-z0-9_] and be 1 to 255 characters';
const KEY = /^[A-Za-z0-9_]{1,255}$/;
const MASKABLE_CHAR = /[a-zA-Z0-9_+=/@:.~-]/;

export function variableKeyProblem(key: string): string | undefined {
  return typeof key === 'string' && KEY.test(key) ? undefined : VARIABLE_KEY_RULE;
}

/** Why GitLab would refuse to mask `value`, or undefined when it can be masked. */
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

export function checkVariable(input: { key: string; value: string; masked?: boolean }): void {
  const keyProblem = variableKeyProblem(input.key);
  if (keyProblem) throw new ValidationError('key', VARIABLE_KEY_RULE, `key: ${shown(String(input.key).slice(0, 40))} ${keyProblem}`);
  if (typeof input.value !== 'string')
    throw new ValidationError(`variables.${input.key}`, 'string value', `variables.${input.key}: value must be a string`);
  if (input.masked) {
    const problem = maskingProblem(input.value);
    if (problem) throw new ValidationError(`variables.${input.key}`, 'maskable value', `variables.${input.key}: ${problem}`);
  }
}

function describeChar(ch: string): string {
  if (ch === ' ') return 'a space';
  if (ch === '\n' || ch === '\r') return 'a line break';
  if (ch === '\t') return 'a tab';
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return 'a control character';
  if (code > 0x7e) return 'a non-ASCII character';
  return `${shown(ch)}`;
}
