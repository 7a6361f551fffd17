import { Command } from 'commander';
import * as z from 'zod/mini';
import type { Ctx } from '../../ui/context.js';
import { maskSecret } from '../../core/mask.js';
import { UsageError } from '../../core/errors.js';
import { intOption, parseOptions } from '../options.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export const mockGraphOptionsSchema = z.object({
  port: z.number(),
  host: z.string(),
  appId: z.optional(z.string()),
  appSecret: z.optional(z.string()),
  secret: z.optional(z.string()),
  seed: z.optional(z.array(z.string())),
  webhookUrl: z.optional(z.string()),
  allowRemote: z.optional(z.boolean()),
});

const DEFAULT_APP_ID = '1000000000000001';
const DEFAULT_APP_SECRET = 'fbpay-emulator-secret';

export function mockGraphCommand(ctx: Ctx): Command {
  return new Command('graph')
    .description('a stateful offline Graph API emulator: payments, refunds, disputes, purchases, consume, products, subscriptions')
    .option('--port <port>', 'port to listen on (0 = a free one)', intOption('--port', { min: 0, max: 65535 }), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--app-id <id>', `app id (FB_APP_ID; default ${DEFAULT_APP_ID})`)
    .option('--app-secret <secret>', `app secret (FB_APP_SECRET; default "${DEFAULT_APP_SECRET}")`)
    .option('--secret <secret>', 'same as --app-secret')
    .option('--seed <fixtures>', 'payments to load at start: a built-in fixture name (fb-payment-refund, fb-dispute-lifecycle), the built-in folder (fixtures/facebook), or your own fixture file or folder; prints the ids (repeatable)', collect, [] as string[])
    .option('--webhook-url <url>', 'send a signed payments webhook here on every payment change')
    .option('--allow-remote', 'allow non-loopback webhook and subscription callback URLs')
    .addHelpText(
      'after',
      `
Graph routes (with or without /v21.0): GET /{payment-id}, POST /{payment-id}/refunds,
POST /{payment-id}/dispute, GET /app/purchases, POST /{purchase_token}/consume,
GET /{app-id}/products, GET|POST|DELETE /{app-id}/subscriptions.
Admin routes (JSON): POST /_fbpay/users, /_fbpay/purchases, /_fbpay/payments,
/_fbpay/payments/{id}/actions, /_fbpay/payments/{id}/disputes, /_fbpay/faults; GET /_fbpay/stats.

Examples:
  $ fbpay mock graph --port 4000
  $ fbpay mock graph --port 4000 --webhook-url http://127.0.0.1:3000/webhook --seed fixtures/facebook
  $ fbpay mock graph --seed fb-payment-refund --seed fb-dispute-lifecycle
  $ curl -s -X POST http://127.0.0.1:4000/_fbpay/users -d '{}'
  $ fbpay payment get <id> --graph-url http://127.0.0.1:4000 --app-id ${DEFAULT_APP_ID} --secret ${DEFAULT_APP_SECRET}`,
    )
    .action(async (options: unknown) => {
      const o = parseOptions(mockGraphOptionsSchema, options);
      const appId = ctx.setting('appId', o.appId).value ?? DEFAULT_APP_ID;
      const appSecret = ctx.setting('appSecret', o.appSecret ?? o.secret).value ?? DEFAULT_APP_SECRET;
      if (o.webhookUrl) {
        const { assertTargetAllowed } = await import('../../transport/http.js');
        assertTargetAllowed(o.webhookUrl, Boolean(o.allowRemote));
      }
      const { startGraphEmulator } = await import('../../providers/graph/emulator/index.js');
      // Resolved before the server starts, so a bad --seed is exit 2 with nothing listening.
      const { seedPayments } = await import('../../providers/graph/emulator/seed-fixtures.js');
      const seeds = (o.seed ?? []).flatMap((value) => seedPayments(value, { cwd: ctx.io.cwd }));
      const emu = await startGraphEmulator({
        port: o.port,
        host: o.host,
        appId,
        appSecret,
        webhookUrl: o.webhookUrl,
        allowRemote: o.allowRemote,
        log: ctx.opts.verbose ? (line) => ctx.verbose(line) : undefined,
      });
      // A scenario seeds one payment several times (its steps in order): each id is listed once, last state wins.
      const seeded = new Map<string, string>();
      try {
        for (const s of seeds) seeded.set(emu.state.seedPayment(s.payment), s.fixture);
      } catch (e) {
        await emu.close();
        throw new UsageError('bad_seed', `--seed: a payment could not be loaded: ${(e as Error).message}`, { hint: 'compare with a built-in fixture: fbpay fixtures show fb-payment-charge' });
      }
      const seededList = [...seeded].map(([id, fixture]) => ({ id, fixture }));
      if (ctx.opts.json) ctx.ndjson({ type: 'listening', url: emu.url, app_id: appId, payments: emu.state.payments.size, seeded: seededList });
      else {
        ctx.out(`Graph emulator listening on ${emu.url}`);
        for (const { id, fixture } of seededList) ctx.out(`seeded payment ${id}  (${fixture})`);
        ctx.info(`app id ${appId} · app token ${appId}|${maskSecret(appSecret)} · ${emu.state.payments.size} seeded payment(s)`);
        ctx.info(ctx.chalk.dim(`try: fbpay payment get <id> --graph-url ${emu.url} --app-id ${appId} --secret …   (Ctrl-C stops)`));
      }
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) return resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await emu.close();
      if (ctx.opts.json) ctx.ndjson({ type: 'stopped', requests: emu.state.requests });
      else ctx.info(`stopped (${emu.state.requests.graph} Graph request(s), ${emu.state.webhooks.length} webhook(s) sent)`);
      // Like every long command stopped by Ctrl-C or SIGTERM (and like `webhook listen`): exit 130.
      ctx.exitCode = 130;
    });
}
