import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One shared apiserver for the run. On a cold cache its set-up includes the Go build
    // (tens of minutes on 2 cores); vitest puts no time limit on a global setup.
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
