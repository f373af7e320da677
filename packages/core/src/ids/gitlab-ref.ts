/**
 * A reference to a GitLab project or group: a numeric ID or a full path with subgroups.
 * GitLab takes either in `:id`, with only `/` escaped as `%2F`. A value matching `^-?\d+$`
 * is an ID to GitLab, so an all-digit path cannot be named by path; we treat it as an ID too.
 */
import { ValidationError } from '../errors.js';
import { checkPathSegments } from './path-rules.js';
import { shown } from '../shown.js';

export type GitlabRef = { kind: 'id'; id: number } | { kind: 'path'; path: string };

export interface ParseRefOptions {
  /** Name of the input, for error messages (e.g. `--project`, `spec.projectID`). */
  field?: string;
  /**
   * GitLab base URL (e.g. `https://gitlab.example.com` or with a relative root
   * `https://example.com/gitlab`). When given, a pasted web URL on that host is reduced to its path.
   */
  baseUrl?: string;
  /**
   * What the reference must name. A project's path has a namespace (`group/project`), a group
   * URL (`/groups/…`) is refused as a project and a clone URL as a group.
   */
  kind?: 'project' | 'group';
}

/** `user@host:path` as GitLab shows SSH clone URLs (`git@gitlab.example.com:group/app.git`). */
const SCP_URL = /^[A-Za-z0-9._~-]+@(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?!\/\/)(.+)$/;
/** A number that is not a whole one (`1.5`, `1e3`, `0x10`): neither an ID nor a path anyone means. */
const NOT_WHOLE_NUMBER = /^[-+]?(\d+\.\d*|\.\d+|\d+(\.\d+)?[eE][-+]?\d+|0[xX][0-9a-fA-F]+|\+\d+)$/;

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
    throw new ValidationError(field, 'no whitespace', `${field}: ${shown(input)} must not contain whitespace`);
  }
  if (/[\u0000-\u001f\u007f]/.test(input)) {
    throw new ValidationError(field, 'no control characters', `${field}: ${shown(input)} must not contain control characters`);
  }
  if (/^-?\d+$/.test(input)) {
    return { kind: 'id', id: checkNumericId(field, Number(input)) };
  }
  if (NOT_WHOLE_NUMBER.test(input)) {
    throw new ValidationError(
      field,
      'positive integer ID or full path',
      `${field}: ${shown(input)} is neither an ID (a positive whole number) nor a path (${options.kind === 'group' ? 'group/subgroup' : 'group/project'})`,
    );
  }
  const scp = SCP_URL.exec(input);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input) || scp) {
    return { kind: 'path', path: checkKind(field, pathFromUrl(field, input, options.baseUrl, scp), options.kind) };
  }
  if (input.includes('%')) {
    throw new ValidationError(
      field,
      'not pre-encoded',
      `${field}: ${shown(input)} looks URL-encoded; give the plain path (group/project), glkeys escapes it`,
    );
  }
  checkPathSegments(field, input);
  return { kind: 'path', path: checkKind(field, { path: input, form: 'path' }, options.kind) };
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
  // Untyped callers (JavaScript, parsed JSON) may pass '1': refused rather than guessed at.
  if (typeof id !== 'number') {
    throw new ValidationError(field, 'positive integer ID', `${field}: ${shown(String(id))} is a ${typeof id}; give the ID as a number`);
  }
  if (!Number.isSafeInteger(id) || id <= 0) {
    const why = Number.isInteger(id) && id > 0 ? ' no larger than 9007199254740991 (larger ones lose digits)' : '';
    throw new ValidationError(field, 'positive integer ID', `${field}: ID ${id} must be a positive whole number${why}`);
  }
  return id;
}

/** Where a path came from: typed, a web page (`/groups/…` for a group), or a clone URL. */
interface FoundPath {
  path: string;
  form: 'path' | 'group-page' | 'web' | 'clone';
}

