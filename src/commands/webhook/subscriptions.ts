import { Command } from 'commander';
import * as z from 'zod/mini';
import type { Ctx } from '../../ui/context.js';
import { renderTable } from '../../ui/table.js';
import { parseOptions } from '../options.js';
import { addGraphOptions, appIdFor, graphClientFor, graphOptionsShape } from '../graph-options.js';

export const webhookSubscriptionsOptionsSchema = z.object({ ...graphOptionsShape });

export function webhookSubscriptionsCommand(ctx: Ctx): Command {
  const cmd = new Command('subscriptions').description("list the app's webhook subscriptions (GET /{app-id}/subscriptions)");
  addGraphOptions(cmd, 'app');
  return cmd
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay webhook subscriptions --app-id "$FB_APP_ID" --secret "$FB_APP_SECRET"
  $ fbpay webhook subscriptions --graph-url http://127.0.0.1:4000 --json`,
    )
    .action(async (options: unknown) => {
      const o = parseOptions(webhookSubscriptionsOptionsSchema, options);
      const client = await graphClientFor(ctx, o, 'app', 'subscriptions');
      const appId = await appIdFor(ctx, o);
      const { listSubscriptions } = await import('../../providers/graph/api.js');
      const subscriptions = await ctx.spin(`GET /${appId}/subscriptions`, () => listSubscriptions(client, appId));
      if (ctx.opts.json) return ctx.json({ subscriptions });
      if (!subscriptions.length) {
        ctx.out('no webhook subscriptions: Facebook sends this app no updates; subscribe a callback with `fbpay webhook subscribe --callback-url "$CALLBACK_URL" --verify-token "$FB_VERIFY_TOKEN"`');
        return;
      }
      ctx.out(
        await renderTable(
          ['object', 'callback_url', 'fields', 'active'],
          subscriptions.map((s) => [s.object, s.callback_url, s.fields.map((f) => f.name).join(', '), s.active ? 'yes' : 'no']),
          { width: ctx.columns },
        ),
      );
    });
}
