import { Document, isMap, isPair, isScalar, isSeq, visit, type Pair, type YAMLMap } from 'yaml';
import type { Defaults, Job, Pipeline } from './pipeline.js';
import { validatePipeline } from './validate.js';

// A fixed key order makes diffs between two generations small and the file easy to scan:
// where a job runs and when first, then what it touches, then what it does.
const JOB_KEYS: (keyof Job)[] = [
  'stage',
  'inherit',
  'image',
  'tags',
  'needs',
  'rules',
  'variables',
  'environment',
  'resource_group',
  'interruptible',
  'allow_failure',
  'timeout',
  'before_script',
  'script',
  'after_script',
  'artifacts',
];
const DEFAULT_KEYS: (keyof Defaults)[] = ['image', 'tags', 'interruptible', 'timeout', 'before_script'];

function pick<T extends object>(source: T, keys: (keyof T)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (source[key] !== undefined) out[key as string] = source[key];
  }
  return out;
}

/** Jobs in stage order, keeping the declaration order within a stage. */
function orderedJobs(pipeline: Pipeline): [string, Job][] {
  const entries = Object.entries(pipeline.jobs);
  return pipeline.stages.flatMap((stage) => entries.filter(([, job]) => job.stage === stage));
}

function commentLines(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : ` ${line}`))
    .join('\n');
}

function setKeyComment(map: YAMLMap, key: string, comment: string): void {
  const pair = map.items.find((p: Pair) => isScalar(p.key) && p.key.value === key);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = commentLines(comment);
}

export interface RenderOptions {
  /** Skip model validation (only for tests of the renderer itself). */
  skipValidation?: boolean;
  /**
   * The file another pipeline includes (see include/include-form.ts): no `stages`, `workflow`,
   * `default` or global `variables`, which would merge into the including pipeline's.
   */
  asInclude?: boolean;
}

/**
 * Renders the model as `.gitlab-ci.yml` text: workflow, include, stages, default, variables,
 * then jobs in stage order, each with a fixed key order and its comment above it.
 */
export function renderPipeline(pipeline: Pipeline, options: RenderOptions = {}): string {
  if (!options.skipValidation) validatePipeline(pipeline);
  const top: Record<string, unknown> = {};
  const whole = !options.asInclude;
  if (whole && pipeline.workflow) top.workflow = pipeline.workflow;
  if (pipeline.include && pipeline.include.length > 0) top.include = pipeline.include;
  if (whole) top.stages = pipeline.stages;
  if (whole && pipeline.default) top.default = pick(pipeline.default, DEFAULT_KEYS);
  if (whole && pipeline.variables && Object.keys(pipeline.variables).length > 0) top.variables = pipeline.variables;
  const jobs = orderedJobs(pipeline);
  for (const [name, job] of jobs) top[name] = pick(job, JOB_KEYS);

  // No anchors: a reader sees every job whole, even when presets share one rules list.
  const doc = new Document(top, { aliasDuplicateObjects: false });
  // `entrypoint: [""]` as GitLab's docs write it.
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === 'entrypoint' && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  if (pipeline.header) doc.commentBefore = commentLines(pipeline.header);
  const root = doc.contents;
  if (isMap(root)) {
    if (whole && pipeline.workflow) {
      setKeyComment(root, 'workflow', 'Merge request pipelines for open MRs, branch pipelines otherwise: never both for one push.');
    }
    for (const [name, job] of jobs) {
      if (job.comment) setKeyComment(root, name, job.comment);
    }
  }
  // Blank lines between top-level sections keep a long file readable.
  if (isMap(root)) {
    for (const [i, pair] of root.items.entries()) {
      if (i > 0 && isScalar(pair.key)) pair.key.spaceBefore = true;
    }
  }
  return doc.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false });
}
