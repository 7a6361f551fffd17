import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPaypalWebhook } from '../../src/core/paypal/verify.js';
import { loadOrCreatePki, startPaypalEmulator, type EmulatorPki, type RunningPaypalEmulator } from '../../src/providers/paypal/emulator/index.js';
import { canonicalJson, rawJsonMember } from '../../src/providers/paypal/emulator/raw-json.js';
import { api, CLIENT_ID, CLIENT_SECRET, paypalHeaders, recorder, token, trigger } from './helpers.js';

/**
 * `fbpay mock paypal` over real HTTP on 127.0.0.1: OAuth and its failures, webhooks, deliveries
 * signed so that fbpay's own verifier (with the emulator CA) accepts them, verify-webhook-signature,
 * simulate-event, events/resend, retries, subscriptions and refunds, PayPal's error envelope, --tls.
 */

let pki: EmulatorPki;
let emu: RunningPaypalEmulator;
let rx: Awaited<ReturnType<typeof recorder>>;
let tok: string;
const WEBHOOK_ID = 'WHEMULATORTEST001';

async function verifyHit(hit: { body: Buffer; headers: Record<string, unknown> }, webhookId = WEBHOOK_ID) {
  return verifyPaypalWebhook(hit.body, paypalHeaders(hit as never), {
    webhookId,
    allowCertHosts: ['127.0.0.1'],
    caPem: pki.caPem,
    loadCert: async (url) => (await fetch(url)).text(),
    strictChain: true,
  });
}

beforeAll(async () => {
  pki = await loadOrCreatePki();
  rx = await recorder();
  emu = await startPaypalEmulator({ pki, webhookUrl: rx.url, webhookId: WEBHOOK_ID, retrySchedule: [10, 10] });
  tok = await token(emu.url);
});
afterAll(async () => {
  await emu.close();
  await rx.close();
});

