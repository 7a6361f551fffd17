import { Command } from 'commander';
import * as z from 'zod/mini';
import { midasVerify } from '../../core/midas/signature.js';
import { UsageError } from '../../core/errors.js';
import { verifyReceivedCallback } from '../../core/midas/verify-input.js';
import { parseNow } from '../../core/parse.js';
import type { Ctx } from '../../ui/context.js';
import { intOption, parseOptions } from '../options.js';
import { normalizeMethod } from './params.js';

export const midasVerifyOptionsSchema = z.object({
  method: z.enum(['GET', 'POST']),
  path: z.optional(z.string().check(z.minLength(1))),
  appkey: z.optional(z.string()),
  query: z.string(),
  delivery: z.optional(z.string()),
  now: z.optional(z.string()),
  maxSkew: z.number(),
  formEncoded: z.optional(z.boolean()),
});

export function midasVerifyCommand(ctx: Ctx): Command {
  return new Command('verify')
    .description('verify a received sig: tries the callback rule and the plain OpenAPI rule, checks ts skew')
    .option('--query <qs>', 'the raw query string as received, sig included — or the whole callback URL')
    .option('--path <path>', 'the URL path the sender signed (your callback path; taken from a URL given as --query)')
    .option('--delivery <line|file:line>', 'instead of --query/--path: a `webhook listen --record` NDJSON line, or capture.ndjson:N')
    .option('--appkey <key>', 'the appkey (or MIDAS_APPKEY)')
    .option('--method <method>', 'GET or POST', 'GET')
    .option('--now <unix>', 'the time to check ts against (unix seconds or ISO date)')
    .option('--max-skew <seconds>', 'largest allowed |ts - now|', intOption('--max-skew'), 900)
    .option('--form-encoded', '"+" in the query means a space (x-www-form-urlencoded)')
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay midas verify --path /cgi-bin/deliver --query "$RAW_QUERY" --appkey "$MIDAS_APPKEY"
  $ fbpay midas verify --path /cgi-bin/temp.py --query "openid=test001&ts=1328855301&sig=..." --now 1328855301 --json
  $ fbpay midas verify --query "https://game.example.com/cgi-bin/deliver?openid=…&sig=…" --appkey "$MIDAS_APPKEY"

When the plain reading does not match, "+" read as a space (as PHP reads a query) and an appkey
without a trailing "&" are tried too, and the output says which reading matched.`,
    )
    .action(async (raw: Record<string, unknown>) => {
      if (raw.delivery !== undefined) Object.assign(raw, await fromDelivery(ctx, raw));
      if (raw.query === undefined) {
        throw new UsageError('missing_option', 'missing --query', { hint: 'pass --query (the raw query, or the whole callback URL) and --path, or --delivery capture.ndjson:N' });
      }
      const o = parseOptions(midasVerifyOptionsSchema, { ...raw, method: normalizeMethod(raw.method as string) });
      const appkey = await ctx.requireSetting('midasAppkey', o.appkey, 'Midas appkey');
      const now = o.now !== undefined ? parseNow(o.now) : Math.floor(Date.now() / 1000);
      const r = verifyReceivedCallback({ query: o.query, path: o.path, method: o.method, appkey, now, maxSkew: o.maxSkew, formEncoded: Boolean(o.formEncoded) });
      const warnings = [...r.warnings, ...r.duplicates.map((d) => `parameter ${d} appears twice: the last value was used`)];
      if (!r.valid) ctx.exitCode = 1;
      if (ctx.opts.json) {
        ctx.json({ valid: r.valid, rule: r.rule, path: r.path, source_string: r.source_string, skew_seconds: r.skew_seconds, problems: r.problems, warnings, notes: r.notes, tried: r.tried });
        return;
      }
      const c = ctx.chalk;
      ctx.out(r.valid ? c.green(`valid (${r.rule} rule)`) : c.red(`INVALID${r.rule ? ` (sig matches the ${r.rule} rule)` : ''}`));
      for (const n of r.notes) ctx.out(`${c.dim('note:')} ${n}`);
      if (r.skew_seconds !== null) ctx.out(`ts skew:       ${r.skew_seconds} s (max ${o.maxSkew})`);
      for (const p of r.problems) ctx.out(`${c.red('problem:')} ${p}`);
      for (const w of warnings) ctx.warn(w);
      if (r.signature_ok) ctx.out(`source string: ${r.source_string}`);
      else {
        ctx.out('the source strings fbpay built (diff them against the sender\'s):');
        const shown = new Set<string>();
        for (const t of r.tried) {
          if (shown.has(t.source_string)) continue;
          shown.add(t.source_string);
          const same = r.tried.filter((x) => x.source_string === t.source_string).map((x) => x.rule + (x.variant ? ` (${x.variant})` : ''));
          ctx.out(`  ${same.join(' = ')}: ${t.source_string}\n    sig ${t.sig}`);
        }
        if (r.sig !== undefined) ctx.out(`  received sig: ${r.sig}`);
      }
    });
}

/** `--delivery`: the recorded request's query, path (unless --path names the signed one) and method. */
async function fromDelivery(ctx: Ctx, raw: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (raw.query !== undefined) throw new UsageError('bad_option', '--delivery carries its own query: drop --query', { hint: 'use either --delivery or --query' });
  const { readCaptureSpec } = await import('../../providers/webhook/capture.js');
  const d = await readCaptureSpec(String(raw.delivery), ctx.io.cwd);
  const q = d.path.indexOf('?');
  const query = d.method === 'POST' && d.body.length ? d.body.toString('utf8') : q < 0 ? '' : d.path.slice(q + 1);
  return { query, path: raw.path ?? (q < 0 ? d.path : d.path.slice(0, q)), method: d.method };
}
