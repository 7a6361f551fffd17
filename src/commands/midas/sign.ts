import { Command } from 'commander';
import * as z from 'zod/mini';
import { midasSign } from '../../core/midas/signature.js';
import type { Ctx } from '../../ui/context.js';
import { parseOptions } from '../options.js';
import { normalizeMethod, readParams } from './params.js';

export const midasSignOptionsSchema = z.object({
  method: z.enum(['GET', 'POST']),
  path: z.string().check(z.minLength(1)),
  appkey: z.optional(z.string()),
  callback: z.optional(z.boolean()),
  query: z.optional(z.string()),
  formEncoded: z.optional(z.boolean()),
  explain: z.optional(z.boolean()),
});

export function midasSignCommand(ctx: Ctx): Command {
  return new Command('sign')
    .description('sign OpenAPI v3 parameters (or a delivery callback with --callback): source string, key, sig')
    .argument('[params...]', 'parameters as key=value (taken literally)')
    .option('--method <method>', 'GET or POST', 'GET')
    .requiredOption('--path <path>', 'the URL path that is signed, e.g. /v3/user/get_info')
    .option('--appkey <key>', 'the appkey (or MIDAS_APPKEY); the HMAC key is appkey&')
    .option('--callback', 'delivery-callback rule: encode each value first (all but 0-9 a-z A-Z ! * ( ) → %XX)')
    .option('--query <qs>', 'a raw query string as received (percent-decoded once; sig ignored)')
    .option('--form-encoded', 'with --query: "+" means a space (x-www-form-urlencoded)')
    .option('--explain', 'show each step: value encoding, sorting, the source string, the HMAC')
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay midas sign --path /v3/user/get_info --appkey "$MIDAS_APPKEY" openid=1111 openkey=2222 appid=123456 pf=qzone format=json userip=112.90.139.30
  $ fbpay midas sign --callback --path /cgi-bin/deliver --query "$RAW_QUERY" --explain
  $ fbpay midas sign --method POST --path /v3/pay/buy_goods --json appid=600 ts=1333674935`,
    )
    .action(async (words: string[], raw: Record<string, unknown>) => {
      const o = parseOptions(midasSignOptionsSchema, { ...raw, method: normalizeMethod(raw.method as string) });
      const appkey = await ctx.requireSetting('midasAppkey', o.appkey, 'Midas appkey');
      const { params, sig: given, duplicates } = readParams(words, o.query, Boolean(o.formEncoded));
      if (given !== undefined) ctx.info('note: the sig parameter is not signed; ignored');
      for (const d of duplicates) ctx.warn(`parameter ${d} given twice: the last value is used`);
      const s = midasSign({ method: o.method, path: o.path, params, appkey, rule: o.callback ? 'callback' : 'openapi' });
      if (ctx.opts.json) {
        ctx.json({
          source_string: s.source_string,
          sig: s.sig,
          rule: s.rule,
          ...(o.explain
            ? {
                steps: {
                  method: s.method,
                  encoded_path: s.encoded_path,
                  params: s.params,
                  query_string: s.query_string,
                  encoded_query: s.encoded_query,
                  key: s.key_masked,
                  hmac_sha1_hex: s.hmac_sha1_hex,
                },
              }
            : {}),
        });
        return;
      }
      const c = ctx.chalk;
      if (o.explain) {
        ctx.out(c.bold(`rule: ${s.rule === 'callback' ? 'delivery callback (values encoded first, then OpenAPI v3)' : 'OpenAPI v3'}`));
        ctx.out(`1. parameters sorted by key${s.rule === 'callback' ? ', each value callback-encoded' : ''} (sig excluded):`);
        for (const p of s.params) ctx.out(`     ${p.key} = ${p.value}${p.encoded !== undefined && p.encoded !== p.value ? c.dim('  →  ') + p.encoded : ''}`);
        ctx.out(`2. joined as k=v with &:\n     ${s.query_string}`);
        ctx.out(`3. rawurlencode (RFC 3986, "~" as %7E like Tencent's SDK):\n     ${s.encoded_query}`);
        ctx.out(`4. path rawurlencoded: ${s.encoded_path}`);
        ctx.out(`5. source string = METHOD & path & parameters:\n     ${s.source_string}`);
        ctx.out(`6. HMAC-SHA1 with key appkey& (${s.key_masked}): ${s.hmac_sha1_hex}`);
        ctx.out(`7. base64: ${c.green(s.sig)}`);
        return;
      }
      ctx.out(`rule:          ${s.rule}`);
      ctx.out(`parameters:    ${s.query_string || c.dim('(none)')}`);
      ctx.out(`source string: ${s.source_string}`);
      ctx.out(`key:           ${s.key_masked}`);
      ctx.out(`sig:           ${c.green(s.sig)}`);
    });
}
