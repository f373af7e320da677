import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const BIN = join(dirname(require.resolve('gitlab-ci-local/package.json')), 'src', 'index.js');

export interface GclResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Project {
  dir: string;
  /** Runs gitlab-ci-local on this project with `--cwd` (it wants a relative one). */
  gcl(args: string[], env?: Record<string, string>): Promise<GclResult>;
  write(path: string, content: string, mode?: number): Promise<void>;
  remove(): Promise<void>;
}

export async function tempProject(files: Record<string, string> = {}): Promise<Project> {
  const root = await mkdtemp(join(tmpdir(), 'ci-gen-'));
  const dir = join(root, 'project');
  const home = join(root, 'home');
  const shim = join(root, 'bin');
  await mkdir(dir);
  await mkdir(home);
  await mkdir(shim);
  const write = async (path: string, content: string, mode?: number) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
    if (mode !== undefined) await chmod(join(dir, path), mode);
  };
  for (const [path, content] of Object.entries(files)) await write(path, content);
  return {
    dir,
    write,
    remove: () => rm(root, { recursive: true, force: true }),
    gcl: (args, env = {}) =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          [BIN, '--cwd', basename(dir), '--no-color', ...args],
          {
            cwd: root,
            timeout: 120_000,
            maxBuffer: 16 * 1024 * 1024,
            env: { PATH: `${shim}${delimiter}${process.env.PATH ?? ''}`, HOME: home, ...env },
          },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      }),
  };
}