describe('OAuth', () => {
  it('issues a Bearer token for Basic client_id:secret and grant_type=client_credentials', async () => {
    const res = await fetch(`${emu.url}/v1/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ token_type: 'Bearer', expires_in: 32400 });
    expect(doc.access_token).toMatch(/^A21AA/);
    expect(doc.app_id).toMatch(/^APP-/);
  });

  it('answers invalid_client to wrong or missing credentials, unsupported_grant_type to another grant', async () => {
    for (const auth of [`Basic ${Buffer.from(`${CLIENT_ID}:wrong`).toString('base64')}`, undefined]) {
      const res = await fetch(`${emu.url}/v1/oauth2/token`, { method: 'POST', headers: auth ? { authorization: auth } : {}, body: 'grant_type=client_credentials' });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_client', error_description: 'Client Authentication failed' });
    }
    const res = await fetch(`${emu.url}/v1/oauth2/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` }, body: 'grant_type=password' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('refuses a route without a Bearer token, or with an unknown one, with 401 AUTHENTICATION_FAILURE in PayPal\u2019s envelope', async () => {
    for (const auth of [undefined, 'Bearer A21AAnot-a-token']) {
      const res = await fetch(`${emu.url}/v1/notifications/webhooks`, { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(401);
      const doc = (await res.json()) as Record<string, unknown>;
      expect(doc.name).toBe('AUTHENTICATION_FAILURE');
      expect(doc.debug_id).toMatch(/^[0-9a-f]{13}$/);
      expect(res.headers.get('paypal-debug-id')).toBe(doc.debug_id);
    }
  });

  it('expires tokens after their lifetime (injected clock): 401 invalid_token, then a new token works', async () => {
    let now = Date.now();
    const e = await startPaypalEmulator({ pki, now: () => now, tokenTtl: 60 });
    try {
      const t = await token(e.url);
      expect((await api(e.url, t, 'GET', '/v1/notifications/webhooks')).status).toBe(200);
      now += 61_000;
      const expired = await api(e.url, t, 'GET', '/v1/notifications/webhooks');
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual({ error: 'invalid_token', error_description: 'Access Token not found in cache' });
      expect((await api(e.url, await token(e.url), 'GET', '/v1/notifications/webhooks')).status).toBe(200);
    } finally {
      await e.close();
    }
  });
});

describe('admin routes', () => {
  it('POST /_fbpay/tokens/expire expires every token now; GET /_fbpay/ca serves the CA that issued the signing certificate', async () => {
    const e = await startPaypalEmulator({ pki });
    try {
      const t = await token(e.url);
      const res = await fetch(`${e.url}/_fbpay/tokens/expire`, { method: 'POST' });
      expect(await res.json()).toEqual({ expired: 1 });
      expect((await api(e.url, t, 'GET', '/v1/billing/plans')).body.error).toBe('invalid_token');
      expect(await (await fetch(`${e.url}/_fbpay/ca`)).text()).toBe(pki.caPem);
    } finally {
      await e.close();
    }
  });
});

describe('webhooks', () => {
  it('creates, lists, shows, patches and deletes webhooks; lists event types', async () => {
    const made = await api(emu.url, tok, 'POST', '/v1/notifications/webhooks', { url: 'http://127.0.0.1:9/other', event_types: [{ name: 'PAYMENT.SALE.COMPLETED' }] });
    expect(made.status).toBe(201);
    expect(made.body.id).toMatch(/^[A-Z0-9]{17}$/);
    expect(made.body.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'update', 'delete']);
    const dup = await api(emu.url, tok, 'POST', '/v1/notifications/webhooks', { url: 'http://127.0.0.1:9/other', event_types: [{ name: '*' }] });
    expect(dup.body.name).toBe('WEBHOOK_URL_ALREADY_EXISTS');
    const bad = await api(emu.url, tok, 'POST', '/v1/notifications/webhooks', { url: 'http://127.0.0.1:9/x', event_types: [{ name: 'NOT.AN.EVENT' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0]).toMatchObject({ field: '/event_types', issue: 'INVALID_PARAMETER_VALUE' });
    const list = await api(emu.url, tok, 'GET', '/v1/notifications/webhooks');
    expect(list.body.webhooks.map((w: { id: string }) => w.id)).toEqual([WEBHOOK_ID, made.body.id]);
    const patched = await api(emu.url, tok, 'PATCH', `/v1/notifications/webhooks/${made.body.id}`, [{ op: 'replace', path: '/event_types', value: [{ name: 'PAYMENT.SALE.REFUNDED' }] }]);
    expect(patched.body.event_types.map((t: { name: string }) => t.name)).toEqual(['PAYMENT.SALE.REFUNDED']);
    expect((await api(emu.url, tok, 'DELETE', `/v1/notifications/webhooks/${made.body.id}`)).status).toBe(204);
    const gone = await api(emu.url, tok, 'GET', `/v1/notifications/webhooks/${made.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] });
    const types = await api(emu.url, tok, 'GET', '/v1/notifications/webhooks-event-types');
    expect(types.body.event_types.map((t: { name: string }) => t.name)).toContain('BILLING.SUBSCRIPTION.RE-ACTIVATED');
  });

  it('refuses a non-loopback webhook URL unless started with allowRemote', async () => {
    const r = await api(emu.url, tok, 'POST', '/v1/notifications/webhooks', { url: 'https://example.com/hook', event_types: [{ name: '*' }] });
    expect(r.status).toBe(400);
    expect(r.body.details[0].description).toMatch(/loopback/);
  });
});

