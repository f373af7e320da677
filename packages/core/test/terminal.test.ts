/** isTerminal and retryAfterMs over every error class core throws. */
import { describe, expect, it } from 'vitest';
import {
  ForbiddenError,
  GitlabServerError,
  GitlabValidationError,
  GlkeysError,
  LifecycleError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
  isTerminal,
  retryAfterMs,
} from '../src/errors.js';
import { GitCommandError, type GitFailureReason } from '../src/git/exec.js';
import { ConflictError, KubernetesApiError } from '../src/kubernetes/errors.js';

const request = { method: 'GET', path: 'projects/1' };
const kubeRequest = { verb: 'get', resource: 'Secret', namespace: 'ns', name: 'creds' };
const kube = (status: number | undefined, reason: string, retryAfter?: number) =>
  new KubernetesApiError('Kubernetes API', { request: kubeRequest, status, reason, retryAfterMs: retryAfter });

const terminal: Array<[string, unknown]> = [
  ['ValidationError', new ValidationError('project', 'a path or an ID')],
  ['LifecycleError', new LifecycleError('state from another writer')],
  ['UnauthorizedError 401', new UnauthorizedError('UNAUTHORIZED', '401', { request, status: 401 })],
  ['ForbiddenError 403', new ForbiddenError('403', { request, status: 403, missingScope: 'api' })],
  ['NotFoundError 404', new NotFoundError('NOT_FOUND', '404', { request, status: 404 })],
  ...[400, 409, 422].map((status): [string, unknown] => [
    `GitlabValidationError ${status}`,
    new GitlabValidationError('GITLAB_VALIDATION', String(status), { request, status }),
  ]),
  ['an ambiguous project name (CONFLICT without a status)', new GlkeysError('CONFLICT', 'several projects are named web')],
  ...[400, 401, 403, 404, 422].map((status): [string, unknown] => [`Kubernetes ${status}`, kube(status, 'Refused')]),
  ...(['auth', 'host-key', 'tls', 'not-found', 'rejected'] as GitFailureReason[]).map((reason): [string, unknown] => [
    `git ${reason}`,
    new GitCommandError('push', reason, reason),
  ]),
  // Judged by code and fields, so an error of another copy of core (another version, a bundle) counts too.
  ['a VALIDATION error from another copy of core', Object.assign(new Error('bad'), { code: 'VALIDATION' })],
];

const transient: Array<[string, unknown]> = [
  ['RateLimitedError', new RateLimitedError('429', { request, status: 429, retryAfterMs: 2_000 })],
  ['GitlabServerError 503', new GitlabServerError('GITLAB_SERVER', '503', { request, status: 503 })],
  ['NetworkError', new NetworkError('NETWORK', 'reset', { request })],
  ['TimeoutError', new TimeoutError('slow', { request, outcomeUnknown: true })],
  ['Kubernetes ConflictError (Conflict)', new ConflictError('409', { request: kubeRequest, status: 409, reason: 'Conflict' })],
  ['Kubernetes ConflictError (AlreadyExists)', new ConflictError('409', { request: kubeRequest, status: 409, reason: 'AlreadyExists' })],
  ...[429, 500, 503, 504].map((status): [string, unknown] => [`Kubernetes ${status}`, kube(status, 'Busy')]),
  ...['Timeout', 'Unreachable', 'Unknown'].map((reason): [string, unknown] => [`Kubernetes ${reason}`, kube(undefined, reason)]),
  ...(['unreachable', 'timeout', 'failed'] as GitFailureReason[]).map((reason): [string, unknown] => [
    `git ${reason}`,
    new GitCommandError('push', reason, reason),
  ]),
  ['a plain Error', new Error('bug')],
  ['a TypeError', new TypeError('x is undefined')],
  ['a raw client exception with a numeric code', Object.assign(new Error('HTTP-Code: 404'), { code: 404 })],
  ['a system error', Object.assign(new Error('ENOENT'), { code: 'ENOENT' })],
  ['a string', 'failed'],
  ['undefined', undefined],
];

describe('isTerminal', () => {
  it.each(terminal)('should call %s terminal', (_, error) => {
    expect(isTerminal(error)).toBe(true);
  });

  it.each(transient)('should not call %s terminal', (_, error) => {
    expect(isTerminal(error)).toBe(false);
  });
});

describe('retryAfterMs', () => {
  it('should return the wait GitLab or the apiserver asked for', () => {
    expect(retryAfterMs(new RateLimitedError('429', { request, status: 429, retryAfterMs: 2_000 }))).toBe(2_000);
    expect(retryAfterMs(kube(429, 'TooManyRequests', 1_000))).toBe(1_000);
    expect(retryAfterMs(new ConflictError('409', { request: kubeRequest, status: 409, reason: 'Conflict', retryAfterMs: 0 }))).toBe(0);
  });

  it.each([
    ...terminal,
    ...transient.slice(1, 4),
    ['a 429 that named no wait', kube(429, 'TooManyRequests')],
    ['a foreign error with the property', Object.assign(new Error('x'), { retryAfterMs: 5 })],
  ])('should be undefined for %s', (_, error) => {
    expect(retryAfterMs(error)).toBeUndefined();
  });
});
