import { randomBytes, randomInt } from 'node:crypto';
import { safeEqual } from '../../../core/safe-equal.js';

/**
 * The PayPal emulator's state, pure (no I/O): OAuth tokens, webhooks, webhook events with their
 * transmissions, Billing v1 plans and subscriptions, sales, refunds and disputes. Ids follow
 * PayPal's formats (fixtures/README.md, section "PayPal"): webhook and sale ids 17 upper-case
 * alphanumerics, events `WH-{17}-{17}`, plans `P-{24}`, products `PROD-{17}`, subscriptions
 * `I-{12}`, disputes `PP-D-{5 digits}`, tokens `A21AA…`, debug ids 13 hex digits.
 */

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function alnum(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += UPPER_ALNUM[randomInt(UPPER_ALNUM.length)];
  return s;
}

export const ids = {
  webhook: () => alnum(17),
  event: () => `WH-${alnum(17)}-${alnum(17)}`,
  plan: () => `P-${alnum(24)}`,
  product: () => `PROD-${alnum(17)}`,
  subscription: () => `I-${alnum(12)}`,
  sale: () => alnum(17),
  refund: () => alnum(17),
  dispute: () => `PP-D-${randomInt(10000, 100000)}`,
  baToken: () => `BA-${alnum(17)}`,
  token: () => `A21AA${randomBytes(60).toString('base64url')}`,
  debug: () => randomBytes(7).toString('hex').slice(0, 13),
  payer: () => alnum(13),
};

export interface Link {
  href: string;
  rel: string;
  method: string;
}

export interface Money {
  currency_code: string;
  value: string;
}

export interface Webhook {
  id: string;
  url: string;
  event_types: Array<{ name: string; description?: string }>;
}

export interface Plan {
  id: string;
  product_id: string;
  name: string;
  description?: string;
  status: 'CREATED' | 'ACTIVE' | 'INACTIVE';
  usage_type: 'LICENSED';
  billing_cycles: unknown[];
  payment_preferences?: unknown;
  create_time: string;
  update_time: string;
  /** The regular cycle's fixed price (what each sale charges). */
  price: Money;
}

export type SubscriptionStatus = 'APPROVAL_PENDING' | 'APPROVED' | 'ACTIVE' | 'SUSPENDED' | 'CANCELLED' | 'EXPIRED';

export interface Subscription {
  id: string;
  plan_id: string;
  status: SubscriptionStatus;
  status_update_time: string;
  custom_id?: string;
  quantity: string;
  start_time: string;
  create_time: string;
  update_time: string;
  subscriber: { name: { given_name: string; surname: string }; email_address: string; payer_id: string };
  baToken: string;
  returnUrl?: string;
  cancelUrl?: string;
  cyclesCompleted: number;
  failedPayments: number;
  lastPayment?: { amount: Money; time: string };
  /** Sale ids, oldest first. */
  sales: string[];
}

export interface Sale {
  id: string;
  state: 'completed' | 'partially_refunded' | 'refunded' | 'reversed' | 'pending' | 'denied';
  amount: { total: string; currency: string };
  billing_agreement_id?: string;
  custom?: string;
  create_time: string;
  update_time: string;
  refunded: number;
}

export interface Refund {
  id: string;
  sale_id: string;
  state: 'completed';
  amount: { total: string; currency: string };
  create_time: string;
  update_time: string;
}

export interface Dispute {
  dispute_id: string;
  sale_id: string;
  status: 'OPEN' | 'WAITING_FOR_SELLER_RESPONSE' | 'RESOLVED';
  reason: string;
  amount: Money;
  outcome?: string;
  create_time: string;
  update_time: string;
}

/** One POST of an event to one URL: its transmission headers and the dispatcher's record. */
export interface Transmission {
  transmission_id: string;
  transmission_time: string;
  webhook_id: string;
  url: string;
  /** The dispatcher's delivery id (its attempts live in the delivery log). */
  delivery_id: string;
}

