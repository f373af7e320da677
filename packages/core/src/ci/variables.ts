/** Project CI/CD variables: list, create, update. Values are secrets: never logged here. */
import { signalOnly, type GitlabApi, type GitlabCallOptions } from '../gitlab/api.js';
import { encodeId, type GitlabRef } from '../ids/gitlab-ref.js';
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

/** A variable as GitLab sends it (`…/variables`); `value` only to Maintainers. */
type VariableRow = {
  key: string;
  value?: string;
  masked?: boolean;
  protected?: boolean;
  raw?: boolean;
  environment_scope?: string;
  variable_type?: 'env_var' | 'file';
  description?: string | null;
};

/** What create and update send: every setting, with GitLab's defaults made explicit. */
type VariableBody = Omit<VariableRow, 'key'> & { value: string };

export async function listProjectVariables(
  api: GitlabApi,
  project: GitlabRef,
  options: GitlabCallOptions = {},
): Promise<ProjectVariable[]> {
  const rows = await api.paginate<VariableRow>(variablesPath(project), {}, signalOnly(options));
  return rows.map(toVariable);
}

export async function createProjectVariable(
  api: GitlabApi,
  project: GitlabRef,
  input: VariableInput,
  options: GitlabCallOptions = {},
): Promise<ProjectVariable> {
  checkVariable(input);
  const body = { key: input.key, ...settings(input) };
  const { body: row } = await api.request<VariableRow>('POST', variablesPath(project), { body, ...signalOnly(options) });
  return toVariable(row);
}

/** Updates the variable of `key` in its environment scope (default `*`). */
export async function updateProjectVariable(
  api: GitlabApi,
  project: GitlabRef,
  input: VariableInput,
  options: GitlabCallOptions = {},
): Promise<ProjectVariable> {
  checkVariable(input);
  const scope = input.environmentScope ?? '*';
  // Keys repeat across scopes; GitLab picks the one to update by filter[environment_scope].
  const body = { ...settings(input), filter: { environment_scope: scope } };
  const path = `${variablesPath(project)}/${encodeURIComponent(input.key)}`;
  const { body: row } = await api.request<VariableRow>('PUT', path, { body, ...signalOnly(options) });
  return toVariable(row);
}

function variablesPath(project: GitlabRef): string {
  return `projects/${encodeId(project)}/variables`;
}

function settings(input: VariableInput): VariableBody {
  return {
    value: input.value,
    masked: input.masked ?? false,
    protected: input.protected ?? false,
    raw: input.raw ?? true,
    environment_scope: input.environmentScope ?? '*',
    variable_type: input.variableType ?? 'env_var',
    ...(input.description === undefined ? {} : { description: input.description }),
  };
}

function toVariable(row: VariableRow): ProjectVariable {
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
