// ActiveModel-style messages. GitLab services that return
// `errors.full_messages.to_sentence` produce "A and B" / "A, B, and C".
export function toSentence(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  if (parts.length === 2) return `${parts[0]} and ${parts[1]}`;
  return `${parts.slice(0, -1).join(', ')}, and ${parts[parts.length - 1]}`;
}

/** Grape's DateTime coercion: any ISO 8601 date or date-time. */
export function parseIsoDate(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v.trim())) return null;
  const d = new Date(v.trim().replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}
