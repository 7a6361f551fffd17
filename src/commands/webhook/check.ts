import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';

// Placeholder until `webhook check` lands.
export function webhookCheckCommand(_ctx: Ctx): Command {
  return new Command('check').description('(not built yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UsageError('not_implemented', 'fbpay webhook check is not built yet');
  });
}
