import { verifyPaypalWebhook, SIMULATOR_WEBHOOK_ID } from '../../../core/paypal/verify.js';
import { isLoopbackUrl } from '../../../transport/http.js';
import type { WebhookDelivery } from '../../emulator/dispatcher.js';
import type { EmulatorReply, EmulatorRequest } from '../../emulator/server.js';
import { canonicalJson, rawJsonMember } from './raw-json.js';
import type { PaypalEmulatorProvider } from './provider.js';
import { StateError } from './provider.js';
import { ids, TokenError, type Sale, type Subscription, type WebhookEvent } from './state.js';
import { EVENT_TYPE_NAMES, EVENT_TYPES, disputeView, planView, refundView, reversalView, saleView, subscriptionView, webhookView } from './views.js';

/**
 * PayPal's REST routes on the emulator. Every route but the token, the certificate and the buyer's
 * approval page needs `Authorization: Bearer <token>`. Errors use PayPal's envelope
 * `{"name","message","debug_id","details":[{"field","value","location","issue","description"}],"links"}`
 * with a `paypal-debug-id` header; the OAuth endpoint uses OAuth's `{"error","error_description"}`.
 */

const NAMES: Record<number, [string, string]> = {
  400: ['INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.'],
  401: ['AUTHENTICATION_FAILURE', 'Authentication failed due to invalid authentication credentials or a missing Authorization header.'],
  403: ['NOT_AUTHORIZED', 'Authorization failed due to insufficient permissions.'],
  404: ['RESOURCE_NOT_FOUND', 'The specified resource does not exist.'],
  405: ['METHOD_NOT_SUPPORTED', 'The server does not implement the requested HTTP method.'],
  413: ['INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.'],
  422: ['UNPROCESSABLE_ENTITY', 'The requested action could not be performed, semantically incorrect, or failed business validation.'],
  500: ['INTERNAL_SERVER_ERROR', 'An internal server error has occurred.'],
};

export interface ErrorDetail {
  field?: string;
  value?: string;
  location?: 'body' | 'path' | 'query' | 'header';
  issue: string;
  description: string;
}

/** PayPal's error envelope. `message` defaults to PayPal's text for the status; a skeleton message becomes a detail. */
export function paypalError(status: number, description?: string, o: { name?: string; message?: string; details?: ErrorDetail[] } = {}): EmulatorReply {
  const [name, message] = NAMES[status] ?? NAMES[500];
  const debugId = ids.debug();
  const details = o.details ?? (description ? [{ issue: status === 404 ? 'INVALID_RESOURCE_ID' : status === 413 ? 'REQUEST_TOO_LARGE' : 'INVALID_PARAMETER_VALUE', description }] : undefined);
  return {
    status,
    headers: { 'paypal-debug-id': debugId },
    body: {
      name: o.name ?? name,
      message: o.message ?? message,
      debug_id: debugId,
      ...(details ? { details } : {}),
      links: [{ href: `https://developer.paypal.com/docs/api/overview/#error`, rel: 'information_link', method: 'GET' }],
    },
  };
}

const missing = (field: string): EmulatorReply =>
  paypalError(400, undefined, { details: [{ field: `/${field}`, location: 'body', issue: 'MISSING_REQUIRED_PARAMETER', description: 'A required field / parameter is missing.' }] });
const invalid = (field: string, value: unknown, description: string): EmulatorReply =>
  paypalError(400, undefined, { details: [{ field: `/${field}`, value: typeof value === 'string' ? value.slice(0, 100) : JSON.stringify(value)?.slice(0, 100), location: 'body', issue: 'INVALID_PARAMETER_VALUE', description }] });
const notFound = (what: string, id: string): EmulatorReply =>
  paypalError(404, undefined, { details: [{ field: what, value: id.slice(0, 100), location: 'path', issue: 'INVALID_RESOURCE_ID', description: 'Specified resource ID does not exist. Please check the resource ID and try again.' }] });
const json = (status: number, body: unknown): EmulatorReply => ({ status, body });
const noContent = (): EmulatorReply => ({ status: 204 });

