import { invalid } from './errors.js';
import type { ImageRef, Job, Pipeline, VariableValue } from './pipeline.js';
import { isVariableReference, secretLiteralReason } from './secrets.js';

// Top-level keys GitLab reads as configuration, so no job may be called that.
const RESERVED = new Set([
  'image',
  'services',
  'stages',
  'before_script',
  'after_script',
  'variables',
  'cache',
  'include',
  'workflow',
  'default',
  'spec',
  'types',
]);

const VARIABLE_KEY = /^[A-Za-z0-9_]{1,255}$/;

function checkVariables(at: string, variables: Record<string, VariableValue> | undefined): void {
  for (const [key, raw] of Object.entries(variables ?? {})) {
    if (!VARIABLE_KEY.test(key)) {
      throw invalid(`${at}.${key}`, 'variable key must match [A-Za-z0-9_]{1,255}');
    }
    const value = typeof raw === 'string' ? raw : raw.value;
    if (isVariableReference(value)) continue;
    const reason = secretLiteralReason(key, value);
    if (reason) {
      throw invalid(`${at}.${key}`, `value ${reason}; store it as a masked CI/CD variable and reference it ($NAME) instead`);
    }
  }
}

function checkImage(at: string, image: ImageRef | undefined): void {
  if (image === undefined) return;
  const name = typeof image === 'string' ? image : image.name;
  if (name.trim() === '') throw invalid(at, 'image name must not be empty');
}

function checkJob(name: string, job: Job, pipeline: Pipeline): void {
  const at = `jobs.${name}`;
  if (RESERVED.has(name)) throw invalid(at, `"${name}" is a reserved top-level keyword, not a job name`);
  if (name.startsWith('.')) throw invalid(at, 'a name starting with "." is a hidden template, not a job');
  if (!pipeline.stages.includes(job.stage)) {
    throw invalid(`${at}.stage`, `stage "${job.stage}" is not listed in stages (${pipeline.stages.join(', ')})`);
  }
  if (job.script.length === 0) throw invalid(`${at}.script`, 'a job needs at least one script line');
  checkImage(`${at}.image`, job.image);
  checkVariables(`${at}.variables`, job.variables);
  const ownIndex = pipeline.stages.indexOf(job.stage);
  for (const [i, need] of (job.needs ?? []).entries()) {
    const target = typeof need === 'string' ? need : need.job;
    const other = pipeline.jobs[target];
    if (!other) throw invalid(`${at}.needs[${i}]`, `needs "${target}", which is not a job of this pipeline`);
    if (target === name) throw invalid(`${at}.needs[${i}]`, 'a job cannot need itself');
    if (pipeline.stages.indexOf(other.stage) > ownIndex) {
      throw invalid(`${at}.needs[${i}]`, `needs "${target}" from a later stage (${other.stage})`);
    }
  }
  if (job.environment && job.environment.name.trim() === '') {
    throw invalid(`${at}.environment.name`, 'environment name must not be empty');
  }
  if (job.resource_group !== undefined && job.resource_group.trim() === '') {
    throw invalid(`${at}.resource_group`, 'resource_group must not be empty');
  }
}

/** Throws a ValidationError naming the model path and the broken rule; returns when renderable. */
export function validatePipeline(pipeline: Pipeline): void {
  if (pipeline.stages.length === 0) throw invalid('stages', 'at least one stage is required');
  const seen = new Set<string>();
  for (const stage of pipeline.stages) {
    if (seen.has(stage)) throw invalid('stages', `stage "${stage}" is listed twice`);
    seen.add(stage);
  }
  if (Object.keys(pipeline.jobs).length === 0) throw invalid('jobs', 'at least one job is required');
  checkImage('default.image', pipeline.default?.image);
  checkVariables('variables', pipeline.variables);
  for (const [name, job] of Object.entries(pipeline.jobs)) checkJob(name, job, pipeline);
}
