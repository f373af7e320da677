/**
 * Preflight for bootstrap: before any write, check the token's scopes and the caller's role
 * where the credential and commit will go, and say exactly what is missing plus the
 * least-privilege token that would do (fluxcd/website#2541: Flux never says).
 */
import { GlkeysError, NotFoundError } from '../errors.js';
import { signalOnly, type GitlabApi, type GitlabCallOptions } from '../gitlab/api.js';
import { encodeId } from '../ids/gitlab-ref.js';
import { findNamespace, findProjectIn, type NamespaceInfo, type ProjectInfo } from './project.js';
import { accessLevelName, getTokenSelf, type TokenSelf } from '../gitlab/token-self.js';
import { shown } from '../shown.js';

export const MAINTAINER = 40;

export interface PreflightInput {
  /** `owner/repository`, for messages. */
  projectPath: string;
  owner: string;
  /** The project's path or display name in `owner`; default: what follows `owner/` in projectPath. */
  repository?: string;
}

export interface PreflightResult {
  ok: boolean;
  token: TokenSelf;
  missingScopes: string[];
  /** The caller's role where it matters, and what is required. */
  role: { where: string; actual: string; required: string; sufficient: boolean };
  /** The project when it exists (bootstrap reuses it instead of a second GET). */
  project: ProjectInfo | undefined;
  namespace: NamespaceInfo | undefined;
  problems: string[];
  /** The token that would be enough, in one sentence. */
  leastPrivilege: string;
}

export class PreflightError extends GlkeysError {
  readonly result: PreflightResult;

  constructor(result: PreflightResult) {
    super('FORBIDDEN', `Preflight failed: ${result.problems.join(' ')} Least privilege: ${result.leastPrivilege}`);
    this.result = result;
  }
}

export async function preflight(api: GitlabApi, input: PreflightInput, options: GitlabCallOptions = {}): Promise<PreflightResult> {
  const token = await getTokenSelf(api, options);
  const problems: string[] = [];
  const missingScopes = token.scopes.includes('api') ? [] : ['api'];
  if (missingScopes.length > 0) {
    problems.push(
      `The token ${shown(token.name)} has scopes [${token.scopes.join(', ')}] but bootstrap needs "api" (create the project, the deploy credential and the commit).`,
    );
  }
  const canRead = token.scopes.includes('api') || token.scopes.includes('read_api');
  let project: ProjectInfo | undefined;
  let namespace: NamespaceInfo | undefined;
  let role: PreflightResult['role'] = {
    where: `project ${input.projectPath}`,
    actual: 'unknown',
    required: 'Maintainer',
    sufficient: false,
  };

  if (canRead) {
    project = await findProjectIn(api, input.owner, input.repository ?? input.projectPath.slice(input.owner.length + 1), options);
    if (project) {
      const level = project.accessLevel ?? 0;
      role = {
        where: `project ${project.pathWithNamespace}`,
        actual: accessLevelName(level),
        required: 'Maintainer',
        sufficient: level >= MAINTAINER,
      };
    } else {
      namespace = await findNamespace(api, input.owner, options);
      if (!namespace) {
        problems.push(`Namespace ${shown(input.owner)} does not exist or is not visible to this user; check the owner.`);
        role = { where: `namespace ${input.owner}`, actual: 'none', required: 'Maintainer', sufficient: false };
      } else if (namespace.kind === 'group') {
        const level = await groupLevel(api, namespace, token.userId, options);
        role = {
          where: `group ${namespace.fullPath}`,
          actual: accessLevelName(level),
          required: 'Maintainer (to create the project)',
          sufficient: level >= MAINTAINER,
        };
      } else {
        const own = await isOwnNamespace(api, namespace, options);
        role = {
          where: `user namespace ${namespace.fullPath}`,
          actual: own ? 'Owner' : 'none',
          required: 'Owner (your own namespace)',
          sufficient: own,
        };
      }
    }
    if (!role.sufficient && problems.length === 0) {
      problems.push(
        `Your role on ${role.where} is ${role.actual}; bootstrap needs ${role.required} to create deploy credentials and commit.`,
      );
    }
  }

  const where = role.where;
  return {
    ok: problems.length === 0 && role.sufficient,
    token,
    missingScopes,
    role,
    project,
    namespace,
    problems,
    leastPrivilege: `a personal (or project/group) access token with scope "api" whose user is Maintainer on ${where}; with token authentication the token is also Flux's Git password, so prefer a project access token with "read_repository" for that.`,
  };
}

/** A member as GitLab sends it (`GET /groups/:id/members/all/:user_id`). */
type MemberRow = { access_level?: number };

/** The caller as GitLab sends it (`GET /user`). */
type UserRow = { username?: string; is_admin?: boolean };

async function groupLevel(api: GitlabApi, group: NamespaceInfo, userId: number, options: GitlabCallOptions): Promise<number> {
  try {
    const { body } = await api.request<MemberRow>('GET', `groups/${encodeId(group.fullPath)}/members/all/${userId}`, signalOnly(options));
    return Number(body.access_level ?? 0);
  } catch (error) {
    if (error instanceof NotFoundError) return 0;
    throw error;
  }
}

async function isOwnNamespace(api: GitlabApi, namespace: NamespaceInfo, options: GitlabCallOptions): Promise<boolean> {
  const { body: user } = await api.request<UserRow>('GET', 'user', signalOnly(options));
  return user.is_admin === true || (user.username ?? '').toLowerCase() === namespace.fullPath.toLowerCase();
}
