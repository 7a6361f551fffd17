import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import { readTransmission } from '../../core/paypal/headers.js';
import { paypalSignedString } from '../../core/paypal/signed-string.js';
import type { Ctx } from '../../ui/context.js';
import { parseOptions } from '../options.js';
import { readDelivery } from './inputs.js';

export const paypalExpectedOptionsSchema = z.object({
  body: z.string().check(z.minLength(1)),
  headers: z.string().check(z.minLength(1)),
  webhookId: z.optional(z.string()),
});

export function paypalExpectedCommand(ctx: Ctx): Command {
  return new Command('expected')
    .description('print the crc32 of the raw body and the exact string PayPal signs')
    .requiredOption('--body <file|->', 'the raw webhook body (- for stdin)')
    .requiredOption('--headers <file|->', 'the request headers: a JSON object or "Name: value" lines')
    .option('--webhook-id <id>', 'your webhook id (or PAYPAL_WEBHOOK_ID; the simulator uses WEBHOOK_ID)')
    .addHelpText(
      'after',
      `
The signed string is transmission_id|transmission_time|webhook_id|crc32(raw body), crc32 as an
unsigned decimal. Compare it with what your own code builds.

Examples:
  $ fbpay paypal expected --body body.json --headers headers.txt --webhook-id 4JH86294D6297924G
  $ cat body.json | fbpay paypal expected --body - --headers headers.json --webhook-id WEBHOOK_ID --json`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(paypalExpectedOptionsSchema, raw);
      const webhookId = await ctx.requireSetting('paypalWebhookId', o.webhookId, 'PayPal webhook id');
      const d = await readDelivery(ctx, o.body, o.headers);
      const t = readTransmission(d.headers);
      const missing = [!t.transmissionId && 'PAYPAL-TRANSMISSION-ID', !t.transmissionTime && 'PAYPAL-TRANSMISSION-TIME'].filter(Boolean);
      if (missing.length) throw new UsageError('missing_header', `the headers lack ${missing.join(' and ')}`, { hint: 'pass the delivery\'s request headers with --headers' });
      const { crc, signedString } = paypalSignedString({ transmissionId: t.transmissionId!, transmissionTime: t.transmissionTime!, webhookId, body: d.body });
      if (ctx.opts.json) {
        ctx.json({ crc32: crc, signed_string: signedString, transmission_id: t.transmissionId, transmission_time: t.transmissionTime, webhook_id: webhookId, body_bytes: d.body.length });
        return;
      }
      ctx.out(`crc32:         ${crc}`);
      ctx.out(`signed string: ${signedString}`);
      ctx.info(ctx.chalk.dim(`(crc32 over ${d.body.length} raw body bytes; webhook id ${webhookId})`));
    });
}
