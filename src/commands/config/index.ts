import { Command } from 'commander';
import type { Ctx } from '../../ui/context.js';
import { configShowCommand } from './show.js';

export default function configCommand(ctx: Ctx): Command {
  return new Command('config').description('settings: flag > env > config file > default').addCommand(configShowCommand(ctx));
}
