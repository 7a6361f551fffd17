import { Command } from 'commander';
import * as z from 'zod/mini';
import type { Ctx } from '../../ui/context.js';
import { parseOptions } from '../options.js';
import { addGraphOptions, appIdFor, graphClientFor, graphOptionsShape } from '../graph-options.js';
import { fieldList } from './subscribe.js';

export const webhookUnsubscribeOptionsSchema = z.object({ ...graphOptionsShape, object: z.optional(z.string()), fields: z.optional(z.string()) });

export function webhookUnsubscribeCommand(ctx: Ctx): Command {
  const cmd = new Command('unsubscribe')
    .description("remove the app's webhook subscriptions (DELETE /{app-id}/subscriptions): all, one --object, or some --fields of it")
    .option('--object <object>', 'only this object (e.g. payments); default: every subscription')
    .option('--fields <list>', 'only these fields of --object; the subscription goes when none is left');
  addGraphOptions(cmd, 'app');
  return cmd
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay webhook unsubscribe --object payments --app-id "$FB_APP_ID" --secret "$FB_APP_SECRET"
  $ fbpay webhook unsubscribe --object payments --fields disputes --graph-url http://127.0.0.1:4000`,
    )
    .action(async (options: unknown) => {
      const o = parseOptions(webhookUnsubscribeOptionsSchema, options);
      const fields = o.fields === undefined ? undefined : fieldList(o.fields);
      if (fields && !o.object) {
        const { UsageError } = await import('../../core/errors.js');
        throw new UsageError('bad_option', '--fields needs --object', { hint: 'e.g. --object payments --fields disputes' });
      }
      const client = await graphClientFor(ctx, o, 'app', 'subscriptions');
      const appId = await appIdFor(ctx, o);
      const { unsubscribeWebhook } = await import('../../providers/graph/api.js');
      await ctx.spin(`DELETE /${appId}/subscriptions`, () => unsubscribeWebhook(client, appId, { object: o.object, fields }));
      const what = fields ? `fields ${fields.join(', ')} of ${o.object}` : o.object ? `the ${o.object} subscription` : 'every subscription';
      if (ctx.opts.json) return ctx.json({ success: true, object: o.object ?? null, fields: fields ?? null });
      ctx.out(`${ctx.chalk.green('✓')} removed ${what}`);
    });
}
