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

// The chart renders the RBAC rules from its own copy of config/rbac/role.yaml (Helm reads only
// files inside the chart); test/chart/rbac-source.test.ts fails when the two differ.
const rbacSource = readFileSync(join(root, 'config/rbac/role.yaml'), 'utf8');
const rbacCopy = join(root, 'deploy/helm/glkeys-operator/files/rbac.yaml');
if (readFileSync(rbacCopy, { encoding: 'utf8', flag: 'a+' }) !== rbacSource) {
  writeFileSync(rbacCopy, rbacSource);
  console.log('wrote deploy/helm/glkeys-operator/files/rbac.yaml');
}
