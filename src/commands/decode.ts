import { Command, Option } from 'commander';
import { parseNow } from '../core/parse.js';
import type { Ctx } from '../ui/context.js';
import { durationOption } from './option-values.js';

/**
 * `fbpay decode`. Options are validated by commander's argument parsers rather than a zod schema:
 * see decode-action.ts for why (start-up budget) and for the fast path that skips commander.
 */
export default function decodeCommand(ctx: Ctx): Command {
  return new Command('decode')
    .description('decode and verify a Facebook signed_request (HMAC-SHA256 over the payload segment, constant-time)')
    .argument('[signed_request]', 'the signed_request (or the form body / FB.ui response JSON holding it), or - to read it from stdin')
    .option('--secret <secret>', 'app secret (or FB_APP_SECRET, or appSecret in fbpay.config.json)')
    .option('--no-verify', 'decode only; checks nothing and says so loudly')
    .option('--max-age <duration>', 'refuse an issued_at older than this: seconds, or 90s, 15m, 1h, 7d', durationOption('--max-age'))
    .addOption(new Option('--now <unix>', 'decode as of this time (unix seconds or ISO date)').argParser((v) => parseNow(v)))
    .option('--batch', 'one signed_request per stdin line → one NDJSON result per line, streamed')
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay decode "$SIGNED_REQUEST" --secret "$FB_APP_SECRET"
  $ FB_APP_SECRET=… fbpay decode - --max-age 1h < signed_request.txt
  $ fbpay decode - < form-body.txt            (signed_request=…&access_token=…: the field is used)
  $ fbpay decode "$SIGNED_REQUEST" --no-verify
  $ fbpay decode --batch --json < requests.txt > results.ndjson

Exit codes: 0 valid · 1 signature mismatch (altered or truncated requests included), wrong algorithm, stale, future · 2 not a signed_request, missing secret, bad flags`,
    )
    .action(async (arg: string | undefined, options: Record<string, unknown>) => {
      // Imported on use so the action's code stays in one chunk with the fast path's.
      const { decodeAction, decodeOptions } = await import('./decode-action.js');
      await decodeAction(ctx, arg, decodeOptions(options));
    });
}
