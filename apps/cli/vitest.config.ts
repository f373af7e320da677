import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One real apiserver for the whole run, shared by every test file (per-test namespaces).
    globalSetup: ['@glkeys/kube-testenv/vitest'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    // Each test spawns the real binary; two cores, so keep files from piling up.
    fileParallelism: false,
  },
});
