import { randomBytes, randomInt } from 'node:crypto';
import { safeEqual } from '../../../core/safe-equal.js';
import { verifyAppsecretProof } from '../../../core/facebook/appsecret-proof.js';
import { signSignedRequest } from '../../../core/facebook/signed-request.js';
import { addAmounts, compareAmounts, parsePayment, subtractAmounts, type Payment } from '../../../core/facebook/payment.js';
import { UsageError } from '../../../core/errors.js';

/**
 * The emulator's state and the Graph semantics on top of it (no HTTP here): who a token is, what a
 * payment looks like after a refund, when a repurchase fails with 1383001. Failures are GraphFaults,
 * which the server turns into Graph's error envelope.
 */
export class GraphFault extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly type = 'OAuthException',
    readonly subcode?: number,
  ) {
    super(message);
  }

  envelope(): { error: Record<string, unknown> } {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.code,
        ...(this.subcode !== undefined ? { error_subcode: this.subcode } : {}),
        fbtrace_id: randomBytes(8).toString('base64').replace(/[+/=]/g, '').slice(0, 11),
      },
    };
  }
}

export interface EmulatorUser {
  id: string;
  name: string;
  access_token: string;
}

export interface EmulatorPurchase {
  purchase_token: string;
  product_id: string;
  payment_id: string;
  purchase_time: number;
  developer_payload: string | null;
  quantity: number;
  user_id: string;
  consumed: boolean;
  signed_request: string;
  amount: string;
  currency: string;
}

export interface EmulatorProduct {
  product_id: string;
  title: string;
  description: string;
  price: string;
  price_amount: number;
  price_currency_code: string;
}

export interface EmulatorSubscription {
  object: string;
  callback_url: string;
  fields: string[];
  verify_token?: string;
  active: boolean;
}

/** A test switch: the next `count` Graph requests (admin routes excluded) fail this way. */
export interface Fault {
  status: number;
  graph_code?: number;
  message?: string;
  retry_after?: string;
  delay_ms?: number;
  /** Only requests whose path (version stripped) starts with this. */
  path?: string;
  count: number;
}

export interface WebhookLogEntry {
  url: string;
  payment_id: string;
  changed_fields: string[];
  status?: number;
  error?: string;
}

export type Caller = { kind: 'app' } | { kind: 'user'; user: EmulatorUser };

export interface StateOptions {
  appId: string;
  appSecret: string;
  now?: () => number;
}

const DEFAULT_PRODUCTS: EmulatorProduct[] = [
  product('test_product', 'Test product', '1.99', 'USD'),
  product('coins_100', '100 coins', '0.99', 'USD'),
  product('gems_500', '500 gems', '4.99', 'USD'),
];

function product(id: string, title: string, price: string, currency: string): EmulatorProduct {
  return { product_id: id, title, description: title, price: `$${price}`, price_amount: Number(price), price_currency_code: currency };
}

/** Graph's time format: 2026-11-21T23:00:00+0000 */
export function graphTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

const digits = (n: number) => String(randomInt(1, 10)) + Array.from({ length: n - 1 }, () => randomInt(0, 10)).join('');

export class EmulatorState {
  readonly appId: string;
  readonly appSecret: string;
  readonly now: () => number;
  readonly users = new Map<string, EmulatorUser>();
  readonly payments = new Map<string, Record<string, unknown>>();
  readonly purchases = new Map<string, EmulatorPurchase>();
  readonly products = new Map<string, EmulatorProduct>(DEFAULT_PRODUCTS.map((p) => [p.product_id, p]));
  readonly subscriptions: EmulatorSubscription[] = [];
  readonly faults: Fault[] = [];
  readonly webhooks: WebhookLogEntry[] = [];
  /** Requests seen: `graph` counts the emulated Graph API only (not /_fbpay admin routes). */
  readonly requests = { graph: 0, admin: 0 };

