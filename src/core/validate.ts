import type * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod's English messages ("Invalid option: expected one of …"), passed to each parse: zod/mini
 * ships none by default, and a library must not change zod's global configuration for its host.
 */
const english = en().localeError;

export type Validated<T> = { ok: true; data: T } | { ok: false; path: string; message: string };

/** Parses `value` with `schema`; a failure is its first issue: the dotted path ('' at the root) and a readable message. */
export function validate<S extends z.ZodMiniType>(schema: S, value: unknown): Validated<z.infer<S>> {
  const r = schema.safeParse(value, { error: english });
  if (r.success) return { ok: true, data: r.data as z.infer<S> };
  const issue = r.error.issues[0];
  // Stryker disable next-line OptionalChaining,ArrayDeclaration,StringLiteral: unreachable: a failed zod parse always has an issue, and every issue has a path array
  return { ok: false, path: (issue?.path ?? []).map(String).join('.'), message: issue?.message ?? 'invalid value' };
}
