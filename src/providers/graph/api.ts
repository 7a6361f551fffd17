import { NetworkError } from '../../core/errors.js';
import { parsePayment, type Payment } from '../../core/facebook/payment.js';
import type { GraphClient, GraphCallOptions } from './client.js';

/** The payment fields fbpay asks for when none are given. */
export const PAYMENT_FIELDS = 'id,user,request_id,application,actions,items,country,created_time,tax,tax_country,disputes,test,refundable_amount,payout_foreign_exchange_rate';

export type RefundReason = 'MALICIOUS_FRAUD' | 'FRIENDLY_FRAUD' | 'CUSTOMER_SERVICE';
export type DisputeReason = 'GRANTED_REPLACEMENT_ITEM' | 'DENIED_REFUND' | 'BANNED_USER';
export const REFUND_REASONS: readonly RefundReason[] = ['MALICIOUS_FRAUD', 'FRIENDLY_FRAUD', 'CUSTOMER_SERVICE'];
export const DISPUTE_REASONS: readonly DisputeReason[] = ['GRANTED_REPLACEMENT_ITEM', 'DENIED_REFUND', 'BANNED_USER'];

/** One unconsumed Payments Lite purchase, as GET /app/purchases lists it. */
export interface Purchase {
  purchase_token: string;
  product_id: string;
  payment_id?: string;
  purchase_time?: number;
  developer_payload?: string | null;
  is_consumed?: boolean;
  signed_request?: string;
  [key: string]: unknown;
}

/** GET /{payment-id} with the app token; validated, unknown fields kept. */
export async function getPayment(client: GraphClient, id: string, fields = PAYMENT_FIELDS): Promise<Payment> {
  const doc = await client.get(encodeURIComponent(id), { params: { fields }, operation: 'payment', tokenKind: 'app' });
  try {
    return parsePayment(doc);
  } catch (e) {
    throw new NetworkError('graph_bad_payment', (e as Error).message, { hint: 'the Graph answer is not a payment object: is the id a payment id?' });
  }
}

/** POST /{payment-id}/refunds. */
export async function refundPayment(client: GraphClient, id: string, refund: { amount: string; currency: string; reason?: RefundReason }): Promise<{ success: boolean }> {
  const r = await client.post<{ success?: boolean }>(`${encodeURIComponent(id)}/refunds`, {
    params: { amount: refund.amount, currency: refund.currency, reason: refund.reason },
    operation: 'refund',
    tokenKind: 'app',
  });
  return expectSuccess(r, 'refund');
}

/** POST /{payment-id}/dispute: settles a pending dispute. */
export async function disputePayment(client: GraphClient, id: string, reason: DisputeReason): Promise<{ success: boolean }> {
  const r = await client.post<{ success?: boolean }>(`${encodeURIComponent(id)}/dispute`, { params: { reason }, operation: 'dispute', tokenKind: 'app' });
  return expectSuccess(r, 'dispute');
}

/** POST /{purchase_token}/consume with the buyer's user token. */
export async function consumePurchase(client: GraphClient, purchaseToken: string): Promise<{ success: boolean }> {
  const r = await client.post<{ success?: boolean }>(`${encodeURIComponent(purchaseToken)}/consume`, { operation: 'consume', tokenKind: 'user' });
  return expectSuccess(r, 'consume');
}

/** GET /app/purchases with the buyer's user token: the unconsumed Payments Lite purchases, every page. */
export async function listPurchases(client: GraphClient): Promise<Purchase[]> {
  const all = await listAllPages(client, 'app/purchases', { operation: 'purchases', tokenKind: 'user' });
  return all.filter((p): p is Purchase => Boolean(p && typeof p === 'object' && typeof (p as Purchase).purchase_token === 'string'));
}

/** Graph's cursor paging: follows `paging.cursors.after` while the page has a `paging.next`. */
async function listAllPages(client: GraphClient, path: string, call: GraphCallOptions, maxPages = 1000): Promise<unknown[]> {
  const out: unknown[] = [];
  let after: string | undefined;
  for (let n = 0; n < maxPages; n++) {
    const r = await client.get<{ data?: unknown; paging?: { next?: unknown; cursors?: { after?: unknown } } }>(path, { ...call, params: { ...call.params, after } });
    if (!r || !Array.isArray(r.data)) throw new NetworkError('graph_bad_response', `GET /${path} did not return {"data": [...]}`, { hint: 'is --graph-url a Graph API endpoint?' });
    out.push(...r.data);
    const next = typeof r.paging?.next === 'string' ? r.paging.cursors?.after : undefined;
    if (typeof next !== 'string' || !next || next === after || !r.data.length) return out;
    after = next;
  }
  throw new NetworkError('graph_too_many_pages', `GET /${path} still had more after ${maxPages} pages`, { hint: 'the paging cursor may not advance; run with --verbose' });
}

