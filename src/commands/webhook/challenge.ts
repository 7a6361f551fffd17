import { randomInt } from 'node:crypto';
import { Command, Option } from 'commander';
import * as z from 'zod/mini';
import { intOption, parseOptions } from '../options.js';
import { redact } from '../../core/mask.js';
import type { Ctx } from '../../ui/context.js';
import { ellipsize } from '../../core/text.js';

export const webhookChallengeOptionsSchema = z.object({
  to: z.string().check(z.minLength(1)),
  verifyToken: z.optional(z.string()),
  allowRemote: z.optional(z.boolean()),
  timeout: z.number(),
  provider: z.enum(['facebook']),
});

export function webhookChallengeCommand(ctx: Ctx): Command {
  return new Command('challenge')
    .description('run the Facebook subscription handshake: GET hub.mode=subscribe, hub.challenge, hub.verify_token')
    .requiredOption('--to <url>', 'your webhook endpoint')
    .option('--verify-token <token>', 'the verify token your endpoint expects (or FB_VERIFY_TOKEN)')
    .option('--allow-remote', 'allow a target that is not 127.0.0.1/localhost')
    .option('--timeout <ms>', 'how long to wait for the reply', intOption('--timeout', { min: 1, max: 600_000 }), 10_000)
    .addOption(new Option('--provider <provider>', 'facebook (the only provider with this handshake)').default('facebook'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ fbpay webhook challenge --to http://127.0.0.1:3000/webhook --verify-token my-token\n  $ FB_VERIFY_TOKEN=my-token fbpay webhook challenge --to http://localhost:3000/webhook --json\n\nExit codes: 0 the endpoint echoed the challenge · 1 it did not · 2 bad input or remote target · 3 unreachable',
    )
    .action(async (raw: Record<string, unknown>) => {
      const opts = parseOptions(webhookChallengeOptionsSchema, raw);
      const { assertTargetAllowed, httpRequest } = await import('../../transport/http.js');
      const target = assertTargetAllowed(opts.to, Boolean(opts.allowRemote));
      const token = await ctx.requireSetting('verifyToken', opts.verifyToken, 'verify token');
      const challenge = String(randomInt(1, 2 ** 31 - 1));
      const url = new URL(target);
      url.searchParams.set('hub.mode', 'subscribe');
      url.searchParams.set('hub.challenge', challenge);
      url.searchParams.set('hub.verify_token', token);
      ctx.verbose(redact(`GET ${url.toString()}`, [token, encodeURIComponent(token)]));
      const res = await ctx.spin(`handshake with ${target.origin}`, () => httpRequest({ method: 'GET', url, timeoutMs: opts.timeout, signal: ctx.signal }));
      const body = res.body.toString('utf8');
      const verdict = judgeChallenge(res.status, body, challenge);
      if (!verdict.ok) ctx.exitCode = 1;
      if (ctx.opts.json) {
        return ctx.json({ ok: verdict.ok, status: res.status, challenge, response: redact(body.slice(0, 4096), [token]), latency_ms: Math.round(res.latencyMs), ...(verdict.reason ? { reason: verdict.reason } : {}) });
      }
      const c = ctx.chalk;
      if (verdict.ok) ctx.out(`${c.green('✓')} ${target.origin}${target.pathname} echoed the challenge (200, ${Math.round(res.latencyMs)} ms)`);
      else ctx.out(`${c.red('✗')} ${redact(verdict.reason!, [token])}`);
    });
}

/** 200 with exactly the challenge as the body, or a one-line account of what came back instead. */
export function judgeChallenge(status: number, body: string, challenge: string): { ok: boolean; reason?: string } {
  if (status === 200 && body === challenge) return { ok: true };
  const shown = JSON.stringify(ellipsize(body, 81));
  if (status !== 200) return { ok: false, reason: `status ${status} (expected 200 with the challenge); body ${shown}` };
  if (body.trim() === challenge) return { ok: false, reason: `200 but the body has extra whitespace around the challenge: ${shown}; echo hub.challenge exactly` };
  if (body.includes(challenge)) return { ok: false, reason: `200 but the body wraps the challenge (${shown}); reply with the bare hub.challenge value, not JSON or HTML` };
  return { ok: false, reason: `200 but the body is ${shown}, not the challenge ${challenge}` };
}
