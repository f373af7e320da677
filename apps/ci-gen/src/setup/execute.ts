/**
 * Carries out a `ci setup` plan through @glkeys/core: reads what the project has, then creates
 * or updates variables and creates the `gitlab-deploy-token`. A plan with refusals is not
 * started, so nothing is half-created.
 *
 * The `gitlab-deploy-token` cannot carry glkeys' owner marker: GitLab exposes a deploy token to
 * jobs only under that exact name. Its name is what makes it findable; its value is never read
 * back or printed (jobs receive it as CI_DEPLOY_PASSWORD).
 */
import { ValidationError, createDeployToken, listDeployTokens, type GitlabClient, type GitlabRef } from '@glkeys/core';
import { createProjectVariable, listProjectVariables, updateProjectVariable } from '@glkeys/core/ci';
import type { CurrentState, Plan } from './plan.js';

export type SetupStep =
  | { kind: 'created-variable' | 'updated-variable' | 'kept-variable'; key: string }
  | { kind: 'created-deploy-token' | 'kept-deploy-token'; name: string; id: number };

export interface SetupResult {
  steps: SetupStep[];
  /** GitLab writes made (0 on a re-run of a completed setup). */
  writes: number;
}

export async function readSetupState(client: GitlabClient, project: GitlabRef): Promise<CurrentState> {
  const [variables, deployTokens] = await Promise.all([
    listProjectVariables(client, project),
    listDeployTokens(client, { kind: 'project', ref: project }),
  ]);
  return {
    variables: variables.map((v) => ({
      key: v.key,
      masked: v.masked,
      protected: v.protected,
      environment_scope: v.environmentScope,
      ...(v.value === undefined ? {} : { value: v.value }),
    })),
    deployTokens: deployTokens.map((t) => ({ id: t.id, name: t.name, scopes: t.scopes, revoked: t.revoked, expired: t.expired })),
  };
}

export async function executeSetupPlan(client: GitlabClient, project: GitlabRef, plan: Plan, current: CurrentState): Promise<SetupResult> {
  if (!plan.ok) {
    const first = plan.refusals[0]!;
    throw new ValidationError(first.field, first.rule, plan.refusals.map((r) => r.message).join('\n'));
  }
  const steps: SetupStep[] = [];
  let writes = 0;
  for (const action of plan.actions) {
    switch (action.kind) {
      case 'create-variable':
        await createProjectVariable(client, project, {
          key: action.key,
          value: action.value.reveal(),
          masked: action.masked,
          protected: action.protected,
          environmentScope: action.environmentScope,
          description: action.description,
        });
        writes += 1;
        steps.push({ kind: 'created-variable', key: action.key });
        break;
      case 'update-variable': {
        // GitLab's PUT needs the value even when only masked/protected change.
        const value = action.value?.reveal() ?? current.variables.find((v) => v.key === action.key)?.value;
        if (value === undefined) {
          throw new ValidationError(
            `variables.${action.key}`,
            'value known',
            `variables.${action.key}: GitLab hides its value; give it again to change masked/protected`,
          );
        }
        await updateProjectVariable(client, project, {
          key: action.key,
          value,
          masked: action.masked,
          protected: action.protected,
          environmentScope: action.environmentScope,
        });
        writes += 1;
        steps.push({ kind: 'updated-variable', key: action.key });
        break;
      }
      case 'keep-variable':
        steps.push({ kind: 'kept-variable', key: action.key });
        break;
      case 'create-deploy-token': {
        const created = await createDeployToken(client, { kind: 'project', ref: project }, { name: action.name, scopes: action.scopes });
        writes += 1;
        steps.push({ kind: 'created-deploy-token', name: action.name, id: created.id });
        break;
      }
      case 'keep-deploy-token':
        steps.push({ kind: 'kept-deploy-token', name: action.name, id: action.id });
        break;
    }
  }
  return { steps, writes };
}
