import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import { parseNow } from '../../core/parse.js';
import { paypalTime, signPaypalWebhook } from '../../core/paypal/sign.js';
import type { Ctx } from '../../ui/context.js';
import { parseOptions } from '../options.js';
import { readDelivery, readPem } from './inputs.js';

export const DEFAULT_TEST_CERT_URL = 'http://127.0.0.1/certs/fbpay-test';

export const paypalSignOptionsSchema = z.object({
  body: z.string().check(z.minLength(1)),
  webhookId: z.optional(z.string()),
  key: z.string().check(z.minLength(1)),
  certUrl: z.optional(z.string()),
  transmissionId: z.optional(z.string()),
  time: z.optional(z.string()),
  curl: z.optional(z.string()),
});

export function paypalSignCommand(ctx: Ctx): Command {
  return new Command('sign')
    .description('print the PAYPAL-* headers that make a body a genuine delivery for your test key')
    .requiredOption('--body <file|->', 'the raw webhook body (- for stdin); signed exactly as read')
    .requiredOption('--key <pem>', 'the RSA private key (make one with `fbpay paypal keygen`)')
    .option('--webhook-id <id>', 'the webhook id to sign for (or PAYPAL_WEBHOOK_ID)')
    .option('--cert-url <url>', `PAYPAL-CERT-URL: where receivers fetch the certificate (default ${DEFAULT_TEST_CERT_URL})`)
    .option('--transmission-id <id>', 'PAYPAL-TRANSMISSION-ID (default: a fresh UUID)')
    .option('--time <ISO|unix>', 'PAYPAL-TRANSMISSION-TIME (default: now; an ISO value is used verbatim)')
    .option('--curl <url>', 'print a curl command that sends the signed body to <url>')
    .addHelpText(
      'after',
      `
For local test deliveries only: receivers must trust your certificate (e.g. fetch it from a loopback
--cert-url they allow). PayPal's own deliveries are signed by PayPal's key.

Examples:
  $ fbpay paypal keygen --out ./paypal-test
  $ fbpay paypal sign --body body.json --key paypal-test/key.pem --webhook-id 4JH86294D6297924G
  $ fbpay paypal sign --body body.json --key key.pem --webhook-id WH1 --cert-url http://127.0.0.1:8090/cert.pem --curl http://127.0.0.1:3000/paypal`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(paypalSignOptionsSchema, raw);
      const webhookId = await ctx.requireSetting('paypalWebhookId', o.webhookId, 'PayPal webhook id');
      const keyPem = await readPem(ctx, o.key, '--key');
      const { body } = await readDelivery(ctx, o.body);
      const time = o.time === undefined ? undefined : /^\d+$/.test(o.time.trim()) ? paypalTime(parseNow(o.time, '--time')) : o.time;
      if (time !== undefined && !Number.isFinite(Date.parse(time))) throw new UsageError('bad_time', `--time must be unix seconds or an ISO date, got "${time.slice(0, 40)}"`);
      if (o.certUrl === undefined) ctx.warn(`PAYPAL-CERT-URL is ${DEFAULT_TEST_CERT_URL}; pass --cert-url where your receiver can fetch cert.pem`);
      const s = signPaypalWebhook({ body, webhookId, key: keyPem, certUrl: o.certUrl ?? DEFAULT_TEST_CERT_URL, transmissionId: o.transmissionId, transmissionTime: time });
      if (ctx.opts.json) {
        ctx.json({ headers: s.headers, crc32: s.crc, signed_string: s.signedString, webhook_id: webhookId, ...(o.curl ? { curl: curlCommand(o.curl, s.headers, o.body, body) } : {}) });
        return;
      }
      if (o.curl) {
        ctx.out(curlCommand(o.curl, s.headers, o.body, body));
        return;
      }
      for (const [k, v] of Object.entries(s.headers)) ctx.out(`${k}: ${v}`);
      ctx.info(ctx.chalk.dim(`signed string: ${s.signedString}`));
    });
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function curlCommand(url: string, headers: Record<string, string>, bodySpec: string, body: Buffer): string {
  const lines = [`curl -sS -X POST ${shq(url)}`, `-H 'Content-Type: application/json'`, ...Object.entries(headers).map(([k, v]) => `-H ${shq(`${k}: ${v}`)}`)];
  lines.push(bodySpec === '-' ? `--data-binary ${shq(body.toString('utf8'))}` : `--data-binary @${shq(bodySpec)}`);
  return lines.join(' \\\n  ');
}
