import { Command } from 'commander';
import * as z from 'zod/mini';
import { parseBytes, parseNow } from '../../core/parse.js';
import { assertTargetAllowed } from '../../transport/http.js';
import type { AdapterOptions, Provider } from '../../providers/webhook/adapter.js';
import type { ListenEvent } from '../../providers/webhook/listen.js';
import { collect, intOption, parseOptions } from '../options.js';
import type { Ctx } from '../../ui/context.js';

export const webhookListenOptionsSchema = z.object({
  port: z.number(),
  host: z.string().check(z.minLength(1)),
  provider: z.enum(['facebook', 'paypal', 'midas']),
  secret: z.optional(z.string()),
  verifyToken: z.optional(z.string()),
  webhookId: z.optional(z.string()),
  appkey: z.optional(z.string()),
  cert: z.optional(z.string()),
  ca: z.optional(z.string()),
  allowCertHost: z.array(z.string()),
  forwardTo: z.optional(z.string()),
  allowRemote: z.optional(z.boolean()),
  record: z.optional(z.string().check(z.minLength(1))),
  recordSecrets: z.optional(z.boolean()),
  maxBody: z.string(),
  acceptInvalid: z.optional(z.boolean()),
  now: z.optional(z.number()),
});
type ListenOptions = z.infer<typeof webhookListenOptionsSchema>;

export function webhookListenCommand(ctx: Ctx): Command {
  return new Command('listen')
    .description('a local receiver: verifies each delivery, answers the handshake, forwards and records')
    .option('--port <port>', 'port to listen on (0 picks a free one)', intOption('--port', { min: 0, max: 65535 }), 4242)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--provider <provider>', 'facebook|paypal|midas', 'facebook')
    .option('--secret <secret>', 'facebook: app secret (or FB_APP_SECRET)')
    .option('--verify-token <token>', 'facebook: answer the hub.challenge handshake for this token (or FB_VERIFY_TOKEN)')
    .option('--webhook-id <id>', 'paypal: webhook id (or PAYPAL_WEBHOOK_ID)')
    .option('--appkey <key>', 'midas: appkey (or MIDAS_APPKEY)')
    .option('--cert <pem file>', 'paypal: verify with this certificate instead of fetching PAYPAL-CERT-URL')
    .option('--ca <pem file>', 'paypal: CA bundle the certificate must chain to (or PAYPAL_CA)')
    .option('--allow-cert-host <host>', 'paypal: also fetch certificates from this host (repeatable; e.g. 127.0.0.1 for replays)', collect, [])
    .option('--forward-to <url>', 'pass every delivery on (exact bytes and headers) and relay the reply')
    .option('--allow-remote', 'allow a --forward-to that is not loopback')
    .option('--record <file>', 'append one NDJSON line per delivery (replay reads it back)')
    .option('--record-secrets', 'record credentials (verify tokens, Authorization…) unmasked')
    .option('--max-body <size>', 'larger bodies get 413', '1mb')
    .option('--accept-invalid', 'reply 200 to deliveries that fail verification (still reported ✗)')
    .option('--now <unix>', 'check timestamps as of this time (unix seconds or ISO date), for historical or recorded deliveries', (v: string) => parseNow(v))
    .addHelpText(
      'after',
      `
Stops on Ctrl-C (exit 130). Handshakes are answered, not recorded; secrets in recorded headers and
queries are masked unless --record-secrets. One line per delivery on stdout; with --json, NDJSON events
({"type":"listening"}, {"type":"delivery"}, {"type":"handshake"}, {"type":"rejected"}).

Examples:
  $ fbpay webhook listen --secret "$FB_APP_SECRET" --verify-token mytoken
  $ fbpay webhook listen --port 0 --record capture.ndjson --forward-to http://127.0.0.1:3000/webhook
  $ fbpay webhook listen --provider paypal --webhook-id WH-123 --allow-cert-host 127.0.0.1
  $ fbpay webhook listen --provider midas --appkey "$MIDAS_APPKEY" --port 8080
  $ fbpay webhook listen --provider paypal --webhook-id WEBHOOK_ID --now 2024-08-02T19:34:57Z`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const opts = parseOptions(webhookListenOptionsSchema, raw);
      const maxBody = parseBytes(opts.maxBody, '--max-body');
      const forwardTo = opts.forwardTo ? assertTargetAllowed(opts.forwardTo, Boolean(opts.allowRemote)) : undefined;
      const { adapterOptions, secrets } = await resolveReceiverOptions(ctx, opts.provider, opts);
      if (opts.now !== undefined) {
        const now = opts.now;
        adapterOptions.now = () => now;
      }
      const { loadReceiver } = await import('../../providers/webhook/providers.js');
      const receiver = await loadReceiver(opts.provider, adapterOptions);
      const { startListener } = await import('../../providers/webhook/listen.js');
      const { redact } = await import('../../core/mask.js');
      const c = ctx.chalk;
      const clean = (s: string) => redact(s, secrets);

      const onEvent = (e: ListenEvent) => {
        if (ctx.opts.json) return ctx.ndjson({ ...e, ...('reason' in e && e.reason ? { reason: clean(e.reason) } : {}) });
        const time = c.dim(new Date().toISOString().slice(11, 19));
        if (e.type === 'handshake') return ctx.out(`${time} ${e.status === 200 ? c.green('↔') : c.red('↔')} ${e.method} ${e.path}  handshake → ${e.status}`);
        if (e.type === 'rejected') return ctx.out(`${time} ${c.red('✗')} ${e.method} ${e.path}  ${e.status} ${clean(e.reason)}`);
        const mark = e.verified ? c.green('✓') : c.red('✗');
        const why = !e.verified ? `  ${c.red(clean(e.reason ?? 'not verified'))}` : e.reason ? `  ${c.yellow(clean(e.reason))}` : '';
        const fwd = e.forwarded ? c.dim(e.forwarded.error ? `  forward failed: ${clean(e.forwarded.error)}` : `  forwarded → ${e.forwarded.status} (${e.forwarded.latency_ms} ms)`) : '';
        ctx.out(`${time} ${mark} ${e.method} ${e.path}  ${e.summary}${why}  → ${e.status}${fwd}`);
      };

      const listener = await startListener({
        host: opts.host,
        port: opts.port,
        receiver,
        maxBody,
        acceptInvalid: Boolean(opts.acceptInvalid),
        forwardTo,
        recordFile: opts.record,
        capture: { keepSecrets: Boolean(opts.recordSecrets), secrets },
        onEvent,
      });
      if (ctx.opts.json) ctx.ndjson({ type: 'listening', url: listener.url, provider: opts.provider });
      else ctx.out(`listening on ${listener.url}`);
      const notes = [
        `provider ${opts.provider}`,
        opts.provider === 'facebook' ? (adapterOptions.verifyToken ? 'handshake on' : 'no --verify-token: handshakes get 403') : '',
        forwardTo ? `forwarding to ${forwardTo.href}` : '',
        opts.record ? `recording to ${opts.record}${opts.recordSecrets ? ' (with secrets)' : ''}` : '',
        opts.acceptInvalid ? 'accepting invalid deliveries' : '',
        opts.now !== undefined ? `timestamps checked as of ${new Date(opts.now * 1000).toISOString()} (--now)` : '',
        'Ctrl-C to stop',
      ].filter(Boolean);
      ctx.info(c.dim(notes.join(' · ')));

      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) return resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await listener.close();
      const st = listener.stats;
      ctx.info(`stopped: ${st.deliveries} deliveries (${st.verified} verified, ${st.deliveries - st.verified} not), ${st.rejected} rejected`);
      ctx.exitCode = 130;
    });
}