function readJson(req: EmulatorRequest): { ok: true; value: Record<string, unknown> } | { ok: false; reply: EmulatorReply } {
  if (req.body.length === 0) return { ok: true, value: {} };
  try {
    const v = JSON.parse(req.body.toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return { ok: true, value: v as Record<string, unknown> };
  } catch {
    /* answered below */
  }
  return { ok: false, reply: paypalError(400, undefined, { details: [{ issue: 'MALFORMED_REQUEST_JSON', description: 'The request JSON is not well formed.' }] }) };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export async function handlePaypalRoute(emu: PaypalEmulatorProvider, req: EmulatorRequest): Promise<EmulatorReply | undefined> {
  const { method, path } = req;
  if (path === '/v1/oauth2/token') return method === 'POST' ? token(emu, req) : paypalError(405);
  if (path === `/v1/notifications/certs/${emu.certId}` && method === 'GET') return { status: 200, headers: { 'content-type': 'application/x-pem-file' }, body: emu.pki.certChainPem };
  if (path === '/webapps/billing/subscriptions' && method === 'GET') return buyerApproves(emu, req);
  if (path === '/_fbpay/tokens/expire' && method === 'POST') return json(200, { expired: emu.state.expireTokens() });
  if (path === '/_fbpay/ca' && method === 'GET') return { status: 200, headers: { 'content-type': 'application/x-pem-file' }, body: emu.pki.caPem };
  if (!path.startsWith('/v1/')) return undefined;

  try {
    emu.state.checkBearer(req.headers.authorization);
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    if (e.kind === 'expired') return { status: 401, body: { error: 'invalid_token', error_description: 'Access Token not found in cache' } };
    return paypalError(401);
  }
  try {
    return await route(emu, req);
  } catch (e) {
    if (e instanceof StateError) {
      if (path.startsWith('/v1/payments/')) return paypalError(400, undefined, { name: e.issue, message: e.message });
      return paypalError(422, undefined, { details: [{ issue: e.issue, description: e.message }] });
    }
    throw e;
  }
}

function token(emu: PaypalEmulatorProvider, req: EmulatorRequest): EmulatorReply {
  const bad = { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } };
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return bad;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || !emu.state.credentialsMatch(decoded.slice(0, colon), decoded.slice(colon + 1))) return bad;
  const grant = new URLSearchParams(req.body.toString('utf8')).get('grant_type');
  if (grant !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: grant ? `Grant Type ${grant.slice(0, 40)} is not supported` : 'Grant Type is NULL' } };
  const t = emu.state.issueToken();
  return json(200, {
    scope: 'https://uri.paypal.com/services/subscriptions https://api.paypal.com/v1/payments/.* https://uri.paypal.com/services/applications/webhooks openid',
    access_token: t.token,
    token_type: 'Bearer',
    app_id: emu.state.appId,
    expires_in: t.expiresIn,
    nonce: `${emu.state.iso()}${ids.debug()}`,
  });
}

/** The buyer's approval page (the subscription's `approve` link): approves, then redirects to return_url. */
async function buyerApproves(emu: PaypalEmulatorProvider, req: EmulatorRequest): Promise<EmulatorReply> {
  const ba = req.url.searchParams.get('ba_token') ?? '';
  const s = emu.state.subscriptions.get(emu.state.byBaToken.get(ba) ?? '');
  if (!s) return notFound('ba_token', ba);
  if (s.status !== 'APPROVAL_PENDING') return paypalError(422, undefined, { details: [{ issue: 'SUBSCRIPTION_STATUS_INVALID', description: `subscription ${s.id} is ${s.status}` }] });
  emu.approve(s);
  if (s.returnUrl) {
    const u = new URL(s.returnUrl);
    u.searchParams.set('subscription_id', s.id);
    u.searchParams.set('ba_token', s.baToken);
    return { status: 302, headers: { location: u.toString() }, body: '' };
  }
  return json(200, { subscription_id: s.id, status: s.status });
}

