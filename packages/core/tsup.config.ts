import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per concern (README.md "Entry points"). `kubernetes` is the only one that loads
  // @kubernetes/client-node; `read` loads neither gitbeaker, ky nor ssh2 (the CLI's fast path,
  // bench/README.md). test/public-api.test.ts checks both and each entry's export list.
  entry: {
    index: 'src/index.ts',
    read: 'src/read.ts',
    kubernetes: 'src/kubernetes/index.ts',
    bootstrap: 'src/bootstrap/index.ts',
    ci: 'src/ci/index.ts',
    eso: 'src/eso/index.ts',
  },
  format: ['esm', 'cjs'],
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
