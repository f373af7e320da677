import { invalid } from '../model/errors.js';
import type { Pipeline } from '../model/pipeline.js';
import { renderPipeline } from '../model/render.js';
import { checkRunnerTags } from './common.js';
import { fluxPreset, type FluxPresetOptions } from './flux.js';
import { kestraPreset, type KestraPresetOptions } from './kestra.js';
import type { Needs } from './needs.js';
import { registryPullPreset, type RegistryPullPresetOptions } from './registry-pull.js';
import type { PresetResult } from './result.js';

export interface PresetOptionsMap {
  kestra: KestraPresetOptions;
  flux: FluxPresetOptions;
  'registry-pull': RegistryPullPresetOptions;
}

export type PresetName = keyof PresetOptionsMap;

export const PRESET_NAMES: readonly PresetName[] = ['kestra', 'flux', 'registry-pull'];

const BUILDERS: { [K in PresetName]: (options: PresetOptionsMap[K]) => PresetResult } = {
  kestra: kestraPreset,
  flux: fluxPreset,
  'registry-pull': registryPullPreset,
};

export type GenerateInput = { [K in PresetName]: { preset: K; options: PresetOptionsMap[K] } }[PresetName];

export interface GenerateResult {
  preset: PresetName;
  /** The rendered `.gitlab-ci.yml` text. */
  yaml: string;
  pipeline: Pipeline;
  /** Variables and deploy tokens `ci setup` must provide. */
  needs: Needs;
  /** Where the include form writes this preset by default: `.gitlab/ci/<preset>.yml`. */
  includePath: string;
}

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** Builds a preset, validates the model and renders it. Throws ValidationError on bad options. */
export function generate(input: GenerateInput): GenerateResult {
  if (!isPresetName(input.preset)) {
    throw invalid('preset', `must be one of ${PRESET_NAMES.join(', ')}`);
  }
  if (typeof input.options !== 'object' || input.options === null) throw invalid('options', 'must be an object');
  checkRunnerTags((input.options as { runnerTags?: unknown }).runnerTags);
  const build = BUILDERS[input.preset] as (options: unknown) => PresetResult;
  const { pipeline, needs } = build(input.options);
  return {
    preset: input.preset,
    yaml: renderPipeline(pipeline),
    pipeline,
    needs,
    includePath: `.gitlab/ci/${input.preset}.yml`,
  };
}