async function route(emu: PaypalEmulatorProvider, req: EmulatorRequest): Promise<EmulatorReply | undefined> {
  const { method, path } = req;
  const base = emu.base;
  const parts = path.split('/').slice(1).map(decodeURIComponent);
  const body = method === 'POST' ? readJson(req) : { ok: true as const, value: {} };
  if (!body.ok) return body.reply;
  const b = body.value;

  // Webhooks
  if (path === '/v1/notifications/webhooks') {
    if (method === 'GET') return json(200, { webhooks: [...emu.state.webhooks.values()].map((w) => webhookView(base, w)) });
    if (method !== 'POST') return paypalError(405);
    const url = str(b.url);
    if (!url) return missing('url');
    const urlProblem = checkUrl(emu, url);
    if (urlProblem) return invalid('url', url, urlProblem);
    if ([...emu.state.webhooks.values()].some((w) => w.url === url)) return paypalError(400, undefined, { name: 'WEBHOOK_URL_ALREADY_EXISTS', message: 'Webhook URL already exists.' });
    if (emu.state.webhooks.size >= 10) return paypalError(400, undefined, { name: 'WEBHOOK_NUMBER_LIMIT_EXCEEDED', message: 'Maximum number of webhooks allowed is 10.' });
    const types = eventTypeNames(b.event_types);
    if (typeof types === 'string') return invalid('event_types', b.event_types, types);
    return json(201, webhookView(base, emu.state.addWebhook(url, types)));
  }
  if (parts[0] === 'v1' && parts[1] === 'notifications' && parts[2] === 'webhooks' && parts.length >= 4) {
    const w = emu.state.webhooks.get(parts[3]);
    if (!w) return notFound('webhook_id', parts[3]);
    if (parts.length === 5 && parts[4] === 'event-types' && method === 'GET') return json(200, { event_types: webhookView(base, w).event_types });
    if (parts.length !== 4) return undefined;
    if (method === 'GET') return json(200, webhookView(base, w));
    if (method === 'DELETE') {
      emu.state.webhooks.delete(w.id);
      return noContent();
    }
    if (method !== 'PATCH') return paypalError(405);
    let ops: unknown;
    try {
      ops = JSON.parse(req.body.toString('utf8'));
    } catch {
      ops = undefined;
    }
    if (!Array.isArray(ops)) return paypalError(400, undefined, { details: [{ issue: 'MALFORMED_REQUEST_JSON', description: 'a JSON Patch array is expected' }] });
    for (const op of ops as Array<Record<string, unknown>>) {
      if (op?.op !== 'replace' || (op.path !== '/url' && op.path !== '/event_types')) return invalid('path', op?.path, 'only "replace" of /url and /event_types is supported');
      if (op.path === '/url') {
        const url = str(op.value);
        const problem = url ? checkUrl(emu, url) : 'a URL is needed';
        if (problem) return invalid('url', op.value, problem);
        w.url = url!;
      } else {
        const types = eventTypeNames(op.value);
        if (typeof types === 'string') return invalid('event_types', op.value, types);
        w.event_types = types.map((name) => ({ name }));
      }
    }
    return json(200, webhookView(base, w));
  }
  if (path === '/v1/notifications/webhooks-event-types' && method === 'GET') return json(200, { event_types: EVENT_TYPES.map((e) => ({ ...e, status: 'ENABLED' })) });
  if (path === '/v1/notifications/verify-webhook-signature') return method === 'POST' ? verifySignature(emu, req, b) : paypalError(405);
  if (path === '/v1/notifications/simulate-event') return method === 'POST' ? simulate(emu, b) : paypalError(405);

  // Webhook events
  if (path === '/v1/notifications/webhooks-events' && method === 'GET') {
    const type = req.url.searchParams.get('event_type');
    const size = Math.min(300, Math.max(1, Number(req.url.searchParams.get('page_size') ?? 10) || 10));
    const all = [...emu.state.events.values()].filter((e) => !type || e.event_type === type).reverse().slice(0, size);
    const log = deliveryIndex(emu);
    return json(200, { events: all.map((e) => eventView(e, log)), count: all.length, links: [{ href: `${base}/v1/notifications/webhooks-events?page_size=${size}`, rel: 'self', method: 'GET' }] });
  }
  if (parts[0] === 'v1' && parts[2] === 'webhooks-events' && parts.length >= 4) {
    const e = emu.state.events.get(parts[3]);
    if (!e) return notFound('event_id', parts[3]);
    if (parts.length === 4 && method === 'GET') return json(200, eventView(e, deliveryIndex(emu)));
    if (parts.length === 5 && parts[4] === 'resend' && method === 'POST') {
      const wanted = Array.isArray(b.webhook_ids) ? b.webhook_ids.filter((x): x is string => typeof x === 'string') : undefined;
      const unknown = wanted?.find((id) => !emu.state.webhooks.has(id));
      if (unknown) return invalid('webhook_ids', unknown, 'not a webhook of this app');
      emu.resend(e, wanted);
      return json(202, eventView(e, deliveryIndex(emu)));
    }
    return undefined;
  }

  // Billing plans
  if (path === '/v1/billing/plans') {
    if (method === 'GET') return json(200, { plans: [...emu.state.plans.values()].map((p) => planView(base, p)), links: [] });
    if (method !== 'POST') return paypalError(405);
    for (const f of ['product_id', 'name'] as const) if (!str(b[f])) return missing(f);
    const cycles = Array.isArray(b.billing_cycles) ? (b.billing_cycles as Array<Record<string, any>>) : undefined;
    if (!cycles?.length) return missing('billing_cycles');
    const regular = cycles.find((c) => c?.tenure_type === 'REGULAR') ?? cycles[0];
    const fixed = regular?.pricing_scheme?.fixed_price;
    if (!fixed || typeof fixed.value !== 'string' || !/^\d+(\.\d{1,2})?$/.test(fixed.value) || typeof fixed.currency_code !== 'string') {
      return invalid('billing_cycles/pricing_scheme/fixed_price', fixed, 'a fixed_price {"currency_code","value"} is needed');
    }
    const plan = emu.state.addPlan({
      product_id: str(b.product_id)!,
      name: str(b.name)!,
      description: str(b.description),
      status: b.status === 'CREATED' || b.status === 'INACTIVE' ? b.status : 'ACTIVE',
      billing_cycles: cycles,
      payment_preferences: b.payment_preferences,
      price: { currency_code: fixed.currency_code, value: fixed.value },
    });
    return json(201, planView(base, plan));
  }
  if (parts[1] === 'billing' && parts[2] === 'plans' && parts.length === 4 && method === 'GET') {
    const p = emu.state.plans.get(parts[3]);
    return p ? json(200, planView(base, p)) : notFound('plan_id', parts[3]);
  }

  // Subscriptions
  if (path === '/v1/billing/subscriptions') {
    if (method !== 'POST') return paypalError(405);
    const planId = str(b.plan_id);
    if (!planId) return missing('plan_id');
    const plan = emu.state.plans.get(planId);
    if (!plan) return notFound('plan_id', planId);
    if (plan.status !== 'ACTIVE') return paypalError(422, undefined, { details: [{ issue: 'PLAN_STATUS_INVALID', description: `plan ${plan.id} is ${plan.status}` }] });
    const sub = (b.subscriber ?? {}) as Record<string, any>;
    const ctx = (b.application_context ?? {}) as Record<string, unknown>;
    const returnUrl = str(ctx.return_url);
    if (returnUrl !== undefined && !URL.canParse(returnUrl)) return invalid('application_context/return_url', returnUrl, 'not a URL');
    const { s } = emu.createSubscription(plan, {
      customId: str(b.custom_id),
      email: str(sub.email_address),
      givenName: str(sub.name?.given_name),
      surname: str(sub.name?.surname),
      returnUrl,
      cancelUrl: str(ctx.cancel_url),
      startTime: str(b.start_time),
    });
    return json(201, subscriptionView(base, s, plan));
  }
  if (parts[1] === 'billing' && parts[2] === 'subscriptions' && parts.length >= 4) {
    const s = emu.state.subscriptions.get(parts[3]);
    if (!s) return notFound('subscription_id', parts[3]);
    if (parts.length === 4 && method === 'GET') return json(200, subscriptionView(base, s, emu.state.plans.get(s.plan_id)));
    if (parts.length === 4 && method === 'PATCH') return updateSubscription(emu, req, s);
    if (parts.length === 5 && method === 'POST' && ['suspend', 'activate', 'cancel'].includes(parts[4])) {
      const action = parts[4] as 'suspend' | 'activate' | 'cancel';
      if (action !== 'activate' && !str(b.reason)) return missing('reason');
      emu.transition(s, action);
      return noContent();
    }
    return undefined;
  }

  // Sales
  if (parts[1] === 'payments' && parts[2] === 'sale' && parts.length >= 4) {
    const sale = emu.state.sales.get(parts[3]);
    if (!sale) return notFound('sale_id', parts[3]);
    if (parts.length === 4 && method === 'GET') return json(200, saleView(base, sale));
    if (parts.length === 5 && parts[4] === 'refund' && method === 'POST') {
      const amount = b.amount as Record<string, unknown> | undefined;
      let total: string | undefined;
      if (amount !== undefined) {
        total = str(amount?.total);
        if (!total || !/^\d+(\.\d{1,2})?$/.test(total)) return invalid('amount/total', amount?.total, 'an amount like "9.99" is needed');
        if (str(amount.currency) && amount.currency !== sale.amount.currency) return invalid('amount/currency', amount.currency, `the sale is in ${sale.amount.currency}`);
      }
      const r = emu.refund(sale, total);
      return json(201, r.view);
    }
    return undefined;
  }
  return undefined;
}

