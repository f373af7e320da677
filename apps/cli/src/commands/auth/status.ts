import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { table } from '../../lib/table.js';
import type { CommandAccess } from '@glkeys/core';

export interface AuthStatusResult {
  host: string;
  user: { id: number; username: string | null; admin: boolean | null };
  token: { id: number; name: string; scopes: string[]; active: boolean; expiresAt: string | null; expiresInDays: number | null };
  commands: CommandAccess[];
}

export default class AuthStatus extends GlkeysCommand<AuthStatusResult> {
  static override summary = 'Who the token belongs to, its scopes and expiry, and which glkeys commands it is enough for.';
  static override description =
    'Reads GET /personal_access_tokens/self (any valid token may) and, when the scopes allow, GET /user. Roles are per project and checked when a command runs.';
  static override examples = ['<%= config.bin %> auth status', 'GITLAB_HOST=gitlab.example.com <%= config.bin %> auth status --json'];
  static override flags = { ...hostFlags };

  async run(): Promise<AuthStatusResult> {
    const { flags } = await this.parse(AuthStatus);
    const { client } = await gitlabClient(flags);
    const core = await import('@glkeys/core');
    const self = await core.getTokenSelf(client);
    const access = core.describeTokenAccess(self);
    let user: AuthStatusResult['user'] = { id: self.userId, username: null, admin: null };
    if (self.scopes.some((s) => ['api', 'read_api', 'read_user'].includes(s))) {
      const { body } = await client.request('GET', 'user');
      const row = body as { username?: string; is_admin?: boolean };
      user = { id: self.userId, username: row.username ?? null, admin: row.is_admin ?? null };
    }
    const expiry = access.expiresAt === null ? 'never expires' : `expires ${access.expiresAt} (${access.expiresInDays} days)`;
    this.say(`${client.host}: logged in as ${user.username ?? `user ${user.id}`}${user.admin ? ' (admin)' : ''}`);
    this.say(
      `Token "${self.name}" (id ${self.id}): scopes ${self.scopes.join(', ') || 'none'}; ${access.active ? 'active' : 'NOT active'}; ${expiry}`,
    );
    this.say('');
    this.say(
      table(
        ['COMMAND', 'ALLOWED', 'ROLE NEEDED', 'MISSING SCOPE'],
        access.commands.map((c) => [c.command, c.allowed ? 'yes' : 'no', c.role, c.needs]),
      ),
    );
    return {
      host: client.host,
      user,
      token: {
        id: self.id,
        name: self.name,
        scopes: self.scopes,
        active: access.active,
        expiresAt: access.expiresAt,
        expiresInDays: access.expiresInDays,
      },
      commands: access.commands,
    };
  }
}
