import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { addLocalInclude } from './add-local-include.js';

export interface WriteIncludeOptions {
  /** Path of `.gitlab-ci.yml`; its folder is the repository root. Created when missing. */
  ciFilePath: string;
  /** Repository path of the preset file, e.g. `.gitlab/ci/kestra.yml`. */
  includePath: string;
  /** The rendered preset. */
  content: string;
}

export interface WriteIncludeResult {
  /** Absolute or given path of the preset file written. */
  includeFile: string;
  /** Whether `.gitlab-ci.yml` was changed (false when it already included the file). */
  ciFileChanged: boolean;
  /** Whether `.gitlab-ci.yml` did not exist and was created. */
  ciFileCreated: boolean;
}

/**
 * Writes the preset to its own file and includes it from `.gitlab-ci.yml` with a minimal
 * textual edit: the rest of that file stays byte-identical.
 */
export async function writeInclude(options: WriteIncludeOptions): Promise<WriteIncludeResult> {
  let current: string | undefined;
  try {
    current = await readFile(options.ciFilePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Validate and compute the edit before touching any file.
  const edit = addLocalInclude(current ?? '', options.includePath);
  const includeFile = join(dirname(options.ciFilePath), options.includePath.replace(/^\/+/, ''));
  await mkdir(dirname(includeFile), { recursive: true });
  await writeFile(includeFile, options.content);
  if (edit.changed) await writeFile(options.ciFilePath, edit.text);
  return { includeFile, ciFileChanged: edit.changed, ciFileCreated: current === undefined };
}
