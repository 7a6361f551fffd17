import { Command } from 'commander';
import type { Ctx } from '../../ui/context.js';
import { paymentGetCommand } from './get.js';
import { paymentRefundCommand } from './refund.js';
import { paymentDisputeCommand } from './dispute.js';

export default function paymentCommand(ctx: Ctx): Command {
  return new Command('payment')
    .description('Graph API payment object: get (with a verdict), refund, dispute')
    .addCommand(paymentGetCommand(ctx))
    .addCommand(paymentRefundCommand(ctx))
    .addCommand(paymentDisputeCommand(ctx));
}
