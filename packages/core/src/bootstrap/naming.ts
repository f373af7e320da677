/**
 * Names of what bootstrap creates. The GitLab credential title follows Flux
 * (`<namespace>-<branch>-<secret-name>[-<path>]`) so users recognise it; the lifecycle owner
 * adds the cluster's identity, so two clusters bootstrapping the same project never share
 * (or revoke) each other's credential: fluxcd/flux2#964.
 */
import { ValidationError } from '../errors.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkNamespace(value: string, field = 'namespace'): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS_LABEL.test(value)) {
    throw new ValidationError(field, 'DNS label', `${field}: "${String(value)}" must be a lower-case DNS label (a-z, 0-9, "-", at most 63 characters)`);
  }
  return value;
}

export function checkSecretName(value: string, field = 'secret-name'): string {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw new ValidationError(field, 'DNS subdomain', `${field}: "${String(value)}" must be a lower-case DNS name (a-z, 0-9, "-", ".")`);
  }
  return value;
}

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
  if (bad) throw new ValidationError(field, 'git branch name', `${field}: "${String(value)}" is not a valid Git branch name`);
  return value;
}

/** The sync path inside the repository, normalised without `./` and slashes at the ends. */
export function checkSyncPath(value: string | undefined, field = 'path'): string {
  const text = (value ?? '').trim().replace(/^\.\//, '').replace(/^\/+|\/+$/g, '');
  if (text === '' || text === '.') return '';
  const segments = text.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..') || /[\u0000-\u001f\\]/.test(text)) {
    throw new ValidationError(field, 'relative path without ..', `${field}: "${value}" must be a relative path inside the repository, without ".." or "//"`);
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

/**
 * The lifecycle owner identity: cluster + Secret + project. Hashed into the credential's
 * marker, so it names exactly one consumer; a second cluster gets its own credential.
 */
export function bootstrapOwner(input: { clusterId: string; namespace: string; secretName: string; projectPath: string }): string {
  return `flux-bootstrap:${input.clusterId}/${input.namespace}/${input.secretName}@${input.projectPath}`;
}
