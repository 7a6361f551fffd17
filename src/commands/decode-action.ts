import { ExitCode, InterruptedError, UsageError } from '../core/errors.js';
import { decodeSignedRequest } from '../core/facebook/signed-request.js';
import { extractSignedRequest } from '../core/facebook/signed-request-input.js';
import type { Ctx, GlobalOptions } from '../ui/context.js';
import { decodeDoc, decodeJsonText, decodeNdjsonLine, renderDecode } from '../ui/render/decode.js';

/**
 * `fbpay decode`'s action, and its start-up fast path. This module imports neither commander nor
 * zod, and loads what only some invocations need (stdin reading, --max-age/--now parsers) on use:
 * decode is the command whose start-up is budgeted (≤ 1.3× bare `node -e 0`); commander (~8 ms)
 * and zod's shared core chunk (~25 ms) would blow it on their own, and every extra module file
 * costs the ESM loader ~0.5 ms.
 */
export interface DecodeCommandOptions {
  secret?: string;
  verify: boolean;
  maxAge?: number;
  now?: number;
  batch?: boolean;
}

/** Commander's parsed options → typed options (values already validated by the option parsers). */
export function decodeOptions(raw: Record<string, unknown>): DecodeCommandOptions {
  return {
    secret: typeof raw.secret === 'string' ? raw.secret : undefined,
    verify: raw.verify !== false,
    maxAge: typeof raw.maxAge === 'number' ? raw.maxAge : undefined,
    now: typeof raw.now === 'number' ? raw.now : undefined,
    batch: raw.batch === true,
  };
}

export async function decodeAction(ctx: Ctx, arg: string | undefined, opts: DecodeCommandOptions): Promise<void> {
  if (opts.batch) return runBatch(ctx, arg, opts);
  if (arg === undefined) {
    throw new UsageError('missing_argument', 'no signed_request given', { hint: 'pass it as the argument, or - to read it from stdin (use --batch for one per line)' });
  }
  const raw = arg === '-' ? (await (await import('../providers/input.js')).readStream(ctx.io.stdin, 1024 * 1024, 'stdin')).toString('latin1').trim() : arg;
  const { signedRequest: input, note } = extractSignedRequest(raw);
  const secret = opts.verify ? await ctx.requireSetting('appSecret', opts.secret, 'app secret') : undefined;
  const result = decodeSignedRequest(input, secret, { now: opts.now, maxAge: opts.maxAge, verify: opts.verify });
  if (ctx.opts.json) ctx.io.stdout.write(decodeJsonText(decodeDoc(result, { next: true, note }), result) + '\n');
  else renderDecode(ctx, result, note);
  if (result.valid === false) ctx.exitCode = ExitCode.failed;
}

async function runBatch(ctx: Ctx, arg: string | undefined, opts: DecodeCommandOptions): Promise<void> {
  if (arg !== undefined && arg !== '-') {
    throw new UsageError('bad_argument', '--batch reads stdin: do not pass a signed_request argument', { hint: 'fbpay decode --batch < requests.txt' });
  }
  const secret = opts.verify ? await ctx.requireSetting('appSecret', opts.secret, 'app secret') : undefined;
  const { decodeBatch } = await import('../providers/facebook/decode-batch.js');
  const stdout = ctx.io.stdout as { write(s: string): unknown; once?: (ev: string, fn: () => void) => unknown };
  const summary = await decodeBatch(
    ctx.io.stdin as AsyncIterable<Buffer>,
    {
      write: (s) => stdout.write(s),
      drain: typeof stdout.once === 'function' ? () => new Promise<void>((resolve) => stdout.once!('drain', resolve)) : undefined,
    },
    { secret, now: opts.now, maxAge: opts.maxAge, verify: opts.verify, signal: ctx.signal, toLine: decodeNdjsonLine },
  );
  const counts = `${summary.lines} line(s): ${summary.valid} valid, ${summary.invalid} invalid, ${summary.malformed} malformed`;
  // Ctrl-C: every line read so far has its result on stdout; say how far it got.
  if (ctx.signal.aborted) throw new InterruptedError(`interrupted after ${counts}`, { hint: 'the results above are complete for those lines' });
  ctx.info(`${counts}${opts.verify ? '' : ' (NOT VERIFIED: --no-verify)'}`);
  if (summary.parsed === 0) ctx.exitCode = ExitCode.usage;
  else if (summary.invalid > 0 || summary.malformed > 0) ctx.exitCode = ExitCode.failed;
}

const GLOBAL_SWITCHES: Record<string, keyof GlobalOptions> = { '--json': 'json', '-q': 'quiet', '--quiet': 'quiet', '-v': 'verbose', '--verbose': 'verbose' };

/**
 * The start-up fast path (see src/cli.ts): handles the plain, common argv shapes of `fbpay decode`
 * without building the commander tree. Returns undefined for anything else (--help, unknown or
 * repeated options, a second argument, an option value that looks like an option); after `--` every
 * token is the signed_request operand, which then
 * goes through commander exactly as before. test/facebook/fast-path.test.ts checks both paths agree.
 */
export function fastPath(ctx: Ctx, argv: string[]): (() => Promise<void>) | undefined {
  const globals: GlobalOptions = { json: false, color: true, quiet: false, verbose: false };
  const raw: Record<string, string | boolean> = {};
  let seenCommand = false;
  let arg: string | undefined;
  const seen = new Set<string>();
  let operandsOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--' && seenCommand && !operandsOnly) {
      operandsOnly = true;
      continue;
    }
    if (operandsOnly || token === '-' || !token.startsWith('-')) {
      if (!seenCommand && token === 'decode') seenCommand = true;
      else if (seenCommand && arg === undefined) arg = token;
      else return undefined;
      continue;
    }
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    if (seen.has(name)) return undefined;
    seen.add(name);
    const takesValue = name === '--secret' || name === '--max-age' || name === '--now' || name === '--config' || name === '--profile';
    if (takesValue) {
      let value: string | undefined;
      if (eq > 0) value = token.slice(eq + 1);
      else {
        value = argv[++i];
        if (value === undefined || (value.startsWith('-') && value.length > 1)) return undefined;
      }
      if (name === '--config' || name === '--profile') globals[name.slice(2) as 'config' | 'profile'] = value;
      else raw[name] = value;
      continue;
    }
    if (eq > 0) return undefined;
    if (name in GLOBAL_SWITCHES) (globals as unknown as Record<string, boolean>)[GLOBAL_SWITCHES[name]] = true;
    else if (name === '--no-color') globals.color = false;
    else if (name === '--no-verify' || name === '--batch') raw[name] = true;
    else return undefined;
  }
  if (!seenCommand) return undefined;
  return async () => {
    ctx.opts = globals;
    const opts: DecodeCommandOptions = {
      secret: raw['--secret'] as string | undefined,
      verify: raw['--no-verify'] !== true,
      // The same parsers commander uses (decode.ts), loaded only when the flag is given.
      maxAge: raw['--max-age'] === undefined ? undefined : (await import('./option-values.js')).durationOption('--max-age')(raw['--max-age'] as string),
      now: raw['--now'] === undefined ? undefined : (await import('../core/parse.js')).parseNow(raw['--now'] as string),
      batch: raw['--batch'] === true,
    };
    await decodeAction(ctx, arg, opts);
  };
}
