// The checks GitLab's CI config parser (Gitlab::Ci::Config) makes, with GitLab's error
// wordings. Stages, needs, extends and !reference are checked by @glkeys/gitlab-ci-schema's
// checkConfig (the same checks as ci-gen's offline lint); the route adds the JSON schema on top.
import { checkConfig, withReferences } from '@glkeys/gitlab-ci-schema';
import { parseDocument, stringify } from 'yaml';
import { scalarText } from '../http/params.js';

export interface LintJob {
  name: string;
  stage: string;
  before_script: string[];
  script: string[];
  after_script: string[];
  tag_list: string[];
  only: { refs: string[] } | null;
  except: unknown;
  environment: unknown;
  when: string;
  allow_failure: boolean;
  needs: Array<{ name: string }> | null;
}

export interface LintResult {
  valid: boolean;
  errors: string[];
  warnings: string[];
  merged_yaml: string | null;
  includes: unknown[];
  jobs: LintJob[];
}

const GLOBAL_KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'spec',
  'types',
]);
const JOB_KEYWORDS = new Set([
  'after_script',
  'allow_failure',
  'artifacts',
  'before_script',
  'cache',
  'coverage',
  'dast_configuration',
  'dependencies',
  'environment',
  'except',
  'extends',
  'hooks',
  'id_tokens',
  'identity',
  'image',
  'inherit',
  'interruptible',
  'manual_confirmation',
  'needs',
  'only',
  'pages',
  'parallel',
  'publish',
  'release',
  'resource_group',
  'retry',
  'rules',
  'run',
  'script',
  'secrets',
  'services',
  'stage',
  'start_in',
  'tags',
  'timeout',
  'trigger',
  'variables',
  'when',
]);
const WHEN = ['on_success', 'on_failure', 'always', 'manual', 'delayed', 'never'];

type Hash = Record<string, unknown>;
const isHash = (v: unknown): v is Hash => typeof v === 'object' && v !== null && !Array.isArray(v);

/** GitLab accepts a string or nested arrays of strings for script keywords. */
function flattenScript(v: unknown, depth = 0): string[] | null {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || depth > 10) return null;
  const out: string[] = [];
  for (const item of v) {
    const inner = flattenScript(item, depth + 1);
    if (!inner) return null;
    out.push(...inner);
  }
  return out;
}

/** `extends`: deep-merge the parents (hashes merge, everything else is replaced). */
function deepMerge(base: Hash, over: Hash): Hash {
  const out: Hash = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isHash(v) && isHash(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

/** The job as `extends` makes it, for the job list; checkConfig reports what is wrong with its bases. */
function resolveExtends(name: string, all: Hash, seen: string[] = []): Hash {
  const job = all[name] as Hash;
  if (job['extends'] === undefined || seen.includes(name)) return job;
  const parents = Array.isArray(job['extends']) ? job['extends'] : [job['extends']];
  let merged: Hash = {};
  for (const parent of parents) {
    const p = String(parent);
    if (isHash(all[p])) merged = deepMerge(merged, resolveExtends(p, all, [...seen, name]));
  }
  const { extends: _ignored, ...own } = job;
  return deepMerge(merged, own);
}

export function lintCiConfig(content: string): LintResult {
  const result: LintResult = { valid: false, errors: [], warnings: [], merged_yaml: null, includes: [], jobs: [] };
  if (content.trim() === '') {
    result.errors.push('Please provide content of .gitlab-ci.yml');
    return result;
  }
  const doc = parseDocument(content);
  if (doc.errors.length > 0) {
    result.errors.push(`(<unknown>): ${doc.errors[0]?.message.split('\n')[0] ?? 'invalid YAML'}`);
    return result;
  }
  const root: unknown = doc.toJS();
  if (!isHash(root)) {
    result.errors.push('Invalid configuration format');
    return result;
  }
  // Ruby's Psych writes the merged config: a `---` header and sequences not indented under their key.
  result.merged_yaml = `---\n${stringify(root, { indentSeq: false })}`;
  const errors = result.errors;

  const stagesRaw = root['stages'] ?? root['types'];
  if (stagesRaw !== undefined && (!Array.isArray(stagesRaw) || !stagesRaw.every((s) => typeof s === 'string'))) {
    errors.push('stages config should be an array of strings');
  }

  const jobNames = Object.keys(root).filter((k) => !GLOBAL_KEYWORDS.has(k));
  const visible = jobNames.filter((k) => !k.startsWith('.'));
  for (const name of jobNames) {
    if (!isHash(root[name])) errors.push(`jobs:${name} config should be a hash`);
  }
  // Includes are not resolved by the simulator: the content is checked as the whole pipeline.
  for (const e of checkConfig(withReferences(doc) as Hash)) if (!errors.includes(e.message)) errors.push(e.message);

  for (const name of visible) {
    if (!isHash(root[name])) continue;
    const job = resolveExtends(name, root);
    const where = `jobs:${name}`;
    const unknown = Object.keys(job).filter((k) => !JOB_KEYWORDS.has(k));
    if (unknown.length > 0) errors.push(`${where} config contains unknown keys: ${unknown.join(', ')}`);
    if (job['script'] === undefined && job['trigger'] === undefined && job['run'] === undefined) {
      errors.push(`${where} config should implement the script:, run:, or trigger: keyword`);
    }
    const script = job['script'] === undefined ? [] : flattenScript(job['script']);
    if (script === null) errors.push(`${where}:script config should be a string or a nested array of strings up to 10 levels deep`);
    const stage = job['stage'] === undefined ? 'test' : scalarText(job['stage']);
    if (job['when'] !== undefined && !WHEN.includes(scalarText(job['when']))) {
      errors.push(`${where} when should be one of: ${WHEN.join(', ')}`);
    }
    let needs: Array<{ name: string }> | null = null;
    if (job['needs'] !== undefined) {
      const list = Array.isArray(job['needs']) ? job['needs'] : [job['needs']];
      needs = [];
      for (const n of list) {
        const needName = isHash(n) ? scalarText(n['job'] ?? n['pipeline'] ?? '') : String(n);
        if (isHash(n) && (n['pipeline'] !== undefined || n['project'] !== undefined)) continue;
        needs.push({ name: needName });
      }
    }
    const scripts = (k: string) => flattenScript(job[k] ?? []) ?? [];
    result.jobs.push({
      name,
      stage,
      before_script: scripts('before_script'),
      script: script ?? [],
      after_script: scripts('after_script'),
      tag_list: Array.isArray(job['tags']) ? job['tags'].map(String) : [],
      only:
        job['rules'] === undefined && job['only'] === undefined
          ? { refs: ['branches', 'tags'] }
          : ((job['only'] as { refs: string[] }) ?? null),
      except: job['except'] ?? null,
      environment: job['environment'] ?? null,
      when: job['when'] === undefined ? 'on_success' : scalarText(job['when']),
      allow_failure: job['allow_failure'] === true,
      needs,
    });
  }
  result.valid = errors.length === 0;
  return result;
}
