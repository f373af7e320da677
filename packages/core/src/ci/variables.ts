/** Project CI/CD variables: list, create, update. Values are secrets: never logged here. */
import type { GitlabClient } from '../gitlab/client.js';
import { refToParam, type GitlabRef } from '../ids/gitlab-ref.js';
import { checkVariable } from './variable-rules.js';

export interface ProjectVariable {
  key: string;
  /** GitLab returns the value to Maintainers; a secret. */
  value: string | undefined;
  masked: boolean;
  protected: boolean;
  raw: boolean;
  environmentScope: string;
  variableType: 'env_var' | 'file';
  description: string | null;
}

export interface VariableInput {
  key: string;
  value: string;
  masked?: boolean;
  protected?: boolean;
  raw?: boolean;
  environmentScope?: string;
  variableType?: 'env_var' | 'file';
  description?: string;
}

export async function listProjectVariables(client: GitlabClient, project: GitlabRef): Promise<ProjectVariable[]> {
  const rows = (await client.projectVariables.all(refToParam(project), { perPage: 100 } as never)) as unknown as Record<string, unknown>[];
  return rows.map(toVariable);
}

export async function createProjectVariable(client: GitlabClient, project: GitlabRef, input: VariableInput): Promise<ProjectVariable> {
  checkVariable(input);
  const row = await client.projectVariables.create(refToParam(project), input.key, input.value, options(input));
  return toVariable(row as unknown as Record<string, unknown>);
}

/** Updates the variable of `key` in its environment scope (default `*`). */
export async function updateProjectVariable(client: GitlabClient, project: GitlabRef, input: VariableInput): Promise<ProjectVariable> {
  checkVariable(input);
  const scope = input.environmentScope ?? '*';
  const row = await client.projectVariables.edit(refToParam(project), input.key, input.value, {
    ...options(input),
    filter: { environment_scope: scope },
  } as never);
  return toVariable(row as unknown as Record<string, unknown>);
}

function options(input: VariableInput) {
  return {
    masked: input.masked ?? false,
    protected: input.protected ?? false,
    raw: input.raw ?? true,
    environmentScope: input.environmentScope ?? '*',
    variableType: input.variableType ?? 'env_var',
    ...(input.description === undefined ? {} : { description: input.description }),
  };
}

function toVariable(row: Record<string, unknown>): ProjectVariable {
  return {
    key: String(row.key),
    value: typeof row.value === 'string' ? row.value : undefined,
    masked: row.masked === true,
    protected: row.protected === true,
    raw: row.raw === true,
    environmentScope: typeof row.environment_scope === 'string' ? row.environment_scope : '*',
    variableType: row.variable_type === 'file' ? 'file' : 'env_var',
    description: typeof row.description === 'string' ? row.description : null,
  };
}
