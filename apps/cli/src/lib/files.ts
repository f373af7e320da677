/** Files the user names with a flag: read, or refused naming the flag (exit 2, nothing sent). */
import { readFile } from 'node:fs/promises';
import { fileErrorMessage } from './errors.js';
import { FlagError } from './usage.js';

export async function readUserFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new FlagError(flag, 'a readable file', `${flag}: ${fileErrorMessage(error, 'cannot read') ?? `cannot read ${path}`}`);
  }
}