describe('deliveries', () => {
  it('signs each state change with the subscribed webhook id; fbpay verify (emulator CA, strict chain) accepts it; the certificate is served at PAYPAL-CERT-URL', async () => {
    const before = rx.hits.length;
    const out = await trigger(emu.url, 'paypal-subscription-create', { custom_id: 'user-42' });
    expect(out.deliveries).toEqual([expect.objectContaining({ event_type: 'BILLING.SUBSCRIPTION.CREATED', ok: true, status: 200 })]);
    const hit = rx.hits[before];
    expect(Object.keys(paypalHeaders(hit)).sort()).toEqual(['paypal-auth-algo', 'paypal-cert-url', 'paypal-transmission-id', 'paypal-transmission-sig', 'paypal-transmission-time']);
    const r = await verifyHit(hit);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.event.subscriptionId).toBe(out.ids.subscription);
    // The event bytes are PayPal's compact JSON with "id" first.
    const text = hit.body.toString('utf8');
    expect(text.startsWith('{"id":"WH-')).toBe(true);
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
    // Another webhook id, or a changed byte, does not verify.
    expect((await verifyHit(hit, 'WHSOMEONEELSE0001')).valid).toBe(false);
    expect((await verifyHit({ ...hit, body: Buffer.from(text.replace('user-42', 'user-43')) })).valid).toBe(false);
    const chain = await (await fetch(paypalHeaders(hit)['paypal-cert-url'])).text();
    expect(new X509Certificate(chain).checkIssued(new X509Certificate(pki.caPem))).toBe(true);
  });

  it('retries a receiver that fails twice on the schedule, the same bytes each time, every attempt recorded', async () => {
    const flaky = await recorder([500, 503]);
    const e = await startPaypalEmulator({ pki, webhookUrl: flaky.url, retrySchedule: [10, 10, 10] });
    try {
      const out = await trigger(e.url, 'paypal-subscription-create');
      expect(out.deliveries).toEqual([expect.objectContaining({ ok: true, status: 200, attempts: 3 })]);
      expect(new Set(flaky.hits.map((h) => h.body.toString('hex'))).size).toBe(1);
      const t = await token(e.url);
      const ev = await api(e.url, t, 'GET', `/v1/notifications/webhooks-events/${out.ids.events[0]}`);
      expect(ev.body.transmissions[0].status).toBe('SUCCESS');
      expect(ev.body.transmissions[0].attempts.map((a: { http_status: number }) => a.http_status)).toEqual([500, 503, 200]);
    } finally {
      await e.close();
      await flaky.close();
    }
  });

  it('gives up after the schedule and reports the failure (trigger exit 1 material)', async () => {
    const down = await recorder([500, 500, 500]);
    const e = await startPaypalEmulator({ pki, webhookUrl: down.url, retrySchedule: [5, 5] });
    try {
      const out = await trigger(e.url, 'paypal-subscription-create');
      expect(out.deliveries).toEqual([expect.objectContaining({ ok: false, status: 500, attempts: 3, reason: 'HTTP 500' })]);
    } finally {
      await e.close();
      await down.close();
    }
  });

  it('resends an event: a new transmission id and time, the same bytes, still verifying', async () => {
    const out = await trigger(emu.url, 'paypal-subscription-create');
    const first = rx.hits.at(-1)!;
    const res = await api(emu.url, tok, 'POST', `/v1/notifications/webhooks-events/${out.ids.events[0]}/resend`, { webhook_ids: [WEBHOOK_ID] });
    expect(res.status).toBe(202);
    await emu.idle();
    const again = rx.hits.at(-1)!;
    expect(again.body.equals(first.body)).toBe(true);
    expect(again.headers['paypal-transmission-id']).not.toBe(first.headers['paypal-transmission-id']);
    expect((await verifyHit(again)).valid).toBe(true);
    const ev = await api(emu.url, tok, 'GET', `/v1/notifications/webhooks-events/${out.ids.events[0]}`);
    expect(ev.body.transmissions).toHaveLength(2);
    const unknown = await api(emu.url, tok, 'POST', `/v1/notifications/webhooks-events/WH-NOPE/resend`, {});
    expect(unknown.status).toBe(404);
  });

  it('lists events newest first, filtered by event_type', async () => {
    const list = await api(emu.url, tok, 'GET', '/v1/notifications/webhooks-events?event_type=BILLING.SUBSCRIPTION.CREATED&page_size=2');
    expect(list.body.events).toHaveLength(2);
    expect(list.body.events.every((e: { event_type: string }) => e.event_type === 'BILLING.SUBSCRIPTION.CREATED')).toBe(true);
  });
});

