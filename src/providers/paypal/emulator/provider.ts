import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { UsageError } from '../../../core/errors.js';
import { signPaypalWebhook } from '../../../core/paypal/sign.js';
import { SIMULATOR_WEBHOOK_ID } from '../../../core/paypal/verify.js';
import type { WebhookDelivery } from '../../emulator/dispatcher.js';
import type { EmulatorHost, EmulatorProvider, EmulatorReply, EmulatorRequest, TriggerOutcome } from '../../emulator/server.js';
import type { EmulatorPki } from './pki.js';
import { handlePaypalRoute, paypalError } from './routes.js';
import { ids, PaypalEmulatorState, type Plan, type Sale, type Subscription, type WebhookEvent } from './state.js';
import { approveUrl, disputeView, eventDoc, refundView, reversalView, saleView, subscriptionView } from './views.js';

/**
 * `fbpay mock paypal`'s provider for the emulator skeleton: PayPal's OAuth, webhooks, simulator,
 * verify-webhook-signature, Billing v1 subscriptions and sale refunds, every state change sent as
 * the webhook event PayPal sends, signed SHA256withRSA with the emulator's key
 * (`transmission_id|transmission_time|webhook_id|crc32(body)`, core/paypal/sign.ts).
 */

export const DEFAULT_CLIENT_ID = 'fbpay-emulator-client-id';
export const DEFAULT_CLIENT_SECRET = 'fbpay-emulator-client-secret';
/** PayPal's access tokens live nine hours (`expires_in: 32400`). */
export const DEFAULT_TOKEN_TTL = 32_400;

/**
 * PayPal retries a delivery that got no 2xx "up to 25 times over 3 days" (developer.paypal.com,
 * "Integrate webhooks"): 24 retries spread over 72 h, scaled down 1:100 000 → 2.59 s in all.
 * PayPal publishes no per-retry intervals: the first four double (as most senders' do), the rest are even.
 */
export const PAYPAL_RETRY_SCHEDULE: readonly number[] = [10, 20, 40, 80, ...Array<number>(20).fill(122)];

export const PAYPAL_TRIGGER_EVENTS = [
  'paypal-subscription-create',
  'paypal-subscription-approve',
  'paypal-subscription-renew',
  'paypal-subscription-payment-failed',
  'paypal-subscription-suspend',
  'paypal-subscription-reactivate',
  'paypal-subscription-cancel',
  'paypal-subscription-expire',
  'paypal-sale-refund',
  'paypal-sale-reverse',
  'paypal-dispute',
] as const;

export interface PaypalEmulatorOptions {
  clientId?: string;
  clientSecret?: string;
  /** Seconds an access token lives (default 32400). */
  tokenTtl?: number;
  pki: EmulatorPki;
  /** Subscribed at start (`--webhook-url`), with `webhookId` (default: a fresh id) and `eventTypes` (default `*`). */
  webhookUrl?: string;
  webhookId?: string;
  eventTypes?: string[];
  /** Webhook URLs may be non-loopback. */
  allowRemote?: boolean;
  /** Whether the server speaks https (for info). */
  tls?: boolean;
  now?: () => number;
}

export interface EmitResult {
  event: WebhookEvent;
  doc: Record<string, unknown>;
  deliveries: Array<Promise<WebhookDelivery>>;
}

export class PaypalEmulatorProvider implements EmulatorProvider {
  readonly provider = 'paypal' as const;
  readonly defaultRetrySchedule = PAYPAL_RETRY_SCHEDULE;
  readonly triggerEvents: readonly string[] = PAYPAL_TRIGGER_EVENTS;
  readonly state: PaypalEmulatorState;
  readonly pki: EmulatorPki;
  readonly certId = `CERT-360caa42-fca2a594-${randomBytes(4).toString('hex')}`;
  host?: EmulatorHost;
  /** Parsed once: a PEM parse per delivery costs about as much as the signature. */
  private readonly signingKey: KeyObject;

  constructor(readonly opts: PaypalEmulatorOptions) {
    this.pki = opts.pki;
    this.signingKey = createPrivateKey(opts.pki.signingKeyPem);
    this.state = new PaypalEmulatorState({
      clientId: opts.clientId ?? DEFAULT_CLIENT_ID,
      clientSecret: opts.clientSecret ?? DEFAULT_CLIENT_SECRET,
      tokenTtl: opts.tokenTtl ?? DEFAULT_TOKEN_TTL,
      now: opts.now,
    });
  }

  get base(): string {
    if (!this.host) throw new Error('the emulator is not started');
    return this.host.url;
  }

