import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // One real apiserver per run, with kube-controller-manager (garbage collection, namespace
    // deletion): a controller is judged on the real thing.
    globalSetup: ['test/support/kube-setup.ts'],
    hookTimeout: 300_000,
  },
});