export interface WebhookEvent {
  id: string;
  event_type: string;
  resource_type: string;
  summary: string;
  /** The exact bytes sent (every transmission and resend sends these). */
  body: Buffer;
  create_time: string;
  transmissions: Transmission[];
}

export class TokenError extends Error {
  constructor(readonly kind: 'missing' | 'unknown' | 'expired') {
    super(kind);
  }
}

export interface PaypalStateOptions {
  clientId: string;
  clientSecret: string;
  /** Seconds a token lives (PayPal: 32400, nine hours). */
  tokenTtl: number;
  now?: () => number;
}

export class PaypalEmulatorState {
  readonly webhooks = new Map<string, Webhook>();
  readonly events = new Map<string, WebhookEvent>();
  /** transmission id → event id */
  readonly transmissions = new Map<string, string>();
  readonly plans = new Map<string, Plan>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly byBaToken = new Map<string, string>();
  readonly sales = new Map<string, Sale>();
  readonly refunds = new Map<string, Refund>();
  readonly disputes = new Map<string, Dispute>();
  private readonly tokens = new Map<string, number>();
  readonly appId = `APP-${alnum(17)}`;
  readonly counts = { tokens_issued: 0, events: 0 };
  /** Events kept (oldest dropped past this; their bytes can no longer be resent). */
  maxEvents = 20_000;

  constructor(readonly opts: PaypalStateOptions) {}