  /** The PAYPAL-CERT-URL every delivery names (served by this emulator). */
  get certUrl(): string {
    return `${this.base}/v1/notifications/certs/${this.certId}`;
  }

  info(): Record<string, unknown> {
    const defaultSecret = this.state.opts.clientSecret === DEFAULT_CLIENT_SECRET;
    const first = [...this.state.webhooks.values()][0];
    return {
      client_id: this.state.opts.clientId,
      // The built-in secret is public (it is in the README); a secret the user chose is never printed.
      ...(defaultSecret ? { client_secret: DEFAULT_CLIENT_SECRET } : {}),
      webhook_id: first?.id ?? null,
      webhook_url: first?.url ?? null,
      ...(this.host ? { cert_url: this.certUrl } : {}),
      ca_path: this.pki.caPath,
      tls: Boolean(this.opts.tls),
      ...(this.opts.tls ? { trust: `NODE_EXTRA_CA_CERTS=${this.pki.caPath} · curl --cacert ${this.pki.caPath}` } : {}),
      token_ttl_s: this.state.opts.tokenTtl,
    };
  }

  stats(): Record<string, unknown> {
    return {
      webhooks: this.state.webhooks.size,
      events: this.state.counts.events,
      subscriptions: this.state.subscriptions.size,
      sales: this.state.sales.size,
      tokens_issued: this.state.counts.tokens_issued,
    };
  }

  async started(host: EmulatorHost): Promise<void> {
    this.host = host;
    if (this.opts.webhookUrl) this.state.addWebhook(this.opts.webhookUrl, this.opts.eventTypes?.length ? this.opts.eventTypes : ['*'], this.opts.webhookId);
  }

  handle(req: EmulatorRequest, host: EmulatorHost): Promise<EmulatorReply | undefined> {
    this.host ??= host;
    return handlePaypalRoute(this, req);
  }

  error(status: number, message: string): EmulatorReply {
    return paypalError(status, message);
  }

  // ---- events and deliveries ----

  /**
   * Records an event and sends it to every webhook subscribed to its type, each transmission signed
   * with that webhook's id — or, for the simulator, only to `target` signed with `WEBHOOK_ID`.
   */
  emit(
    e: { event_type: string; resource_type: string; resource_version?: string; summary: string; resource: unknown },
    target?: { url: string; webhookId: string },
  ): EmitResult {
    const create_time = new Date(this.state.nowMs()).toISOString();
    const doc = eventDoc(this.base, { id: ids.event(), create_time, ...e });
    const event: WebhookEvent = { id: doc.id, event_type: e.event_type, resource_type: e.resource_type, summary: e.summary, body: Buffer.from(JSON.stringify(doc)), create_time, transmissions: [] };
    this.state.recordEvent(event);
    const targets = target ? [target] : this.state.subscribers(e.event_type).map((w) => ({ url: w.url, webhookId: w.id }));
    return { event, doc, deliveries: targets.map((t) => this.transmit(event, t.url, t.webhookId)) };
  }

