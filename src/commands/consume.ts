import { Command } from 'commander';
import * as z from 'zod/mini';
import type { Ctx } from '../ui/context.js';
import { parseOptions } from './options.js';
import { addGraphOptions, assertUserToken, graphClientFor, graphOptionsShape } from './graph-options.js';

export const consumeOptionsSchema = z.object({ ...graphOptionsShape });

export default function consumeCommand(ctx: Ctx): Command {
  const cmd = new Command('consume')
    .description("consume a Payments Lite purchase (POST /{purchase_token}/consume) with the buyer's USER access token")
    .argument('<purchase_token>', 'from the Pay Dialog response, the signed_request, or `fbpay purchases`');
  addGraphOptions(cmd, 'user');
  return cmd
    .addHelpText(
      'after',
      `
Why: until a consumable purchase is consumed, buying the same product again fails with 1383001.
The call needs the buyer's user token (FB.getLoginStatus in the client), never APP_ID|APP_SECRET.

Examples:
  $ fbpay consume 2365655713542659 --access-token "$USER_TOKEN"
  $ fbpay consume 2365655713542659 --access-token "$USER_TOKEN" --graph-url http://127.0.0.1:4000 --json`,
    )
    .action(async (purchaseToken: string, options: unknown) => {
      const o = parseOptions(consumeOptionsSchema, options);
      if (o.accessToken) assertUserToken(o.accessToken, 'consume');
      const client = await graphClientFor(ctx, o, 'user', 'consume');
      const { consumePurchase } = await import('../providers/graph/api.js');
      await ctx.spin(`POST /${purchaseToken}/consume`, () => consumePurchase(client, purchaseToken));
      if (ctx.opts.json) return ctx.json({ success: true });
      ctx.out(`${ctx.chalk.green('consumed')} purchase ${purchaseToken}: the user can buy this product again`);
    });
}