  constructor(opts: StateOptions) {
    this.appId = opts.appId;
    this.appSecret = opts.appSecret;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  get appToken(): string {
    return `${this.appId}|${this.appSecret}`;
  }

  /** Who a token is. Missing → 104, unknown → 190, a sent appsecret_proof must match → 100. */
  authenticate(token: string | undefined, proof: string | undefined): Caller {
    if (!token) throw new GraphFault(400, 104, 'An access token is required to request this resource.');
    let caller: Caller | undefined;
    if (token.includes('|')) {
      if (safeEqual(token, this.appToken)) caller = { kind: 'app' };
      else throw new GraphFault(400, 190, 'Invalid OAuth access token signature.');
    } else {
      const user = this.users.get(token);
      if (!user) throw new GraphFault(400, 190, 'Invalid OAuth access token - Cannot parse access token');
      caller = { kind: 'user', user };
    }
    if (proof !== undefined && !verifyAppsecretProof(proof, token, this.appSecret)) {
      throw new GraphFault(400, 100, 'Invalid appsecret_proof provided in the API argument', 'GraphMethodException');
    }
    return caller;
  }

  requireApp(caller: Caller, what: string): void {
    if (caller.kind !== 'app') throw new GraphFault(400, 100, `(#100) ${what} requires the app access token (APP_ID|APP_SECRET)`, 'OAuthException');
  }

  requireUser(caller: Caller, what: string): EmulatorUser {
    if (caller.kind !== 'user') {
      throw new GraphFault(400, 100, `(#100) ${what} must be called with the user access token of the buyer, not an app access token`, 'OAuthException');
    }
    return caller.user;
  }

  createUser(name?: string): EmulatorUser {
    const id = digits(15);
    const user: EmulatorUser = { id, name: name ?? `Test User ${this.users.size + 1}`, access_token: `EAA${randomBytes(24).toString('base64url')}` };
    this.users.set(user.access_token, user);
    return user;
  }

  userByToken(token: unknown): EmulatorUser {
    const user = typeof token === 'string' ? this.users.get(token) : undefined;
    if (!user) throw new GraphFault(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    return user;
  }

  /**
   * A Payments Lite purchase as the Pay Dialog makes it: a completed charge, an unconsumed purchase
   * and the signed_request the client receives. Repurchasing a product the user has not consumed
   * fails with 1383001, as it does for real users.
   */
  purchase(user: EmulatorUser, input: { product_id: string; quantity?: number; developer_payload?: string }): { purchase: EmulatorPurchase; payment: Record<string, unknown> } {
    const held = [...this.purchases.values()].find((p) => p.user_id === user.id && p.product_id === input.product_id && !p.consumed);
    if (held) {
      throw new GraphFault(
        400,
        1383001,
        `Unknown: user ${user.id} still holds an unconsumed purchase of ${input.product_id} (purchase_token ${held.purchase_token}); consume it with the user's access token first`,
        'PaymentsException',
      );
    }
    const prod = this.products.get(input.product_id) ?? product(input.product_id, input.product_id, '0.99', 'USD');
    this.products.set(prod.product_id, prod);
    const quantity = input.quantity ?? 1;
    const amount = (Math.round(prod.price_amount * 100) * quantity / 100).toFixed(2);
    const now = this.now();
    const paymentId = digits(16);
    const purchaseToken = digits(16);
    // Field shapes as Graph's payment reference documents them: amounts positive (the action's type
    // says which way the money moved), created_time = the charge's time_created, a US buyer's payment
    // `tax: not_taxed` (so no tax_country and no actions[].tax_amount), is_from_ad/is_from_page_post
    // top-level, and no `disputes` key until a dispute is opened. See fixtures/README.md.
    const payment: Record<string, unknown> = {
      id: paymentId,
      user: { name: user.name, id: user.id },
      application: { name: 'fbpay emulator app', namespace: 'fbpay-emulator', id: this.appId },
      request_id: '',
      actions: [{ type: 'charge', status: 'completed', currency: prod.price_currency_code, amount, time_created: graphTime(now), time_updated: graphTime(now) }],
      refundable_amount: { currency: prod.price_currency_code, amount },
      items: [{ type: 'IN_APP_PURCHASE', product: prod.product_id, quantity }],
      country: 'US',
      tax: 'not_taxed',
      created_time: graphTime(now),
      payout_foreign_exchange_rate: 1,
      is_from_ad: false,
      is_from_page_post: false,
      test: 1,
    };
    const signed = {
      algorithm: 'HMAC-SHA256',
      amount,
      app_id: this.appId,
      currency: prod.price_currency_code,
      issued_at: now,
      payment_id: paymentId,
      product_id: prod.product_id,
      purchase_time: now,
      purchase_token: purchaseToken,
      quantity: String(quantity),
      request_id: '',
      status: 'completed',
      ...(input.developer_payload !== undefined ? { developer_payload: input.developer_payload } : {}),
    };
    const purchase: EmulatorPurchase = {
      purchase_token: purchaseToken,
      product_id: prod.product_id,
      payment_id: paymentId,
      purchase_time: now,
      developer_payload: input.developer_payload ?? null,
      quantity,
      user_id: user.id,
      consumed: false,
      signed_request: signSignedRequest(signed, this.appSecret),
      amount,
      currency: prod.price_currency_code,
    };
    this.payments.set(paymentId, payment);
    this.purchases.set(purchaseToken, purchase);
    return { purchase, payment };
  }

  /** GET /app/purchases: the caller's unconsumed purchases, newest first. */
  listPurchases(user: EmulatorUser): Record<string, unknown>[] {
    return [...this.purchases.values()]
      .filter((p) => p.user_id === user.id && !p.consumed)
      .reverse()
      .map((p) => ({
        app_id: this.appId,
        developer_payload: p.developer_payload,
        is_consumed: false,
        payment_id: p.payment_id,
        product_id: p.product_id,
        purchase_time: p.purchase_time,
        purchase_token: p.purchase_token,
        signed_request: p.signed_request,
      }));
  }

  consume(user: EmulatorUser, token: string): void {
    const p = this.purchases.get(token);
    if (!p || p.user_id !== user.id) throw new GraphFault(400, 100, `(#100) Invalid purchase token ${token} for this user`, 'OAuthException');
    if (p.consumed) throw new GraphFault(400, 100, `(#100) Purchase ${token} has already been consumed`, 'OAuthException');
    p.consumed = true;
  }

  /** Seeds a payment object (validated; unknown fields kept). Returns its id. */
  seedPayment(value: unknown): string {
    let parsed: Payment;
    try {
      parsed = parsePayment(value && typeof value === 'object' && !('id' in value) ? { ...value, id: digits(16) } : value);
    } catch (e) {
      throw new GraphFault(400, 100, (e as UsageError).message, 'GraphMethodException');
    }
    const payment: Record<string, unknown> = { ...(value as Record<string, unknown>), id: parsed.id };
    if (!payment.actions) payment.actions = [];
    if (!payment.refundable_amount) payment.refundable_amount = computeRefundable(parsed);
    this.payments.set(parsed.id, payment);
    return parsed.id;
  }

  payment(id: string): Record<string, unknown> {
    const p = this.payments.get(id);
    if (!p) throw notFound(id);
    return p;
  }

  /** A payment the caller may read: any with the app token, only their own with a user token. */
  visiblePayment(id: string, caller: Caller): Record<string, unknown> {
    const p = this.payment(id);
    if (caller.kind === 'user' && (p.user as { id?: string } | undefined)?.id !== caller.user.id) throw notFound(id);
    return p;
  }

  /** POST /{payment-id}/refunds: checks currency and the refundable amount, then adds a completed refund. */
  refund(id: string, input: { amount?: unknown; currency?: unknown; reason?: unknown }): Record<string, unknown> {
    const p = this.payment(id);
    const amount = typeof input.amount === 'string' || typeof input.amount === 'number' ? String(input.amount) : '';
    const currency = typeof input.currency === 'string' ? input.currency.toUpperCase() : '';
    if (!/^\d+(\.\d+)?$/.test(amount) || compareAmounts(amount, '0') <= 0) throw new GraphFault(400, 100, '(#100) The parameter amount is required and must be a positive number', 'OAuthException');
    if (!currency) throw new GraphFault(400, 100, '(#100) The parameter currency is required', 'OAuthException');
    if (input.reason !== undefined && !['MALICIOUS_FRAUD', 'FRIENDLY_FRAUD', 'CUSTOMER_SERVICE'].includes(String(input.reason))) {
      throw new GraphFault(400, 100, '(#100) param reason must be one of {MALICIOUS_FRAUD, FRIENDLY_FRAUD, CUSTOMER_SERVICE}', 'OAuthException');
    }
    const refundable = p.refundable_amount as { currency: string; amount: string } | undefined;
    if (!refundable || compareAmounts(String(refundable.amount), '0') <= 0) throw new GraphFault(400, 100, `(#100) Payment ${id} has nothing left to refund`, 'OAuthException');
    if (refundable.currency.toUpperCase() !== currency) {
      throw new GraphFault(400, 100, `(#100) Refund currency ${currency} does not match the payment currency ${refundable.currency}`, 'OAuthException');
    }
    if (compareAmounts(amount, String(refundable.amount)) > 0) {
      throw new GraphFault(400, 100, `(#100) Refund amount ${amount} is more than the refundable amount ${refundable.amount} ${refundable.currency}`, 'OAuthException');
    }
    return this.addAction(id, { type: 'refund', status: 'completed', amount, currency: refundable.currency });
  }

  /** POST /{payment-id}/dispute: settles a pending dispute. */
  settleDispute(id: string, reason: unknown): Record<string, unknown> {
    const p = this.payment(id);
    const r = String(reason ?? '');
    if (!['GRANTED_REPLACEMENT_ITEM', 'DENIED_REFUND', 'BANNED_USER'].includes(r)) {
      throw new GraphFault(400, 100, '(#100) param reason must be one of {GRANTED_REPLACEMENT_ITEM, DENIED_REFUND, BANNED_USER}', 'OAuthException');
    }
    const disputes = (p.disputes ?? []) as Array<Record<string, unknown>>;
    const pending = disputes.find((d) => d.status === 'pending');
    if (!pending) throw new GraphFault(400, 100, `(#100) Payment ${id} has no pending dispute`, 'OAuthException');
    pending.status = 'resolved';
    pending.reason = r.toLowerCase();
    pending.time_updated = graphTime(this.now());
    return p;
  }

  /** Adds an action (admin route and refunds); keeps refundable_amount consistent. */
  addAction(id: string, input: { type?: unknown; status?: unknown; amount?: unknown; currency?: unknown }): Record<string, unknown> {
    const p = this.payment(id);
    const type = String(input.type ?? '');
    const status = String(input.status ?? 'completed');
    if (!['charge', 'refund', 'chargeback', 'chargeback_reversal', 'decline'].includes(type)) {
      throw new GraphFault(400, 100, `action type must be charge, refund, chargeback, chargeback_reversal or decline, got "${type}"`, 'GraphMethodException');
    }
    if (!['initiated', 'completed', 'failed'].includes(status)) throw new GraphFault(400, 100, `action status must be initiated, completed or failed, got "${status}"`, 'GraphMethodException');
    const actions = (p.actions ?? []) as Array<Record<string, unknown>>;
    const refundable = (p.refundable_amount ?? { currency: 'USD', amount: '0.00' }) as { currency: string; amount: string };
    const charge = actions.find((a) => a.type === 'charge');
    const amount = input.amount !== undefined ? String(input.amount) : String(charge?.amount ?? refundable.amount);
    const currency = input.currency !== undefined ? String(input.currency) : String(charge?.currency ?? refundable.currency);
    if (!/^\d+(\.\d+)?$/.test(amount)) throw new GraphFault(400, 100, `action amount must be a decimal number, got "${amount.slice(0, 40)}"`, 'GraphMethodException');
    const now = graphTime(this.now());
    const action: Record<string, unknown> = { type, status, currency, amount, time_created: now, time_updated: now };
    // tax_amount only when Facebook remitted tax (omitted for not_taxed and already_paid): the charge's rate, applied to this amount.
    const chargeTax = charge?.tax_amount !== undefined ? String(charge.tax_amount) : undefined;
    if (typeof p.tax === 'string' && p.tax.startsWith('tax_remitted') && chargeTax !== undefined && /^\d+(\.\d+)?$/.test(chargeTax) && Number(charge?.amount) > 0) {
      action.tax_amount = (Math.round((Number(chargeTax) / Number(charge!.amount)) * Number(amount) * 100) / 100).toFixed(2);
    }
    actions.push(action);
    p.actions = actions;
    if (status === 'completed') {
      if (type === 'refund' || type === 'chargeback') p.refundable_amount = { currency: refundable.currency, amount: subtractAmounts(String(refundable.amount), amount) };
      if (type === 'chargeback_reversal' || type === 'charge') p.refundable_amount = { currency: refundable.currency, amount: addAmounts(String(refundable.amount), amount) };
      if (type === 'decline') p.refundable_amount = { currency: refundable.currency, amount: '0.00' };
    }
    return p;
  }

  /** Opens a dispute (admin route). */
  addDispute(id: string, input: { user_comment?: unknown; user_email?: unknown; reason?: unknown }): Record<string, unknown> {
    const p = this.payment(id);
    const disputes = (p.disputes ?? []) as Array<Record<string, unknown>>;
    disputes.push({
      user_comment: String(input.user_comment ?? 'I did not receive my item'),
      time_created: graphTime(this.now()),
      user_email: String(input.user_email ?? 'buyer@example.com'),
      status: 'pending',
      reason: String(input.reason ?? 'pending'),
    });
    p.disputes = disputes;
    return p;
  }

  /** Takes one matching fault off the switch, if any. */
  takeFault(path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => !f.path || path.startsWith(f.path));
    if (i < 0) return undefined;
    const f = this.faults[i];
    f.count--;
    if (f.count <= 0) this.faults.splice(i, 1);
    return f;
  }

  addFault(input: Record<string, unknown>): Fault {
    const status = Number(input.status ?? (input.graph_code !== undefined ? 400 : 500));
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new GraphFault(400, 100, 'fault status must be an HTTP status', 'GraphMethodException');
    const fault: Fault = {
      status,
      graph_code: input.graph_code === undefined ? undefined : Number(input.graph_code),
      message: input.message === undefined ? undefined : String(input.message),
      retry_after: input.retry_after === undefined ? undefined : String(input.retry_after),
      delay_ms: input.delay_ms === undefined ? undefined : Math.max(0, Number(input.delay_ms)),
      path: input.path === undefined ? undefined : String(input.path),
      count: Math.max(1, Number(input.count ?? 1)),
    };
    this.faults.push(fault);
    return fault;
  }
}

function notFound(id: string): GraphFault {
  return new GraphFault(
    400,
    100,
    `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    'GraphMethodException',
    33,
  );
}

/** refundable = completed charges − refunds − chargebacks + reversals, in the charge's currency. */
function computeRefundable(p: Payment): { currency: string; amount: string } {
  let amount = '0.00';
  let currency = 'USD';
  for (const a of p.actions ?? []) {
    if (a.status !== 'completed' || !a.amount || !/^\d+(\.\d+)?$/.test(a.amount)) continue;
    if (a.type === 'charge') {
      currency = a.currency ?? currency;
      amount = addAmounts(amount, a.amount);
    } else if (a.type === 'refund' || a.type === 'chargeback') amount = subtractAmounts(amount, a.amount);
    else if (a.type === 'chargeback_reversal') amount = addAmounts(amount, a.amount);
    else if (a.type === 'decline') amount = '0.00';
  }
  return { currency, amount };
}
