import { ValidationError } from '../errors.js';
import { resolveExpiry, type ExpiryInput } from '../expiry.js';
import { checkScopes, type DeployTokenScope, type DeployTokenTargetKind } from './scopes.js';
import { shown } from '../shown.js';

export interface CreateDeployTokenInput extends ExpiryInput {
  name: string;
  scopes: readonly string[];
  /** Defaults to GitLab's `gitlab+deploy-token-{id}`. */
  username?: string | undefined;
}

export interface ValidDeployTokenInput {
  name: string;
  scopes: DeployTokenScope[];
  username?: string;
  expiresAt?: string;
}

const USERNAME = /^[a-zA-Z0-9.+_-]+$/;
export const MAX_NAME_LENGTH = 255;

export function checkDeployTokenName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ValidationError(field, 'not empty', `${field}: a deploy token needs a name`);
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new ValidationError(field, 'at most 255 characters', `${field}: ${name.length} characters, at most 255 allowed`);
  }
  if (/[\u0000-\u001f]/.test(name)) {
    throw new ValidationError(field, 'no control characters', `${field}: must not contain control characters or newlines`);
  }
  return name;
}

export function checkDeployTokenUsername(username: unknown, field = 'username'): string {
  if (typeof username !== 'string' || username === '') {
    throw new ValidationError(field, 'not empty', `${field}: must not be empty when given (omit it for GitLab's default)`);
  }
  if (username.length > 255) {
    throw new ValidationError(field, 'at most 255 characters', `${field}: ${username.length} characters, at most 255 allowed`);
  }
  if (!USERNAME.test(username)) {
    throw new ValidationError(
      field,
      'letters, digits, ".", "+", "_", "-"',
      `${field}: ${shown(username)} may only contain letters, digits, ".", "+", "_" and "-"`,
    );
  }
  return username;
}

export function validateCreateDeployToken(
  kind: DeployTokenTargetKind,
  input: CreateDeployTokenInput,
  now: Date = new Date(),
): ValidDeployTokenInput {
  const name = checkDeployTokenName(input.name);
  const scopes = checkScopes(kind, input.scopes);
  const valid: ValidDeployTokenInput = { name, scopes };
  if (input.username !== undefined) valid.username = checkDeployTokenUsername(input.username);
  const expiresAt = resolveExpiry(input, now);
  if (expiresAt !== undefined) valid.expiresAt = expiresAt;
  return valid;
}
