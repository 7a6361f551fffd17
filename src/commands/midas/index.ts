import { Command } from 'commander';
import type { Ctx } from '../../ui/context.js';
import { midasOrderCommand } from './order.js';
import { midasSignCommand } from './sign.js';
import { midasVerifyCommand } from './verify.js';

export default function midasCommand(ctx: Ctx): Command {
  return new Command('midas')
    .description('Tencent Midas / OpenAPI v3 signatures: sign, verify, order')
    .addCommand(midasSignCommand(ctx))
    .addCommand(midasVerifyCommand(ctx))
    .addCommand(midasOrderCommand(ctx))
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay midas sign --path /v3/user/get_info --appkey KEY openid=1 appid=2
  $ fbpay midas verify --path /cgi-bin/deliver --query "$RAW_QUERY" --appkey KEY
  $ fbpay midas order --appid 1450000000 --openid OPENID --openkey PAYTOKEN --pf qq_m_qq-2001-android --pfkey PFKEY --zoneid 1 --payitem 'gold*10*1' --goodsmeta '金币*10 金币' --goodsurl https://example.com/gold.png --send --base-url http://127.0.0.1:4100`,
    );
}