/** PATCH a subscription (JSON Patch, `replace`/`add` of /custom_id): BILLING.SUBSCRIPTION.UPDATED. */
function updateSubscription(emu: PaypalEmulatorProvider, req: EmulatorRequest, s: Subscription): EmulatorReply {
  let ops: unknown;
  try {
    ops = JSON.parse(req.body.toString('utf8'));
  } catch {
    ops = undefined;
  }
  if (!Array.isArray(ops) || ops.length === 0) return paypalError(400, undefined, { details: [{ issue: 'MALFORMED_REQUEST_JSON', description: 'a JSON Patch array is expected' }] });
  for (const op of ops as Array<Record<string, unknown>>) {
    if ((op?.op !== 'replace' && op?.op !== 'add') || op.path !== '/custom_id') return paypalError(422, undefined, { details: [{ field: String(op?.path ?? ''), issue: 'PATCH_PATH_NOT_SUPPORTED', description: 'the emulator updates /custom_id only' }] });
    if (typeof op.value !== 'string' || op.value === '' || op.value.length > 127) return invalid('custom_id', op.value, 'a string of 1 to 127 characters');
  }
  if (s.status === 'CANCELLED' || s.status === 'EXPIRED') return paypalError(422, undefined, { details: [{ issue: 'SUBSCRIPTION_STATUS_INVALID', description: `subscription ${s.id} is ${s.status}` }] });
  for (const op of ops as Array<{ value: string }>) s.custom_id = op.value;
  s.update_time = emu.state.iso();
  emu.subscriptionEvent(s, 'BILLING.SUBSCRIPTION.UPDATED', 'Subscription updated');
  return noContent();
}

