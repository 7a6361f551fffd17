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
        const d = await readDelivery(opts.delivery);
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

/** Reads one recorded delivery: an NDJSON line given inline, or file:line, or a file whose first line is used. */
async function readDelivery(spec: string): Promise<{ body: Buffer; signatures: Array<{ header: string; value: string }> }> {
  let line: string;
  if (spec.trim().startsWith('{')) line = spec;
  else {
    const m = /^(.*):(\d+)$/.exec(spec);
    const file = m ? m[1] : spec;
    const n = m ? Number(m[2]) : 1;
    const { readFile } = await import('node:fs/promises');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new UsageError('input_not_found', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'pass an NDJSON line, or capture.ndjson:LINE' });
    }
    const lines = text.split('\n');
    if (n < 1 || n > lines.length || !lines[n - 1].trim()) throw new UsageError('bad_delivery', `${file} has no delivery on line ${n}`, { hint: `it has ${lines.filter((l) => l.trim()).length} line(s)` });
    line = lines[n - 1];
  }
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    throw new UsageError('bad_delivery', 'the delivery is not a JSON line', { hint: 'expected {"received_at","method","path","headers","body_b64","verified"}' });
  }
  const d = doc as { headers?: unknown; body_b64?: unknown };
  if (!d || typeof d !== 'object' || typeof d.body_b64 !== 'string' || !d.headers || typeof d.headers !== 'object') {
    throw new UsageError('bad_delivery', 'the delivery line lacks "headers" or "body_b64"', { hint: 'expected a `webhook listen --record` line' });
  }
  const headers = d.headers as Record<string, unknown>;
  const get = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const signatures: Array<{ header: string; value: string }> = [];
  for (const h of ['X-Hub-Signature-256', 'X-Hub-Signature']) {
    const v = get(h.toLowerCase());
    if (typeof v === 'string') signatures.push({ header: h, value: v });
  }
  return { body: Buffer.from(d.body_b64, 'base64'), signatures };
}
