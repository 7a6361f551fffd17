import { UsageError, VerificationError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';

/**
 * Destructive Graph calls ask first on a terminal; without one (CI, pipes, --json) they need --yes.
 * `early` runs before any request so a CI job fails fast with exit 2.
 */
export function requireYesWhenNotInteractive(ctx: Ctx, yes: boolean | undefined, what: string): void {
  const off = yes ? undefined : ctx.promptsOffBecause;
  if (off === undefined) return;
  throw new UsageError('confirmation_required', `${what} is destructive and needs a confirmation, but ${off}`, { hint: 'pass --yes to confirm non-interactively' });
}

/**
 * Asks on the terminal (inquirer) unless --yes. "No" sends nothing and exits 1: nothing about the
 * command line was wrong (not 2), but what it asked for did not happen, so `refund && notify` must
 * not go on as if it had (not 0).
 */
export async function confirmOrAbort(ctx: Ctx, yes: boolean | undefined, question: string): Promise<void> {
  if (yes) return;
  const { confirm } = await import('../../ui/prompt.js');
  if (!(await confirm(ctx, question))) throw new VerificationError('not_confirmed', 'not confirmed: nothing was sent', { hint: 'pass --yes to skip the question' });
}
