import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';

// Placeholder until `webhook verify` lands.
export function webhookVerifyCommand(_ctx: Ctx): Command {
  return new Command('verify').description('(not built yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UsageError('not_implemented', 'fbpay webhook verify is not built yet');
  });
}
