/**
 * What GitLab's config parser checks beyond the JSON schema (Gitlab::Ci::Config's `extends` and
 * `!reference` resolution, then YamlProcessor's logical validations), with GitLab's own
 * sentences, so an offline lint and the simulator's CI Lint API refuse what GitLab refuses.
 */
import type { LintError } from './validate.js';

export type Hash = Record<string, unknown>;
export const isHash = (v: unknown): v is Hash => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Reference);

/** A `!reference [job, key, …]` tag, kept as such until the configuration is resolved. */
export class Reference {
  constructor(readonly location: unknown[]) {}

  /** As GitLab's messages show it (Ruby's Array#inspect): `!reference [".setup", "script"]`. */
  toString(): string {
    return `!reference [${this.location.map((s) => (typeof s === 'string' ? JSON.stringify(s) : String(s))).join(', ')}]`;
  }
}

/** Top-level keys that are not jobs (Gitlab::Ci::Config::Entry::Root). */
export const GLOBAL_KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'types',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'spec',
]);
/** Stages when `stages` is absent; `.pre` and `.post` always wrap the list. */
export const DEFAULT_STAGES = ['build', 'test', 'deploy'];
/** Gitlab::Ci::Config::Extendable::Entry::MAX_NESTING_LEVELS. */
const MAX_EXTENDS_NESTING = 10;

export interface ConfigCheckOptions {
  /**
   * Some includes could not be read here (remote, project, template, component, or with rules):
   * checks that a missing job, template or stage would fail are skipped, since they may come
   * from those files. What the file itself decides (its `stages`, cycles, duplicates) is checked.
   */
  incomplete?: boolean;
}

class ConfigError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const pointer = (...segments: string[]) => segments.map((s) => `/${s.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** Rails' Hash#deep_merge: hashes merge key by key, anything else is replaced. */
export function deepMerge(base: Hash, over: Hash): Hash {
  const out: Hash = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isHash(v) && isHash(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

/** Gitlab::Ci::Config::Extendable: every top-level hash with `extends` gets its bases merged under it. */
function resolveExtends(root: Hash, options: ConfigCheckOptions): Hash {
  const context: Hash = { ...root };
  const done = new Set<string>();
  const extend = (key: string, ancestors: string[]): unknown => {
    const value = context[key];
    if (!isHash(value) || value['extends'] === undefined || done.has(key)) return value;
    const bases = (Array.isArray(value['extends']) ? value['extends'] : [value['extends']]).map(String);
    const unknown = bases.filter((b) => !(b in context));
    const where = pointer(key, 'extends');
    if (unknown.length > 0) {
      // An included file we could not read may define it.
      if (options.incomplete) return value;
      throw new ConfigError(where, `${key}: unknown keys in \`extends\` (${unknown.join(', ')})`);
    }
    const invalid = bases.filter((b) => !isHash(context[b]));
    if (invalid.length > 0) throw new ConfigError(where, `${key}: invalid base hashes in \`extends\` (${invalid.join(', ')})`);
    if (ancestors.length > MAX_EXTENDS_NESTING) throw new ConfigError(where, `${key}: nesting too deep in \`extends\``);
    if (ancestors.includes(key)) throw new ConfigError(where, `${key}: circular dependency detected in \`extends\``);
    let merged: Hash = {};
    for (const base of bases) merged = deepMerge(merged, extend(base, [...ancestors, key]) as Hash);
    context[key] = deepMerge(merged, value);
    done.add(key);
    return context[key];
  };
  for (const key of Object.keys(context)) extend(key, []);
  return context;
}

