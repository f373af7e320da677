import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_STAGES, mergeIncludes, withReferences } from '@glkeys/gitlab-ci-schema';
import { invalid } from '../model/errors.js';
import type { Pipeline } from '../model/pipeline.js';
import { addLocalInclude } from './add-local-include.js';
import { renderInclude } from './include-form.js';
import { mergeStages } from './merge-stages.js';

export interface WriteIncludeOptions {
  /** Path of `.gitlab-ci.yml`; its folder is the repository root. Created when missing. */
  ciFilePath: string;
  /** Repository path of the preset file, e.g. `.gitlab/ci/kestra.yml`. */
  includePath: string;
  /** The preset's pipeline; it is written in its include form (include-form.ts). */
  pipeline: Pipeline;
}

export interface WriteIncludeResult {
  /** Absolute or given path of the preset file written. */
  includeFile: string;
  /** Whether `.gitlab-ci.yml` was changed (false when it already included the file and listed its stages). */
  ciFileChanged: boolean;
  /** Whether `.gitlab-ci.yml` did not exist and was created. */
  ciFileCreated: boolean;
  /** Stages added to `.gitlab-ci.yml`'s `stages` (written there when it had none). */
  stagesAdded: string[];
}

const normalize = (path: string) => path.replace(/^\.\//, '').replace(/^\/+/, '');

/**
 * The stages the user's pipeline has today, from `.gitlab-ci.yml` and the local files it
 * includes (the preset's own file left out), and the jobs it defines.
 */
async function currentPipeline(text: string, root: string, includePath: string): Promise<{ stages: string[]; jobs: Set<string> }> {
  const docs = parseAllDocuments(text);
  const doc = Array.isArray(docs) ? docs[docs.length - 1] : undefined;
  const data = doc ? withReferences(doc) : {};
  if (data === null || data === undefined) return { stages: DEFAULT_STAGES, jobs: new Set() };
  if (typeof data !== 'object' || Array.isArray(data)) throw invalid('ciFile', 'top level must be a block mapping (key: value lines)');
  const own = data as Record<string, unknown>;
  const merged = await mergeIncludes(own, async (path) => {
    if (normalize(path) === normalize(includePath)) return '';
    const full = resolve(root, path);
    if (!full.startsWith(resolve(root) + sep)) return undefined;
    return readFile(full, 'utf8').catch(() => undefined);
  });
  if (merged.incomplete && own['stages'] === undefined) {
    throw invalid(
      'ciFile',
      `includes a file glkeys cannot read here (${merged.warnings[0]?.replace(/^include (.*?) is not read offline.*$/, '$1') ?? 'an include'}), which may set the pipeline's stages; list them in a stages: key of this file, then run again`,
    );
  }
  const stages = merged.config['stages'];
  return {
    stages: Array.isArray(stages) && stages.every((s) => typeof s === 'string') ? stages : DEFAULT_STAGES,
    jobs: new Set(Object.keys(merged.config)),
  };
}

/**
 * Writes the preset in its include form to its own file and includes it from `.gitlab-ci.yml`
 * with minimal textual edits: the include, and the preset's stages merged into `stages` (the
 * rest of that file stays byte-identical). Every check runs before the first write.
 */
export async function writeInclude(options: WriteIncludeOptions): Promise<WriteIncludeResult> {
  let current: string | undefined;
  try {
    current = await readFile(options.ciFilePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const content = renderInclude(options.pipeline);
  const root = dirname(options.ciFilePath);
  // Validate and compute the edits before touching any file.
  const withInclude = addLocalInclude(current ?? '', options.includePath);
  const before = await currentPipeline(current ?? '', root, options.includePath);
  const taken = Object.keys(options.pipeline.jobs).filter((name) => before.jobs.has(name));
  if (taken.length > 0) {
    throw invalid('ciFile', `already has a job named ${taken.join(', ')}; GitLab would merge it with the preset's job of that name`);
  }
  const stages = mergeStages(withInclude.text, options.pipeline.stages, before.stages);
  const includeFile = join(root, normalize(options.includePath));
  await mkdir(dirname(includeFile), { recursive: true });
  await writeFile(includeFile, content);
  const changed = withInclude.changed || stages.changed;
  if (changed) await writeFile(options.ciFilePath, stages.text);
  return { includeFile, ciFileChanged: changed, ciFileCreated: current === undefined, stagesAdded: stages.added };
}