/** One webhook subscription of an app, as GET /{app-id}/subscriptions lists it. */
export interface WebhookSubscription {
  object: string;
  callback_url: string;
  active: boolean;
  fields: Array<{ name: string; version?: string }>;
}

/** POST /{app-id}/subscriptions with the app token: Facebook verifies the callback (hub.challenge) before saving. */
export async function subscribeWebhook(client: GraphClient, appId: string, sub: { object: string; callbackUrl: string; verifyToken: string; fields: string[] }): Promise<{ success: boolean }> {
  const r = await client.post<{ success?: boolean }>(`${encodeURIComponent(appId)}/subscriptions`, {
    params: { object: sub.object, callback_url: sub.callbackUrl, verify_token: sub.verifyToken, fields: sub.fields.join(',') },
    operation: 'subscriptions',
    tokenKind: 'app',
    secrets: [sub.verifyToken],
  });
  return expectSuccess(r, 'subscription');
}

/** GET /{app-id}/subscriptions with the app token. */
export async function listSubscriptions(client: GraphClient, appId: string): Promise<WebhookSubscription[]> {
  const r = await client.get<{ data?: unknown }>(`${encodeURIComponent(appId)}/subscriptions`, { operation: 'subscriptions', tokenKind: 'app' });
  if (!r || !Array.isArray(r.data)) throw new NetworkError('graph_bad_response', 'GET /{app-id}/subscriptions did not return {"data": [...]}', { hint: 'is --graph-url a Graph API endpoint?' });
  return r.data
    .filter((s): s is Record<string, unknown> => Boolean(s && typeof s === 'object' && typeof (s as { object?: unknown }).object === 'string'))
    .map((s) => ({
      object: String(s.object),
      callback_url: String(s.callback_url ?? ''),
      active: s.active !== false,
      fields: Array.isArray(s.fields) ? s.fields.map((f) => (f && typeof f === 'object' ? { name: String((f as { name?: unknown }).name), ...((f as { version?: unknown }).version ? { version: String((f as { version?: unknown }).version) } : {}) } : { name: String(f) })) : [],
    }));
}

/** DELETE /{app-id}/subscriptions: every subscription, one object's, or only some fields of it. */
export async function unsubscribeWebhook(client: GraphClient, appId: string, which: { object?: string; fields?: string[] } = {}): Promise<{ success: boolean }> {
  const r = await client.delete<{ success?: boolean }>(`${encodeURIComponent(appId)}/subscriptions`, {
    params: { object: which.object, fields: which.fields?.length ? which.fields.join(',') : undefined },
    operation: 'subscriptions',
    tokenKind: 'app',
  });
  return expectSuccess(r, 'unsubscribe');
}

/** One in-app product of the app. */
export interface Product {
  product_id: string;
  title?: string;
  price?: string;
  price_amount?: number;
  price_currency_code?: string;
  [key: string]: unknown;
}

/** GET /{app-id}/products, every page. */
export async function listProducts(client: GraphClient, appId: string): Promise<Product[]> {
  const all = await listAllPages(client, `${encodeURIComponent(appId)}/products`, { operation: 'products', tokenKind: 'app' });
  return all.filter((p): p is Product => Boolean(p && typeof p === 'object' && typeof (p as Product).product_id === 'string'));
}

/** POST /{app-id}/products: creates (or replaces) a product. */
export async function createProduct(client: GraphClient, appId: string, p: { productId: string; title?: string; description?: string; price: string; currency: string }): Promise<Product> {
  const r = await client.post<Product>(`${encodeURIComponent(appId)}/products`, {
    params: { product_id: p.productId, title: p.title, description: p.description, price: p.price, currency: p.currency },
    operation: 'products',
    tokenKind: 'app',
  });
  if (!r || typeof r.product_id !== 'string') throw new NetworkError('graph_bad_response', 'POST /{app-id}/products did not return the product', { hint: 'is --graph-url the fbpay emulator or a Graph endpoint that creates products?' });
  return r;
}

function expectSuccess(r: { success?: boolean } | null, what: string): { success: boolean } {
  if (!r || r.success !== true) {
    throw new NetworkError('graph_not_success', `Graph did not confirm the ${what} (no "success": true in the answer)`, { hint: 'run again with --verbose to see the request and Graph\'s answer; check the object in the App Dashboard' });
  }
  return { success: true };
}
