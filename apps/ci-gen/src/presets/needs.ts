/**
 * What a generated pipeline expects to exist in the GitLab project before it can run.
 * `ci setup` creates exactly this list (see setup/plan.ts); nothing here holds a value.
 */

export interface NeededVariable {
  key: string;
  masked: boolean;
  protected: boolean;
  description: string;
  /** Where a person finds the value (shown when `ci setup` is not given one). */
  valueFrom?: string;
}

export type DeployTokenScope = 'read_repository' | 'read_registry' | 'write_registry' | 'read_package_registry' | 'write_package_registry';

export interface NeededDeployToken {
  /** `gitlab-deploy-token` is the one name GitLab exposes to jobs as CI_DEPLOY_USER / CI_DEPLOY_PASSWORD. */
  name: 'gitlab-deploy-token';
  scopes: DeployTokenScope[];
}

export interface Needs {
  variables: NeededVariable[];
  deployTokens: NeededDeployToken[];
}
