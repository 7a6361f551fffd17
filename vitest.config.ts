import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here: a few workers, so e2e tests that spawn servers do not starve each other.
    maxWorkers: 3,
    reporters: ['default'],
  },
});
