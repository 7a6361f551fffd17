import { randomUUID, type KeyObject } from 'node:crypto';
import { FbpayError, UsageError } from '../../core/errors.js';
import type { RenderedFixture } from '../../core/fixtures/schema.js';
import { parseCertificates } from '../../core/paypal/cert-policy.js';
import { REQUIRED_PAYPAL_HEADERS } from '../../core/paypal/headers.js';
import { readPrivateKey, signPaypalWebhook } from '../../core/paypal/sign.js';
import { paypalEventInfo, type PaypalEventInfo } from '../../core/paypal/subscription.js';
import { generateTestKeyPair } from '../../core/paypal/test-cert.js';
import { verifyPaypalWebhook } from '../../core/paypal/verify.js';
import type { AdapterOptions, BuildContext, CapturedDelivery, IncomingDelivery, OutgoingDelivery, ReceiveResult, Receiver, ReplayAdapter } from '../webhook/adapter.js';
import { createCertLoader } from './cert-fetch.js';
import { startCertServer, type CertServer } from './cert-server.js';

/** How old a `--tamper stale` delivery's transmission time is: five days, past fbpay's four-day window (PayPal retries for three) and any stricter one. */
export const STALE_SECONDS = 5 * 86_400;

const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'expect', 'accept-encoding']);

function requireWebhookId(opts: AdapterOptions): string {
  if (!opts.webhookId) {
    throw new UsageError('missing_setting', 'missing PayPal webhook id', { hint: 'pass --webhook-id or set PAYPAL_WEBHOOK_ID (the simulator uses WEBHOOK_ID)' });
  }
  return opts.webhookId;
}

/**
 * PayPal replay: signs each delivery's exact bytes (SHA256withRSA over
 * `transmission_id|transmission_time|webhook_id|crc32`) with `keyPem` (or a fresh test key) and
 * points PAYPAL-CERT-URL at a loopback server holding the certificate, or at `certUrl`.
 */
export function createReplayAdapter(opts: AdapterOptions): ReplayAdapter {
  const webhookId = requireWebhookId(opts);
  if (opts.certPem && !opts.keyPem) throw new UsageError('missing_key', '--cert needs the matching --key to sign with', { hint: 'make a pair with `fbpay paypal keygen`' });
  if (opts.keyPem && !opts.certPem && !opts.certUrl) {
    throw new UsageError('missing_cert', '--key needs its certificate: --cert <pem> (served on loopback) or --cert-url <url> (served elsewhere)', { hint: 'make a pair with `fbpay paypal keygen`' });
  }
  if (opts.certUrl && !opts.keyPem) throw new UsageError('missing_key', '--cert-url needs --key: deliveries must be signed by the key of the certificate at that URL');
  // Parsed once: a PEM parse per delivery would cost more than the RSA signature.
  let key: KeyObject | undefined = opts.keyPem ? readPrivateKey(opts.keyPem) : undefined;
  if (opts.certPem) parseCertificates(opts.certPem, '--cert');
  let certUrl = opts.certUrl;
  let server: CertServer | undefined;

  return {
    provider: 'paypal',
    async open() {
      if (certUrl && key) return;
      let certPem = opts.certPem;
      if (!key) {
        const pair = generateTestKeyPair({ now: opts.now?.() });
        key = readPrivateKey(pair.keyPem);
        certPem = pair.certPem;
      }
      const id = `CERT-fbpay-${randomUUID().slice(0, 8)}`;
      server = await startCertServer({ [id]: certPem! }, { tls: opts.certServerTls });
      certUrl ??= server.urlFor(id);
    },
    async close() {
      await server?.close();
      server = undefined;
    },
    async build(input, ctx) {
      if (!key || !certUrl) await this.open!(new AbortController().signal);
      return buildDelivery(input, ctx, webhookId, key!, certUrl!);
    },
  };
}