function checkKind(field: string, found: FoundPath, kind: ParseRefOptions['kind']): string {
  if (kind === 'project' && found.form === 'group-page') {
    throw new ValidationError(
      field,
      'a project, not a group',
      `${field}: this URL is a group's page (/groups/${found.path}); give a project, or use it as a group`,
    );
  }
  if (kind === 'group' && found.form === 'clone') {
    throw new ValidationError(field, 'a group, not a project', `${field}: a clone URL names a project (${found.path}), not a group`);
  }
  if (kind === 'project' && !found.path.includes('/')) {
    throw new ValidationError(
      field,
      'project path with its namespace',
      `${field}: ${shown(found.path)} is not a project's full path; give namespace/project (e.g. platform/web) or its numeric ID`,
    );
  }
  return found.path;
}

/**
 * The path in any URL GitLab shows for a project or group: its web pages (`/-/settings/…`,
 * `/-/tree/main`), a group's `/groups/<path>` pages, and its clone URLs over HTTPS (`….git`),
 * SSH (`ssh://git@host:2222/group/app.git`) and scp-style SSH (`git@host:group/app.git`).
 */
function pathFromUrl(field: string, input: string, baseUrl: string | undefined, scp: RegExpExecArray | null): FoundPath {
  if (scp) return fromClonePath(field, input, scp[1]!.replace(/^\[|\]$/g, ''), scp[2]!, baseUrl);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ValidationError(field, 'valid URL', `${field}: ${shown(input)} is not a valid URL`);
  }
  if (url.protocol === 'ssh:')
    return fromClonePath(field, input, url.hostname.replace(/^\[|\]$/g, ''), decodeURIComponent(url.pathname), baseUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(
      field,
      'http(s) or ssh URL',
      `${field}: only http(s) and ssh URLs can be reduced to a path, got ${shown(url.protocol)}`,
    );
  }
  let path = decodeURIComponent(url.pathname);
  if (baseUrl !== undefined) {
    const base = new URL(baseUrl);
    if (base.host.toLowerCase() !== url.host.toLowerCase()) {
      throw new ValidationError(
        field,
        'URL on the configured host',
        `${field}: URL host ${shown(url.host)} is not the GitLab host ${base.host}`,
      );
    }
    const root = base.pathname.replace(/\/+$/, '');
    if (root && !path.startsWith(`${root}/`)) {
      throw new ValidationError(field, 'URL under the GitLab root', `${field}: URL is not under ${root}/`);
    }
    path = path.slice(root.length);
  }
  // Web URLs carry extras after `/-/` (tree, blob, settings) and clone URLs end in `.git`.
  const clone = /\.git\/*$/.test(path);
  path = path
    .split('/-/')[0]!
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/^\/+/, '');
  // A group's web_url and its pages are /groups/<path>/…; "groups" is a reserved top-level name.
  const groupPage = /^groups\//.test(path);
  if (groupPage) path = path.slice('groups/'.length);
  if (path === '') {
    throw new ValidationError(field, 'URL with a path', `${field}: URL ${shown(input)} names no group or project`);
  }
  checkPathSegments(field, path);
  return { path, form: groupPage ? 'group-page' : clone ? 'clone' : 'web' };
}

/** An SSH clone URL: its host must be the GitLab host (when known); its path has no relative root. */
function fromClonePath(field: string, input: string, host: string, rawPath: string, baseUrl: string | undefined): FoundPath {
  if (baseUrl !== undefined) {
    const base = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
    if (base.toLowerCase() !== host.toLowerCase()) {
      throw new ValidationError(
        field,
        'URL on the configured host',
        `${field}: clone URL host ${shown(host)} is not the GitLab host ${base}; give the path (group/project) or --hostname`,
      );
    }
  }
  const path = rawPath
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  if (path === '') throw new ValidationError(field, 'URL with a path', `${field}: URL ${shown(input)} names no project`);
  checkPathSegments(field, path);
  return { path, form: 'clone' };
}