function checkUrl(emu: PaypalEmulatorProvider, url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'http(s) URLs only';
  if (!emu.opts.allowRemote && !isLoopbackUrl(u)) return 'the emulator delivers to loopback URLs only (start it with --allow-remote)';
  return undefined;
}

function eventTypeNames(v: unknown): string[] | string {
  if (!Array.isArray(v) || v.length === 0) return 'event_types must be a non-empty array of {"name": …}';
  const names = v.map((t) => (t && typeof t === 'object' ? (t as { name?: unknown }).name : undefined));
  const bad = names.find((n) => typeof n !== 'string' || (n !== '*' && !EVENT_TYPE_NAMES.has(n)));
  if (bad !== undefined || names.some((n) => typeof n !== 'string')) return `unknown event type ${JSON.stringify(bad)?.slice(0, 60)} (GET /v1/notifications/webhooks-event-types)`;
  return names as string[];
}

function deliveryIndex(emu: PaypalEmulatorProvider): Map<string, WebhookDelivery> {
  return new Map(emu.host!.webhooks.log.map((d) => [d.id, d]));
}

/** The event as PayPal shows it, plus (fbpay's addition) each transmission with its attempts. */
function eventView(e: WebhookEvent, log: Map<string, WebhookDelivery>) {
  const doc = JSON.parse(e.body.toString('utf8')) as Record<string, unknown>;
  return {
    ...doc,
    transmissions: e.transmissions.map((t) => {
      const d = log.get(t.delivery_id);
      return {
        transmission_id: t.transmission_id,
        transmission_time: t.transmission_time,
        webhook_id: t.webhook_id,
        url: t.url,
        status: !d ? 'UNKNOWN' : d.ok ? 'SUCCESS' : d.final ? 'FAILURE' : 'PENDING',
        attempts: (d?.attempts ?? []).map((a) => ({ n: a.n, at: a.at, http_status: a.status ?? null, ok: a.ok, ...(a.reason ? { reason: a.reason } : {}) })),
      };
    }),
  };
}

