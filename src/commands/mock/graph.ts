import { Command } from 'commander';
import * as z from 'zod/mini';
import type { Ctx } from '../../ui/context.js';
import { maskSecret } from '../../core/mask.js';
import { UsageError } from '../../core/errors.js';
import { collect, parseOptions } from '../options.js';
import { runEmulatorCommand, withEmulatorOptions } from './run.js';

export const mockGraphOptionsSchema = z.object({
  port: z.number(),
  host: z.string(),
  retrySchedule: z.optional(z.string()),
  appId: z.optional(z.string()),
  appSecret: z.optional(z.string()),
  secret: z.optional(z.string()),
  seed: z.optional(z.array(z.string())),
  webhookUrl: z.optional(z.string()),
  verifyToken: z.optional(z.string()),
  allowRemote: z.optional(z.boolean()),
});

const DEFAULT_APP_ID = '1000000000000001';
const DEFAULT_APP_SECRET = 'fbpay-emulator-secret';
/** Facebook's retry schedule scaled down (GRAPH_RETRY_SCHEDULE; kept here so --help loads no emulator code). */
const GRAPH_SCHEDULE = [10, 100, 500, 1500];

export function mockGraphCommand(ctx: Ctx): Command {
  const cmd = new Command('graph').description('a stateful offline Graph API emulator: payments, refunds, disputes, purchases, consume, products, webhook subscriptions, fbpay trigger fb-…');
  withEmulatorOptions(cmd, 0, GRAPH_SCHEDULE);
  return cmd
    .option('--app-id <id>', `app id (FB_APP_ID; default ${DEFAULT_APP_ID})`)
    .option('--app-secret <secret>', `app secret (FB_APP_SECRET; default "${DEFAULT_APP_SECRET}")`)
    .option('--secret <secret>', 'same as --app-secret')
    .option('--seed <fixtures>', 'payments to load at start: a built-in fixture name (fb-payment-refund, fb-dispute-lifecycle), the built-in folder (fixtures/facebook), or your own fixture file or folder; prints the ids (repeatable)', collect, [] as string[])
    .option('--webhook-url <url>', 'subscribe this callback to payments updates at start (the hub.challenge handshake included), like POST /{app-id}/subscriptions')
    .option('--verify-token <token>', 'the verify token the --webhook-url callback expects (FB_VERIFY_TOKEN)')
    .option('--allow-remote', 'allow non-loopback webhook and subscription callback URLs')
    .addHelpText(
      'after',
      `
Graph routes (with or without /v21.0): GET /{payment-id}, POST /{payment-id}/refunds,
POST /{payment-id}/dispute, GET /app/purchases (paged), POST /{purchase_token}/consume,
GET|POST /{app-id}/products, GET|POST|DELETE /{app-id}/subscriptions.
Admin routes (JSON, documented in the README): POST /_fbpay/users, /_fbpay/purchases, /_fbpay/payments,
/_fbpay/payments/{id}/actions, /_fbpay/payments/{id}/disputes, /_fbpay/faults, /_fbpay/trigger/{event};
GET /_fbpay/info, /_fbpay/deliveries, /_fbpay/stats.

Examples:
  $ fbpay mock graph --port 4000
  $ fbpay mock graph --port 4000 --webhook-url http://127.0.0.1:3000/webhook --verify-token my-token --seed fixtures/facebook
  $ fbpay mock graph --seed fb-payment-refund --seed fb-dispute-lifecycle
  $ fbpay trigger fb-purchase --emulator http://127.0.0.1:4000
  $ fbpay payment get "$PAYMENT_ID" --graph-url http://127.0.0.1:4000 --app-id ${DEFAULT_APP_ID} --secret ${DEFAULT_APP_SECRET}`,
    )
    .action(async (options: unknown) => {
      const o = parseOptions(mockGraphOptionsSchema, options);
      const appId = ctx.setting('appId', o.appId).value ?? DEFAULT_APP_ID;
      const appSecret = ctx.setting('appSecret', o.appSecret ?? o.secret).value ?? DEFAULT_APP_SECRET;
      if (o.webhookUrl) {
        const { assertTargetAllowed } = await import('../../transport/http.js');
        assertTargetAllowed(o.webhookUrl, Boolean(o.allowRemote));
      }
      // Resolved before the server starts, so a bad --seed is exit 2 with nothing listening.
      const { seedPayments } = await import('../../providers/graph/emulator/seed-fixtures.js');
      const seeds = (o.seed ?? []).flatMap((value) => seedPayments(value, { cwd: ctx.io.cwd }));
      const verifyToken = ctx.setting('verifyToken', o.verifyToken).value;
      const { createGraphEmulatorProvider } = await import('../../providers/graph/emulator/index.js');
      const provider = createGraphEmulatorProvider({
        appId,
        appSecret,
        allowRemote: o.allowRemote,
        subscribe: o.webhookUrl ? { callbackUrl: o.webhookUrl, verifyToken } : undefined,
      });
      // A scenario seeds one payment several times (its steps in order): each id is listed once, last state wins.
      const seeded = new Map<string, string>();
      try {
        for (const s of seeds) seeded.set(provider.state.seedPayment(s.payment), s.fixture);
      } catch (e) {
        throw new UsageError('bad_seed', `--seed: a payment could not be loaded: ${(e as Error).message}`, { hint: 'compare with a built-in fixture: fbpay fixtures show fb-payment-charge' });
      }
      const seededList = [...seeded].map(([id, fixture]) => ({ id, fixture }));
      await runEmulatorCommand(ctx, {
        title: 'Graph',
        provider,
        options: o,
        listening: { seeded: seededList },
        results: seededList.map(({ id, fixture }) => `seeded payment ${id}  (${fixture})`),
        describe: (emu) => [
          `app id ${appId} · app token ${appId}|${maskSecret(appSecret)} · ${provider.state.payments.size} seeded payment(s)`,
          ...provider.state.subscriptions.map((s) => `subscribed ${s.callback_url} to ${s.object} (${s.fields.join(', ')})`),
          ctx.chalk.dim(`try: fbpay trigger fb-purchase --emulator ${emu.url}`),
        ],
        summary: (emu) => `stopped (${provider.state.requests.graph} Graph request(s), ${emu.requests} request(s) in all, ${emu.webhooks.sent} webhook(s) sent in ${emu.webhooks.attempts} attempt(s))`,
      });
    });
}