describe('simulate-event', () => {
  it('delivers a sample signed with webhook id WEBHOOK_ID: it verifies only as WEBHOOK_ID, and verify-webhook-signature answers FAILURE', async () => {
    const sim = await recorder();
    try {
      const res = await api(emu.url, tok, 'POST', '/v1/notifications/simulate-event', { url: sim.url, event_type: 'PAYMENT.SALE.COMPLETED' });
      expect(res.status).toBe(202);
      expect(res.body.event_type).toBe('PAYMENT.SALE.COMPLETED');
      expect(res.body.resource.billing_agreement_id).toBeUndefined();
      await emu.idle();
      const hit = sim.hits[0];
      expect((await verifyHit(hit, 'WEBHOOK_ID')).valid).toBe(true);
      expect((await verifyHit(hit, WEBHOOK_ID)).valid).toBe(false);
      const online = await verifyOnline(hit, 'WEBHOOK_ID');
      expect(online.body).toEqual({ verification_status: 'FAILURE' });
    } finally {
      await sim.close();
    }
  });

  it('needs an event type it knows and a url or webhook_id', async () => {
    expect((await api(emu.url, tok, 'POST', '/v1/notifications/simulate-event', { event_type: 'PAYMENT.SALE.COMPLETED' })).body.details[0]).toMatchObject({ field: '/url', issue: 'MISSING_REQUIRED_PARAMETER' });
    expect((await api(emu.url, tok, 'POST', '/v1/notifications/simulate-event', { url: rx.url, event_type: 'NOPE' })).status).toBe(400);
  });
});

async function verifyOnline(hit: { body: Buffer; headers: Record<string, unknown> }, webhookId: string, event: string = hit.body.toString('utf8')) {
  const h = paypalHeaders(hit as never);
  const head = JSON.stringify({ auth_algo: h['paypal-auth-algo'], cert_url: h['paypal-cert-url'], transmission_id: h['paypal-transmission-id'], transmission_sig: h['paypal-transmission-sig'], transmission_time: h['paypal-transmission-time'], webhook_id: webhookId });
  return api(emu.url, tok, 'POST', '/v1/notifications/verify-webhook-signature', `${head.slice(0, -1)},"webhook_event":${event}}`);
}

describe('verify-webhook-signature', () => {
  it('SUCCESS for the bytes sent, and for the same event re-serialized (stored bytes used); FAILURE for an edited event or another webhook id', async () => {
    await trigger(emu.url, 'paypal-subscription-create', { custom_id: 'pretty' });
    const hit = rx.hits.at(-1)!;
    expect((await verifyOnline(hit, WEBHOOK_ID)).body).toEqual({ verification_status: 'SUCCESS' });
    const parsed = JSON.parse(hit.body.toString('utf8'));
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse()), null, 2);
    expect((await verifyOnline(hit, WEBHOOK_ID, reordered)).body).toEqual({ verification_status: 'SUCCESS' });
    const edited = JSON.stringify({ ...parsed, resource: { ...parsed.resource, custom_id: 'someone-else' } });
    expect((await verifyOnline(hit, WEBHOOK_ID, edited)).body).toEqual({ verification_status: 'FAILURE' });
    expect((await verifyOnline(hit, 'WHSOMEONEELSE0001')).body).toEqual({ verification_status: 'FAILURE' });
  });

  it('answers 400 MISSING_REQUIRED_PARAMETER without webhook_event', async () => {
    const r = await api(emu.url, tok, 'POST', '/v1/notifications/verify-webhook-signature', { auth_algo: 'SHA256withRSA', cert_url: 'x', transmission_id: 'x', transmission_sig: 'x', transmission_time: 'x', webhook_id: 'x' });
    expect(r.status).toBe(400);
    expect(r.body.details[0]).toMatchObject({ field: '/webhook_event', issue: 'MISSING_REQUIRED_PARAMETER' });
  });

  it('raw member extraction returns the exact text and canonical JSON ignores order and whitespace', () => {
    const text = '{"a":1, "webhook_event" : {"x":"}\\"]","y":[1,{"z":2}]} ,"b":"c"}';
    expect(rawJsonMember(text, 'webhook_event')).toBe('{"x":"}\\"]","y":[1,{"z":2}]}');
    expect(rawJsonMember(text, 'b')).toBe('"c"');
    expect(rawJsonMember(text, 'missing')).toBeUndefined();
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe(canonicalJson(JSON.parse('{ "a": [ {"c":2,"d":1} ], "b": 1 }')));
  });
});

