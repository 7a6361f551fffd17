import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';

// Placeholder until `webhook replay` lands.
export function webhookReplayCommand(_ctx: Ctx): Command {
  return new Command('replay').description('(not built yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UsageError('not_implemented', 'fbpay webhook replay is not built yet');
  });
}
