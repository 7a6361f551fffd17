import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';

// Placeholder until `webhook sign` lands.
export function webhookSignCommand(_ctx: Ctx): Command {
  return new Command('sign').description('(not built yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UsageError('not_implemented', 'fbpay webhook sign is not built yet');
  });
}
