import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';

// Placeholder until `webhook listen` lands.
export function webhookListenCommand(_ctx: Ctx): Command {
  return new Command('listen').description('(not built yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UsageError('not_implemented', 'fbpay webhook listen is not built yet');
  });
}
