/**
 * `fast-check` as the tests see it under Stryker only (aliased in vitest.stryker.config.ts). Every
 * property test runs once per mutant it covers, and a mutant a property can kill dies in its first
 * samples, so properties are capped at fast-check's default 100 runs there. The normal suite keeps
 * each test's own numRuns.
 */
import real from '../../node_modules/fast-check/lib/fast-check.js';

export * from '../../node_modules/fast-check/lib/fast-check.js';

const CAP = 100;

export const assert: typeof real.assert = ((property: Parameters<typeof real.assert>[0], params?: Parameters<typeof real.assert>[1]) =>
  real.assert(property, { ...params, numRuns: Math.min(params?.numRuns ?? CAP, CAP) })) as typeof real.assert;

export default { ...real, assert };
