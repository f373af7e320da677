import { defineConfig } from 'tsup';

export default defineConfig({
  // `index` is the library (runtime + reconcilers, for tests and embedding); `main` is the bin.
  entry: { index: 'src/index.ts', main: 'src/main.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
