// Public API of @glkeys/ci-gen; see README.md.
export type * from './model/pipeline.js';
export { renderPipeline, type RenderOptions } from './model/render.js';
export { validatePipeline } from './model/validate.js';
export { secretLiteralReason, isVariableReference } from './model/secrets.js';
export { parseImage, unpinnedReason, type ImageReference } from './model/image.js';
export type { Needs, NeededVariable, NeededDeployToken, DeployTokenScope } from './presets/needs.js';
export type { PresetResult } from './presets/result.js';
export { WORKFLOW, deployRules, checkRunnerTags, type DeployOn } from './presets/common.js';
export { kestraPreset, KESTRACTL_REPOSITORY, type KestraPresetOptions, type KestraNamespace } from './presets/kestra.js';
export { fluxPreset, type FluxPresetOptions } from './presets/flux.js';
export { registryPullPreset, type RegistryPullPresetOptions } from './presets/registry-pull.js';
export {
  generate,
  isPresetName,
  PRESET_NAMES,
  type GenerateInput,
  type GenerateResult,
  type PresetName,
  type PresetOptionsMap,
} from './presets/index.js';
export { addLocalInclude, type TextEdit } from './include/add-local-include.js';
export { writeInclude, type WriteIncludeOptions, type WriteIncludeResult } from './include/write-include.js';
export { includeForm, renderInclude } from './include/include-form.js';
export { mergeStages, mergeStageLists, type StagesEdit } from './include/merge-stages.js';
export { validateCiYaml as lint, type LintError, type LintResult, type ValidateOptions } from '@glkeys/gitlab-ci-schema';
export {
  ensureReadOnlyLabel,
  ensureReadOnlyLabelInDirectory,
  type LabelEdit,
  type DirectoryLabelResult,
} from './kestra/read-only-label.js';
export {
  planSetup,
  type Plan,
  type PlanAction,
  type Refusal,
  type CurrentState,
  type ExistingVariable,
  type ExistingDeployToken,
  type VariableAttribute,
} from './setup/plan.js';
export { maskingProblem, variableKeyProblem } from '@glkeys/core/ci';
export { readSetupState, executeSetupPlan, type SetupResult, type SetupStep } from './setup/execute.js';
export { lintRemote, type RemoteLintResult } from './lint/lint-remote.js';
export { SecretValue } from './setup/secret-value.js';
export { ValidationError } from './model/errors.js';
