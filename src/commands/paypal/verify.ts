import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import { parseNow } from '../../core/parse.js';
import type { PaypalVerifyResult } from '../../core/paypal/verify.js';
import type { Ctx } from '../../ui/context.js';
import { collect, intOption, parseOptions } from '../options.js';
import { readDelivery, readPem } from './inputs.js';

export const paypalVerifyOptionsSchema = z.object({
  body: z.optional(z.string().check(z.minLength(1))),
  headers: z.optional(z.string().check(z.minLength(1))),
  delivery: z.optional(z.string().check(z.minLength(1))),
  webhookId: z.optional(z.string()),
  cert: z.optional(z.string()),
  ca: z.optional(z.string()),
  now: z.optional(z.string()),
  allowCertHost: z.array(z.string()),
  strictChain: z.optional(z.boolean()),
  cache: z.optional(z.boolean()),
  maxAge: z.number(),
  timeout: z.number(),
});

export function paypalVerifyCommand(ctx: Ctx): Command {
  return new Command('verify')
    .description('verify a PayPal webhook offline: headers, certificate URL, certificate, chain, dates, RSA signature')
    .option('--body <file|->', 'the raw webhook body (- for stdin)')
    .option('--headers <file|->', 'the request headers: a JSON object or "Name: value" lines')
    .option('--delivery <line|file:line>', 'instead of --body/--headers: a `webhook listen --record` NDJSON line, or capture.ndjson:N')
    .option('--webhook-id <id>', 'your webhook id (or PAYPAL_WEBHOOK_ID; the simulator uses WEBHOOK_ID)')
    .option('--cert <pem>', 'use this certificate instead of fetching PAYPAL-CERT-URL (checked against PayPal\u2019s CA; trusted as given, and said so, when it does not chain to it)')
    .option('--ca <pem>', 'more CA certificate(s) to build the chain with (or PAYPAL_CA); a chain ending there is trusted because you passed it, and said so')
    .option('--now <ISO|unix>', 'the time to check the certificate and transmission time at (historical deliveries)')
    .option('--allow-cert-host <host>', 'also fetch certificates from this host (repeatable; test servers only)', collect, [])
    .option('--strict-chain', 'fail when the certificate does not chain to PayPal\u2019s CA or --ca, even one given with --cert')
    .option('--cache', 'cache fetched certificates on disk (user cache directory)')
    .option('--max-age <seconds>', 'oldest accepted transmission time (0: no limit); the default, 4 days, covers PayPal\u2019s 3 days of retries', intOption('--max-age'), 4 * 86_400)
    .option('--timeout <ms>', 'certificate fetch timeout', intOption('--timeout', { min: 1 }), 10_000)
    .addHelpText(
      'after',
      `
PAYPAL-CERT-URL is fetched only from https://api.paypal.com, api.sandbox.paypal.com, api-m.paypal.com
or api-m.sandbox.paypal.com: a forged delivery names its own certificate, so any other host is refused
before a request is made. The certificate must chain to PayPal's CA, which fbpay ships (DigiCert, as
PayPal's SDKs do); one that does not verifies only with --cert, --ca or --allow-cert-host, and the
verdict then says it is trusted because you passed that flag.
Exit 0 verified · 1 not verified · 2 bad input · 3 certificate fetch failed.

Examples:
  $ fbpay paypal verify --body body.json --headers headers.txt --webhook-id 4JH86294D6297924G
  $ fbpay paypal verify --body body.json --headers headers.json --webhook-id WEBHOOK_ID --ca digicert-ev.pem --now 2024-08-02T19:34:57Z
  $ fbpay paypal verify --body body.json --headers h.json --webhook-id X --cert cert.pem --json
  $ fbpay paypal verify --delivery capture.ndjson:3 --webhook-id 4JH86294D6297924G`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(paypalVerifyOptionsSchema, raw);
      const webhookId = await ctx.requireSetting('paypalWebhookId', o.webhookId, 'PayPal webhook id');
      const caPath = ctx.setting('paypalCa', o.ca).value;
      const now = o.now !== undefined ? parseNow(o.now) : Math.floor(Date.now() / 1000);
      const d = await readBodyAndHeaders(ctx, o);
      const certPem = o.cert !== undefined ? await readPem(ctx, o.cert, '--cert') : undefined;
      const caPem = caPath ? await readPem(ctx, caPath, '--ca') : undefined;
      const { verifyPaypalWebhook } = await import('../../core/paypal/verify.js');
      const { createCertLoader, defaultCacheDir } = await import('../../providers/paypal/cert-fetch.js');
      const loadCert = createCertLoader({
        allowCertHosts: o.allowCertHost,
        cacheDir: o.cache ? defaultCacheDir(ctx.io.env) : undefined,
        signal: ctx.signal,
        timeoutMs: o.timeout,
        onLoad: (url, from) => ctx.verbose(`certificate ${url} from ${from}`),
      });
      const r = await ctx.spin('fetching the certificate', () =>
        verifyPaypalWebhook(d.body, d.headers, { webhookId, now, certPem, caPem, loadCert, allowCertHosts: o.allowCertHost, strictChain: o.strictChain, maxAgeSeconds: o.maxAge }),
      );
      if (!r.valid) ctx.exitCode = 1;
      for (const d of r.duplicateHeaders) ctx.warn(`${d.header.toUpperCase()} was given ${d.names.length} times (${d.names.join(', ')}): fbpay used the last, ${d.used}`);
      if (ctx.opts.json) ctx.json(verifyJson(r));
      else render(ctx, r);
    });
}