/**
 * verify-webhook-signature, computed for real: crc32 of the event's raw bytes, SHA256withRSA over
 * `transmission_id|transmission_time|webhook_id|crc32` with the emulator's certificate.
 *
 * The raw bytes: PayPal's API receives the event as a JSON object, not the bytes it sent. The
 * emulator keeps the exact bytes of every event it sent, by transmission id. When the posted
 * `webhook_event` is the same JSON value as the event of that transmission (whatever its
 * whitespace or key order: a receiver that parsed and re-serialized the body), those stored bytes
 * are verified; otherwise the posted `webhook_event` bytes themselves are (so an edited event, a
 * changed amount or a dropped field, answers FAILURE). The webhook id must be one of this app's
 * webhooks (so a simulator delivery, signed with WEBHOOK_ID, answers FAILURE, as on PayPal) and
 * cert_url must be the emulator's own.
 */
async function verifySignature(emu: PaypalEmulatorProvider, req: EmulatorRequest, b: Record<string, unknown>): Promise<EmulatorReply> {
  for (const f of ['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id'] as const) if (!str(b[f])) return missing(f);
  if (!b.webhook_event || typeof b.webhook_event !== 'object' || Array.isArray(b.webhook_event)) return missing('webhook_event');
  const posted = rawJsonMember(req.body.toString('utf8'), 'webhook_event')!;
  // Stryker disable next-line StringLiteral: equivalent: no event has any fallback id; '' only spares a lookup of undefined
  const event = emu.state.events.get(emu.state.transmissions.get(str(b.transmission_id)!) ?? '');
  // Stryker disable next-line StringLiteral: equivalent: Buffer.from(string, '') decodes as utf8
  const raw = event && canonicalJson(JSON.parse(event.body.toString('utf8'))) === canonicalJson(b.webhook_event) ? event.body : Buffer.from(posted, 'utf8');
  const webhookId = str(b.webhook_id)!;
  let ok = emu.state.webhooks.has(webhookId) && b.cert_url === emu.certUrl;
  if (ok) {
    const r = await verifyPaypalWebhook(
      raw,
      {
        'paypal-transmission-id': str(b.transmission_id),
        'paypal-transmission-time': str(b.transmission_time),
        'paypal-transmission-sig': str(b.transmission_sig),
        'paypal-cert-url': str(b.cert_url),
        'paypal-auth-algo': str(b.auth_algo),
      },
      // Stryker disable next-line BooleanLiteral: equivalent: diagnose only adds explanations to an invalid result; this endpoint answers r.valid alone
      { webhookId, certPem: emu.pki.signingCertPem, caPem: emu.pki.caPem, maxAgeSeconds: 0, futureSkewSeconds: 86_400, diagnose: false, now: Math.floor(emu.state.nowMs() / 1000) },
    );
    ok = r.valid;
  }
  return json(200, { verification_status: ok ? 'SUCCESS' : 'FAILURE' });
}

/** simulate-event: a sample event to one URL (or a webhook's), signed with webhook id WEBHOOK_ID like PayPal's simulator. */
function simulate(emu: PaypalEmulatorProvider, b: Record<string, unknown>): EmulatorReply {
  const type = str(b.event_type);
  if (!type) return missing('event_type');
  if (!EVENT_TYPE_NAMES.has(type)) return invalid('event_type', type, 'not a supported event type (GET /v1/notifications/webhooks-event-types)');
  let url = str(b.url);
  const webhookId = str(b.webhook_id);
  if (!url && webhookId) {
    const w = emu.state.webhooks.get(webhookId);
    if (!w) return notFound('webhook_id', webhookId);
    url = w.url;
  }
  if (!url) return missing('url');
  const problem = checkUrl(emu, url);
  if (problem) return invalid('url', url, problem);
  const { doc } = emu.emit(sampleEvent(emu, type), { url, webhookId: SIMULATOR_WEBHOOK_ID });
  return json(202, doc);
}

