/** The caller's own token (`GET /personal_access_tokens/self`): any valid PAT may read it. */
import { signalOnly, type GitlabApi, type GitlabCallOptions } from './api.js';

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

/** GitLab's answer to `GET /personal_access_tokens/self`. */
type TokenSelfRow = {
  id: number;
  name?: string;
  user_id: number;
  scopes?: string[];
  active?: boolean;
  revoked?: boolean;
  expires_at?: string | null;
  created_at?: string | null;
  last_used_at?: string | null;
};

export async function getTokenSelf(api: GitlabApi, options: GitlabCallOptions = {}): Promise<TokenSelf> {
  const { body: row } = await api.request<TokenSelfRow>('GET', 'personal_access_tokens/self', signalOnly(options));
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: Number(row.id),
    name: row.name ?? '',
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
