import { Command, Option } from 'commander';
import * as z from 'zod/mini';
import { NetworkError, UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';
import { parseOptions } from '../options.js';
import { addGraphOptions, followUpOptions, getCommand, graphClientFor, graphOptionsShape } from '../graph-options.js';
import { confirmOrAbort, requireYesWhenNotInteractive } from './confirm.js';

export const paymentRefundOptionsSchema = z.object({
  ...graphOptionsShape,
  amount: z.string().check(z.regex(/^\d+(\.\d{1,6})?$/, 'a positive decimal amount such as 1.99')),
  currency: z.string().check(z.regex(/^[A-Za-z]{3}$/, 'a 3-letter ISO currency code such as USD')),
  reason: z.optional(z.enum(['MALICIOUS_FRAUD', 'FRIENDLY_FRAUD', 'CUSTOMER_SERVICE'])),
  yes: z.optional(z.boolean()),
});

export function paymentRefundCommand(ctx: Ctx): Command {
  const cmd = new Command('refund')
    .description('refund a payment (POST /{payment-id}/refunds); checks the refundable amount and currency first')
    .argument('<payment-id>', 'the payment id')
    .requiredOption('--amount <amount>', 'amount to refund, e.g. 1.99 (at most the refundable amount)')
    .requiredOption('--currency <code>', "the payment's currency, e.g. USD")
    .addOption(new Option('--reason <reason>', 'why').choices(['MALICIOUS_FRAUD', 'FRIENDLY_FRAUD', 'CUSTOMER_SERVICE']))
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)');
  addGraphOptions(cmd, 'app');
  return cmd
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay payment refund 1621702554627001 --amount 1.99 --currency USD --reason CUSTOMER_SERVICE
  $ fbpay payment refund 1621702554627001 --amount 0.50 --currency USD --yes --graph-url http://127.0.0.1:4000`,
    )
    .action(async (id: string, options: unknown) => {
      const o = parseOptions(paymentRefundOptionsSchema, options);
      const currency = o.currency.toUpperCase();
      requireYesWhenNotInteractive(ctx, o.yes, `refunding ${o.amount} ${currency} on payment ${id}`);
      const client = await graphClientFor(ctx, o, 'app', 'payment refund');
      const { getPayment, refundPayment } = await import('../../providers/graph/api.js');
      const { refundProblem, compareAmounts } = await import('../../core/facebook/payment.js');
      if (compareAmounts(o.amount, '0') <= 0) throw new UsageError('bad_amount', `refund amount must be more than 0, got ${o.amount}`, { hint: 'pass --amount 1.99' });
      let known = false;
      try {
        const payment = await ctx.spin(`GET /${id}`, () => getPayment(client, id, 'id,refundable_amount,actions'));
        known = true;
        const problem = refundProblem(payment, o.amount, currency);
        if (problem) {
          throw new UsageError('refund_rejected', `${problem}; nothing was sent`, {
            hint: payment.refundable_amount ? `refundable: ${payment.refundable_amount.amount} ${payment.refundable_amount.currency}` : `see \`${getCommand(id, followUpOptions(ctx, o))}\``,
          });
        }
      } catch (e) {
        if (!(e instanceof NetworkError) || !e.code.startsWith('graph_')) throw e;
        ctx.warn(`could not read payment ${id} first (${e.message}); the amount is not checked locally`);
      }
      await confirmOrAbort(ctx, o.yes, `Refund ${o.amount} ${currency} on payment ${id}${o.reason ? ` (${o.reason})` : ''}?`);
      await ctx.spin(`POST /${id}/refunds`, () => refundPayment(client, id, { amount: o.amount, currency, reason: o.reason }));
      if (ctx.opts.json) return ctx.json({ success: true, payment_id: id, amount: o.amount, currency, reason: o.reason ?? null, checked: known });
      ctx.out(`${ctx.chalk.green('refunded')} ${o.amount} ${currency} on payment ${id}${o.reason ? ` (${o.reason})` : ''}`);
      ctx.info(ctx.chalk.dim(`if the app subscribes to payments webhooks, an update (changed_fields: actions) follows; \`${getCommand(id, followUpOptions(ctx, o))}\` shows the new verdict (revoke for a full refund, partial_refund otherwise)`));
    });
}
