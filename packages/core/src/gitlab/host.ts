import { ValidationError } from '../errors.js';
import { shown } from '../shown.js';

/**
 * Normalises a GitLab location to its base URL: `gitlab.example.com` becomes
 * `https://gitlab.example.com`; a relative root (`https://example.com/gitlab/`) is kept
 * without the trailing slash; a pasted `/api/v4` suffix is dropped.
 */
export function normalizeHost(input: string, field = 'host'): string {
  const raw = input.trim();
  if (raw === '') throw new ValidationError(field, 'not empty', `${field}: must not be empty`);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ValidationError(field, 'URL or hostname', `${field}: ${shown(input)} is not a hostname or URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(field, 'http or https', `${field}: scheme ${url.protocol} is not http or https`);
  }
  if (url.username || url.password) {
    throw new ValidationError(field, 'no credentials in URL', `${field}: must not carry a user or password; give the token separately`);
  }
  if (url.search || url.hash) {
    throw new ValidationError(field, 'no query or fragment', `${field}: must not have a query or fragment`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
  return `${url.protocol}//${url.host}${path}`;
}
