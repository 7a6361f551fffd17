import { expect } from 'vitest';
import { UsageError } from '../../src/core/errors.js';

/** The UsageError (exit code 2) `fn` throws; fails the test when it throws anything else or nothing. */
export function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    return e as UsageError;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}
