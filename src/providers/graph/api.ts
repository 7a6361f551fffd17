import { NetworkError } from '../../core/errors.js';
import { parsePayment, type Payment } from '../../core/facebook/payment.js';
import type { GraphClient } from './client.js';

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

/** GET /app/purchases with the buyer's user token: the unconsumed Payments Lite purchases. */
export async function listPurchases(client: GraphClient): Promise<Purchase[]> {
  const r = await client.get<{ data?: unknown }>('app/purchases', { operation: 'purchases', tokenKind: 'user' });
  if (!r || !Array.isArray(r.data)) throw new NetworkError('graph_bad_response', 'GET /app/purchases did not return {"data": [...]}', { hint: 'is --graph-url a Graph API endpoint?' });
  return r.data.filter((p): p is Purchase => Boolean(p && typeof p === 'object' && typeof (p as Purchase).purchase_token === 'string'));
}

function expectSuccess(r: { success?: boolean } | null, what: string): { success: boolean } {
  if (!r || r.success !== true) {
    throw new NetworkError('graph_not_success', `Graph did not confirm the ${what} (no "success": true in the answer)`, { hint: 'run again with --verbose to see the request and Graph\'s answer; check the object in the App Dashboard' });
  }
  return { success: true };
}