  /** One signed POST of an event's exact bytes (a new transmission id and time each time). */
  transmit(event: WebhookEvent, url: string, webhookId: string): Promise<WebhookDelivery> {
    const sig = signPaypalWebhook({ body: event.body, webhookId, key: this.signingKey, certUrl: this.certUrl, now: () => Math.floor(this.state.nowMs() / 1000) });
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'PayPal/AUHD-214.0-58843695 (fbpay emulator)',
      'correlation-id': ids.debug(),
      ...sig.headers,
    };
    const { delivery, done } = this.host!.webhooks.send({
      event_type: event.event_type,
      url,
      headers,
      body: event.body,
      meta: { event_id: event.id, transmission_id: sig.headers['PAYPAL-TRANSMISSION-ID'], webhook_id: webhookId },
    });
    this.state.addTransmission(event, { transmission_id: sig.headers['PAYPAL-TRANSMISSION-ID'], transmission_time: sig.headers['PAYPAL-TRANSMISSION-TIME'], webhook_id: webhookId, url, delivery_id: delivery.id });
    return done;
  }

  /** Sends an event again to the webhooks it went to (or the ones named), as PayPal's resend does. */
  resend(event: WebhookEvent, webhookIds?: string[]): Array<Promise<WebhookDelivery>> {
    const seen = new Map<string, string>();
    for (const t of event.transmissions) if (t.webhook_id !== SIMULATOR_WEBHOOK_ID) seen.set(t.webhook_id, t.url);
    const wanted = webhookIds?.length ? webhookIds : [...seen.keys()];
    return wanted.map((id) => this.transmit(event, this.state.webhooks.get(id)?.url ?? seen.get(id)!, id));
  }

  // ---- state changes (routes and triggers share them) ----

  /** The plan triggers use when none is named: one per currency and price, made on first use. */
  defaultPlan(price = '9.99', currency = 'USD'): Plan {
    const hit = [...this.state.plans.values()].find((p) => p.name === 'fbpay emulator plan' && p.price.value === price && p.price.currency_code === currency);
    if (hit) return hit;
    return this.state.addPlan({
      product_id: ids.product(),
      name: 'fbpay emulator plan',
      description: 'Monthly plan made by fbpay trigger',
      price: { currency_code: currency, value: price },
      billing_cycles: [{ frequency: { interval_unit: 'MONTH', interval_count: 1 }, tenure_type: 'REGULAR', sequence: 1, total_cycles: 0, pricing_scheme: { fixed_price: { currency_code: currency, value: price }, version: 1 } }],
      payment_preferences: { auto_bill_outstanding: true, setup_fee_failure_action: 'CONTINUE', payment_failure_threshold: 3 },
    });
  }

  subscriptionEvent(s: Subscription, type: string, summary: string): EmitResult {
    return this.emit({ event_type: type, resource_type: 'subscription', resource_version: '2.0', summary, resource: subscriptionView(this.base, s, this.state.plans.get(s.plan_id)) });
  }

  createSubscription(plan: Plan, o: Parameters<PaypalEmulatorState['addSubscription']>[1]): { s: Subscription; emitted: EmitResult } {
    const s = this.state.addSubscription(plan, o);
    return { s, emitted: this.subscriptionEvent(s, 'BILLING.SUBSCRIPTION.CREATED', 'Subscription created') };
  }

  /** The buyer approved: ACTIVE, BILLING.SUBSCRIPTION.ACTIVATED, then the first cycle's sale. */
  approve(s: Subscription): { sale: Sale; emitted: EmitResult[] } {
    this.requireStatus(s, ['APPROVAL_PENDING', 'APPROVED'], 'approve');
    this.state.setStatus(s, 'ACTIVE');
    const activated = this.subscriptionEvent(s, 'BILLING.SUBSCRIPTION.ACTIVATED', 'Subscription activated');
    const { sale, emitted } = this.charge(s);
    return { sale, emitted: [activated, emitted] };
  }

  /** One billing cycle paid: PAYMENT.SALE.COMPLETED with billing_agreement_id = the subscription. */
  charge(s: Subscription): { sale: Sale; emitted: EmitResult } {
    const plan = this.state.plans.get(s.plan_id);
    const price = plan?.price ?? { currency_code: 'USD', value: '9.99' };
    const sale = this.state.addSale(s, { total: price.value, currency: price.currency_code });
    return { sale, emitted: this.saleEvent(sale, 'PAYMENT.SALE.COMPLETED', `Payment completed for $ ${sale.amount.total} ${sale.amount.currency}`) };
  }

  saleEvent(sale: Sale, type: string, summary: string): EmitResult {
    return this.emit({ event_type: type, resource_type: 'sale', summary, resource: saleView(this.base, sale) });
  }

  /** suspend | activate | cancel | expire, with PayPal's status rules (422 otherwise). */
  transition(s: Subscription, action: 'suspend' | 'activate' | 'cancel' | 'expire'): EmitResult {
    const rules = {
      suspend: { from: ['ACTIVE'], to: 'SUSPENDED', type: 'BILLING.SUBSCRIPTION.SUSPENDED', summary: 'Subscription suspended' },
      activate: { from: ['SUSPENDED', 'APPROVED'], to: 'ACTIVE', type: s.status === 'APPROVED' ? 'BILLING.SUBSCRIPTION.ACTIVATED' : 'BILLING.SUBSCRIPTION.RE-ACTIVATED', summary: 'Subscription re-activated' },
      cancel: { from: ['ACTIVE', 'SUSPENDED', 'APPROVED'], to: 'CANCELLED', type: 'BILLING.SUBSCRIPTION.CANCELLED', summary: 'Subscription cancelled' },
      expire: { from: ['ACTIVE', 'SUSPENDED'], to: 'EXPIRED', type: 'BILLING.SUBSCRIPTION.EXPIRED', summary: 'Subscription expired' },
    } as const;
    const r = rules[action];
    this.requireStatus(s, r.from, action);
    this.state.setStatus(s, r.to);
    return this.subscriptionEvent(s, r.type, r.summary);
  }

  paymentFailed(s: Subscription): EmitResult {
    this.requireStatus(s, ['ACTIVE'], 'fail a payment of');
    s.failedPayments++;
    s.update_time = this.state.iso();
    return this.subscriptionEvent(s, 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', 'Subscription payment failed');
  }

  refund(sale: Sale, total?: string): { refundId: string; view: ReturnType<typeof refundView>; emitted: EmitResult } {
    if (sale.state !== 'completed' && sale.state !== 'partially_refunded') throw new StateError('TRANSACTION_REFUSED', `sale ${sale.id} is ${sale.state}: it cannot be refunded`);
    let r;
    try {
      r = this.state.refundSale(sale, total);
    } catch (e) {
      throw new StateError('REFUND_EXCEEDED_TRANSACTION_AMOUNT', (e as Error).message);
    }
    const view = refundView(this.base, r, sale);
    return { refundId: r.id, view, emitted: this.emit({ event_type: 'PAYMENT.SALE.REFUNDED', resource_type: 'refund', summary: `A $ ${r.amount.total} ${r.amount.currency} sale payment was refunded`, resource: view }) };
  }

  reverse(sale: Sale): EmitResult {
    if (sale.state === 'reversed' || sale.state === 'refunded') throw new StateError('TRANSACTION_REFUSED', `sale ${sale.id} is ${sale.state}: it cannot be reversed`);
    sale.state = 'reversed';
    sale.update_time = this.state.iso();
    return this.emit({ event_type: 'PAYMENT.SALE.REVERSED', resource_type: 'sale', summary: `A $ ${sale.amount.total} ${sale.amount.currency} sale payment was reversed`, resource: reversalView(sale) });
  }

  private requireStatus(s: Subscription, from: readonly string[], action: string): void {
    if (!from.includes(s.status)) throw new StateError('SUBSCRIPTION_STATUS_INVALID', `cannot ${action} subscription ${s.id}: its status is ${s.status} (needs ${from.join(' or ')})`);
  }

  // ---- fbpay trigger ----

  async trigger(event: string, params: Record<string, string>, host: EmulatorHost): Promise<TriggerOutcome> {
    this.host ??= host;
    try {
      return this.runTrigger(event, params);
    } catch (e) {
      // The change asked for is not possible in this state (as PayPal's 422): bad input, exit 2.
      if (e instanceof StateError) throw new UsageError('invalid_state', e.message, { hint: 'GET the subscription or sale to see its status' });
      throw e;
    }
  }

  private runTrigger(event: string, p: Record<string, string>): TriggerOutcome {
    const out = (ids: Record<string, unknown>, emitted: EmitResult[], extra?: Record<string, unknown>): TriggerOutcome => ({
      ids: { ...ids, events: emitted.map((e) => e.event.id) },
      deliveries: emitted.flatMap((e) => e.deliveries),
      ...(extra ? { extra } : {}),
    });
    switch (event) {
      case 'paypal-subscription-create': {
        let plan: Plan;
        if (p.plan) plan = this.state.plans.get(p.plan) ?? notFound('plan', p.plan);
        else plan = this.defaultPlan(money(p.price ?? '9.99'), (p.currency ?? 'USD').toUpperCase());
        const { s, emitted } = this.createSubscription(plan, { customId: p.custom_id, email: p.email });
        return out({ subscription: s.id, plan: plan.id }, [emitted], { status: s.status, approve_url: approveUrl(this.base, s) });
      }
      case 'paypal-subscription-approve': {
        const s = this.subscription(p, event);
        const { sale, emitted } = this.approve(s);
        return out({ subscription: s.id, sale: sale.id }, emitted, { status: s.status });
      }
      case 'paypal-subscription-renew': {
        const s = this.subscription(p, event);
        this.requireStatus(s, ['ACTIVE'], 'renew');
        const { sale, emitted } = this.charge(s);
        return out({ subscription: s.id, sale: sale.id }, [emitted], { cycles_completed: s.cyclesCompleted });
      }
      case 'paypal-subscription-payment-failed': {
        const s = this.subscription(p, event);
        return out({ subscription: s.id }, [this.paymentFailed(s)], { failed_payments_count: s.failedPayments });
      }
      case 'paypal-subscription-suspend':
      case 'paypal-subscription-reactivate':
      case 'paypal-subscription-cancel':
      case 'paypal-subscription-expire': {
        const s = this.subscription(p, event);
        const action = ({ suspend: 'suspend', reactivate: 'activate', cancel: 'cancel', expire: 'expire' } as const)[event.slice('paypal-subscription-'.length) as 'suspend'];
        return out({ subscription: s.id }, [this.transition(s, action)], { status: s.status });
      }
      case 'paypal-sale-refund': {
        const sale = this.sale(p, event);
        const r = this.refund(sale, p.amount !== undefined ? money(p.amount) : undefined);
        return out({ sale: sale.id, refund: r.refundId, ...(sale.billing_agreement_id ? { subscription: sale.billing_agreement_id } : {}) }, [r.emitted], { sale_state: sale.state });
      }
      case 'paypal-sale-reverse': {
        const sale = this.sale(p, event);
        return out({ sale: sale.id, ...(sale.billing_agreement_id ? { subscription: sale.billing_agreement_id } : {}) }, [this.reverse(sale)], { sale_state: sale.state });
      }
      case 'paypal-dispute':
        return this.disputeTrigger(p, out);
    }
    throw new UsageError('unknown_event', `no PayPal event "${event}"`);
  }

  private disputeTrigger(p: Record<string, string>, out: (ids: Record<string, unknown>, emitted: EmitResult[], extra?: Record<string, unknown>) => TriggerOutcome): TriggerOutcome {
    const outcomes = ['RESOLVED_BUYER_FAVOUR', 'RESOLVED_SELLER_FAVOUR', 'RESOLVED_WITH_PAYOUT', 'CANCELED_BY_BUYER'];
    const outcome = p.outcome?.toUpperCase();
    if (outcome !== undefined && !outcomes.includes(outcome)) throw new UsageError('bad_param', `outcome must be one of ${outcomes.join(', ')}`, { hint: `e.g. outcome=RESOLVED_SELLER_FAVOUR` });
    const emitted: EmitResult[] = [];
    let d;
    if (p.dispute) {
      d = this.state.disputes.get(p.dispute) ?? notFound('dispute', p.dispute);
      if (d.status === 'RESOLVED') throw new StateError('DISPUTE_RESOLVED', `dispute ${d.dispute_id} is already resolved`);
      if (!outcome) throw new UsageError('missing_param', 'paypal-dispute dispute=… needs outcome=…', { hint: `outcome=${outcomes[0]}` });
    } else {
      const sale = this.sale(p, 'paypal-dispute');
      d = this.state.addDispute(sale, p.reason ?? 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED');
      emitted.push(this.emit({ event_type: 'CUSTOMER.DISPUTE.CREATED', resource_type: 'dispute', summary: `A new dispute opened with Case # ${d.dispute_id}`, resource: disputeView(this.base, d, sale) }));
    }
    const sale = this.state.sales.get(d.sale_id);
    if (outcome) {
      d.status = 'RESOLVED';
      d.outcome = outcome;
      d.update_time = this.state.iso();
      emitted.push(this.emit({ event_type: 'CUSTOMER.DISPUTE.RESOLVED', resource_type: 'dispute', summary: `A dispute was resolved with case # ${d.dispute_id}`, resource: disputeView(this.base, d, sale) }));
    }
    return out({ dispute: d.dispute_id, sale: d.sale_id, ...(sale?.billing_agreement_id ? { subscription: sale.billing_agreement_id } : {}) }, emitted, { status: d.status });
  }

  private subscription(p: Record<string, string>, event: string): Subscription {
    if (!p.subscription) throw new UsageError('missing_param', `${event} needs subscription=I-…`, { hint: `paypal-subscription-create prints the id; then: fbpay trigger ${event} subscription="$SUBSCRIPTION_ID"` });
    return this.state.subscriptions.get(p.subscription) ?? notFound('subscription', p.subscription);
  }

  /** sale=<id>, or subscription=I-… for its latest sale. */
  private sale(p: Record<string, string>, event: string): Sale {
    if (p.sale) return this.state.sales.get(p.sale) ?? notFound('sale', p.sale);
    if (p.subscription) {
      const s = this.state.subscriptions.get(p.subscription) ?? notFound('subscription', p.subscription);
      return this.state.lastSale(s) ?? notFound('sale of subscription', s.id);
    }
    throw new UsageError('missing_param', `${event} needs sale=<id> or subscription=I-…`, { hint: `fbpay trigger ${event} subscription="$SUBSCRIPTION_ID", or with sale="$SALE_ID" instead` });
  }
}

/** A business-rule refusal (PayPal's 422 UNPROCESSABLE_ENTITY with this issue). */
export class StateError extends Error {
  constructor(
    readonly issue: string,
    message: string,
  ) {
    super(message);
  }
}

function notFound(what: string, id: string): never {
  throw new UsageError('not_found', `no ${what} ${id.slice(0, 60)} on this emulator`, { hint: 'ids live in memory: a restarted emulator has none of the old ones' });
}

function money(v: string): string {
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(v) || Number(v) <= 0) throw new UsageError('bad_param', `"${v.slice(0, 20)}" is not an amount`, { hint: 'e.g. 9.99' });
  return Number(v).toFixed(2);
}
