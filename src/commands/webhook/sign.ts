import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import { hubSignatureHeaders } from '../../core/facebook/hub-signature.js';
import { parseOptions } from '../options.js';
import { readInput } from '../../providers/input.js';
import type { Ctx } from '../../ui/context.js';

export const webhookSignOptionsSchema = z.object({
  body: z.string().check(z.minLength(1)),
  secret: z.optional(z.string()),
  curl: z.optional(z.string().check(z.minLength(1))),
  provider: z.enum(['facebook', 'paypal', 'midas']),
});

export function webhookSignCommand(ctx: Ctx): Command {
  return new Command('sign')
    .description('print the X-Hub-Signature and X-Hub-Signature-256 headers that make a body genuine (facebook)')
    .requiredOption('--body <file|->', 'the exact body bytes to sign: a file, or - for stdin')
    .option('--secret <secret>', 'app secret (or FB_APP_SECRET)')
    .option('--curl <url>', 'print a ready curl command that POSTs the body to <url>')
    .option('--provider <provider>', 'facebook (paypal: `fbpay paypal sign`, midas: `fbpay midas sign`)', 'facebook')
    .addHelpText(
      'after',
      '\nExamples:\n  $ fbpay webhook sign --body update.json --secret "$FB_APP_SECRET"\n  $ echo -n \'{"object":"payments"}\' | fbpay webhook sign --body - --json\n  $ fbpay webhook sign --body update.json --curl http://127.0.0.1:3000/webhook',
    )
    .action(async (raw: Record<string, unknown>) => {
      const opts = parseOptions(webhookSignOptionsSchema, raw);
      if (opts.provider !== 'facebook') {
        throw new UsageError('wrong_command', `webhook sign signs Facebook X-Hub signatures; for ${opts.provider} use \`fbpay ${opts.provider} sign\``, { hint: `fbpay ${opts.provider} sign --help` });
      }
      const secret = await ctx.requireSetting('appSecret', opts.secret, 'app secret');
      const body = await readInput(opts.body, ctx.io.stdin, { what: 'body' });
      const headers = hubSignatureHeaders(body, secret);
      const curl = opts.curl ? curlCommand(opts.curl, opts.body, body, headers) : undefined;
      if (ctx.opts.json) return ctx.json({ headers, bytes: body.length, ...(curl ? { curl } : {}) });
      if (curl) return ctx.out(curl);
      for (const [k, v] of Object.entries(headers)) ctx.out(`${k}: ${v}`);
    });
}

/** A curl command that sends exactly these bytes: the file itself, or the stdin body inlined when it is printable text. */
function curlCommand(url: string, spec: string, body: Buffer, headers: Record<string, string>): string {
  const text = body.toString('utf8');
  const looksJson = /^\s*[[{]/.test(text);
  const type = looksJson ? 'application/json' : /^[\w.%-]+=/.test(text) ? 'application/x-www-form-urlencoded' : 'application/octet-stream';
  const parts = ['curl', '-sS', '-X', 'POST', shellQuote(url), '-H', shellQuote(`Content-Type: ${type}`)];
  for (const [k, v] of Object.entries(headers)) parts.push('-H', shellQuote(`${k}: ${v}`));
  if (spec !== '-') parts.push('--data-binary', shellQuote('@' + spec));
  else {
    if (!Buffer.from(text, 'utf8').equals(body) || /[\0]/.test(text)) {
      throw new UsageError('curl_binary_stdin', 'cannot inline a binary body read from stdin into a curl command', { hint: 'save the body to a file and pass --body <file>' });
    }
    parts.push('--data-binary', shellQuote(text));
  }
  return parts.join(' ');
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
