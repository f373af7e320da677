/**
 * Turns a GitLab error response into a typed error. GitLab answers in three body shapes:
 * `{"message": "..."}`, `{"message": {field: [reasons]}}` and `{"error": "...", "error_description"}`.
 * Messages name method + path and GitLab's reason, never a header or a token.
 */
import {
  ForbiddenError,
  GitlabApiError,
  GitlabServerError,
  GitlabValidationError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  type RequestInfo,
} from '../errors.js';
import { shown } from '../shown.js';

export function gitlabMessageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() === '' ? undefined : body.trim().slice(0, 500);
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const message = record.message ?? record.error_description ?? record.error;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'object' && message !== null) {
    return Object.entries(message as Record<string, unknown>)
      .map(([field, reasons]) => `${field} ${Array.isArray(reasons) ? reasons.join(', ') : String(reasons)}`)
      .join('; ');
  }
  return undefined;
}

export function errorFromResponse(request: RequestInfo, status: number, body: unknown, retryAfterMs?: number): GitlabApiError {
  const gitlabMessage = gitlabMessageOf(body);
  const where = `${request.method} ${request.path}`;
  const said = gitlabMessage ? `: ${gitlabMessage}` : '';
  const init = { request, status, ...(gitlabMessage === undefined ? {} : { gitlabMessage }) };

  if (status === 401) {
    return new UnauthorizedError(
      'UNAUTHORIZED',
      `GitLab refused the token (401) on ${where}${said}. Check the token: it may be wrong, expired or revoked.`,
      init,
    );
  }
  if (status === 403) {
    const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (record.error === 'insufficient_scope') {
      const scope = typeof record.scope === 'string' ? record.scope : undefined;
      return new ForbiddenError(
        `The token lacks the ${scope ? `${shown(scope)} ` : ''}scope needed for ${where}. Create a token with the ${scope ?? 'api'} scope.`,
        { ...init, ...(scope === undefined ? {} : { missingScope: scope }) },
      );
    }
    return new ForbiddenError(`GitLab forbids ${where} for this user (403)${said}. A higher role on the project or group is needed.`, init);
  }
  if (status === 404) {
    return new NotFoundError('NOT_FOUND', `Not found (404) on ${where}${said}: it does not exist or this token cannot see it.`, init);
  }
  if (status === 429) {
    return new RateLimitedError(`GitLab rate limit (429) on ${where}; retries exhausted.`, {
      ...init,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status >= 500) {
    return new GitlabServerError('GITLAB_SERVER', `GitLab failed (${status}) on ${where}${said}; retries exhausted.`, init);
  }
  return new GitlabValidationError('GITLAB_VALIDATION', `GitLab refused ${where} (${status})${said}`, init);
}
