import { Command, Option } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';
import { parseOptions } from '../options.js';
import { addGraphOptions, followUpOptions, getCommand, graphClientFor, graphOptionsShape } from '../graph-options.js';
import { confirmOrAbort, requireYesWhenNotInteractive } from './confirm.js';

export const paymentDisputeOptionsSchema = z.object({
  ...graphOptionsShape,
  reason: z.enum(['GRANTED_REPLACEMENT_ITEM', 'DENIED_REFUND', 'BANNED_USER']),
  yes: z.optional(z.boolean()),
});

export function paymentDisputeCommand(ctx: Ctx): Command {
  const cmd = new Command('dispute')
    .description('settle a pending dispute (POST /{payment-id}/dispute)')
    .argument('<payment-id>', 'the disputed payment id')
    .addOption(new Option('--reason <reason>', 'how you settled it').choices(['GRANTED_REPLACEMENT_ITEM', 'DENIED_REFUND', 'BANNED_USER']).makeOptionMandatory())
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)');
  addGraphOptions(cmd, 'app');
  return cmd
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay payment dispute 1621702554627001 --reason GRANTED_REPLACEMENT_ITEM
  $ fbpay payment dispute 1621702554627001 --reason DENIED_REFUND --yes --graph-url http://127.0.0.1:4000`,
    )
    .action(async (id: string, options: unknown) => {
      const o = parseOptions(paymentDisputeOptionsSchema, options);
      requireYesWhenNotInteractive(ctx, o.yes, `settling the dispute on payment ${id}`);
      const client = await graphClientFor(ctx, o, 'app', 'payment dispute');
      const { getPayment, disputePayment } = await import('../../providers/graph/api.js');
      const payment = await ctx.spin(`GET /${id}`, () => getPayment(client, id, 'id,disputes'));
      if (!(payment.disputes ?? []).some((d) => d.status === 'pending')) {
        throw new UsageError('no_pending_dispute', `payment ${id} has no pending dispute; nothing was sent`, { hint: `see \`${getCommand(id, followUpOptions(ctx, o))}\`` });
      }
      await confirmOrAbort(ctx, o.yes, `Settle the dispute on payment ${id} as ${o.reason}?`);
      await ctx.spin(`POST /${id}/dispute`, () => disputePayment(client, id, o.reason));
      if (ctx.opts.json) return ctx.json({ success: true, payment_id: id, reason: o.reason });
      ctx.out(`${ctx.chalk.green('dispute settled')} on payment ${id}: ${o.reason}`);
    });
}
