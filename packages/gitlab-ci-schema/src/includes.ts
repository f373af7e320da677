/**
 * Reads pipeline text as GitLab's config loader does for the checks beyond the schema: every
 * `!reference` kept as a Reference, and `include: local` files merged in (each file under its
 * own includes, later files over earlier ones, the including file over all, as
 * Gitlab::Ci::Config::External::Processor does). Other includes cannot be read offline.
 */
import { isSeq, parseAllDocuments, visit, type CollectionTag, type Document, type ScalarTag } from 'yaml';
import { Reference, deepMerge, isHash, type Hash } from './config-checks.js';
import type { LintError } from './validate.js';

/** Reads a repository file by its path from the root (`ci/build.yml`); undefined when it does not exist. */
export type ReadLocalFile = (path: string) => Promise<string | undefined>;

// GitLab's `!reference [job, key]` tag: read as its list; the Reference is put back by location.
export const referenceTag: CollectionTag = {
  tag: '!reference',
  collection: 'seq',
  resolve: (value) => value,
};
export const PARSE_OPTIONS = { customTags: [referenceTag as unknown as ScalarTag], merge: true };

/** GitLab's limit on nested includes (Gitlab::Ci::Config::External::Context). */
const MAX_INCLUDE_DEPTH = 100;

/** The document's data with each `!reference` sequence replaced by a Reference. */
export function withReferences(doc: Document): unknown {
  const locations: { path: (string | number)[]; items: unknown[] }[] = [];
  visit(doc, {
    Seq(_key, node, ancestors) {
      if (node.tag !== '!reference') return;
      const path: (string | number)[] = [];
      const chain = [...ancestors.slice(1), node];
      for (let i = 0; i < chain.length - 1; i++) {
        const here = chain[i];
        const next = chain[i + 1];
        if (isSeq(here)) path.push(here.items.indexOf(next));
        else if (here && typeof here === 'object' && 'key' in here && 'value' in here && here.value === next) {
          path.push(String((here.key as { value?: unknown } | null)?.value ?? here.key));
        }
      }
      locations.push({ path, items: node.toJSON() });
    },
  });
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  for (const { path, items } of locations) {
    if (path.length === 0) continue;
    let parent: unknown = data;
    for (const segment of path.slice(0, -1)) parent = (parent as Record<string | number, unknown> | undefined)?.[segment];
    const last = path[path.length - 1]!;
    if (parent && typeof parent === 'object') (parent as Record<string | number, unknown>)[last] = new Reference(items);
  }
  return data;
}

export interface Merged {
  config: Hash;
  /** True when an include could not be read here (see ConfigCheckOptions.incomplete). */
  incomplete: boolean;
  errors: LintError[];
  warnings: string[];
}

const describe = (entry: unknown) => (typeof entry === 'string' ? entry : JSON.stringify(entry));

/** The local path an include entry names, or undefined when it is not a plain local include. */
function localPath(entry: unknown): string | undefined {
  if (typeof entry === 'string') return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? undefined : entry;
  if (!isHash(entry) || typeof entry['local'] !== 'string') return undefined;
  // Rules decide at pipeline creation; inputs change the file's content.
  if (entry['rules'] !== undefined || entry['inputs'] !== undefined) return undefined;
  return entry['local'];
}

/** Merges the local includes of `data` (recursively) under it. */
export async function mergeIncludes(data: Hash, read: ReadLocalFile | undefined): Promise<Merged> {
  const out: Merged = { config: {}, incomplete: false, errors: [], warnings: [] };
  const seen = new Set<string>();
  const expand = async (hash: Hash, depth: number): Promise<Hash> => {
    const include = hash['include'];
    if (include === undefined) return hash;
    let merged: Hash = {};
    for (const entry of Array.isArray(include) ? include : [include]) {
      const local = localPath(entry);
      if (local === undefined || read === undefined || /[*]/.test(local)) {
        out.incomplete = true;
        out.warnings.push(
          `include ${describe(entry)} is not read offline: jobs, templates and stages it may define were not checked (lint with --project)`,
        );
        continue;
      }
      if (depth >= MAX_INCLUDE_DEPTH) {
        out.errors.push({ path: '/include', message: `Maximum of ${MAX_INCLUDE_DEPTH} nested includes are allowed!`, check: 'config' });
        break;
      }
      const path = local.replace(/^\/+/, '');
      // GitLab includes a file once, however often it is named.
      if (seen.has(path)) continue;
      seen.add(path);
      const text = path.split('/').includes('..') ? undefined : await read(path);
      if (text === undefined) {
        out.errors.push({ path: '/include', message: `Local file \`${local}\` does not exist!`, check: 'config' });
        continue;
      }
      const docs = parseAllDocuments(text, PARSE_OPTIONS);
      const list = Array.isArray(docs) ? docs : [];
      const doc = list[list.length - 1];
      if (list.some((d) => d.errors.length > 0)) {
        out.errors.push({ path: '/include', message: `Included file \`${local}\` does not have valid YAML syntax!`, check: 'config' });
        continue;
      }
      if (list.length > 1) {
        // A `spec:` header: `$[[ inputs.* ]]` is interpolated by GitLab, not here.
        out.incomplete = true;
        out.warnings.push(`include ${local} has a spec header: its inputs are not interpolated offline`);
      }
      const content = doc ? withReferences(doc) : {};
      if (content !== null && content !== undefined && !isHash(content)) {
        out.errors.push({ path: '/include', message: `Included file \`${local}\` does not have valid YAML syntax!`, check: 'config' });
        continue;
      }
      merged = deepMerge(merged, await expand(content ?? {}, depth + 1));
    }
    const { include: _include, ...own } = hash;
    return deepMerge(merged, own);
  };
  out.config = await expand(data, 0);
  return out;
}
