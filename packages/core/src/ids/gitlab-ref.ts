/**
 * A reference to a GitLab project or group: a numeric ID or a full path with subgroups.
 * GitLab takes either in `:id`, with only `/` escaped as `%2F`. A value matching `^-?\d+$`
 * is an ID to GitLab, so an all-digit path cannot be named by path; we treat it as an ID too.
 */
import { ValidationError } from '../errors.js';
import { checkPathSegments } from './path-rules.js';

export type GitlabRef = { kind: 'id'; id: number } | { kind: 'path'; path: string };

export interface ParseRefOptions {
  /** Name of the input, for error messages (e.g. `--project`, `spec.projectID`). */
  field?: string;
  /**
   * GitLab base URL (e.g. `https://gitlab.example.com` or with a relative root
   * `https://example.com/gitlab`). When given, a pasted web URL on that host is reduced to its path.
   */
  baseUrl?: string;
}

export function parseGitlabRef(input: string | number, options: ParseRefOptions = {}): GitlabRef {
  const field = options.field ?? 'id';
  if (typeof input === 'number') {
    return { kind: 'id', id: checkNumericId(field, input) };
  }
  if (typeof input !== 'string') {
    throw new ValidationError(field, 'string or number', `${field}: expected a numeric ID or a full path`);
  }
  if (input.trim() === '') {
    throw new ValidationError(field, 'not empty', `${field}: must not be empty`);
  }
  if (input !== input.trim() || /\s/.test(input)) {
    throw new ValidationError(field, 'no whitespace', `${field}: "${input}" must not contain whitespace`);
  }
  if (/^-?\d+$/.test(input)) {
    return { kind: 'id', id: checkNumericId(field, Number(input)) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    return { kind: 'path', path: pathFromUrl(field, input, options.baseUrl) };
  }
  if (input.includes('%')) {
    throw new ValidationError(
      field,
      'not pre-encoded',
      `${field}: "${input}" looks URL-encoded; give the plain path (group/project), glkeys escapes it`,
    );
  }
  checkPathSegments(field, input);
  return { kind: 'path', path: input };
}

/** The `:id` form GitLab expects in a URL: the ID, or the path with `/` as `%2F`. */
export function encodeId(ref: string | number | GitlabRef, options?: ParseRefOptions): string {
  const parsed = isRef(ref) ? ref : parseGitlabRef(ref, options);
  return parsed.kind === 'id' ? String(parsed.id) : parsed.path.replaceAll('/', '%2F');
}

/** The value to hand to a gitbeaker resource, which escapes it itself. */
export function refToParam(ref: GitlabRef): string | number {
  return ref.kind === 'id' ? ref.id : ref.path;
}

export function formatRef(ref: GitlabRef): string {
  return ref.kind === 'id' ? `#${ref.id}` : ref.path;
}

function isRef(value: unknown): value is GitlabRef {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

/** A GitLab numeric ID: a positive safe integer (also what a credential ID in a URL path must be). */
export function checkNumericId(field: string, id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new ValidationError(field, 'positive integer ID', `${field}: ID ${id} must be a positive whole number`);
  }
  return id;
}

function pathFromUrl(field: string, input: string, baseUrl: string | undefined): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ValidationError(field, 'valid URL', `${field}: "${input}" is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(field, 'http(s) URL', `${field}: only http(s) URLs can be reduced to a path, got ${url.protocol}`);
  }
  let path = decodeURIComponent(url.pathname);
  if (baseUrl !== undefined) {
    const base = new URL(baseUrl);
    if (base.host.toLowerCase() !== url.host.toLowerCase()) {
      throw new ValidationError(field, 'URL on the configured host', `${field}: URL host ${url.host} is not the GitLab host ${base.host}`);
    }
    const root = base.pathname.replace(/\/+$/, '');
    if (root && !path.startsWith(`${root}/`)) {
      throw new ValidationError(field, 'URL under the GitLab root', `${field}: URL is not under ${root}/`);
    }
    path = path.slice(root.length);
  }
  // Web URLs carry extras after `/-/` (tree, blob, settings) and clone URLs end in `.git`.
  path = path
    .split('/-/')[0]!
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/^\/+/, '');
  if (path === '') {
    throw new ValidationError(field, 'URL with a path', `${field}: URL "${input}" names no group or project`);
  }
  checkPathSegments(field, path);
  return path;
}
