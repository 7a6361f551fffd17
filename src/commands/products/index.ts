import { Command } from 'commander';
import type { Ctx } from '../../ui/context.js';
import { productsListCommand } from './list.js';
import { productsCreateCommand } from './create.js';

export default function productsCommand(ctx: Ctx): Command {
  return new Command('products')
    .description("the app's in-app products (/{app-id}/products): list, create")
    .addCommand(productsListCommand(ctx))
    .addCommand(productsCreateCommand(ctx));
}
