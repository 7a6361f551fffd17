import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';
import { collect, intOption, parseOptions } from '../options.js';
import { runEmulatorCommand, withEmulatorOptions } from './run.js';

export const mockPaypalOptionsSchema = z.object({
  port: z.number(),
  host: z.string(),
  retrySchedule: z.optional(z.string()),
  clientId: z.optional(z.string()),
  clientSecret: z.optional(z.string()),
  webhookUrl: z.optional(z.string()),
  webhookId: z.optional(z.string()),
  eventTypes: z.array(z.string()),
  tokenTtl: z.number(),
  tls: z.optional(z.boolean()),
  pkiDir: z.optional(z.string()),
  allowRemote: z.optional(z.boolean()),
});

/** PayPal's retry schedule scaled down (kept here so `--help` does not load the emulator). */
const SCHEDULE = [10, 20, 40, 80, ...Array<number>(20).fill(122)];

export function mockPaypalCommand(ctx: Ctx): Command {
  const cmd = new Command('paypal').description("an offline PayPal REST emulator: OAuth, webhooks (signed, retried), simulate-event, verify-webhook-signature, Billing subscriptions, sale refunds");
  return withEmulatorOptions(cmd, 4100, SCHEDULE)
    .option('--client-id <id>', 'the REST app client id it accepts (default fbpay-emulator-client-id)')
    .option('--client-secret <secret>', 'the REST app secret it accepts (default fbpay-emulator-client-secret)')
    .option('--webhook-url <url>', 'subscribe this URL to events at start (loopback unless --allow-remote)')
    .option('--webhook-id <id>', 'the id of that webhook (default: a fresh PayPal-style id)')
    .option('--event-types <type>', 'event types for that webhook (repeatable; default every type, "*")', collect, [])
    .option('--token-ttl <seconds>', 'access token lifetime', intOption('--token-ttl', { min: 1, max: 86_400 }), 32_400)
    .option('--tls', 'serve https, with a certificate from the emulator CA (see the trust line it prints)')
    .option('--pki-dir <dir>', 'keep the emulator CA here (ca.pem, ca-key.pem) and reuse it on restart (default: a new temporary folder)')
    .option('--allow-remote', 'allow non-loopback webhook URLs')
    .addHelpText(
      'after',
      `
PayPal routes (Bearer token from POST /v1/oauth2/token, Basic client_id:secret, grant_type=client_credentials):
/v1/notifications/webhooks[/{id}], /v1/notifications/webhooks-event-types, /v1/notifications/verify-webhook-signature,
/v1/notifications/simulate-event, /v1/notifications/webhooks-events[/{id}[/resend]], /v1/billing/plans[/{id}],
/v1/billing/subscriptions[/{id}[/suspend|activate|cancel]], /v1/payments/sale/{id}[/refund].
Deliveries are signed with the emulator's key; its certificate is at the PAYPAL-CERT-URL they name,
issued by the emulator CA (ca_path in the listening line).

Examples:
  $ fbpay mock paypal --port 4100 --webhook-url http://127.0.0.1:3000/paypal/webhook --webhook-id WH1
  $ fbpay trigger paypal-subscription-create --emulator http://127.0.0.1:4100
  $ fbpay paypal verify-online --base-url http://127.0.0.1:4100 --client-id fbpay-emulator-client-id --client-secret fbpay-emulator-client-secret --webhook-id WH1 --body body.json --headers headers.txt`,
    )
    .action(async (raw: unknown) => {
      const o = parseOptions(mockPaypalOptionsSchema, raw);
      if (o.webhookUrl) {
        const { assertTargetAllowed } = await import('../../transport/http.js');
        assertTargetAllowed(o.webhookUrl, Boolean(o.allowRemote));
      }
      if (o.webhookId !== undefined && !/^[A-Za-z0-9_-]{1,50}$/.test(o.webhookId)) {
        throw new UsageError('bad_option', `invalid --webhook-id "${o.webhookId.slice(0, 60)}"`, { hint: 'letters, digits, "-" and "_" (PayPal ids are 17 upper-case alphanumerics)' });
      }
      if (o.webhookId !== undefined && !o.webhookUrl) throw new UsageError('bad_option', '--webhook-id needs --webhook-url', { hint: 'or create webhooks with POST /v1/notifications/webhooks' });
      const { PaypalEmulatorProvider, loadOrCreatePki } = await import('../../providers/paypal/emulator/index.js');
      const { EVENT_TYPE_NAMES } = await import('../../providers/paypal/emulator/views.js');
      const unknown = o.eventTypes.find((t) => t !== '*' && !EVENT_TYPE_NAMES.has(t));
      if (unknown) throw new UsageError('bad_option', `unknown --event-types ${unknown.slice(0, 60)}`, { hint: `one of: ${[...EVENT_TYPE_NAMES].join(', ')}` });
      const pki = await ctx.spin('making the emulator keys', () => loadOrCreatePki({ dir: o.pkiDir }));
      const clientId = ctx.setting('paypalClientId', o.clientId).value;
      const clientSecret = ctx.setting('paypalClientSecret', o.clientSecret).value;
      const provider = new PaypalEmulatorProvider({
        pki,
        clientId,
        clientSecret,
        tokenTtl: o.tokenTtl,
        webhookUrl: o.webhookUrl,
        webhookId: o.webhookId,
        eventTypes: o.eventTypes,
        allowRemote: o.allowRemote,
        tls: o.tls,
      });
      await runEmulatorCommand(ctx, {
        title: 'PayPal',
        provider,
        options: o,
        tls: o.tls ? pki.tls : undefined,
        describe: (emu) => {
          const i = provider.info();
          const lines = [
            `client id ${String(i.client_id)} · secret ${i.client_secret ? String(i.client_secret) : '(yours, not shown)'} · token ttl ${o.tokenTtl} s`,
            i.webhook_id ? `webhook ${String(i.webhook_id)} → ${String(i.webhook_url)}` : 'no webhook yet: POST /v1/notifications/webhooks, or restart with --webhook-url',
            `deliveries name PAYPAL-CERT-URL ${String(i.cert_url)}, issued by the emulator CA ${pki.caPath}`,
            `verify one: ${o.tls ? `NODE_EXTRA_CA_CERTS=${pki.caPath} ` : ''}fbpay paypal verify --body body.json --headers headers.txt --webhook-id ${i.webhook_id ? String(i.webhook_id) : '"$PAYPAL_WEBHOOK_ID"'} --allow-cert-host 127.0.0.1 --ca ${pki.caPath}   # trusted because you pass --allow-cert-host and --ca: a test CA, not PayPal\u2019s`,
          ];
          if (o.tls) lines.push(`trust it: NODE_EXTRA_CA_CERTS=${pki.caPath} (node) · curl --cacert ${pki.caPath} ${emu.url}/_fbpay/info`);
          // Over https, fbpay trigger (Node) must trust the emulator CA too, or the line fails on TLS.
          lines.push(ctx.chalk.dim(`try: ${o.tls ? `NODE_EXTRA_CA_CERTS=${pki.caPath} ` : ''}fbpay trigger paypal-subscription-create --emulator ${emu.url}`));
          return lines;
        },
      });
    });
}
