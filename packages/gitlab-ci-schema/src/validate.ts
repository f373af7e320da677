/**
 * GitLab's CI JSON schema, as the pinned gitlab-ci-local ships it, applied to pipeline YAML.
 * One place for the schema check: ci-gen lints generated pipelines with it and the GitLab
 * simulator answers POST /projects/:id/ci/lint with it.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, parseDocument, type CollectionTag, type ScalarTag } from 'yaml';

export interface LintError {
  /** Where in the pipeline, as a JSON pointer (`/kestra-validate/script`); empty for the whole file. */
  path: string;
  message: string;
}

export interface LintResult {
  valid: boolean;
  errors: LintError[];
}

// GitLab's `!reference [job, key]` tag: read as its list so the schema sees a sequence.
const referenceTag: CollectionTag = {
  tag: '!reference',
  collection: 'seq',
  resolve: (value) => value,
};

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

/** Validates pipeline YAML text against GitLab's CI JSON schema, offline. */
export async function validateCiYaml(yamlText: string): Promise<LintResult> {
  const doc = parseDocument(yamlText, { customTags: [referenceTag as unknown as ScalarTag], merge: true });
  if (doc.errors.length > 0) {
    return { valid: false, errors: doc.errors.map((e) => ({ path: '', message: e.message.split('\n')[0] ?? e.message })) };
  }
  if (!isMap(doc.contents)) {
    return { valid: false, errors: [{ path: '', message: 'a pipeline must be a mapping of keywords and jobs' }] };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  const validate = await validator();
  if (validate(data)) return { valid: true, errors: [] };
  return { valid: false, errors: summarize(validate.errors ?? []) };
}
