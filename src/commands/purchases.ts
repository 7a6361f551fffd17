import { Command } from 'commander';
import * as z from 'zod/mini';
import { FbpayError } from '../core/errors.js';
import type { Ctx } from '../ui/context.js';
import { renderTable } from '../ui/table.js';
import { parseOptions } from './options.js';
import { addGraphOptions, graphClientFor, graphOptionsShape } from './graph-options.js';

export const purchasesOptionsSchema = z.object({ ...graphOptionsShape, consumeAll: z.optional(z.boolean()) });

export default function purchasesCommand(ctx: Ctx): Command {
  const cmd = new Command('purchases')
    .description("list the buyer's unconsumed Payments Lite purchases (GET /app/purchases); --consume-all consumes them")
    .option('--consume-all', 'consume every listed purchase and report each');
  addGraphOptions(cmd, 'user');
  return cmd
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay purchases --access-token "$USER_TOKEN"
  $ fbpay purchases --access-token "$USER_TOKEN" --consume-all --json
  $ fbpay purchases --graph-url http://127.0.0.1:4000 --access-token "$USER_TOKEN"`,
    )
    .action(async (options: unknown) => {
      const o = parseOptions(purchasesOptionsSchema, options);
      const client = await graphClientFor(ctx, o, 'user', 'purchases');
      const { listPurchases, consumePurchase } = await import('../providers/graph/api.js');
      const purchases = await ctx.spin('GET /app/purchases', () => listPurchases(client));
      const consumed: Array<{ purchase_token: string; success: boolean; error?: { code: string; message: string } }> = [];
      if (o.consumeAll) {
        for (const p of purchases) {
          try {
            await consumePurchase(client, p.purchase_token);
            consumed.push({ purchase_token: p.purchase_token, success: true });
          } catch (e) {
            if (!(e instanceof FbpayError) || e.exitCode === 130) throw e;
            consumed.push({ purchase_token: p.purchase_token, success: false, error: { code: e.code, message: e.message } });
            ctx.exitCode = Math.max(ctx.exitCode, e.exitCode);
          }
        }
      }
      if (ctx.opts.json) return ctx.json(o.consumeAll ? { purchases, consumed } : { purchases });
      if (!purchases.length) {
        ctx.out('no unconsumed purchases: the user can buy any product');
        return;
      }
      const when = (t: unknown) => (typeof t === 'number' ? new Date(t * 1000).toISOString().replace('.000Z', 'Z') : '');
      ctx.out(
        await renderTable(
          ['purchase_token', 'product_id', 'payment_id', 'purchase_time', 'developer_payload', ...(o.consumeAll ? ['consumed'] : [])],
          purchases.map((p, i) => [
            p.purchase_token,
            String(p.product_id ?? ''),
            String(p.payment_id ?? ''),
            when(p.purchase_time),
            String(p.developer_payload ?? ''),
            ...(o.consumeAll ? [consumed[i]?.success ? ctx.chalk.green('yes') : ctx.chalk.red(`no: ${consumed[i]?.error?.message ?? ''}`)] : []),
          ]),
          // Tokens, ids and times are copied, never cut; the free-text payload (and a consume error) give way.
          { width: ctx.columns, flex: o.consumeAll ? [5, 4] : [4] },
        ),
      );
      if (!o.consumeAll) ctx.info(ctx.chalk.dim(`${purchases.length} unconsumed: buying these products again fails with 1383001 until each is consumed (--consume-all)`));
    });
}
