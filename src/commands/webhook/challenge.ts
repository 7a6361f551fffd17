import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';

// Placeholder until `webhook challenge` lands.
export function webhookChallengeCommand(_ctx: Ctx): Command {
  return new Command('challenge').description('(not built yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UsageError('not_implemented', 'fbpay webhook challenge is not built yet');
  });
}