function buildDelivery(input: RenderedFixture | CapturedDelivery, ctx: BuildContext, webhookId: string, key: KeyObject, certUrl: string): OutgoingDelivery {
  const captured = 'captured' in input && input.captured === true;
  let body: Buffer;
  let headers: Record<string, string> = {};
  let url = ctx.target.toString();
  let label: string;
  if (captured) {
    const c = input as CapturedDelivery;
    body = c.body;
    for (const [k, v] of Object.entries(c.headers)) {
      const lk = k.toLowerCase();
      if (!HOP_BY_HOP.has(lk) && !REQUIRED_PAYPAL_HEADERS.includes(lk) && lk !== 'paypal-auth-version') headers[lk] = v;
    }
    label = c.label;
  } else {
    const r = input as RenderedFixture;
    body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : Buffer.from(JSON.stringify(r.body), 'utf8');
    headers['content-type'] = r.delivery.contentType ?? 'application/json';
    if (r.delivery.path && (ctx.target.pathname === '/' || ctx.target.pathname === '')) url = new URL(r.delivery.path, ctx.target).toString();
    label = r.step ?? r.name;
  }
  headers['user-agent'] ??= 'PayPal/AUHD-214.0 (fbpay replay)';
  const now = ctx.now();
  const signed = signPaypalWebhook({ body, webhookId, key, certUrl, now: () => (ctx.tamper === 'stale' ? now - STALE_SECONDS : now) });
  const h = { ...signed.headers } as Record<string, string>;
  if (ctx.tamper === 'signature') h['PAYPAL-TRANSMISSION-SIG'] = flipSignature(h['PAYPAL-TRANSMISSION-SIG']);
  if (ctx.tamper === 'body') body = tamperBody(body);
  const info = paypalEventInfo(body);
  return {
    label,
    method: 'POST',
    url,
    headers: { ...headers, ...h },
    body,
    meta: {
      event_type: info.eventType,
      resource_id: info.resourceId,
      ...(info.subscriptionId ? { subscription_id: info.subscriptionId } : {}),
      transmission_id: h['PAYPAL-TRANSMISSION-ID'],
      ...(ctx.tamper ? { tamper: ctx.tamper } : {}),
    },
  };
}

/** Changes one byte of the signed body (the first digit, else appends a space): the CRC, and so the signature, no longer match. */
function tamperBody(body: Buffer): Buffer {
  const out = Buffer.from(body);
  const i = out.findIndex((b) => b >= 0x30 && b <= 0x39);
  if (i < 0) return Buffer.concat([out, Buffer.from(' ')]);
  out[i] = out[i] === 0x39 ? 0x30 : out[i] + 1;
  return out;
}

function flipSignature(sig: string): string {
  const b = Buffer.from(sig, 'base64');
  b[b.length >> 1] ^= 0x01;
  return b.toString('base64');
}

/** One line for `webhook listen`: event type, resource id, and the subscription it belongs to. */
export function paypalSummary(info: PaypalEventInfo): string {
  const parts = [info.eventType ?? '(no event_type)'];
  if (info.resourceId) parts.push(info.resourceId);
  if (info.subscriptionSource === 'resource.billing_agreement_id') parts.push(`billing_agreement_id ${info.subscriptionId}`);
  else if (info.eventType?.startsWith('PAYMENT.SALE.')) parts.push('(no billing_agreement_id)');
  if (info.customId) parts.push(`custom_id ${info.customId}`);
  return parts.join(' ');
}

/**
 * PayPal receiver for `webhook listen`: verifies each delivery with the same checks as
 * `paypal verify` (certificate URL policy included: loopback certificate servers only via
 * `allowCertHosts`). Certificate fetches are cached in memory.
 */
export function createReceiver(opts: AdapterOptions): Receiver {
  const webhookId = requireWebhookId(opts);
  const loadCert = createCertLoader({ allowCertHosts: opts.allowCertHosts });
  return {
    provider: 'paypal',
    async receive(d: IncomingDelivery): Promise<ReceiveResult> {
      const info = paypalEventInfo(d.body);
      const summary = paypalSummary(info);
      try {
        const r = await verifyPaypalWebhook(d.body, d.headers, {
          webhookId,
          now: opts.now ?? (() => Math.floor(d.receivedAt.getTime() / 1000)),
          certPem: opts.certPem,
          caPem: opts.caPem,
          allowCertHosts: opts.allowCertHosts,
          loadCert,
        });
        // A ✓ that rests on the user's word, not on PayPal's CA, says so.
        if (r.valid) return { verified: true, summary: r.trust === 'paypal-ca' ? summary : `${summary} (certificate trusted because you passed ${r.trust})` };
        const failed = r.checks.filter((c) => !c.ok);
        const hit = r.nearMisses.find((m) => m.matches);
        return { verified: false, summary, reason: failed.map((c) => `${c.check}: ${c.detail}`).join('; ') + (hit && !failed.some((c) => c.check === 'signature') ? `; ${hit.detail}` : '') };
      } catch (e) {
        if (e instanceof FbpayError) return { verified: false, summary, reason: e.message };
        throw e;
      }
    },
  };
}
