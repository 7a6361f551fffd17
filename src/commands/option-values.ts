import { UsageError } from '../core/errors.js';

/**
 * Commander value parsers. Kept apart from options.ts (zod) because `fbpay decode`'s start-up fast
 * lane uses intOption and must not load zod.
 */

/** Commander collector for repeatable options (`--set a=1 --set b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Commander parser for integer options; the error reads like the rest of fbpay's. */
export function intOption(name: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError('bad_option', `${name} must be a whole number from ${min} to ${max}, got "${value.slice(0, 40)}"`, { hint: 'see --help' });
    }
    return n;
  };
}
