import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';

// Placeholder until the command lands: listed in --help, refuses to run.
export default function paypalCommand(_ctx: Ctx): Command {
  return new Command('paypal').description('(not built yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UsageError('not_implemented', 'fbpay paypal is not built yet');
  });
}