async function resolveReceiverOptions(ctx: Ctx, provider: Provider, opts: ListenOptions): Promise<{ adapterOptions: AdapterOptions; secrets: string[] }> {
  const readPem = async (value: string | undefined, flag: string) => {
    if (!value) return undefined;
    if (value.includes('-----BEGIN')) return value;
    const { readInput } = await import('../../providers/input.js');
    return (await readInput(value, ctx.io.stdin, { what: flag, maxBytes: 1024 * 1024 })).toString('utf8');
  };
  if (provider === 'facebook') {
    const secret = await ctx.requireSetting('appSecret', opts.secret, 'app secret');
    const verifyToken = ctx.setting('verifyToken', opts.verifyToken).value;
    return { adapterOptions: { secret, verifyToken }, secrets: [secret, verifyToken ?? ''] };
  }
  if (provider === 'paypal') {
    const webhookId = await ctx.requireSetting('paypalWebhookId', opts.webhookId, 'PayPal webhook id');
    const certPem = await readPem(opts.cert, '--cert');
    const caPem = await readPem(ctx.setting('paypalCa', opts.ca).value, '--ca');
    return { adapterOptions: { webhookId, certPem, caPem, allowCertHosts: opts.allowCertHost }, secrets: [] };
  }
  const appkey = await ctx.requireSetting('midasAppkey', opts.appkey, 'Midas appkey');
  return { adapterOptions: { appkey }, secrets: [appkey] };
}
