import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // test/kubernetes runs against one real apiserver per run (kube-testenv), never a fake.
    globalSetup: ['@glkeys/kube-testenv/vitest'],
    hookTimeout: 300_000,
  },
});