/** The delivery to verify: `--delivery` (a recorded line) or `--body` with `--headers`, not both. */
async function readBodyAndHeaders(ctx: Ctx, o: { body?: string; headers?: string; delivery?: string }): Promise<{ body: Buffer; headers: Record<string, string> }> {
  if (o.delivery !== undefined) {
    if (o.body !== undefined || o.headers !== undefined) throw new UsageError('bad_option', '--delivery carries its own body and headers: drop --body/--headers', { hint: 'use either --delivery or --body with --headers' });
    const { readCaptureSpec } = await import('../../providers/webhook/capture.js');
    const d = await readCaptureSpec(o.delivery, ctx.io.cwd);
    return { body: d.body, headers: d.headers };
  }
  if (o.body === undefined || o.headers === undefined) {
    throw new UsageError('missing_option', `missing ${o.body === undefined ? '--body' : '--headers'}`, { hint: 'pass --body <file> and --headers <file>, or --delivery capture.ndjson:N' });
  }
  return readDelivery(ctx, o.body, o.headers);
}

/** The `--json` document of `paypal verify` (snake_case). */
export function verifyJson(r: PaypalVerifyResult) {
  return {
    valid: r.valid,
    trusted_by: r.trust ?? null,
    checks: r.checks.map((c) => ({ check: c.check, ok: c.ok, detail: c.detail, ...(c.warning ? { warning: true } : {}) })),
    event_type: r.event.eventType ?? null,
    event_id: r.event.eventId ?? null,
    resource_type: r.event.resourceType ?? null,
    resource_id: r.event.resourceId ?? null,
    subscription_id: r.event.subscriptionId ?? null,
    subscription_source: r.event.subscriptionSource ?? null,
    custom_id: r.event.customId ?? null,
    ...(r.event.note ? { note: r.event.note } : {}),
    webhook_id: r.webhookId,
    crc32: r.crc,
    signed_string: r.signedString ?? null,
    transmission_id: r.transmission.transmissionId ?? null,
    transmission_time: r.transmission.transmissionTime ?? null,
    cert_url: r.transmission.certUrl ?? null,
    certificate: r.certificate
      ? { source: r.certificate.source, url: r.certificate.url ?? null, subject: r.certificate.subject, issuer: r.certificate.issuer, valid_from: r.certificate.validFrom, valid_to: r.certificate.validTo }
      : null,
    near_misses: r.nearMisses.map((m) => ({ cause: m.cause, matches: m.matches, detail: m.detail })),
    duplicate_headers: r.duplicateHeaders.map((d) => ({ header: d.header, names: d.names, used: d.used })),
  };
}

function render(ctx: Ctx, r: PaypalVerifyResult): void {
  const c = ctx.chalk;
  const width = Math.max(...r.checks.map((x) => x.check.length));
  for (const x of r.checks) {
    const mark = !x.ok ? c.red('✗') : x.warning ? c.yellow('!') : c.green('✓');
    ctx.out(`${mark} ${x.check.padEnd(width)}  ${x.detail}`);
  }
  const e = r.event;
  if (e.eventType) ctx.out(`event:        ${e.eventType}${e.resourceId ? ` ${e.resourceId}` : ''}${e.eventId ? c.dim(` (${e.eventId})`) : ''}`);
  if (e.subscriptionId) ctx.out(`subscription: ${e.subscriptionId} ${c.dim(`(${e.subscriptionSource})`)}`);
  if (e.customId) ctx.out(`custom_id:    ${e.customId}`);
  if (e.note && e.eventType?.startsWith('PAYMENT.SALE.')) ctx.out(`subscription: ${c.yellow('none')} — ${e.note}`);
  for (const m of r.nearMisses) ctx.out(`${m.matches ? c.yellow('near miss:') : c.yellow('suspect:')}    ${m.detail}`);
  if (r.checks.some((x) => x.check === 'cert_url' && !x.ok)) {
    ctx.out(c.dim('the certificate was not fetched, so the signature was not checked (pass --cert <pem> to check it with a certificate you trust)'));
  }
  if (!r.valid && !r.nearMisses.some((m) => m.matches) && r.checks.some((x) => x.check === 'signature' && !x.ok)) {
    ctx.out(c.dim('no near miss matched: check the webhook id, and that body, headers and certificate come from the same delivery'));
  }
  ctx.out(!r.valid ? c.red('NOT VERIFIED') : r.trust === 'paypal-ca' ? c.green('VERIFIED') : c.yellow(`VERIFIED, trusted because you passed ${r.trust}: the certificate does not chain to PayPal\u2019s CA`));
}
