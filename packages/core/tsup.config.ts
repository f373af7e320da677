import { defineConfig } from 'tsup';

export default defineConfig({
  // `kubernetes` is its own entry so the main one never loads @kubernetes/client-node;
  // `read` loads neither gitbeaker nor ky (the CLI's fast path, bench/README.md).
  entry: { index: 'src/index.ts', read: 'src/read.ts', kubernetes: 'src/kubernetes/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