/** The simulator's sample of an event type: made-up resources (not stored); sales carry no billing_agreement_id. */
function sampleEvent(emu: PaypalEmulatorProvider, type: string) {
  const base = emu.base;
  const t = emu.state.iso();
  const sale: Sale = { id: ids.sale(), state: 'completed', amount: { total: '7.47', currency: 'USD' }, create_time: t, update_time: t, refunded: 0 };
  if (type.startsWith('BILLING.SUBSCRIPTION.')) {
    const status = ({ CREATED: 'APPROVAL_PENDING', SUSPENDED: 'SUSPENDED', CANCELLED: 'CANCELLED', EXPIRED: 'EXPIRED' } as Record<string, Subscription['status']>)[type.slice(21)] ?? 'ACTIVE';
    const s = { id: ids.subscription(), plan_id: ids.plan(), status, status_update_time: t, quantity: '1', start_time: t, create_time: t, update_time: t, subscriber: { name: { given_name: 'John', surname: 'Doe' }, email_address: 'customer@example.com', payer_id: ids.payer() }, baToken: ids.baToken(), cyclesCompleted: status === 'APPROVAL_PENDING' ? 0 : 1, failedPayments: type.endsWith('PAYMENT.FAILED') ? 1 : 0, sales: [] } as Subscription;
    return { event_type: type, resource_type: 'subscription', resource_version: '2.0', summary: `Subscription ${type.slice(21).toLowerCase()}`, resource: subscriptionView(base, s, undefined) };
  }
  if (type.startsWith('PAYMENT.SALE.')) {
    const kind = type.slice(13);
    if (kind === 'REFUNDED') {
      sale.refunded = 747;
      sale.state = 'refunded';
      return { event_type: type, resource_type: 'refund', summary: 'A $ 7.47 USD sale payment was refunded', resource: refundView(base, { id: ids.refund(), sale_id: sale.id, state: 'completed', amount: sale.amount, create_time: t, update_time: t }, sale) };
    }
    if (kind === 'REVERSED') return { event_type: type, resource_type: 'sale', summary: 'A $ 7.47 USD sale payment was reversed', resource: reversalView(sale) };
    sale.state = kind === 'PENDING' ? 'pending' : kind === 'DENIED' ? 'denied' : 'completed';
    return { event_type: type, resource_type: 'sale', summary: `Payment ${sale.state} for $ 7.47 USD`, resource: saleView(base, sale) };
  }
  if (type.startsWith('PAYMENT.CAPTURE.')) {
    const status = type.slice(16);
    const id = ids.sale();
    return {
      event_type: type,
      resource_type: status === 'REFUNDED' ? 'refund' : 'capture',
      resource_version: '2.0',
      summary: `Payment ${status.toLowerCase()} for $ 7.47 USD`,
      resource: {
        id,
        amount: { currency_code: 'USD', value: '7.47' },
        final_capture: true,
        seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
        status: status === 'REVERSED' ? 'COMPLETED' : status,
        create_time: t,
        update_time: t,
        links: [{ href: `${base}/v2/payments/captures/${id}`, rel: 'self', method: 'GET' }],
      },
    };
  }
  const d = { dispute_id: ids.dispute(), sale_id: sale.id, status: type.endsWith('RESOLVED') ? 'RESOLVED' : 'OPEN', reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED', amount: { currency_code: 'USD', value: '7.47' }, create_time: t, update_time: t, ...(type.endsWith('RESOLVED') ? { outcome: 'RESOLVED_BUYER_FAVOUR' } : {}) } as const;
  return { event_type: type, resource_type: 'dispute', summary: `A dispute was ${type.slice(17).toLowerCase()}`, resource: disputeView(base, { ...d }, sale) };
}