  nowMs(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** PayPal's time format: ISO-8601, seconds precision, `Z`. */
  iso(): string {
    return new Date(this.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  credentialsMatch(id: string, secret: string): boolean {
    // Both compared, in constant time, whichever is wrong.
    const idOk = safeEqual(id, this.opts.clientId);
    return safeEqual(secret, this.opts.clientSecret) && idOk;
  }

  issueToken(): { token: string; expiresIn: number } {
    const token = ids.token();
    this.tokens.set(token, this.nowMs() + this.opts.tokenTtl * 1000);
    this.counts.tokens_issued++;
    if (this.tokens.size > 10_000) {
      for (const [t, exp] of this.tokens) if (exp <= this.nowMs()) this.tokens.delete(t);
    }
    return { token, expiresIn: this.opts.tokenTtl };
  }

  /** Throws TokenError unless `authorization` is `Bearer <a live token>`. */
  checkBearer(authorization: string | undefined): void {
    // Stryker disable next-line StringLiteral: equivalent: any non-Bearer fallback string fails the match just as '' does
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    // Stryker disable next-line StringLiteral: equivalent: every kind but 'expired' gets the same 401 AUTHENTICATION_FAILURE (routes.ts)
    if (!m) throw new TokenError('missing');
    const exp = this.tokens.get(m[1]);
    // Stryker disable next-line StringLiteral: equivalent: every kind but 'expired' gets the same 401 AUTHENTICATION_FAILURE (routes.ts)
    if (exp === undefined) throw new TokenError('unknown');
    if (exp <= this.nowMs()) throw new TokenError('expired');
  }

  /** Makes every token issued so far expire now (`POST /_fbpay/tokens/expire`). */
  expireTokens(): number {
    for (const t of this.tokens.keys()) this.tokens.set(t, 0);
    return this.tokens.size;
  }

  addWebhook(url: string, eventTypes: string[], id = ids.webhook()): Webhook {
    const w: Webhook = { id, url, event_types: eventTypes.map((name) => ({ name })) };
    this.webhooks.set(w.id, w);
    return w;
  }

  /** Webhooks subscribed to an event type (`*` subscribes to all). */
  subscribers(eventType: string): Webhook[] {
    return [...this.webhooks.values()].filter((w) => w.event_types.some((t) => t.name === '*' || t.name === eventType));
  }

  recordEvent(e: WebhookEvent): void {
    this.events.set(e.id, e);
    this.counts.events++;
    if (this.events.size > this.maxEvents) {
      const oldest = this.events.keys().next().value as string;
      for (const t of this.events.get(oldest)!.transmissions) this.transmissions.delete(t.transmission_id);
      this.events.delete(oldest);
    }
  }

  addTransmission(e: WebhookEvent, t: Transmission): void {
    e.transmissions.push(t);
    this.transmissions.set(t.transmission_id, e.id);
  }

  addPlan(p: Omit<Plan, 'id' | 'create_time' | 'update_time' | 'status' | 'usage_type'> & { status?: Plan['status'] }): Plan {
    const t = this.iso();
    const plan: Plan = { id: ids.plan(), status: 'ACTIVE', usage_type: 'LICENSED', create_time: t, update_time: t, ...p } as Plan;
    this.plans.set(plan.id, plan);
    return plan;
  }

  addSubscription(plan: Plan, o: { customId?: string; email?: string; givenName?: string; surname?: string; returnUrl?: string; cancelUrl?: string; startTime?: string }): Subscription {
    const t = this.iso();
    const s: Subscription = {
      id: ids.subscription(),
      plan_id: plan.id,
      status: 'APPROVAL_PENDING',
      status_update_time: t,
      ...(o.customId !== undefined ? { custom_id: o.customId } : {}),
      quantity: '1',
      start_time: o.startTime ?? t,
      create_time: t,
      update_time: t,
      subscriber: { name: { given_name: o.givenName ?? 'John', surname: o.surname ?? 'Doe' }, email_address: o.email ?? 'customer@example.com', payer_id: ids.payer() },
      baToken: ids.baToken(),
      returnUrl: o.returnUrl,
      cancelUrl: o.cancelUrl,
      cyclesCompleted: 0,
      failedPayments: 0,
      sales: [],
    };
    this.subscriptions.set(s.id, s);
    this.byBaToken.set(s.baToken, s.id);
    return s;
  }

  setStatus(s: Subscription, status: SubscriptionStatus): void {
    s.status = status;
    s.status_update_time = s.update_time = this.iso();
  }

  /** A completed sale for one cycle of the subscription's plan. */
  addSale(s: Subscription | undefined, amount: { total: string; currency: string }): Sale {
    const t = this.iso();
    const sale: Sale = { id: ids.sale(), state: 'completed', amount, create_time: t, update_time: t, refunded: 0 };
    if (s) {
      sale.billing_agreement_id = s.id;
      if (s.custom_id !== undefined) sale.custom = s.custom_id;
      s.sales.push(sale.id);
      s.cyclesCompleted++;
      s.lastPayment = { amount: { currency_code: amount.currency, value: amount.total }, time: t };
    }
    this.sales.set(sale.id, sale);
    return sale;
  }

  /** Refunds `total` (default: what is left) of a sale; throws RangeError when it exceeds it. */
  refundSale(sale: Sale, total?: string): Refund {
    const cents = (v: string) => Math.round(Number(v) * 100);
    const left = cents(sale.amount.total) - sale.refunded;
    const want = total === undefined ? left : cents(total);
    if (!Number.isFinite(want) || want <= 0 || want > left) throw new RangeError(`the refund exceeds what is left on the sale (${(left / 100).toFixed(2)} ${sale.amount.currency})`);
    sale.refunded += want;
    sale.state = sale.refunded >= cents(sale.amount.total) ? 'refunded' : 'partially_refunded';
    const t = this.iso();
    sale.update_time = t;
    const r: Refund = { id: ids.refund(), sale_id: sale.id, state: 'completed', amount: { total: (want / 100).toFixed(2), currency: sale.amount.currency }, create_time: t, update_time: t };
    this.refunds.set(r.id, r);
    return r;
  }

  addDispute(sale: Sale, reason: string): Dispute {
    const t = this.iso();
    const d: Dispute = { dispute_id: ids.dispute(), sale_id: sale.id, status: 'OPEN', reason, amount: { currency_code: sale.amount.currency, value: sale.amount.total }, create_time: t, update_time: t };
    this.disputes.set(d.dispute_id, d);
    return d;
  }

  /** The last sale of a subscription, if any. */
  lastSale(s: Subscription): Sale | undefined {
    const id = s.sales.at(-1);
    return id ? this.sales.get(id) : undefined;
  }
}
