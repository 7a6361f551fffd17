import type { Dispatcher } from 'undici';
import { NetworkError, UsageError } from '../../core/errors.js';
import { redact } from '../../core/mask.js';
import type { PaypalTransmission } from '../../core/paypal/headers.js';
import { httpRequest, type HttpResponse } from '../../transport/http.js';

export const PAYPAL_SANDBOX_API = 'https://api-m.sandbox.paypal.com';
export const PAYPAL_LIVE_API = 'https://api-m.paypal.com';

export interface VerifyOnlineOptions {
  /** Default: the sandbox API. */
  apiUrl?: string;
  clientId: string;
  clientSecret: string;
  webhookId: string;
  transmission: PaypalTransmission;
  /** The raw body, spliced verbatim into the request as `webhook_event`. */
  body: Buffer;
  signal?: AbortSignal;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

export interface VerifyOnlineResult {
  verificationStatus: string;
  apiUrl: string;
  debugId?: string;
  latencyMs: number;
}

/**
 * The verify-webhook-signature request body, written by hand so the webhook event is the raw body
 * bytes exactly as received: re-serializing it changes the bytes PayPal hashes, and the answer
 * becomes FAILURE for a genuine delivery.
 */
export function verifyRequestBody(t: PaypalTransmission, webhookId: string, body: Buffer): Buffer {
  const fields = {
    auth_algo: t.authAlgo,
    cert_url: t.certUrl,
    transmission_id: t.transmissionId,
    transmission_sig: t.transmissionSig,
    transmission_time: t.transmissionTime,
    webhook_id: webhookId,
  };
  const head = Object.entries(fields)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v ?? '')}`)
    .join(',');
  return Buffer.concat([Buffer.from(`{${head},"webhook_event":`), body, Buffer.from('}')]);
}

/**
 * Asks PayPal (or a stand-in at `apiUrl`) whether a delivery is genuine: an OAuth client-credentials
 * token, then POST /v1/notifications/verify-webhook-signature. Resolves with PayPal's
 * `verification_status` (SUCCESS or FAILURE); an HTTP or API error is a NetworkError (exit 3).
 */
export async function verifyWebhookOnline(opts: VerifyOnlineOptions): Promise<VerifyOnlineResult> {
  const api = (opts.apiUrl ?? PAYPAL_SANDBOX_API).replace(/\/+$/, '');
  try {
    const u = new URL(api);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol');
  } catch {
    throw new UsageError('bad_url', `invalid --api-url/--base-url "${api.slice(0, 100)}"`, { hint: `e.g. ${PAYPAL_SANDBOX_API} or ${PAYPAL_LIVE_API}` });
  }
  try {
    JSON.parse(opts.body.toString('utf8'));
  } catch {
    throw new UsageError('bad_body', 'the body is not JSON, so it cannot be sent as webhook_event', { hint: 'pass the raw webhook body exactly as PayPal sent it' });
  }
  const secrets = [opts.clientSecret, Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')];
  const started = performance.now();
  const tokenRes = await httpRequest({
    method: 'POST',
    url: `${api}/v1/oauth2/token`,
    headers: {
      authorization: `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: 'grant_type=client_credentials',
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    dispatcher: opts.dispatcher,
  });
  if (tokenRes.status < 200 || tokenRes.status > 299) throw apiError('token request', tokenRes, secrets, tokenRes.status === 401 ? 'check --client-id / --client-secret (PAYPAL_CLIENT_ID / PAYPAL_CLIENT_SECRET) and that --api-url matches their environment (sandbox or live)' : tokenRes.status >= 500 ? 'PayPal\u2019s API failed, not your request: try again later' : 'is --api-url a PayPal API?');
  const token = readJson(tokenRes, 'token request', secrets).access_token;
  if (typeof token !== 'string' || token === '') throw new NetworkError('paypal_api_error', 'the token response has no access_token', { hint: 'is --api-url a PayPal API?' });
  secrets.push(token);
  const res = await httpRequest({
    method: 'POST',
    url: `${api}/v1/notifications/verify-webhook-signature`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: verifyRequestBody(opts.transmission, opts.webhookId, opts.body),
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    dispatcher: opts.dispatcher,
  });
  if (res.status < 200 || res.status > 299) {
    throw apiError('verify-webhook-signature', res, secrets, res.status >= 500 ? 'PayPal\u2019s API failed, not your request: try again later' : 'PayPal refused the request itself, not the signature: is --webhook-id one of this app\u2019s webhooks, in the environment --api-url names (sandbox or live)?');
  }
  const status = readJson(res, 'verify-webhook-signature', secrets).verification_status;
  if (typeof status !== 'string') throw new NetworkError('paypal_api_error', 'the verify response has no verification_status', { hint: 'is --api-url a PayPal API?' });
  return { verificationStatus: status, apiUrl: api, debugId: res.headers['paypal-debug-id'], latencyMs: performance.now() - started };
}

function readJson(res: HttpResponse, what: string, secrets: string[]): Record<string, unknown> {
  try {
    const v = JSON.parse(res.body.toString('utf8'));
    if (v && typeof v === 'object') return v as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  throw new NetworkError('paypal_api_error', redact(`${what}: the response is not JSON: ${res.body.toString('utf8').slice(0, 120)}`, secrets), { hint: 'is --api-url a PayPal API?' });
}

function apiError(what: string, res: HttpResponse, secrets: string[], hint: string): NetworkError {
  let reason = '';
  try {
    const e = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    reason = [e.name ?? e.error, e.message ?? e.error_description].filter((x) => typeof x === 'string').join(': ');
  } catch {
    reason = res.body.toString('utf8').slice(0, 120);
  }
  const debug = res.headers['paypal-debug-id'] ? ` (debug id ${res.headers['paypal-debug-id']})` : '';
  return new NetworkError('paypal_api_error', redact(`PayPal ${what} failed: HTTP ${res.status}${reason ? ` ${reason}` : ''}${debug}`, secrets), {
    hint,
  });
}
