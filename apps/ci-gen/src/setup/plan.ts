import type { DeployTokenScope, NeededVariable, Needs } from '../presets/needs.js';
import { maskingProblem, variableKeyProblem } from '@glkeys/core/ci';
import { SecretValue } from './secret-value.js';

/** A project CI/CD variable as GitLab lists it (GET /projects/:id/variables). */
export interface ExistingVariable {
  key: string;
  masked: boolean;
  protected: boolean;
  environment_scope?: string;
  /** Absent when GitLab hides it (masked and hidden): the plan then keeps it unless told otherwise. */
  value?: string;
}

/** A project deploy token as GitLab lists it (GET /projects/:id/deploy_tokens). */
export interface ExistingDeployToken {
  id: number;
  name: string;
  scopes: string[];
  revoked?: boolean;
  expired?: boolean;
}

export interface CurrentState {
  variables: ExistingVariable[];
  deployTokens: ExistingDeployToken[];
}

export type VariableAttribute = 'value' | 'masked' | 'protected';

export type PlanAction =
  | {
      kind: 'create-variable';
      key: string;
      value: SecretValue;
      masked: boolean;
      protected: boolean;
      environmentScope: '*';
      description: string;
    }
  | {
      kind: 'update-variable';
      key: string;
      value: SecretValue | undefined;
      masked: boolean;
      protected: boolean;
      environmentScope: '*';
      changes: VariableAttribute[];
    }
  | { kind: 'keep-variable'; key: string; reason: string }
  | { kind: 'create-deploy-token'; name: 'gitlab-deploy-token'; scopes: DeployTokenScope[] }
  | { kind: 'keep-deploy-token'; name: 'gitlab-deploy-token'; id: number; reason: string };

/** Something `ci setup` will not do, with the field and the rule, decided before any call. */
export interface Refusal {
  field: string;
  rule: string;
  message: string;
}

export interface Plan {
  /** In execution order: variables first, then deploy tokens. */
  actions: PlanAction[];
  refusals: Refusal[];
  /** True when there is no refusal: execute `actions` as they are. */
  ok: boolean;
  /** True when nothing needs to change (a re-run after a successful setup). */
  upToDate: boolean;
}

function refuse(field: string, rule: string): Refusal {
  return { field, rule, message: `${field}: ${rule}` };
}

function planVariable(need: NeededVariable, existing: ExistingVariable | undefined, provided: string | undefined): PlanAction | Refusal {
  const field = `variables.${need.key}`;
  const keyProblem = variableKeyProblem(need.key);
  if (keyProblem) return refuse(field, keyProblem);
  if (provided !== undefined) {
    if (provided === '') return refuse(field, 'value must not be empty');
    if (need.masked) {
      const problem = maskingProblem(provided);
      if (problem) return refuse(field, problem);
    }
  }
  if (!existing) {
    if (provided === undefined) {
      return refuse(field, `a value is required (${need.description}${need.valueFrom ? `; from ${need.valueFrom}` : ''})`);
    }
    return {
      kind: 'create-variable',
      key: need.key,
      value: new SecretValue(provided),
      masked: need.masked,
      protected: need.protected,
      environmentScope: '*',
      description: need.description,
    };
  }
  const changes: VariableAttribute[] = [];
  if (provided !== undefined && existing.value !== provided) changes.push('value');
  if (existing.masked !== need.masked) changes.push('masked');
  if (existing.protected !== need.protected) changes.push('protected');
  if (changes.length === 0) return { kind: 'keep-variable', key: need.key, reason: 'already set as required' };
  if (changes.includes('masked') && need.masked && provided === undefined) {
    // Masking an existing value needs the value checked against the masking rule first.
    if (existing.value === undefined) return refuse(field, 'must become masked; provide its value so the masking rule can be checked');
    const problem = maskingProblem(existing.value);
    if (problem) return refuse(field, `current value ${problem}`);
  }
  return {
    kind: 'update-variable',
    key: need.key,
    value: provided === undefined ? undefined : new SecretValue(provided),
    masked: need.masked,
    protected: need.protected,
    environmentScope: '*',
    changes,
  };
}

/**
 * Pure: compares what a pipeline needs with what the project has and the values given, and
 * returns the calls to make. Idempotent by construction: a second plan after executing the
 * first has only keep-* actions. Nothing here talks to GitLab.
 */
export function planSetup(needs: Needs, current: CurrentState, provided: Readonly<Record<string, string>> = {}): Plan {
  const actions: PlanAction[] = [];
  const refusals: Refusal[] = [];
  for (const key of Object.keys(provided)) {
    if (!needs.variables.some((v) => v.key === key)) {
      refusals.push(refuse(`values.${key}`, 'is not a variable this pipeline needs'));
    }
  }
  for (const need of needs.variables) {
    // Only the project-wide (`*`) variable counts: an environment-scoped one does not reach every job.
    const existing = current.variables.find((v) => v.key === need.key && (v.environment_scope ?? '*') === '*');
    const result = planVariable(need, existing, provided[need.key]);
    if ('kind' in result) actions.push(result);
    else refusals.push(result);
  }
  for (const token of needs.deployTokens) {
    const field = `deployTokens.${token.name}`;
    const live = current.deployTokens.filter((t) => t.name === token.name && !t.revoked && !t.expired);
    const sufficient = live.find((t) => token.scopes.every((s) => t.scopes.includes(s)));
    if (sufficient) {
      actions.push({
        kind: 'keep-deploy-token',
        name: token.name,
        id: sufficient.id,
        reason: `active with ${sufficient.scopes.join(', ')}`,
      });
    } else if (live.length > 0) {
      // Deploy tokens cannot be edited, and two live tokens of this name make CI_DEPLOY_* ambiguous.
      refusals.push(
        refuse(
          field,
          `token ${live.map((t) => t.id).join(', ')} lacks ${token.scopes.join(', ')}; deploy tokens cannot be changed: revoke it, then run setup again`,
        ),
      );
    } else {
      actions.push({ kind: 'create-deploy-token', name: token.name, scopes: token.scopes });
    }
  }
  return {
    actions,
    refusals,
    ok: refusals.length === 0,
    upToDate: refusals.length === 0 && actions.every((a) => a.kind === 'keep-variable' || a.kind === 'keep-deploy-token'),
  };
}
