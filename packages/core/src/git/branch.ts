import { ValidationError } from '../errors.js';
import { shown } from '../shown.js';

/** A Git branch name by git-check-ref-format's main rules. */
export function checkBranch(value: string, field = 'branch'): string {
  const bad =
    typeof value !== 'string' ||
    value === '' ||
    value.length > 255 ||
    /[\s~^:?*[\\\u0000-\u001f\u007f]/.test(value) ||
    value.startsWith('/') ||
    value.endsWith('/') ||
    value.endsWith('.') ||
    value.endsWith('.lock') ||
    value.includes('..') ||
    value.includes('//') ||
    value.includes('@{') ||
    value.startsWith('-');
  if (bad) throw new ValidationError(field, 'git branch name', `${field}: ${shown(String(value))} is not a valid Git branch name`);
  return value;
}
