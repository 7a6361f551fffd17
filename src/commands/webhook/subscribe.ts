import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';
import { parseOptions } from '../options.js';
import { addGraphOptions, appIdFor, graphClientFor, graphOptionsShape } from '../graph-options.js';

export const webhookSubscribeOptionsSchema = z.object({
  ...graphOptionsShape,
  callbackUrl: z.string().check(z.minLength(1)),
  verifyToken: z.optional(z.string()),
  fields: z.string(),
  object: z.string(),
});

/** `--fields actions,disputes` → ['actions', 'disputes']; empty entries refused. */
export function fieldList(text: string, flag = '--fields'): string[] {
  const fields = text.split(',').map((f) => f.trim());
  if (!fields.length || fields.some((f) => !/^[a-z_]+$/.test(f))) throw new UsageError('bad_option', `invalid ${flag} "${text.slice(0, 60)}"`, { hint: `a comma-separated list of field names, e.g. ${flag} actions,disputes` });
  return [...new Set(fields)];
}

export function webhookSubscribeCommand(ctx: Ctx): Command {
  const cmd = new Command('subscribe')
    .description("subscribe the app's webhook callback (POST /{app-id}/subscriptions): Facebook verifies it with hub.challenge first")
    .requiredOption('--callback-url <url>', 'your webhook endpoint (it must answer the hub.challenge handshake)')
    .option('--verify-token <token>', 'the verify token your endpoint expects (FB_VERIFY_TOKEN)')
    .option('--fields <list>', 'fields to subscribe to', 'actions,disputes')
    .option('--object <object>', 'the object to subscribe to', 'payments');
  addGraphOptions(cmd, 'app');
  return cmd
    .addHelpText(
      'after',
      `
Why: Facebook sends payments updates only to a subscribed callback, and saves the subscription only
after the callback echoed hub.challenge; a refusal is Graph error 2200 or 2201.

Examples:
  $ fbpay webhook subscribe --callback-url https://example.com/fb/webhook --verify-token "$FB_VERIFY_TOKEN" --app-id "$FB_APP_ID" --secret "$FB_APP_SECRET"
  $ fbpay webhook subscribe --callback-url http://127.0.0.1:3000/webhook --verify-token my-token --graph-url http://127.0.0.1:4000 --fields actions`,
    )
    .action(async (options: unknown) => {
      const o = parseOptions(webhookSubscribeOptionsSchema, options);
      const fields = fieldList(o.fields);
      try {
        const u = new URL(o.callbackUrl);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      } catch {
        throw new UsageError('bad_url', `invalid --callback-url "${o.callbackUrl.slice(0, 200)}"`, { hint: 'e.g. https://example.com/fb/webhook' });
      }
      const verifyToken = await ctx.requireSetting('verifyToken', o.verifyToken, 'verify token');
      const client = await graphClientFor(ctx, o, 'app', 'subscriptions');
      const appId = await appIdFor(ctx, o);
      const { subscribeWebhook } = await import('../../providers/graph/api.js');
      await ctx.spin(`POST /${appId}/subscriptions`, () => subscribeWebhook(client, appId, { object: o.object, callbackUrl: o.callbackUrl, verifyToken, fields }));
      if (ctx.opts.json) return ctx.json({ success: true, subscription: { object: o.object, callback_url: o.callbackUrl, fields } });
      ctx.out(`${ctx.chalk.green('✓')} subscribed ${o.callbackUrl} to ${o.object} (${fields.join(', ')}): the callback answered the hub.challenge handshake`);
    });
}
