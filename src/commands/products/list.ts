import { Command } from 'commander';
import * as z from 'zod/mini';
import type { Ctx } from '../../ui/context.js';
import { renderTable } from '../../ui/table.js';
import { parseOptions } from '../options.js';
import { addGraphOptions, appIdFor, graphClientFor, graphOptionsShape } from '../graph-options.js';

export const productsListOptionsSchema = z.object({ ...graphOptionsShape });

export function productsListCommand(ctx: Ctx): Command {
  const cmd = new Command('list').description("list the app's products (GET /{app-id}/products, every page)");
  addGraphOptions(cmd, 'app');
  return cmd
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay products list --app-id "$FB_APP_ID" --secret "$FB_APP_SECRET"
  $ fbpay products list --graph-url http://127.0.0.1:4000 --json`,
    )
    .action(async (options: unknown) => {
      const o = parseOptions(productsListOptionsSchema, options);
      const client = await graphClientFor(ctx, o, 'app', 'products');
      const appId = await appIdFor(ctx, o);
      const { listProducts } = await import('../../providers/graph/api.js');
      const products = await ctx.spin(`GET /${appId}/products`, () => listProducts(client, appId));
      if (ctx.opts.json) return ctx.json({ products });
      if (!products.length) {
        ctx.out('no products');
        return;
      }
      ctx.out(
        await renderTable(
          ['product_id', 'title', 'price', 'currency'],
          products.map((p) => [p.product_id, String(p.title ?? ''), String(p.price_amount ?? p.price ?? ''), String(p.price_currency_code ?? '')]),
          { width: ctx.columns },
        ),
      );
    });
}
