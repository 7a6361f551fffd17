// @ts-check
/**
 * Mutation testing of the code that decides ✓ and ✗ (`npm run mutation`; not run in CI: too slow).
 * Scope one folder while iterating: `npm run mutation -- --mutate 'src/core/**\/*.ts'`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  mutate: ['src/core/**/*.ts', 'src/providers/webhook/check/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Module-level mutants (tables, constants) need every test re-run per mutant: ~70% of the run time
  // for ~10% of the mutants. They are reported as Ignored, not counted in the score.
  ignoreStatic: true,
  // Results of the previous run are reused for unchanged code and tests (reports/ is git-ignored).
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // The machine has 2 cores shared with other work: one test-runner process per core at most.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
export default config;
