/**
 * What a token is enough for, from its scopes alone (`glkeys auth status`). Roles are per
 * project and checked when a command runs; scopes are global, so they can be judged here.
 */
import type { TokenSelf } from './token-self.js';

export interface CommandAccess {
  command: string;
  allowed: boolean;
  /** The scope that would allow it, when it is not allowed. */
  needs?: string;
  /** Role the user also needs on the project or group. */
  role: string;
}

export interface TokenAccess {
  scopes: string[];
  active: boolean;
  expiresAt: string | null;
  /** Days until expiry (negative when expired); null when it never expires. */
  expiresInDays: number | null;
  commands: CommandAccess[];
}

const READ = ['api', 'read_api'];
const WRITE = ['api'];

const COMMANDS: { command: string; scopes: string[]; role: string }[] = [
  { command: 'auth status', scopes: [], role: 'any' },
  { command: 'token list', scopes: READ, role: 'Maintainer' },
  { command: 'token get', scopes: READ, role: 'Maintainer' },
  { command: 'token create', scopes: WRITE, role: 'Maintainer' },
  { command: 'token revoke', scopes: WRITE, role: 'Maintainer' },
  { command: 'token rotate', scopes: WRITE, role: 'Maintainer' },
  { command: 'key list', scopes: READ, role: 'Maintainer' },
  { command: 'key get', scopes: READ, role: 'Maintainer' },
  { command: 'key create', scopes: WRITE, role: 'Maintainer' },
  { command: 'key delete', scopes: WRITE, role: 'Maintainer' },
  { command: 'key rotate', scopes: WRITE, role: 'Maintainer' },
  { command: 'key enable', scopes: WRITE, role: 'Maintainer' },
  { command: 'bootstrap gitlab', scopes: WRITE, role: 'Maintainer (or owner of the personal namespace)' },
  { command: 'bootstrap git', scopes: [], role: 'none (no GitLab API call)' },
];

export function describeTokenAccess(self: TokenSelf, now: Date = new Date()): TokenAccess {
  const usable = self.active && !self.revoked;
  const expiresInDays = self.expiresAt === null ? null : Math.floor((Date.parse(self.expiresAt) - now.getTime()) / 86_400_000);
  return {
    scopes: [...self.scopes],
    active: usable,
    expiresAt: self.expiresAt,
    expiresInDays,
    commands: COMMANDS.map(({ command, scopes, role }) => {
      const allowed = usable && (scopes.length === 0 || scopes.some((s) => self.scopes.includes(s)));
      return {
        command,
        allowed,
        role,
        ...(allowed || scopes.length === 0 ? {} : { needs: scopes[scopes.length - 1] === 'read_api' ? 'read_api' : 'api' }),
      };
    }),
  };
}
