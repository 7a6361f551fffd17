import { Command } from 'commander';
import type { Ctx } from '../../ui/context.js';
import { mockGraphCommand } from './graph.js';
import { mockMidasCommand } from './midas.js';
import { mockPaypalCommand } from './paypal.js';

export default function mockCommand(ctx: Ctx): Command {
  return new Command('mock')
    .description('offline emulators')
    .addCommand(mockGraphCommand(ctx))
    .addCommand(mockPaypalCommand(ctx))
    .addCommand(mockMidasCommand(ctx));
}
