import { Command, Option } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../core/errors.js';
import { payloadKind, KIND_LABELS } from '../core/facebook/payload-kind.js';
import { buildPreset, PRESET_NAMES } from '../core/facebook/presets.js';
import { signSignedRequestJson, SIGNED_REQUEST_ALGORITHM } from '../core/facebook/signed-request.js';
import { asciiJson, exactNumberText, parseJsonExact, stringifyExact } from '../core/exact-json.js';
import { parseNow } from '../core/parse.js';
import { applySets } from '../core/set-path.js';
import { readInput } from '../providers/input.js';
import type { Ctx } from '../ui/context.js';
import { collect, parseOptions } from './options.js';

export const signOptionsSchema = z.object({
  preset: z.optional(z.enum(PRESET_NAMES)),
  set: z.optional(z.array(z.string())),
  secret: z.optional(z.string()),
  appId: z.optional(z.string()),
  padded: z.optional(z.boolean()),
  ascii: z.optional(z.boolean()),
  now: z.optional(z.number()),
});

type Json = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `over` merged onto `base`: objects merge key by key, anything else replaces. */
function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    // parseJsonExact refused any "__proto__" key before this point.
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Json, v) : v;
  }
  return out;
}

export default function signCommand(ctx: Ctx): Command {
  return new Command('sign')
    .description('make a Facebook signed_request (unpadded base64url, like Facebook) from a preset, a payload file and/or --set')
    .argument('[payload]', 'payload JSON file, or - for stdin (merged onto the preset)')
    .addOption(new Option('--preset <name>', 'a realistic payload with fresh ids and the current issued_at').choices(PRESET_NAMES))
    .option('--set <path=value>', 'set a field (repeatable; dotted paths; JSON-typed values)', collect)
    .option('--secret <secret>', 'app secret (or FB_APP_SECRET)')
    .option('--app-id <id>', 'app_id for the preset (or FB_APP_ID)')
    .option('--padded', "keep '=' padding (the PHP SDK style)")
    .option('--ascii', 'write non-ASCII characters as \\uXXXX escapes, as PHP\'s json_encode does (for receivers that decode payloads as ASCII)')
    .addOption(new Option('--now <unix>', 'issued_at for the preset (unix seconds or ISO date)').argParser((v) => parseNow(v)))
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay sign --preset lite-purchase --secret s3cr3t
  $ fbpay sign --preset pay-dialog --set amount='"9.99"' --set quantity='"3"' --json
  $ fbpay sign payload.json --padded
  $ echo '{"user_id":"42"}' | fbpay sign - --set +issued_at=1700000000
  $ fbpay sign --preset login --set user.locale='"de_DE"' --ascii

--set changes a field the preset or payload has; a path it does not have is refused (did you mean …?)
unless written +path=value, which says the field is new. Number literals are signed exactly as
written (9007199254740993 stays …993); one out of a double's range (1e400) and "__proto__" keys are
refused.

Presets: ${PRESET_NAMES.join(', ')}`,
    )
    .action(async (arg: string | undefined, options: unknown) => {
      const opts = parseOptions(signOptionsSchema, options);
      const now = opts.now ?? Math.floor(Date.now() / 1000);
      let payload: Json = opts.preset ? buildPreset(opts.preset, { now, appId: ctx.setting('appId', opts.appId).value }) : {};
      if (arg !== undefined) {
        const bytes = await readInput(arg, ctx.io.stdin, { maxBytes: 1024 * 1024, what: 'payload' });
        let parsed: unknown;
        const what = `the payload ${arg === '-' ? 'on stdin' : arg}`;
        try {
          JSON.parse(bytes.toString('utf8'));
        } catch (e) {
          throw new UsageError('bad_payload', `${what} is not JSON: ${(e as Error).message.slice(0, 80)}`, { hint: 'pass a JSON object, e.g. {"user_id":"42"}' });
        }
        parsed = parseJsonExact(bytes.toString('utf8'), what);
        if (!isPlainObject(parsed)) throw new UsageError('bad_payload', 'the payload must be a JSON object', { hint: 'e.g. {"user_id":"42"}' });
        payload = deepMerge(payload, parsed);
      }
      const sets = opts.set ?? [];
      // With nothing to start from, --set builds the payload: there is no template to mistype against.
      payload = applySets(payload, sets, { strict: Boolean(opts.preset) || arg !== undefined, exactNumbers: true });
      if (!opts.preset && arg === undefined && sets.length === 0) {
        throw new UsageError('nothing_to_sign', 'nothing to sign: give a --preset, a payload file or --set fields', { hint: `e.g. fbpay sign --preset lite-purchase (presets: ${PRESET_NAMES.join(', ')})` });
      }
      const secret = await ctx.requireSetting('appSecret', opts.secret, 'app secret');
      const body: Json = 'algorithm' in payload ? payload : { algorithm: SIGNED_REQUEST_ALGORITHM, ...payload };
      const json = stringifyExact(body);
      const signedRequest = signSignedRequestJson(opts.ascii ? asciiJson(json) : json, secret, { padded: opts.padded });
      if (ctx.opts.json) {
        ctx.io.stdout.write(stringifyExact({ signed_request: signedRequest, payload: body }, 2) + '\n');
        return;
      }
      ctx.out(signedRequest);
      const kind = payloadKind(body);
      const ids = ['payment_id', 'purchase_token', 'user_id'].filter((k) => body[k] !== undefined).map((k) => `${k} ${exactNumberText(body[k]) ?? String(body[k])}`);
      ctx.info(ctx.chalk.dim(`signed ${KIND_LABELS[kind]}${ids.length ? ` (${ids.join(', ')})` : ''}${opts.padded ? ', padded' : ''}${opts.ascii ? ', ASCII-only JSON' : ''}`));
      if (body.algorithm !== SIGNED_REQUEST_ALGORITHM) ctx.warn(`algorithm is ${JSON.stringify(body.algorithm)}: decoders (fbpay decode included) will refuse it — the signature itself is HMAC-SHA256`);
    });
}
