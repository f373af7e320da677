/**
 * `@glkeys/core/ci`: a project's CI/CD variables and GitLab's CI Lint API, for pipelines that
 * deploy (ci-gen's `ci setup` and `ci lint`). Every public name of this entry is listed here.
 */
export {
  listProjectVariables,
  createProjectVariable,
  updateProjectVariable,
  type ProjectVariable,
  type VariableInput,
} from './variables.js';
export { variableKeyProblem, maskingProblem } from './variable-rules.js';
export { lintCiConfig, type CiLintResult } from './lint.js';
