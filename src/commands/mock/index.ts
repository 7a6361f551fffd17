import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';

// Placeholder until the command lands: listed in --help, refuses to run.
export default function mockCommand(_ctx: Ctx): Command {
  return new Command('mock').description('(not built yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UsageError('not_implemented', 'fbpay mock is not built yet');
  });
}
