// Writes the CRD YAML, types.generated.ts and docs/crd-reference.md from src/api/*.ts.
// Run with `pnpm run generate` in apps/operator (bundled by tsup first: Node 20 cannot run .ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedFiles } from '../src/api/generated-files.js';

const root = process.cwd();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: string };
if (manifest.name !== '@glkeys/operator') throw new Error('run this in apps/operator (pnpm run generate)');

for (const file of generatedFiles()) {
  const path = join(root, file.path);
  const before = (() => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  })();
  if (before === file.content) continue;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.content);
  console.log(`wrote ${file.path}`);
}
