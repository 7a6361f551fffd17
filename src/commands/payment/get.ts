import { Command } from 'commander';
import * as z from 'zod/mini';
import type { Ctx } from '../../ui/context.js';
import { parseOptions } from '../options.js';
import { addGraphOptions, followUpOptions, graphClientFor, graphOptionsShape } from '../graph-options.js';

export const paymentGetOptionsSchema = z.object({ ...graphOptionsShape, fields: z.optional(z.string()) });

export function paymentGetCommand(ctx: Ctx): Command {
  const cmd = new Command('get')
    .description('fetch a payment (GET /{payment-id}) and say what to do: fulfil, revoke, partial_refund, restore, wait or none')
    .argument('<payment-id>', 'the payment id (from the Pay Dialog response, a webhook entry id, or a signed_request)')
    .option('--fields <list>', 'comma-separated fields to ask for (default: all fbpay knows)');
  addGraphOptions(cmd, 'app');
  return cmd
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay payment get 1621702554627001 --app-id "$FB_APP_ID" --secret "$FB_APP_SECRET"
  $ fbpay payment get 1621702554627001 --graph-url http://127.0.0.1:4000 --json
  $ fbpay payment get 1621702554627001 --appsecret-proof --fields id,actions,disputes`,
    )
    .action(async (id: string, options: unknown) => {
      const o = parseOptions(paymentGetOptionsSchema, options);
      const client = await graphClientFor(ctx, o, 'app', 'payment get');
      const { getPayment, PAYMENT_FIELDS } = await import('../../providers/graph/api.js');
      const { verdict } = await import('../../core/facebook/payment.js');
      const payment = await ctx.spin(`GET /${id}`, () => getPayment(client, id, o.fields ?? PAYMENT_FIELDS));
      const v = verdict(payment, { followUpOptions: followUpOptions(ctx, o) });
      if (ctx.opts.json) return ctx.json({ payment, verdict: { action: v.action, reason: v.reason, ...(v.refunded ? { refunded: v.refunded } : {}) } });
      const { renderPayment } = await import('./render.js');
      ctx.out(await renderPayment(ctx, payment, v));
    });
}
