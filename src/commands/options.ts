import type * as z from 'zod/mini';
import { UsageError } from '../core/errors.js';
import { validate } from '../core/validate.js';

/**
 * Validates a command's options with its zod schema. A failure is a UsageError (exit 2) naming the
 * flag, never a ZodError with a stack. Schemas use `zod/mini` so the hot commands stay fast to start.
 */
export function parseOptions<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const r = validate(schema, input);
  if (r.ok) return r.data;
  const key = r.path.split('.')[0];
  const flag = key ? `--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}` : 'options';
  throw new UsageError('bad_option', `invalid ${flag}: ${r.message}`, { hint: 'see --help for the accepted values' });
}

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
