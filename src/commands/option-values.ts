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

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Commander parser for durations in seconds: `90` or `90s`, `15m`, `1h`, `7d`. */
export function durationOption(name: string) {
  return (value: string): number => {
    const m = /^(\d{1,12})\s*([smhd]?)$/i.exec(value.trim());
    const n = m ? Number(m[1]) * DURATION_UNITS[(m[2] || 's').toLowerCase()] : NaN;
    if (!m || !Number.isSafeInteger(n)) {
      throw new UsageError('bad_option', `${name} must be a duration like 90 (seconds), 90s, 15m, 1h or 7d, got "${value.slice(0, 40)}"`, { hint: `e.g. ${name} 1h` });
    }
    return n;
  };
}
