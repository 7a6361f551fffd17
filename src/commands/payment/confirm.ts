import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';

/**
 * Destructive Graph calls ask first on a terminal; without one (CI, pipes, --json) they need --yes.
 * `early` runs before any request so a CI job fails fast with exit 2.
 */
export function requireYesWhenNotInteractive(ctx: Ctx, yes: boolean | undefined, what: string): void {
  if (yes || ctx.interactive) return;
  throw new UsageError('confirmation_required', `${what} is destructive and there is no terminal to confirm it on`, { hint: 'pass --yes to confirm non-interactively' });
}

/** Asks on the terminal (inquirer) unless --yes; a "no" is a usage error (exit 2) and nothing is sent. */
export async function confirmOrAbort(ctx: Ctx, yes: boolean | undefined, question: string): Promise<void> {
  if (yes) return;
  const { confirm } = await import('../../ui/prompt.js');
  if (!(await confirm(ctx, question))) throw new UsageError('not_confirmed', 'cancelled: nothing was sent', { hint: 'pass --yes to skip the question' });
}
