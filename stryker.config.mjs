// @ts-check
/**
 * Mutation testing of the code that decides ✓ and ✗ (`npm run mutation`; not run in CI: too slow).
 * Scope one folder while iterating: `npm run mutation -- --mutate 'src/core/**\/*.ts'`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  mutate: [
    'src/core/**/*.ts',
    'src/providers/webhook/check/**/*.ts',
    // The emulators' signing and verification code (issue 17):
    'src/providers/midas/emulator/routes.ts:86-124', // authenticate, sigMismatch: the sig of a client's Midas API request
    'src/providers/midas/emulator/delivery.ts', // signs the delivery callbacks, judges the receiver's reply
    'src/providers/paypal/emulator/routes.ts:383-409', // verifySignature: POST /v1/notifications/verify-webhook-signature
    'src/providers/paypal/emulator/state.ts:184-188', // credentialsMatch: OAuth client id + secret
    'src/providers/paypal/emulator/state.ts:201-210', // checkBearer: the OAuth bearer token
    'src/providers/graph/emulator/state.ts:144-158', // authenticate: access token + appsecret_proof
  ],
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
