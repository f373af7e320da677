import { ValidationError } from '../errors.js';
import { shown } from '../shown.js';

/** Scopes a group deploy token may carry (GitLab's DeployToken::AVAILABLE_SCOPES for groups). */
export const GROUP_DEPLOY_TOKEN_SCOPES = [
  'read_repository',
  'read_registry',
  'write_registry',
  'read_package_registry',
  'write_package_registry',
] as const;

/** Projects also accept the virtual-registry scopes. */
export const PROJECT_DEPLOY_TOKEN_SCOPES = [...GROUP_DEPLOY_TOKEN_SCOPES, 'read_virtual_registry', 'write_virtual_registry'] as const;

export type DeployTokenScope = (typeof PROJECT_DEPLOY_TOKEN_SCOPES)[number];
export type DeployTokenTargetKind = 'project' | 'group';

export function checkScopes(kind: DeployTokenTargetKind, scopes: readonly string[], field = 'scopes'): DeployTokenScope[] {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new ValidationError(field, 'at least one scope', `${field}: give at least one of ${PROJECT_DEPLOY_TOKEN_SCOPES.join(', ')}`);
  }
  const allowed: readonly string[] = kind === 'group' ? GROUP_DEPLOY_TOKEN_SCOPES : PROJECT_DEPLOY_TOKEN_SCOPES;
  const seen = new Set<string>();
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !allowed.includes(scope)) {
      const projectOnly = kind === 'group' && (PROJECT_DEPLOY_TOKEN_SCOPES as readonly unknown[]).includes(scope);
      throw new ValidationError(
        field,
        projectOnly ? 'project-only scope' : 'known scope',
        projectOnly
          ? // GitLab's group endpoint would take it (its docs list only five group scopes); glkeys keeps to the docs.
            `${field}: ${shown(scope)} exists only for project deploy tokens, not group ones: glkeys refuses it for a group (group scopes: ${GROUP_DEPLOY_TOKEN_SCOPES.join(', ')})`
          : `${field}: ${shown(String(scope))} is not a deploy token scope; use ${allowed.join(', ')}`,
      );
    }
    seen.add(scope);
  }
  return [...seen] as DeployTokenScope[];
}
