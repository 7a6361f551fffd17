import { Command } from 'commander';
import * as z from 'zod/mini';
import { maskSecret } from '../../core/mask.js';
import { buildBuyGoodsRequest, buyGoodsCurl, MIDAS_SANDBOX_URL } from '../../core/midas/order.js';
import { parseNow } from '../../core/parse.js';
import type { Ctx } from '../../ui/context.js';
import { intOption, parseOptions } from '../options.js';

export const midasOrderOptionsSchema = z.object({
  appid: z.string().check(z.minLength(1)),
  appkey: z.optional(z.string()),
  openid: z.string().check(z.minLength(1)),
  openkey: z.string().check(z.minLength(1)),
  pf: z.string().check(z.minLength(1)),
  pfkey: z.string().check(z.minLength(1)),
  zoneid: z.string().check(z.minLength(1)),
  payitem: z.string().check(z.minLength(1)),
  goodsmeta: z.string().check(z.minLength(1)),
  goodsurl: z.string().check(z.minLength(1)),
  appmode: z.optional(z.enum(['1', '2'])),
  amt: z.optional(z.string()),
  login: z.enum(['qq', 'wx', 'guest']),
  baseUrl: z.string().check(z.minLength(1)),
  send: z.optional(z.boolean()),
  now: z.optional(z.string()),
  userip: z.optional(z.string()),
  timeout: z.number(),
});

export function midasOrderCommand(ctx: Ctx): Command {
  return new Command('order')
    .description('build a signed buy_goods_m request (cookies included); print it as curl and JSON, or --send it')
    .requiredOption('--appid <id>', 'the offer id (pay appid)')
    .option('--appkey <key>', 'the pay appkey (or MIDAS_APPKEY)')
    .requiredOption('--openid <openid>', 'the user openid')
    .requiredOption('--openkey <key>', 'qq: the paytoken; wx: the access_token')
    .requiredOption('--pf <pf>', 'pf from the login')
    .requiredOption('--pfkey <pfkey>', 'pfkey from the login')
    .requiredOption('--zoneid <zoneid>', 'zone id (zone_role for games with roles)')
    .requiredOption('--payitem <item>', 'id*price*num (several: a*2*1;b*3*2)')
    .requiredOption('--goodsmeta <meta>', 'name*desc, at most 256 characters')
    .requiredOption('--goodsurl <url>', 'item image URL')
    .option('--appmode <1|2>', '1: quantity fixed, 2: user may change it (bundles need 1)')
    .option('--amt <amt>', 'total, must equal the sum of price×num')
    .option('--login <type>', 'qq, wx or guest (sets session_id/session_type cookies)', 'qq')
    .option('--base-url <url>', 'Midas API host', MIDAS_SANDBOX_URL)
    .option('--userip <ip>', 'optional user IP parameter')
    .option('--now <unix>', 'ts to sign with (default: now)')
    .option('--timeout <ms>', 'request timeout with --send', intOption('--timeout', { min: 1 }), 10_000)
    .option('--send', 'send it and print ret, msg, token, url_params')
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay midas order --appid 1450000000 --openid OPENID --openkey PAYTOKEN --pf qq_m_qq-2001-android --pfkey PFKEY --zoneid 1 --payitem 'gold*10*1' --goodsmeta '金币*10 金币' --goodsurl https://example.com/gold.png
  $ fbpay midas order --appid 1450000000 --openid OPENID --openkey PAYTOKEN --pf qq_m_qq-2001-android --pfkey PFKEY --zoneid 1 --payitem 'gold*10*1' --goodsmeta '金币*10 金币' --goodsurl https://example.com/gold.png --login wx --base-url http://127.0.0.1:4100 --send --json`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(midasOrderOptionsSchema, raw);
      const appkey = await ctx.requireSetting('midasAppkey', o.appkey, 'Midas appkey');
      const ts = o.now !== undefined ? parseNow(o.now) : Math.floor(Date.now() / 1000);
      const req = buildBuyGoodsRequest({
        appid: o.appid,
        appkey,
        openid: o.openid,
        openkey: o.openkey,
        pf: o.pf,
        pfkey: o.pfkey,
        zoneid: o.zoneid,
        payitem: o.payitem,
        goodsmeta: o.goodsmeta,
        goodsurl: o.goodsurl,
        appmode: o.appmode === undefined ? undefined : (Number(o.appmode) as 1 | 2),
        amt: o.amt,
        login: o.login,
        ts,
        baseUrl: o.baseUrl,
        extra: o.userip ? { userip: o.userip } : undefined,
      });
      const curl = buyGoodsCurl(req);
      const request = {
        method: req.method,
        url: req.url,
        sig_path: req.sig_path,
        params: req.params,
        cookies: req.cookies,
        source_string: req.source_string,
        sig: req.sig,
        total: req.total,
        key: maskSecret(appkey) + '&',
      };
      if (!o.send) {
        if (ctx.opts.json) ctx.json({ request, curl });
        else {
          ctx.out(curl);
          ctx.out(JSON.stringify(request, null, 2));
        }
        return;
      }
      const { sendBuyGoods } = await import('../../providers/midas/order-client.js');
      const res = await ctx.spin(`sending buy_goods_m to ${req.base_url}`, () => sendBuyGoods(req, { signal: ctx.signal, timeoutMs: o.timeout }));
      const response = { ret: res.ret, msg: res.msg, token: res.token ?? null, url_params: res.url_params ?? null, status: res.status, latency_ms: res.latency_ms };
      if (ctx.opts.json) {
        ctx.json({ request, response });
        return;
      }
      ctx.verbose(curl);
      ctx.out(`ret:        ${res.ret}`);
      ctx.out(`msg:        ${res.msg}`);
      ctx.out(`token:      ${res.token ?? ctx.chalk.dim('(none)')}`);
      ctx.out(`url_params: ${res.url_params ?? ctx.chalk.dim('(none)')}`);
      const { isLoopbackUrl } = await import('../../transport/http.js');
      if (res.token && isLoopbackUrl(new URL(req.base_url))) ctx.info(ctx.chalk.dim(`on fbpay mock midas, pay it: fbpay trigger midas-pay --emulator ${req.base_url} --token ${res.token}`));
    });
}