/** Gitlab::Ci::Config::Yaml::Tags::Resolver: every `!reference` replaced by what it points at. */
function resolveReferences(config: Hash, options: ConfigCheckOptions): Hash {
  const state = new Map<Reference, 'resolving' | { value: unknown }>();
  const deep = (v: unknown, path: string): unknown => {
    if (v instanceof Reference) return resolve(v, path);
    if (Array.isArray(v)) return v.map((x, i) => deep(x, `${path}/${i}`));
    if (isHash(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x, `${path}${pointer(k)}`)]));
    return v;
  };
  const resolve = (ref: Reference, path: string): unknown => {
    const seen = state.get(ref);
    if (ref.location.length === 0 || !ref.location.every((s) => typeof s === 'string')) {
      throw new ConfigError(path, `${ref.toString()} is not valid`);
    }
    if (seen === 'resolving') throw new ConfigError(path, `${ref.toString()} is part of a circular chain`);
    if (seen) return seen.value;
    state.set(ref, 'resolving');
    let target: unknown = config;
    for (const segment of ref.location) target = isHash(target) ? target[segment] : undefined;
    const value = deep(target, path);
    if (value === undefined || value === null || value === false) {
      if (!options.incomplete) throw new ConfigError(path, `${ref.toString()} could not be found`);
    }
    state.set(ref, { value });
    return value;
  };
  return deep(config, '') as Hash;
}

interface Need {
  name: string;
  optional: boolean;
}

/** Job needs (`needs:` entries naming a job of this pipeline); cross-project and parent-pipeline needs are left out. */
function jobNeeds(value: unknown): Need[] {
  const list = Array.isArray(value) ? value.flat(10) : isHash(value) && Array.isArray(value['job']) ? value['job'] : [];
  const out: Need[] = [];
  for (const n of list) {
    if (typeof n === 'string') out.push({ name: n, optional: false });
    else if (isHash(n) && typeof n['job'] === 'string' && n['project'] === undefined && n['pipeline'] === undefined) {
      out.push({ name: n['job'], optional: n['optional'] === true });
    }
  }
  return out;
}

/**
 * The checks of Gitlab::Ci::Config and YamlProcessor that the JSON schema cannot make, on a
 * configuration whose includes are merged in. GitLab stops at the first `extends` or
 * `!reference` error; its logical validations are all reported here.
 */
