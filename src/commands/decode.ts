import { Command, Option } from 'commander';
import { ExitCode, InterruptedError, UsageError } from '../core/errors.js';
import { decodeSignedRequest } from '../core/facebook/signed-request.js';
import { parseNow } from '../core/parse.js';
import { readStream } from '../providers/input.js';
import type { Ctx } from '../ui/context.js';
import { decodeDoc, renderDecode } from '../ui/render/decode.js';
import { intOption } from './options.js';

/**
 * decode's options. Validated by commander's argument parsers (intOption, parseNow) rather than a
 * zod schema: decode is the command whose start-up time is budgeted (≤ 1.3× bare node), and any
 * zod import pulls zod's shared core chunk (~650 KB, ~25 ms to load) into its path.
 */
export interface DecodeCommandOptions {
  secret?: string;
  verify: boolean;
  maxAge?: number;
  now?: number;
  batch?: boolean;
}

function decodeOptions(raw: Record<string, unknown>): DecodeCommandOptions {
  return {
    secret: typeof raw.secret === 'string' ? raw.secret : undefined,
    verify: raw.verify !== false,
    maxAge: typeof raw.maxAge === 'number' ? raw.maxAge : undefined,
    now: typeof raw.now === 'number' ? raw.now : undefined,
    batch: raw.batch === true,
  };
}

export default function decodeCommand(ctx: Ctx): Command {
  return new Command('decode')
    .description('decode and verify a Facebook signed_request (HMAC-SHA256 over the payload segment, constant-time)')
    .argument('[signed_request]', 'the signed_request, or - to read it from stdin')
    .option('--secret <secret>', 'app secret (or FB_APP_SECRET, or appSecret in fbpay.config.json)')
    .option('--no-verify', 'decode only; checks nothing and says so loudly')
    .option('--max-age <seconds>', 'refuse an issued_at older than this', intOption('--max-age'))
    .addOption(new Option('--now <unix>', 'decode as of this time (unix seconds or ISO date)').argParser((v) => parseNow(v)))
    .option('--batch', 'one signed_request per stdin line → one NDJSON result per line, streamed')
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay decode "$SIGNED_REQUEST" --secret "$FB_APP_SECRET"
  $ FB_APP_SECRET=… fbpay decode - --max-age 3600 < signed_request.txt
  $ fbpay decode "$SIGNED_REQUEST" --no-verify
  $ fbpay decode --batch --json < requests.txt > results.ndjson

Exit codes: 0 valid · 1 signature mismatch, wrong algorithm, stale · 2 malformed input, missing secret, bad flags`,
    )
    .action(async (arg: string | undefined, options: Record<string, unknown>) => {
      const opts = decodeOptions(options);
      if (opts.batch) return runBatch(ctx, arg, opts);
      if (arg === undefined) {
        throw new UsageError('missing_argument', 'no signed_request given', { hint: 'pass it as the argument, or - to read it from stdin (use --batch for one per line)' });
      }
      const input = arg === '-' ? (await readStream(ctx.io.stdin, 1024 * 1024, 'stdin')).toString('latin1').trim() : arg;
      const secret = opts.verify ? await ctx.requireSetting('appSecret', opts.secret, 'app secret') : undefined;
      const result = decodeSignedRequest(input, secret, { now: opts.now, maxAge: opts.maxAge, verify: opts.verify });
      if (ctx.opts.json) ctx.json(decodeDoc(result, { next: true }));
      else renderDecode(ctx, result);
      if (result.valid === false) ctx.exitCode = ExitCode.failed;
    });
}

async function runBatch(ctx: Ctx, arg: string | undefined, opts: DecodeCommandOptions): Promise<void> {
  if (arg !== undefined && arg !== '-') {
    throw new UsageError('bad_argument', '--batch reads stdin: do not pass a signed_request argument', { hint: 'fbpay decode --batch < requests.txt' });
  }
  const secret = opts.verify ? await ctx.requireSetting('appSecret', opts.secret, 'app secret') : undefined;
  const { decodeBatch } = await import('../providers/facebook/decode-batch.js');
  const stdout = ctx.io.stdout as { write(s: string): unknown; once?: (ev: string, fn: () => void) => unknown };
  const summary = await decodeBatch(ctx.io.stdin as AsyncIterable<Buffer>, {
    write: (s) => stdout.write(s),
    drain: stdout.once ? () => new Promise<void>((resolve) => stdout.once!('drain', resolve)) : undefined,
  }, {
    secret,
    now: opts.now,
    maxAge: opts.maxAge,
    verify: opts.verify,
    signal: ctx.signal,
    toDoc: (r, line) => decodeDoc(r, { line }),
  });
  if (ctx.signal.aborted) throw new InterruptedError();
  ctx.info(`${summary.lines} line(s): ${summary.valid} valid, ${summary.invalid} invalid, ${summary.malformed} malformed${opts.verify ? '' : ' (NOT VERIFIED: --no-verify)'}`);
  if (summary.parsed === 0) ctx.exitCode = ExitCode.usage;
  else if (summary.invalid > 0 || summary.malformed > 0) ctx.exitCode = ExitCode.failed;
}