describe('subscriptions and sales', () => {
  it('plan → subscription APPROVAL_PENDING with an approve link → the buyer approves (302 to return_url) → ACTIVE, ACTIVATED and the first sale with billing_agreement_id', async () => {
    const plan = await api(emu.url, tok, 'POST', '/v1/billing/plans', {
      product_id: 'PROD-TEST',
      name: 'Gold',
      billing_cycles: [{ frequency: { interval_unit: 'MONTH', interval_count: 1 }, tenure_type: 'REGULAR', sequence: 1, total_cycles: 0, pricing_scheme: { fixed_price: { value: '4.50', currency_code: 'EUR' } } }],
    });
    expect(plan.status).toBe(201);
    expect(plan.body.id).toMatch(/^P-[A-Z0-9]{24}$/);
    expect((await api(emu.url, tok, 'POST', '/v1/billing/plans', { name: 'x' })).body.details[0].field).toBe('/product_id');
    const sub = await api(emu.url, tok, 'POST', '/v1/billing/subscriptions', { plan_id: plan.body.id, custom_id: 'u-7', application_context: { return_url: 'http://127.0.0.1:1/done' } });
    expect(sub.status).toBe(201);
    expect(sub.body).toMatchObject({ status: 'APPROVAL_PENDING', custom_id: 'u-7', plan_id: plan.body.id });
    expect(sub.body.id).toMatch(/^I-[A-Z0-9]{12}$/);
    const approve = sub.body.links.find((l: { rel: string }) => l.rel === 'approve');
    expect(approve.href).toMatch(/\/webapps\/billing\/subscriptions\?ba_token=BA-/);
    await emu.idle();
    const before = rx.hits.length;
    const res = await fetch(approve.href, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`http://127.0.0.1:1/done?subscription_id=${sub.body.id}&ba_token=${new URL(approve.href).searchParams.get('ba_token')}`);
    await emu.idle();
    const events = rx.hits.slice(before).map((h) => JSON.parse(h.body.toString('utf8')));
    expect(events.map((e) => e.event_type).sort()).toEqual(['BILLING.SUBSCRIPTION.ACTIVATED', 'PAYMENT.SALE.COMPLETED']);
    const sale = events.find((e) => e.event_type === 'PAYMENT.SALE.COMPLETED').resource;
    expect(sale).toMatchObject({ billing_agreement_id: sub.body.id, custom: 'u-7', amount: { total: '4.50', currency: 'EUR' }, state: 'completed' });
    const got = await api(emu.url, tok, 'GET', `/v1/billing/subscriptions/${sub.body.id}`);
    expect(got.body.status).toBe('ACTIVE');
    expect(got.body.billing_info.last_payment.amount).toEqual({ currency_code: 'EUR', value: '4.50' });

    // PATCH /custom_id → 204 and BILLING.SUBSCRIPTION.UPDATED; other paths are refused.
    expect((await api(emu.url, tok, 'PATCH', `/v1/billing/subscriptions/${sub.body.id}`, [{ op: 'replace', path: '/custom_id', value: 'u-8' }])).status).toBe(204);
    expect((await api(emu.url, tok, 'PATCH', `/v1/billing/subscriptions/${sub.body.id}`, [{ op: 'replace', path: '/status', value: 'ACTIVE' }])).status).toBe(422);
    await emu.idle();
    const updated = JSON.parse(rx.hits.at(-1)!.body.toString('utf8'));
    expect(updated).toMatchObject({ event_type: 'BILLING.SUBSCRIPTION.UPDATED', resource: { id: sub.body.id, custom_id: 'u-8' } });
    expect((await verifyHit(rx.hits.at(-1)!)).valid).toBe(true);
    rx.hits.pop();

    // suspend → activate (RE-ACTIVATED) → cancel, each 204; PayPal's 422 for a wrong status; reason required.
    expect((await api(emu.url, tok, 'POST', `/v1/billing/subscriptions/${sub.body.id}/suspend`, {})).body.details[0].field).toBe('/reason');
    expect((await api(emu.url, tok, 'POST', `/v1/billing/subscriptions/${sub.body.id}/suspend`, { reason: 'pause' })).status).toBe(204);
    const wrong = await api(emu.url, tok, 'POST', `/v1/billing/subscriptions/${sub.body.id}/suspend`, { reason: 'again' });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'SUBSCRIPTION_STATUS_INVALID' }] });
    expect((await api(emu.url, tok, 'POST', `/v1/billing/subscriptions/${sub.body.id}/activate`, {})).status).toBe(204);
    expect((await api(emu.url, tok, 'POST', `/v1/billing/subscriptions/${sub.body.id}/cancel`, { reason: 'bye' })).status).toBe(204);
    await emu.idle();
    const later = rx.hits.slice(before + 2).map((h) => JSON.parse(h.body.toString('utf8')).event_type);
    expect(later.sort()).toEqual(['BILLING.SUBSCRIPTION.CANCELLED', 'BILLING.SUBSCRIPTION.RE-ACTIVATED', 'BILLING.SUBSCRIPTION.SUSPENDED']);

    // Refunds: partial, then the rest; more than is left is refused.
    const refund = await api(emu.url, tok, 'POST', `/v1/payments/sale/${sale.id}/refund`, { amount: { total: '1.50', currency: 'EUR' } });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ sale_id: sale.id, state: 'completed', amount: { total: '1.50', currency: 'EUR' } });
    const tooMuch = await api(emu.url, tok, 'POST', `/v1/payments/sale/${sale.id}/refund`, { amount: { total: '3.01', currency: 'EUR' } });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.name).toBe('REFUND_EXCEEDED_TRANSACTION_AMOUNT');
    expect((await api(emu.url, tok, 'POST', `/v1/payments/sale/${sale.id}/refund`, {})).body.amount.total).toBe('3.00');
    expect((await api(emu.url, tok, 'GET', `/v1/payments/sale/${sale.id}`)).body.state).toBe('refunded');
  });

  it('answers malformed JSON with INVALID_REQUEST / MALFORMED_REQUEST_JSON and an unknown plan with 404', async () => {
    const bad = await api(emu.url, tok, 'POST', '/v1/billing/subscriptions', '{nope');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ name: 'INVALID_REQUEST', details: [{ issue: 'MALFORMED_REQUEST_JSON' }] });
    expect((await api(emu.url, tok, 'POST', '/v1/billing/subscriptions', { plan_id: 'P-NOPE' })).status).toBe(404);
    const plan = (await api(emu.url, tok, 'GET', '/v1/billing/plans')).body.plans[0].id;
    const badReturn = await api(emu.url, tok, 'POST', '/v1/billing/subscriptions', { plan_id: plan, application_context: { return_url: 'not a url' } });
    expect(badReturn.body.details[0]).toMatchObject({ field: '/application_context/return_url', issue: 'INVALID_PARAMETER_VALUE' });
  });
});

describe('--tls', () => {
  it('serves https with a certificate from the emulator CA: trusted with the CA, refused without', async () => {
    const e = await startPaypalEmulator({ pki, tls: true });
    try {
      expect(e.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
      const trusting = new Agent({ connect: { ca: readFileSync(pki.caPath, 'utf8') } });
      const res = await undiciFetch(`${e.url}/_fbpay/info`, { dispatcher: trusting });
      expect(((await res.json()) as { provider: string; cert_url: string }).cert_url).toMatch(/^https:\/\//);
      await expect(fetch(`${e.url}/_fbpay/info`)).rejects.toThrow();
      await trusting.close();
    } finally {
      await e.close();
    }
  });
});
