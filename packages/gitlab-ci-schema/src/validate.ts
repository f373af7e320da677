/**
 * GitLab's CI JSON schema, as the pinned gitlab-ci-local ships it, applied to pipeline YAML,
 * then the checks GitLab's config parser makes beyond it (config-checks.ts). One place for
 * both: ci-gen lints pipelines with it and the GitLab simulator answers
 * POST /projects/:id/ci/lint with it.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, parseDocument } from 'yaml';
import { checkConfig, type Hash } from './config-checks.js';
import { mergeIncludes, PARSE_OPTIONS, withReferences, type ReadLocalFile } from './includes.js';

export interface LintError {
  /** Where in the pipeline, as a JSON pointer (`/kestra-validate/script`); empty for the whole file. */
  path: string;
  message: string;
  /** `config`: a check of GitLab's config parser beyond the schema; `message` is GitLab's own sentence. */
  check?: 'config';
}

export interface LintResult {
  valid: boolean;
  errors: LintError[];
  /** What could not be checked offline (an include that is not a local file); absent when none. */
  warnings?: string[];
}

export interface ValidateOptions {
  /** Reads `include: local` files (paths from the repository root); without it, includes are not followed. */
  readLocal?: ReadLocalFile;
}

let compiled: Promise<ValidateFunction> | undefined;

/**
 * GitLab's CI schema (draft-07) as shipped by the pinned gitlab-ci-local, compiled once with
 * Ajv's default draft-07 class. Formats are not checked: GitLab's own editor does not either.
 */
function validator(): Promise<ValidateFunction> {
  compiled ??= import('gitlab-ci-local/src/schema/schema.js').then(({ schema }) => {
    const ajv = new Ajv({
      allErrors: true,
      allowUnionTypes: true,
      validateFormats: false,
      strict: false,
      keywords: ['markdownDescription'],
    });
    return ajv.compile(structuredClone(schema));
  });
  return compiled;
}

/** Ajv reports every failed branch of a oneOf; keep the most specific error per path. */
function summarize(errors: ErrorObject[]): LintError[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const paths = [...byPath.keys()];
  const out: LintError[] = [];
  for (const path of paths) {
    const list = byPath.get(path) ?? [];
    // Unknown keys are always worth reporting; they never come from an unrelated oneOf branch alone.
    for (const e of list.filter((x) => x.keyword === 'additionalProperties')) {
      out.push({ path, message: `unknown key "${String(e.params.additionalProperty)}"` });
    }
    // A deeper error explains its parent's anyOf/oneOf failure better than the parent does.
    if (paths.some((p) => p !== path && p.startsWith(`${path}/`))) continue;
    const rest = list.filter((x) => x.keyword !== 'additionalProperties');
    const types = [...new Set(rest.filter((e) => e.keyword === 'type').map((e) => String(e.params.type)))];
    const best = rest.find((e) => e.keyword === 'required') ?? rest.find((e) => e.keyword === 'enum');
    if (best?.keyword === 'enum') {
      out.push({ path, message: `must be one of ${(best.params.allowedValues as unknown[]).join(', ')}` });
    } else if (best) {
      out.push({ path, message: best.message ?? 'is invalid' });
    } else if (types.length > 0) {
      out.push({ path, message: `must be ${types.join(' or ')}` });
    } else if (rest[0]) {
      out.push({ path, message: rest[0].message ?? 'is invalid' });
    }
  }
  return out;
}

/**
 * Validates pipeline YAML text offline: GitLab's CI JSON schema on the file, then GitLab's
 * config checks (stages, needs, dependencies, extends, !reference, on_stop) on the file with
 * its local includes merged in.
 */
export async function validateCiYaml(yamlText: string, options: ValidateOptions = {}): Promise<LintResult> {
  const doc = parseDocument(yamlText, PARSE_OPTIONS);
  if (doc.errors.length > 0) {
    return { valid: false, errors: doc.errors.map((e) => ({ path: '', message: e.message.split('\n')[0] ?? e.message })) };
  }
  if (!isMap(doc.contents)) {
    return { valid: false, errors: [{ path: '', message: 'a pipeline must be a mapping of keywords and jobs' }] };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  const validate = await validator();
  const errors = validate(data) ? [] : summarize(validate.errors ?? []);
  const merged = await mergeIncludes(withReferences(doc) as Hash, options.readLocal);
  errors.push(...merged.errors);
  if (merged.errors.length === 0) errors.push(...checkConfig(merged.config, { incomplete: merged.incomplete }));
  return { valid: errors.length === 0, errors, ...(merged.warnings.length > 0 ? { warnings: merged.warnings } : {}) };
}
