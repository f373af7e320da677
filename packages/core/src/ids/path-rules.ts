/**
 * GitLab's rules for a namespace or project path segment (app/models/concerns/*path*,
 * lib/gitlab/path_regex.rb): starts with a letter, digit, `_` or `.`, continues with those
 * and `-`, must not end in `.git` or `.atom`; a namespace segment may not end in `.`.
 * Checked locally so a bad reference fails with the broken rule instead of a bare 404.
 */
import { ValidationError } from '../errors.js';
import { shown } from '../shown.js';

const SEGMENT = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*$/;
const MAX_SEGMENT_LENGTH = 255;

export function checkPathSegments(field: string, path: string): string[] {
  if (path.startsWith('/') || path.endsWith('/')) {
    throw new ValidationError(field, 'no leading or trailing "/"', `${field}: ${shown(path)} must not start or end with "/"`);
  }
  const segments = path.split('/');
  segments.forEach((segment, index) => {
    const isLast = index === segments.length - 1;
    if (segment === '') {
      throw new ValidationError(field, 'no empty segment', `${field}: ${shown(path)} has an empty segment ("//")`);
    }
    if (segment === '.' || segment === '..') {
      throw new ValidationError(field, 'no "." or ".." segment', `${field}: ${shown(path)} has a ${shown(segment)} segment`);
    }
    if (segment.length > MAX_SEGMENT_LENGTH) {
      throw new ValidationError(
        field,
        'segment of at most 255 characters',
        `${field}: segment "${segment.slice(0, 20)}…" is longer than 255 characters`,
      );
    }
    if (!SEGMENT.test(segment)) {
      throw new ValidationError(
        field,
        'path characters',
        `${field}: segment ${shown(segment)} may only contain letters, digits, "_", "." and "-", and must not start with "-"`,
      );
    }
    if (/\.(git|atom)$/i.test(segment)) {
      throw new ValidationError(
        field,
        'no ".git" or ".atom" ending',
        `${field}: segment ${shown(segment)} must not end in ".git" or ".atom"`,
      );
    }
    if (!isLast && segment.endsWith('.')) {
      throw new ValidationError(field, 'namespace not ending in "."', `${field}: namespace ${shown(segment)} must not end in "."`);
    }
  });
  return segments;
}
