import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';
import { parseOptions } from '../options.js';
import { addGraphOptions, appIdFor, graphClientFor, graphOptionsShape } from '../graph-options.js';

export const productsCreateOptionsSchema = z.object({
  ...graphOptionsShape,
  productId: z.string().check(z.minLength(1)),
  price: z.string(),
  currency: z.string(),
  title: z.optional(z.string()),
  description: z.optional(z.string()),
});

export function productsCreateCommand(ctx: Ctx): Command {
  const cmd = new Command('create')
    .description('create (or replace) a product (POST /{app-id}/products)')
    .requiredOption('--product-id <id>', 'the product id the Pay Dialog and purchases name')
    .requiredOption('--price <amount>', 'a decimal amount, e.g. 0.99')
    .option('--currency <code>', 'ISO 4217 currency', 'USD')
    .option('--title <text>', 'the title buyers see (default: the id)')
    .option('--description <text>', 'the description (default: the title)');
  addGraphOptions(cmd, 'app');
  return cmd
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay products create --product-id gems_1000 --price 9.99 --title "1000 gems" --graph-url http://127.0.0.1:4000`,
    )
    .action(async (options: unknown) => {
      const o = parseOptions(productsCreateOptionsSchema, options);
      if (!/^\d+(\.\d{1,2})?$/.test(o.price)) throw new UsageError('bad_option', `invalid --price "${o.price.slice(0, 40)}"`, { hint: 'a decimal amount with at most 2 decimals, e.g. 0.99' });
      const currency = o.currency.toUpperCase();
      if (!/^[A-Z]{3}$/.test(currency)) throw new UsageError('bad_option', `invalid --currency "${o.currency.slice(0, 20)}"`, { hint: 'an ISO 4217 code, e.g. USD' });
      const client = await graphClientFor(ctx, o, 'app', 'products');
      const appId = await appIdFor(ctx, o);
      const { createProduct } = await import('../../providers/graph/api.js');
      const product = await ctx.spin(`POST /${appId}/products`, () => createProduct(client, appId, { productId: o.productId, title: o.title, description: o.description, price: o.price, currency }));
      if (ctx.opts.json) return ctx.json({ product });
      ctx.out(`${ctx.chalk.green('✓')} product ${product.product_id} (${product.title ?? product.product_id}, ${o.price} ${currency})`);
    });
}
