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

export { collect, intOption } from './option-values.js';
