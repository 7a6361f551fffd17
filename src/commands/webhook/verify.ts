import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import { explainHubMismatch, parseHubSignature, verifyHubSignature, HUB_HEADER, type HubDiagnosis } from '../../core/facebook/hub-signature.js';
import { parseOptions } from '../options.js';
import { readInput } from '../../providers/input.js';
import type { Ctx } from '../../ui/context.js';

export const webhookVerifyOptionsSchema = z.object({
  body: z.optional(z.string().check(z.minLength(1))),
  signature: z.optional(z.string()),
  delivery: z.optional(z.string().check(z.minLength(1))),
  secret: z.optional(z.string()),
  provider: z.enum(['facebook', 'paypal', 'midas']),
});

interface Check {
  header: string;
  algorithm?: string;
  valid: boolean;
  reason?: string;
  /** The near miss that was tried and matched, or one `no_near_miss` entry saying what was tried. */
  diagnosis?: HubDiagnosis[];
  /** Remarks not tested against the signature (the secret's shape…): never the diagnosis. */
  notes?: HubDiagnosis[];
}

export function webhookVerifyCommand(ctx: Ctx): Command {
  return new Command('verify')
    .description('verify a Facebook X-Hub-Signature(-256) over the raw body; on a mismatch, say what would have matched')
    .option('--body <file|->', 'the exact body bytes received: a file, or - for stdin')
    .option('--signature <value>', 'the X-Hub-Signature-256 (sha256=…) or X-Hub-Signature (sha1=…) value')
    .option('--delivery <line|file:line>', 'a `webhook listen --record` NDJSON line, or file.ndjson:N (line N, from 1)')
    .option('--secret <secret>', 'app secret (or FB_APP_SECRET)')
    .option('--provider <provider>', 'facebook (paypal: `fbpay paypal verify`, midas: `fbpay midas verify`)', 'facebook')
    .addHelpText(
      'after',
      '\nExamples:\n  $ fbpay webhook verify --body body.json --signature "sha256=757107ea…"\n  $ fbpay webhook verify --delivery capture.ndjson:3 --json\n\nExit codes: 0 valid · 1 not valid (with the likely cause) · 2 bad input',
    )
    .action(async (raw: Record<string, unknown>) => {
      const opts = parseOptions(webhookVerifyOptionsSchema, raw);
      if (opts.provider !== 'facebook') {
        throw new UsageError('wrong_command', `webhook verify checks Facebook X-Hub signatures; for ${opts.provider} use \`fbpay ${opts.provider} verify\``, { hint: `fbpay ${opts.provider} verify --help` });
      }
      let body: Buffer;
      let signatures: Array<{ header: string; value: string }>;
      if (opts.delivery !== undefined) {
        if (opts.body !== undefined) throw new UsageError('bad_option', '--delivery carries its own body: drop --body', { hint: 'use either --delivery or --body with --signature' });
        const d = await readDelivery(opts.delivery, ctx.io.cwd);
        body = d.body;
        signatures = opts.signature !== undefined ? [{ header: 'signature', value: opts.signature }] : d.signatures;
        if (signatures.length === 0) {
          throw new UsageError('no_signature', 'the recorded delivery has no X-Hub-Signature-256 or X-Hub-Signature header', { hint: 'pass --signature <value> to check one anyway' });
        }
      } else {
        if (opts.body === undefined) throw new UsageError('bad_option', 'missing --body (or --delivery)', { hint: 'fbpay webhook verify --body body.json --signature sha256=…' });
        if (opts.signature === undefined) throw new UsageError('bad_option', 'missing --signature', { hint: 'pass the X-Hub-Signature-256 header value: --signature sha256=…' });
        body = await readInput(opts.body, ctx.io.stdin, { what: 'body' });
        signatures = [{ header: 'signature', value: opts.signature }];
      }
      for (const s of signatures) parseHubSignature(s.value);
      const secret = await ctx.requireSetting('appSecret', opts.secret, 'app secret');

      const checks: Check[] = signatures.map((s) => {
        const r = verifyHubSignature(body, s.value, secret);
        const header = r.algorithm ? HUB_HEADER[r.algorithm] : s.header;
        if (r.valid) return { header, algorithm: r.algorithm, valid: true };
        const x = explainHubMismatch(body, s.value, secret);
        const diagnosis: HubDiagnosis[] = x.nearMiss
          ? [x.nearMiss]
          : [{ cause: 'no_near_miss', matched: false, message: `no near miss matched: tried ${x.tried.count} variants (${x.tried.kinds.join(', ')}); is it the right app secret, and the exact bytes received?` }];
        return { header, algorithm: r.algorithm, valid: false, reason: r.reason, diagnosis, notes: x.notes };
      });
      const valid = checks.every((c) => c.valid);
      if (!valid) ctx.exitCode = 1;
      if (ctx.opts.json) return ctx.json({ valid, bytes: body.length, checks });
      const c = ctx.chalk;
      for (const ch of checks) {
        if (ch.valid) ctx.out(`${c.green('✓')} ${ch.header} valid (HMAC-${ch.algorithm?.toUpperCase()}, ${body.length} bytes)`);
        else {
          ctx.out(`${c.red('✗')} ${ch.reason}`);
          for (const d of ch.diagnosis ?? []) ctx.out(`  ${d.matched ? `${c.yellow('→ near miss:')} ` : c.dim('· ')}${d.message}`);
          for (const n of ch.notes ?? []) ctx.out(`  ${c.dim('note:')} ${n.message}`);
        }
      }
    });
}

/** Reads one recorded delivery; a PayPal or Midas line is pointed to the command that verifies it. */
async function readDelivery(spec: string, cwd: string): Promise<{ body: Buffer; signatures: Array<{ header: string; value: string }> }> {
  const { inferCaptureProvider, readCaptureSpec, VERIFY_COMMAND } = await import('../../providers/webhook/capture.js');
  const d = await readCaptureSpec(spec, cwd);
  const provider = inferCaptureProvider(d);
  if (provider && provider !== 'facebook') {
    const where = d.file ? `${d.file}:${d.line}` : 'this line';
    const again = d.file ? `${VERIFY_COMMAND[provider]} --delivery ${shellWord(`${d.file}:${d.line}`)}` : `${VERIFY_COMMAND[provider]} --delivery <the same line>`;
    throw new UsageError('wrong_command', `${where} is a ${provider === 'paypal' ? 'PayPal' : 'Midas'} delivery; webhook verify checks Facebook X-Hub signatures`, { hint: `run: ${again}` });
  }
  const signatures: Array<{ header: string; value: string }> = [];
  for (const h of ['X-Hub-Signature-256', 'X-Hub-Signature']) {
    const v = d.headers[h.toLowerCase()];
    if (typeof v === 'string') signatures.push({ header: h, value: v });
  }
  return { body: d.body, signatures };
}

/** Quotes a word for a POSIX shell when it needs it, so a printed command line pastes as is. */
function shellWord(w: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
