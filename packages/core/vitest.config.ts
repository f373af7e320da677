import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Kubernetes tests run against one real apiserver per run (kube-testenv), never a fake,
    // with kube-controller-manager so namespaces really terminate.
    globalSetup: ['test/support/kube-setup.ts'],
    hookTimeout: 300_000,
  },
});
