import { invalid } from '../model/errors.js';
import { unpinnedReason } from '../model/image.js';
import type { Environment, Rule, Workflow } from '../model/pipeline.js';

/**
 * GitLab's documented pattern against duplicate pipelines: run a merge request pipeline when an
 * MR is open, and a branch pipeline only for branches without one.
 */
export const WORKFLOW: Workflow = {
  rules: [
    { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
    { if: '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS', when: 'never' },
    { if: '$CI_COMMIT_BRANCH' },
  ],
};

/** Where deploy jobs may run: only the default branch, or any protected branch or tag. */
export type DeployOn = 'default-branch' | 'protected';

export function deployRules(deployOn: DeployOn): Rule[] {
  // Protected refs are the only ones whose pipelines see protected variables; an MR pipeline
  // never deploys, even from a protected source branch.
  return deployOn === 'protected'
    ? [{ if: '$CI_COMMIT_REF_PROTECTED == "true" && $CI_PIPELINE_SOURCE != "merge_request_event"' }]
    : [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE != "merge_request_event"' }];
}

export function checkDeployOn(field: string, value: string): DeployOn {
  if (value !== 'default-branch' && value !== 'protected') {
    throw invalid(field, 'must be "default-branch" or "protected"');
  }
  return value;
}

export function checkPinned(field: string, image: string, force: boolean | undefined): void {
  const reason = unpinnedReason(image);
  if (reason && !force) throw invalid(field, `${reason} (pass force: true to accept a moving image)`);
}

/** Runner tags pick the runner: an empty one matches no runner and leaves the job pending forever. */
export function checkRunnerTags(tags: unknown): void {
  if (tags === undefined) return;
  if (!Array.isArray(tags)) throw invalid('runnerTags', 'must be a list of tags');
  tags.forEach((tag: unknown, i) => {
    if (typeof tag !== 'string' || tag.trim() === '') throw invalid(`runnerTags[${i}]`, 'a runner tag must not be empty');
    if (tag !== tag.trim()) throw invalid(`runnerTags[${i}]`, 'a runner tag must not start or end with spaces');
  });
}

export function checkNonEmpty(field: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw invalid(field, 'must not be empty');
  return value;
}

const ENV_NAME = /^[a-zA-Z0-9 _/${}.-]+$/;

export function checkEnvironment(field: string, env: Environment): Environment {
  if (!ENV_NAME.test(env.name) || env.name.trim() === '') {
    throw invalid(`${field}.name`, 'environment name may hold letters, digits, spaces and - _ / $ { } .');
  }
  if (env.url !== undefined && !/^https?:\/\/\S+$/.test(env.url) && !/^\$\{?[A-Za-z_]/.test(env.url)) {
    throw invalid(`${field}.url`, 'must be an http(s) URL or a $VARIABLE');
  }
  return env;
}

/** `resource_group` names are per target: two deploys to the same target never overlap. */
export function resourceGroup(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9_.-]+/g, '-')).join('-');
}

/** Quote a value for a POSIX shell line only when it needs it. Variable references stay expandable. */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(value)) return value;
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value)) return `"${value}"`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
