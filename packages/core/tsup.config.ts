import { defineConfig } from 'tsup';

export default defineConfig({
  // `kubernetes` is its own entry so the main one never loads @kubernetes/client-node.
  entry: { index: 'src/index.ts', kubernetes: 'src/kubernetes/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
