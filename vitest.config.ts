import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Timeouts only catch hangs: generous, because a busy 2-core CI box makes every spawn slow.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here: a few workers, so e2e tests that spawn servers do not starve each other.
    maxWorkers: 3,
    reporters: ['default'],
  },
});