export function checkConfig(root: Hash, options: ConfigCheckOptions = {}): LintError[] {
  let config: Hash;
  try {
    config = resolveReferences(resolveExtends(root, options), options);
  } catch (error) {
    if (error instanceof ConfigError) return [{ path: error.path, message: error.message, check: 'config' }];
    throw error;
  }
  const errors: LintError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message, check: 'config' });

  const declared = config['stages'] ?? config['types'];
  const ownStages = Array.isArray(declared) && declared.every((s) => typeof s === 'string');
  const stages = ['.pre', ...(ownStages ? declared : DEFAULT_STAGES).filter((s) => s !== '.pre' && s !== '.post'), '.post'];
  // With unread includes, the stage list is known only when this file sets it (its keys win).
  const stagesKnown = !options.incomplete || (ownStages && root['stages'] !== undefined);
  // …and a job's stage only when the job sets it (an included job of that name could).
  const stageKnown = (job: Hash) => stagesKnown && (!options.incomplete || job['stage'] !== undefined);

  const jobs = new Map<string, Hash>();
  for (const [name, value] of Object.entries(config)) {
    if (!GLOBAL_KEYWORDS.has(name) && !name.startsWith('.') && isHash(value)) jobs.set(name, value);
  }
  if (jobs.size === 0 && !options.incomplete && Object.keys(config).every((k) => GLOBAL_KEYWORDS.has(k) || k.startsWith('.'))) {
    fail('', 'jobs config should contain at least one visible job');
  }
  const stageOf = (job: Hash) => (typeof job['stage'] === 'string' ? job['stage'] : 'test');
  // `build 1/3` and `build: [a, b]` are the jobs GitLab makes of a parallel `build`.
  const jobNamed = (name: string): string | undefined => {
    if (jobs.has(name)) return name;
    for (const [base, job] of jobs) {
      if (job['parallel'] !== undefined && (/^ \d+\/\d+$/.test(name.slice(base.length)) || name.startsWith(`${base}: [`))) return base;
    }
    return undefined;
  };

  for (const [name, job] of jobs) {
    const stage = stageOf(job);
    if (stageKnown(job) && (job['stage'] === undefined || typeof job['stage'] === 'string') && !stages.includes(stage)) {
      fail(pointer(name, 'stage'), `${name} job: chosen stage ${stage} does not exist; available stages are ${stages.join(', ')}`);
    }
  }
  const dependency = (name: string, path: string, other: string, type: 'need' | 'dependency', optional: boolean) => {
    const found = jobNamed(other);
    if (found === undefined) {
      if (!optional && !options.incomplete) fail(path, `${name} job: undefined ${type}: ${other}`);
      return;
    }
    const [job, needed] = [jobs.get(name)!, jobs.get(found)!];
    const mine = stages.indexOf(stageOf(job));
    const theirs = stages.indexOf(stageOf(needed));
    if (stageKnown(job) && stageKnown(needed) && mine !== -1 && (theirs === -1 || theirs > mine)) {
      fail(path, `${name} job: ${type} ${other} is not defined in current or prior stages`);
    }
  };
  const checkNeeds = (name: string, path: string, needs: Need[]) => {
    for (const need of needs) dependency(name, path, need.name, 'need', need.optional);
    const counts = new Map<string, number>();
    for (const need of needs) counts.set(need.name, (counts.get(need.name) ?? 0) + 1);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
    if (duplicated.length > 0) fail(path, `${name} has the following needs duplicated: ${duplicated.join(', ')}.`);
  };

  for (const [name, job] of jobs) {
    if (Array.isArray(job['dependencies'])) {
      for (const d of job['dependencies']) {
        if (typeof d === 'string') dependency(name, pointer(name, 'dependencies'), d, 'dependency', false);
      }
    }
    if (job['needs'] !== undefined) checkNeeds(name, pointer(name, 'needs'), jobNeeds(job['needs']));
    if (Array.isArray(job['rules'])) {
      job['rules'].flat(10).forEach((rule: unknown, i) => {
        if (isHash(rule) && rule['needs'] !== undefined)
          checkNeeds(name, pointer(name, 'rules', String(i), 'needs'), jobNeeds(rule['needs']));
      });
    }
    const env = job['environment'];
    if (isHash(env) && typeof env['on_stop'] === 'string') {
      const path = pointer(name, 'environment', 'on_stop');
      const stopName = env['on_stop'];
      const stop = jobs.get(stopName);
      const stopEnv = stop?.['environment'];
      if (!stop) {
        if (!options.incomplete) fail(path, `${name} job: on_stop job ${stopName} is not defined`);
      } else if (stopEnv === undefined || stopEnv === null)
        fail(path, `${name} job: on_stop job ${stopName} does not have environment defined`);
      else if ((isHash(stopEnv) ? stopEnv['name'] : stopEnv) !== env['name']) {
        fail(path, `${name} job: on_stop job ${stopName} have different environment name`);
      } else if (!isHash(stopEnv) || stopEnv['action'] !== 'stop') {
        fail(path, `${name} job: on_stop job ${stopName} needs to have action stop defined`);
      }
    }
  }
  if (errors.length === 0 && hasCycle(jobs, jobNamed)) fail('', 'The pipeline has circular dependencies');
  return errors;
}

/** YamlProcessor::Dag: `needs` must form no cycle (same-stage needs can). */
function hasCycle(jobs: Map<string, Hash>, jobNamed: (name: string) => string | undefined): boolean {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): boolean => {
    if (state.get(name) === 'done') return false;
    if (state.get(name) === 'visiting') return true;
    state.set(name, 'visiting');
    for (const need of jobNeeds(jobs.get(name)?.['needs'])) {
      const other = jobNamed(need.name);
      if (other !== undefined && visit(other)) return true;
    }
    state.set(name, 'done');
    return false;
  };
  return [...jobs.keys()].some((name) => visit(name));
}
