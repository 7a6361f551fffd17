import type { Dispute, Link, Plan, Refund, Sale, Subscription, Webhook } from './state.js';

/**
 * The JSON PayPal's REST API answers with (and puts in webhook `resource`s), built from the
 * emulator's state: field names, order and HATEOAS links as in PayPal's reference and published
 * samples (fixtures/README.md, "PayPal"). `base` is the emulator's URL.
 */

const link = (href: string, rel: string, method = 'GET'): Link => ({ href, rel, method });

/** Event types the emulator knows (GET /v1/notifications/webhooks-event-types), with PayPal's descriptions. */
export const EVENT_TYPES: ReadonlyArray<{ name: string; description: string; resource_versions: string[] }> = [
  { name: 'BILLING.SUBSCRIPTION.CREATED', description: 'A billing agreement is created.', resource_versions: ['2.0'] },
  { name: 'BILLING.SUBSCRIPTION.ACTIVATED', description: 'A billing agreement is activated.', resource_versions: ['2.0'] },
  { name: 'BILLING.SUBSCRIPTION.UPDATED', description: 'A billing agreement is updated.', resource_versions: ['2.0'] },
  { name: 'BILLING.SUBSCRIPTION.EXPIRED', description: 'A billing agreement expires.', resource_versions: ['2.0'] },
  { name: 'BILLING.SUBSCRIPTION.CANCELLED', description: 'A billing agreement is canceled.', resource_versions: ['2.0'] },
  { name: 'BILLING.SUBSCRIPTION.SUSPENDED', description: 'A billing agreement is suspended.', resource_versions: ['2.0'] },
  { name: 'BILLING.SUBSCRIPTION.RE-ACTIVATED', description: 'A billing agreement is re-activated.', resource_versions: ['2.0'] },
  { name: 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', description: 'Payment failed on subscription.', resource_versions: ['2.0'] },
  { name: 'PAYMENT.SALE.COMPLETED', description: 'A sale completes.', resource_versions: ['1.0'] },
  { name: 'PAYMENT.SALE.PENDING', description: 'The state of a sale changes to pending.', resource_versions: ['1.0'] },
  { name: 'PAYMENT.SALE.DENIED', description: 'The state of a sale changes from pending to denied.', resource_versions: ['1.0'] },
  { name: 'PAYMENT.SALE.REFUNDED', description: 'A merchant refunds a sale.', resource_versions: ['1.0'] },
  { name: 'PAYMENT.SALE.REVERSED', description: 'PayPal reverses a sale.', resource_versions: ['1.0'] },
  { name: 'PAYMENT.CAPTURE.COMPLETED', description: 'A payment capture completes.', resource_versions: ['2.0'] },
  { name: 'PAYMENT.CAPTURE.DENIED', description: 'A payment capture is denied.', resource_versions: ['2.0'] },
  { name: 'PAYMENT.CAPTURE.REFUNDED', description: 'A merchant refunds a payment capture.', resource_versions: ['2.0'] },
  { name: 'PAYMENT.CAPTURE.REVERSED', description: 'PayPal reverses a payment capture.', resource_versions: ['2.0'] },
  { name: 'CUSTOMER.DISPUTE.CREATED', description: 'A dispute is created.', resource_versions: ['1.0'] },
  { name: 'CUSTOMER.DISPUTE.UPDATED', description: 'A dispute is updated.', resource_versions: ['1.0'] },
  { name: 'CUSTOMER.DISPUTE.RESOLVED', description: 'A dispute is resolved.', resource_versions: ['1.0'] },
];

export const EVENT_TYPE_NAMES = new Set(EVENT_TYPES.map((e) => e.name));

export function webhookView(base: string, w: Webhook) {
  const self = `${base}/v1/notifications/webhooks/${w.id}`;
  return {
    id: w.id,
    url: w.url,
    event_types: w.event_types.map((t) => ({ name: t.name, description: t.name === '*' ? 'ALL' : (EVENT_TYPES.find((e) => e.name === t.name)?.description ?? ''), status: 'ENABLED' })),
    links: [link(self, 'self'), link(self, 'update', 'PATCH'), link(self, 'delete', 'DELETE')],
  };
}

export function planView(base: string, p: Plan) {
  const self = `${base}/v1/billing/plans/${p.id}`;
  return {
    id: p.id,
    product_id: p.product_id,
    name: p.name,
    status: p.status,
    ...(p.description !== undefined ? { description: p.description } : {}),
    usage_type: p.usage_type,
    billing_cycles: p.billing_cycles,
    ...(p.payment_preferences !== undefined ? { payment_preferences: p.payment_preferences } : {}),
    quantity_supported: false,
    create_time: p.create_time,
    update_time: p.update_time,
    links: [link(self, 'self'), link(self, 'edit', 'PATCH'), link(`${self}/deactivate`, 'self', 'POST')],
  };
}

export function approveUrl(base: string, s: Subscription): string {
  return `${base}/webapps/billing/subscriptions?ba_token=${s.baToken}`;
}

export function subscriptionView(base: string, s: Subscription, plan: Plan | undefined) {
  const self = `${base}/v1/billing/subscriptions/${s.id}`;
  const links: Link[] = [];
  if (s.status === 'APPROVAL_PENDING') links.push(link(approveUrl(base, s), 'approve'), link(self, 'edit', 'PATCH'), link(self, 'self'));
  else if (s.status === 'ACTIVE') links.push(link(`${self}/cancel`, 'cancel', 'POST'), link(self, 'edit', 'PATCH'), link(self, 'self'), link(`${self}/suspend`, 'suspend', 'POST'), link(`${self}/capture`, 'capture', 'POST'));
  else if (s.status === 'SUSPENDED' || s.status === 'APPROVED') links.push(link(`${self}/cancel`, 'cancel', 'POST'), link(`${self}/activate`, 'activate', 'POST'), link(self, 'edit', 'PATCH'), link(self, 'self'));
  else links.push(link(self, 'self'));
  const price = plan?.price ?? { currency_code: 'USD', value: '0.00' };
  const billingInfo =
    s.status === 'APPROVAL_PENDING'
      ? undefined
      : {
          outstanding_balance: { currency_code: price.currency_code, value: '0.00' },
          cycle_executions: [{ tenure_type: 'REGULAR', sequence: 1, cycles_completed: s.cyclesCompleted, cycles_remaining: 0, current_pricing_scheme_version: 1, total_cycles: 0 }],
          ...(s.lastPayment ? { last_payment: s.lastPayment } : {}),
          ...(s.status === 'ACTIVE' ? { next_billing_time: nextBilling(s) } : {}),
          failed_payments_count: s.failedPayments,
        };
  return {
    id: s.id,
    plan_id: s.plan_id,
    start_time: s.start_time,
    quantity: s.quantity,
    shipping_amount: { currency_code: price.currency_code, value: '0.0' },
    subscriber: s.status === 'APPROVAL_PENDING' ? undefined : s.subscriber,
    ...(billingInfo ? { billing_info: billingInfo } : {}),
    create_time: s.create_time,
    update_time: s.update_time,
    ...(s.custom_id !== undefined ? { custom_id: s.custom_id } : {}),
    plan_overridden: false,
    status: s.status,
    status_update_time: s.status_update_time,
    links,
  };
}

function nextBilling(s: Subscription): string {
  const from = Date.parse(s.lastPayment?.time ?? s.start_time);
  return new Date(from + 30 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Sale resource (Payments v1) as PAYMENT.SALE.* events carry it. */
export function saleView(base: string, sale: Sale) {
  const self = `${base}/v1/payments/sale/${sale.id}`;
  const fee = Math.max(0, Math.round(Number(sale.amount.total) * 2.9 + 30) / 100);
  return {
    id: sale.id,
    state: sale.state,
    amount: { total: sale.amount.total, currency: sale.amount.currency, details: { subtotal: sale.amount.total } },
    payment_mode: 'INSTANT_TRANSFER',
    protection_eligibility: 'ELIGIBLE',
    protection_eligibility_type: 'ITEM_NOT_RECEIVED_ELIGIBLE,UNAUTHORIZED_PAYMENT_ELIGIBLE',
    transaction_fee: { value: fee.toFixed(2), currency: sale.amount.currency },
    ...(sale.billing_agreement_id !== undefined ? { billing_agreement_id: sale.billing_agreement_id } : {}),
    ...(sale.custom !== undefined ? { custom: sale.custom } : {}),
    create_time: sale.create_time,
    update_time: sale.update_time,
    links: [link(self, 'self'), link(`${self}/refund`, 'refund', 'POST')],
  };
}

/** Refund resource (Payments v1), as the refund call answers and PAYMENT.SALE.REFUNDED carries it. */
export function refundView(base: string, r: Refund, sale: Sale | undefined) {
  return {
    id: r.id,
    create_time: r.create_time,
    update_time: r.update_time,
    state: r.state,
    amount: { total: r.amount.total, currency: r.amount.currency },
    refund_from_transaction_fee: { currency: r.amount.currency, value: '0.00' },
    total_refunded_amount: { currency: r.amount.currency, value: sale ? (sale.refunded / 100).toFixed(2) : r.amount.total },
    refund_from_received_amount: { currency: r.amount.currency, value: r.amount.total },
    sale_id: r.sale_id,
    ...(sale?.billing_agreement_id !== undefined ? { billing_agreement_id: sale.billing_agreement_id } : {}),
    ...(sale?.custom !== undefined ? { custom: sale.custom } : {}),
    links: [link(`${base}/v1/payments/refund/${r.id}`, 'self'), link(`${base}/v1/payments/sale/${r.sale_id}`, 'sale')],
  };
}

/** Reversal: PayPal's PAYMENT.SALE.REVERSED resource is the sale with negative amounts. */
export function reversalView(sale: Sale) {
  return {
    id: sale.id,
    create_time: sale.update_time,
    state: 'completed',
    amount: { total: `-${sale.amount.total}`, currency: sale.amount.currency, details: { subtotal: `-${sale.amount.total}` } },
    ...(sale.billing_agreement_id !== undefined ? { billing_agreement_id: sale.billing_agreement_id } : {}),
  };
}

export function disputeView(base: string, d: Dispute, sale: Sale | undefined) {
  const self = `${base}/v1/customer/disputes/${d.dispute_id}`;
  return {
    dispute_id: d.dispute_id,
    create_time: d.create_time,
    update_time: d.update_time,
    disputed_transactions: [
      {
        seller_transaction_id: d.sale_id,
        seller: { merchant_id: 'FBPAYEMULATOR', name: 'fbpay emulator store' },
        items: [],
        seller_protection_eligible: true,
        ...(sale?.billing_agreement_id !== undefined ? { custom: sale.custom } : {}),
      },
    ],
    reason: d.reason,
    status: d.status,
    dispute_amount: d.amount,
    ...(d.outcome ? { dispute_outcome: { outcome_code: d.outcome, amount_refunded: d.outcome === 'RESOLVED_BUYER_FAVOUR' ? d.amount : { currency_code: d.amount.currency_code, value: '0.00' } } } : {}),
    dispute_life_cycle_stage: 'INQUIRY',
    dispute_channel: 'INTERNAL',
    messages: [],
    links: [link(self, 'self'), ...(d.status === 'RESOLVED' ? [] : [link(`${self}/send-message`, 'send_message', 'POST'), link(`${self}/accept-claim`, 'accept_claim', 'POST')])],
  };
}

/** The webhook event document, keys in PayPal's order (id first), compact when serialized. */
export function eventDoc(base: string, e: { id: string; create_time: string; resource_type: string; resource_version?: string; event_type: string; summary: string; resource: unknown }) {
  const self = `${base}/v1/notifications/webhooks-events/${e.id}`;
  return {
    id: e.id,
    event_version: '1.0',
    create_time: e.create_time,
    resource_type: e.resource_type,
    ...(e.resource_version ? { resource_version: e.resource_version } : {}),
    event_type: e.event_type,
    summary: e.summary,
    resource: e.resource,
    links: [
      { href: self, rel: 'self', method: 'GET' },
      { href: `${self}/resend`, rel: 'resend', method: 'POST' },
    ],
  };
}
