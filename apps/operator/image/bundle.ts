/**
 * The operator as one ES module: the built bin (dist/main.js) with @glkeys/core and every npm
 * dependency inlined, so the image carries no node_modules (no package manager, no lockfile, no
 * install step to reproduce; one file to read at start). Native addons are left out: ssh2's
 * optional ones are loaded in a try/catch and it falls back to JavaScript, as with a plain install
 * where their build failed.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

export interface Bundle {
  code: Buffer;
  /** Names, versions, licenses and license texts of the npm packages inlined in `code`. */
  notices: string;
}

// esbuild's ES module output has no `require`; the CommonJS packages inlined in it call it for
// Node's built-ins.
const banner =
  "import { createRequire as __glkeysCreateRequire } from 'node:module'; const require = __glkeysCreateRequire(import.meta.url);";

export async function bundleOperator(packageDir: string): Promise<Bundle> {
  const entry = path.join(packageDir, 'dist', 'main.js');
  if (!existsSync(entry)) throw new Error(`image: ${entry} is missing; run \`pnpm --filter @glkeys/operator... run build\` first`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    outfile: 'main.mjs',
    metafile: true,
    external: ['*.node'],
    banner: { js: banner },
    legalComments: 'none',
    logLevel: 'error',
    // Paths in the output are relative to this directory, not to wherever the build runs.
    absWorkingDir: packageDir,
  });
  const code = Buffer.from(result.outputFiles[0]!.contents);
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(packageDir, input));
  return { code, notices: await notices(inputs) };
}

/** The package root of an inlined file: the last `node_modules/<name>` or `node_modules/@scope/<name>`. */
function packageRoot(file: string): string | undefined {
  const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match?.[1];
}

async function notices(files: string[]): Promise<string> {
  const roots = [...new Set(files.map(packageRoot).filter((root): root is string => root !== undefined))];
  const sections: string[] = [];
  for (const root of roots) {
    const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: string;
    };
    const licenseFile = (await readdir(root)).sort().find((name) => /^(licen[cs]e|copying|notice)(\.|$)/i.test(name));
    const text = licenseFile ? (await readFile(path.join(root, licenseFile), 'utf8')).trim() : '(the package ships no license file)';
    sections.push(`${manifest.name}@${manifest.version} (${manifest.license ?? 'no license field'})\n\n${text}\n`);
  }
  sections.sort();
  return `Third-party packages inlined in /app/main.mjs\n\n${sections.join('\n---\n\n')}`;
}
