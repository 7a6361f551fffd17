import { Command } from 'commander';
import * as z from 'zod/mini';
import type { Ctx } from '../../ui/context.js';
import { maskSecret } from '../../core/mask.js';
import { intOption, parseOptions } from '../options.js';
import { withEmulatorOptions } from './run.js';

export const mockMidasOptionsSchema = z.object({
  port: z.number(),
  host: z.string(),
  retrySchedule: z.optional(z.string()),
  appid: z.optional(z.string().check(z.minLength(1))),
  appkey: z.optional(z.string().check(z.minLength(1))),
  deliverTo: z.optional(z.string()),
  tokenTtl: z.number(),
  allowRemote: z.optional(z.boolean()),
});

/** Kept in step with src/providers/midas/emulator/provider.ts (not imported: the command tree stays light). */
const DEFAULT_APPID = '1450000000';
const DEFAULT_APPKEY = 'fbpay-emulator_appkey';
const SCHEDULE = [250, 1000, 4000];

export function mockMidasCommand(ctx: Ctx): Command {
  const cmd = new Command('midas').description('a stateful offline Midas emulator: buy_goods_m, get_balance_m, pay_m, cancel_pay_m, present_m, and signed delivery callbacks');
  return withEmulatorOptions(cmd, 4100, SCHEDULE)
    .option('--appid <id>', `the pay appid (offer id) it accepts (default ${DEFAULT_APPID})`)
    .option('--appkey <key>', `its appkey (MIDAS_APPKEY; default "${DEFAULT_APPKEY}")`)
    .option('--deliver-to <url>', "the game's delivery callback URL (发货回调), called when an order is paid")
    .option('--token-ttl <seconds>', 'how long a buy_goods_m token can be paid', intOption('--token-ttl', { min: 1, max: 86_400 }), 300)
    .option('--allow-remote', 'allow a --deliver-to URL that is not on loopback')
    .addHelpText(
      'after',
      `
Why: try a game server's whole Midas flow offline — order, pay, the signed delivery callback and its
exact reply — before going live.

Routes (GET or POST, at /v3/r/mpay/… and /mpay/…): buy_goods_m, get_balance_m, pay_m, cancel_pay_m,
present_m. Each checks the OpenAPI v3 sig (over /v3/r/mpay/<api>, key strtr(appkey,'-_','+/')&),
the required parameters and the session cookies; faults answer {"ret":1001|1004|1018,"msg":…}.
Admin routes (JSON): POST /_fbpay/apps, POST|GET /_fbpay/balances, GET /_fbpay/orders/{token}.
Trigger events: midas-pay --token T · midas-present --openid O --zoneid Z --payitem P [--providetype 1|2]

Examples:
  $ fbpay mock midas --deliver-to http://127.0.0.1:3000/midas/deliver
  $ fbpay midas order --appid ${DEFAULT_APPID} --appkey ${DEFAULT_APPKEY} --openid O --openkey K --pf qq_m_qq-2001-android --pfkey P --zoneid 1 --payitem 'gold*10*1' --goodsmeta '金币*10 金币' --goodsurl https://example.com/g.png --send --base-url http://127.0.0.1:4100
  $ fbpay trigger midas-pay --emulator http://127.0.0.1:4100 --token "$TOKEN"`,
    )
    .action(async (options: unknown) => {
      const o = parseOptions(mockMidasOptionsSchema, options);
      const appkey = ctx.setting('midasAppkey', o.appkey).value ?? DEFAULT_APPKEY;
      if (o.deliverTo) {
        const { assertTargetAllowed } = await import('../../transport/http.js');
        assertTargetAllowed(o.deliverTo, Boolean(o.allowRemote), '--allow-remote');
      }
      const { createMidasEmulator } = await import('../../providers/midas/emulator/provider.js');
      const { runEmulatorCommand } = await import('./run.js');
      const provider = createMidasEmulator({ appid: o.appid, appkey, deliverTo: o.deliverTo, tokenTtl: o.tokenTtl });
      const appid = o.appid ?? DEFAULT_APPID;
      await runEmulatorCommand(ctx, {
        title: 'Midas',
        provider,
        options: o,
        describe: (emu) => [
          `appid ${appid} · appkey ${maskSecret(appkey)} · delivery ${o.deliverTo ?? ctx.chalk.dim('(none: --deliver-to or POST /_fbpay/apps)')}`,
          ctx.chalk.dim(`try: fbpay midas order --appid ${appid} --appkey "$MIDAS_APPKEY" --openid O --openkey K --pf qq_m_qq-2001-android --pfkey P --zoneid 1 --payitem 'gold*10*1' --goodsmeta 'gold*10 gold' --goodsurl https://example.com/g.png --send --base-url ${emu.url}`),
          ctx.chalk.dim(`then pay its token: fbpay trigger midas-pay --emulator ${emu.url} --token "$TOKEN"`),
        ],
      });
    });
}
