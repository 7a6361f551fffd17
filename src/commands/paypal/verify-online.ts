import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import { readTransmission } from '../../core/paypal/headers.js';
import type { Ctx } from '../../ui/context.js';
import { intOption, parseOptions } from '../options.js';
import { readDelivery } from './inputs.js';

export const paypalVerifyOnlineOptionsSchema = z.object({
  body: z.string().check(z.minLength(1)),
  headers: z.string().check(z.minLength(1)),
  webhookId: z.optional(z.string()),
  clientId: z.optional(z.string()),
  clientSecret: z.optional(z.string()),
  apiUrl: z.optional(z.string()),
  baseUrl: z.optional(z.string()),
  timeout: z.number(),
});

export function paypalVerifyOnlineCommand(ctx: Ctx): Command {
  return new Command('verify-online')
    .description("ask PayPal's verify-webhook-signature API (OAuth token, then the raw body as webhook_event)")
    .requiredOption('--body <file|->', 'the raw webhook body (- for stdin); sent verbatim')
    .requiredOption('--headers <file|->', 'the request headers: a JSON object or "Name: value" lines')
    .option('--webhook-id <id>', 'your webhook id (or PAYPAL_WEBHOOK_ID)')
    .option('--client-id <id>', 'REST app client id (or PAYPAL_CLIENT_ID)')
    .option('--client-secret <secret>', 'REST app secret (or PAYPAL_CLIENT_SECRET)')
    .option('--api-url <url>', 'API base URL: https://api-m.sandbox.paypal.com (default) or https://api-m.paypal.com')
    .option('--base-url <url>', 'the same as --api-url, e.g. a `fbpay mock paypal` at http://127.0.0.1:4100')
    .option('--timeout <ms>', 'per-request timeout', intOption('--timeout', { min: 1 }), 15_000)
    .addHelpText(
      'after',
      `
Exit 0 SUCCESS · 1 FAILURE · 2 bad input · 3 network or API error. Simulator deliveries (webhook id
WEBHOOK_ID) cannot be verified this way: use \`fbpay paypal verify\`.

Examples:
  $ fbpay paypal verify-online --body body.json --headers headers.txt --webhook-id 8PT597110X687430LKGECATA
  $ fbpay paypal verify-online --body body.json --headers h.json --api-url https://api-m.paypal.com --json
  $ fbpay paypal verify-online --body body.json --headers headers.txt --webhook-id WH1 --base-url http://127.0.0.1:4100 --client-id fbpay-emulator-client-id --client-secret fbpay-emulator-client-secret`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(paypalVerifyOnlineOptionsSchema, raw);
      if (o.apiUrl !== undefined && o.baseUrl !== undefined && o.apiUrl !== o.baseUrl) {
        throw new UsageError('bad_option', `--api-url ${o.apiUrl} and --base-url ${o.baseUrl} name two APIs (--base-url is another name for --api-url)`, { hint: 'pass one of them' });
      }
      const apiUrl = o.apiUrl ?? o.baseUrl;
      const webhookId = await ctx.requireSetting('paypalWebhookId', o.webhookId, 'PayPal webhook id');
      const clientId = await ctx.requireSetting('paypalClientId', o.clientId, 'PayPal client id');
      const clientSecret = await ctx.requireSetting('paypalClientSecret', o.clientSecret, 'PayPal client secret');
      const d = await readDelivery(ctx, o.body, o.headers);
      if (webhookId === 'WEBHOOK_ID') ctx.warn('WEBHOOK_ID is the simulator\'s webhook id: PayPal\'s API answers FAILURE for simulator deliveries; use `fbpay paypal verify`');
      const { verifyWebhookOnline } = await import('../../providers/paypal/verify-online.js');
      const r = await ctx.spin('asking PayPal', () =>
        verifyWebhookOnline({ apiUrl, clientId, clientSecret, webhookId, transmission: readTransmission(d.headers), body: d.body, signal: ctx.signal, timeoutMs: o.timeout }),
      );
      const ok = r.verificationStatus === 'SUCCESS';
      if (!ok) ctx.exitCode = 1;
      if (ctx.opts.json) {
        ctx.json({ valid: ok, verification_status: r.verificationStatus, webhook_id: webhookId, api_url: r.apiUrl, debug_id: r.debugId ?? null });
        return;
      }
      ctx.out(ok ? ctx.chalk.green(r.verificationStatus) : ctx.chalk.red(r.verificationStatus));
      if (!ok) ctx.info('PayPal says the delivery is not genuine for this webhook id; `fbpay paypal verify` shows which check fails');
      if (r.debugId) ctx.verbose(`paypal-debug-id ${r.debugId}`);
    });
}
