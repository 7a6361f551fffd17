import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../core/errors.js';
import type { Ctx } from '../ui/context.js';
import { intOption, parseOptions } from './options.js';

export const triggerOptionsSchema = z.object({
  emulator: z.optional(z.string()),
  timeout: z.number(),
  allowRemote: z.optional(z.boolean()),
});

/**
 * `fbpay trigger <event> --emulator <url> [k=v…] [--key value…]` — Stripe's `trigger`, for our
 * emulators: the emulator makes the change, then reports every webhook delivery it caused.
 */
export default function triggerCommand(ctx: Ctx): Command {
  return new Command('trigger')
    .description('cause a state change on a running emulator (mock graph|paypal|midas) and report the webhooks it sent')
    .argument('<event>', 'fb-…, paypal-… or midas-… (see below)')
    .argument('[params...]', 'event parameters as k=v (or --key value)')
    .option('--emulator <url>', 'the emulator (FBPAY_EMULATOR_URL)')
    .option('--timeout <ms>', 'how long to wait for the change and its webhook deliveries (retries included)', intOption('--timeout', { min: 1, max: 3_600_000 }), 120_000)
    .option('--allow-remote', 'allow an emulator that is not on loopback')
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
Why: one command drives the emulator the way the provider would, and shows whether your receiver
accepted every webhook the change caused.

Events (the emulator's provider must match the prefix; GET /_fbpay/info lists what it accepts):
  Facebook (mock graph):  fb-purchase fb-charge fb-refund fb-chargeback fb-chargeback-reversal fb-decline fb-dispute
  PayPal (mock paypal):   paypal-subscription-create paypal-subscription-approve paypal-subscription-renew
                          paypal-subscription-payment-failed paypal-subscription-suspend paypal-subscription-reactivate
                          paypal-subscription-cancel paypal-sale-refund paypal-sale-reverse paypal-dispute
  Midas (mock midas):     midas-pay midas-present

Exit: 0 every delivery accepted · 1 a delivery was not accepted · 2 usage · 3 emulator unreachable.

Examples:
  $ fbpay mock graph --port 4000 --webhook-url http://127.0.0.1:3000/webhook &
  $ fbpay trigger fb-purchase --emulator http://127.0.0.1:4000
  $ fbpay trigger fb-refund --emulator http://127.0.0.1:4000 payment="$PAYMENT_ID" amount=0.50
  $ fbpay trigger paypal-subscription-approve --emulator http://127.0.0.1:4100 --subscription "$SUBSCRIPTION_ID"
  $ FBPAY_EMULATOR_URL=http://127.0.0.1:4100 fbpay trigger midas-pay --token "$TOKEN" --json`,
    )
    .action(async (event: string, rest: string[], options: unknown) => {
      const o = parseOptions(triggerOptionsSchema, options);
      const url = o.emulator ?? ctx.io.env.FBPAY_EMULATOR_URL;
      if (!url) throw new UsageError('missing_emulator', 'which emulator? no --emulator given', { hint: 'pass --emulator http://127.0.0.1:PORT or set FBPAY_EMULATOR_URL' });
      const { assertTargetAllowed } = await import('../transport/http.js');
      assertTargetAllowed(url, Boolean(o.allowRemote));
      const params = triggerParams(rest);
      const { triggerEvent } = await import('../providers/emulator/trigger-client.js');
      const result = await ctx.spin(`${event} on ${url}`, () => triggerEvent(url, event, params, { timeoutMs: o.timeout, signal: ctx.signal }));
      const failed = result.deliveries.filter((d) => !d.ok);
      if (failed.length) ctx.exitCode = 1;
      if (ctx.opts.json) return ctx.json(result);
      const { renderTrigger } = await import('../ui/render/trigger.js');
      await renderTrigger(ctx, result);
    });
}

/** `k=v` operands and `--key value` / `--key=value` pairs (commander leaves unknown options in the operands). */
export function triggerParams(rest: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const opt = /^--([A-Za-z0-9][\w.-]*)(?:=(.*))?$/s.exec(a);
    if (opt) {
      const key = opt[1].replace(/-/g, '_');
      if (opt[2] !== undefined) params[key] = opt[2];
      else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) params[key] = rest[++i];
      else throw new UsageError('bad_param', `--${opt[1]} needs a value`, { hint: `--${opt[1]} <value> or ${key}=<value>` });
      continue;
    }
    const kv = /^([A-Za-z0-9][\w.-]*)=(.*)$/s.exec(a);
    if (!kv) throw new UsageError('bad_param', `"${a.slice(0, 60)}" is not a k=v parameter`, { hint: 'event parameters are key=value (e.g. payment=123 amount=0.50) or --key value' });
    params[kv[1]] = kv[2];
  }
  return params;
}
