// The generated files are the source of truth rendered; a stale one on disk fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { customResourceDefinitions } from '../../src/api/crd.js';
import { crdFileName, generatedFiles } from '../../src/api/generated-files.js';
import { KINDS } from '../../src/api/crd.js';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));

describe('generated files', () => {
  it.each(generatedFiles().map((file) => [file.path, file.content]))('%s is up to date (else run `pnpm run generate`)', (path, content) => {
    const onDisk = readFileSync(`${packageDir}${path}`, 'utf8');
    expect(onDisk, `${path} is out of date: run \`pnpm run generate\` in apps/operator`).toBe(content);
  });

  it('the YAML on disk parses to the very objects applyCrds sends by default', () => {
    const fromDisk = KINDS.map((def) => parse(readFileSync(`${packageDir}${crdFileName(def.plural)}`, 'utf8')));
    expect(fromDisk).toEqual(customResourceDefinitions());
  });

  it('no schema node asks the apiserver to keep unknown fields', () => {
    for (const def of KINDS) {
      expect(readFileSync(`${packageDir}${crdFileName(def.plural)}`, 'utf8')).not.toContain('x-kubernetes-preserve-unknown-fields');
    }
  });
});
