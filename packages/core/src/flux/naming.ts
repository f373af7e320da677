/**
 * Flux's names: the sync path inside the repository and the title Flux gives the deploy
 * token or key (`<namespace>-<branch>-<secret-name>[-<path>]`), so users recognise it.
 */
import { ValidationError } from '../errors.js';
import { shown } from '../shown.js';

/** The sync path inside the repository, normalised without `./` and slashes at the ends. */
export function checkSyncPath(value: string | undefined, field = 'path'): string {
  const text = (value ?? '')
    .trim()
    .replace(/^\.\//, '')
    .replace(/^\/+|\/+$/g, '');
  if (text === '' || text === '.') return '';
  const segments = text.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..') || /[\u0000-\u001f\\]/.test(text)) {
    throw new ValidationError(
      field,
      'relative path without ..',
      `${field}: ${shown(value)} must be a relative path inside the repository, without ".." or "//"`,
    );
  }
  return text;
}

export interface CredentialNameInput {
  namespace: string;
  branch: string;
  secretName: string;
  path: string;
}

/** Flux's title for the deploy token/key: `<namespace>-<branch>-<secret-name>[-<path>]`. */
export function bootstrapCredentialName(input: CredentialNameInput): string {
  const base = `${input.namespace}-${input.branch}-${input.secretName}`;
  return input.path ? `${base}-${input.path.replaceAll('/', '-')}` : base;
}
