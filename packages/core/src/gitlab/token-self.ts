/** The caller's own token (`GET /personal_access_tokens/self`): any valid PAT may read it. */
import type { GitlabClient } from './client.js';

export interface TokenSelf {
  id: number;
  name: string;
  userId: number;
  scopes: string[];
  active: boolean;
  revoked: boolean;
  expiresAt: string | null;
  createdAt: string | null;
  lastUsedAt: string | null;
}

export async function getTokenSelf(client: GitlabClient): Promise<TokenSelf> {
  const { body } = await client.request('GET', 'personal_access_tokens/self');
  const row = body as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: Number(row.id),
    name: String(row.name ?? ''),
    userId: Number(row.user_id),
    scopes: Array.isArray(row.scopes) ? row.scopes.map(String) : [],
    active: row.active !== false,
    revoked: row.revoked === true,
    expiresAt: text(row.expires_at),
    createdAt: text(row.created_at),
    lastUsedAt: text(row.last_used_at),
  };
}

export const ACCESS_LEVEL_NAMES: Record<number, string> = {
  0: 'No access',
  5: 'Minimal access',
  10: 'Guest',
  15: 'Planner',
  20: 'Reporter',
  30: 'Developer',
  40: 'Maintainer',
  50: 'Owner',
};

export function accessLevelName(level: number | undefined): string {
  if (level === undefined) return 'unknown';
  return ACCESS_LEVEL_NAMES[level] ?? `level ${level}`;
}
