import { UsageError } from '../../../core/errors.js';
import type { EmulatorHost, TriggerOutcome } from '../../emulator/server.js';
import type { WebhookDelivery } from '../../emulator/dispatcher.js';
import { GraphFault, graphTime, type EmulatorState, type EmulatorUser } from './state.js';

/**
 * `fbpay trigger fb-…`: the payment changes Facebook makes and tells an app about with a payments
 * update. Each event changes the emulator's state the way the Graph routes would, then sends the
 * signed update to the subscribed callback (only for subscribed fields) and reports the deliveries.
 */
export const GRAPH_TRIGGER_EVENTS: readonly string[] = ['fb-purchase', 'fb-charge', 'fb-refund', 'fb-chargeback', 'fb-chargeback-reversal', 'fb-decline', 'fb-dispute'];

export interface GraphTriggerContext {
  state: EmulatorState;
  host: EmulatorHost;
  notify(paymentId: string, changed: string[]): Array<Promise<WebhookDelivery>>;
}

/** The params each event takes (for errors and the README). */
export const GRAPH_TRIGGER_PARAMS: Record<string, string> = {
  'fb-purchase': 'product=<id> (default coins_100), quantity=<n>, developer_payload=<text>, user=<user access token> (default: a new user)',
  'fb-charge': 'amount=<decimal> (default 0.99), currency=<ISO> (default USD)',
  'fb-refund': 'payment=<id> (default: a fresh payment), amount=<decimal> (default: the refundable amount), reason=MALICIOUS_FRAUD|FRIENDLY_FRAUD|CUSTOMER_SERVICE',
  'fb-chargeback': 'payment=<id> (default: a fresh payment), amount=<decimal> (default: the charge)',
  'fb-chargeback-reversal': 'payment=<id with a chargeback> (default: a fresh charged-back payment), amount=<decimal>',
  'fb-decline': 'payment=<id> (default: a fresh payment), amount=<decimal>',
  'fb-dispute': 'payment=<id> (default: a fresh payment), user_comment=<text>, user_email=<address>',
};

export async function runGraphTrigger(event: string, params: Record<string, string>, ctx: GraphTriggerContext): Promise<TriggerOutcome> {
  try {
    return run(event, params, ctx);
  } catch (e) {
    // A refusal by Graph's own rules is bad input to the trigger: 400, exit 2.
    if (e instanceof GraphFault) throw new UsageError('bad_params', `${event}: ${e.message.replace(/^\(#\d+\) /, '')}`, { hint: `${event} takes ${GRAPH_TRIGGER_PARAMS[event]}` });
    throw e;
  }
}

function run(event: string, params: Record<string, string>, ctx: GraphTriggerContext): TriggerOutcome {
  const { state } = ctx;
  if (event === 'fb-purchase') {
    const user = params.user ? state.userByToken(params.user) : state.createUser(params.name);
    const quantity = params.quantity === undefined ? 1 : Number(params.quantity);
    if (!Number.isInteger(quantity) || quantity < 1) throw new GraphFault(400, 100, 'quantity must be a whole number ≥ 1');
    const { purchase } = state.purchase(user, { product_id: params.product ?? params.product_id ?? 'coins_100', quantity, developer_payload: params.developer_payload });
    return {
      ids: { user: user.id, payment: purchase.payment_id, purchase_token: purchase.purchase_token, product: purchase.product_id },
      deliveries: ctx.notify(purchase.payment_id, ['actions']),
      extra: { user_access_token: user.access_token, signed_request: purchase.signed_request },
    };
  }
  if (event === 'fb-charge') {
    const { id, user } = freshPayment(state, params);
    return { ids: { payment: id, user: user.id }, deliveries: ctx.notify(id, ['actions']) };
  }
  const fresh = params.payment === undefined;
  const paymentId = fresh ? freshPayment(state, {}).id : existing(state, params.payment);
  const ids = { payment: paymentId, ...(fresh ? { fresh_payment: true } : {}) };
  if (event === 'fb-refund') {
    const refundable = state.payment(paymentId).refundable_amount as { amount: string; currency: string } | undefined;
    state.refund(paymentId, { amount: params.amount ?? refundable?.amount, currency: params.currency ?? refundable?.currency, reason: params.reason });
    return { ids, deliveries: ctx.notify(paymentId, ['actions']) };
  }
  if (event === 'fb-chargeback') {
    state.addAction(paymentId, { type: 'chargeback', status: 'completed', amount: params.amount });
    return { ids, deliveries: ctx.notify(paymentId, ['actions']) };
  }
  if (event === 'fb-chargeback-reversal') {
    const actions = (state.payment(paymentId).actions ?? []) as Array<{ type?: string; status?: string; amount?: string }>;
    let chargeback = actions.findLast((a) => a.type === 'chargeback' && a.status === 'completed');
    if (!chargeback) {
      if (!fresh) throw new GraphFault(400, 100, `payment ${paymentId} has no completed chargeback to reverse`);
      state.addAction(paymentId, { type: 'chargeback', status: 'completed' });
      chargeback = ((state.payment(paymentId).actions ?? []) as typeof actions).at(-1)!;
    }
    state.addAction(paymentId, { type: 'chargeback_reversal', status: 'completed', amount: params.amount ?? chargeback.amount });
    return { ids, deliveries: ctx.notify(paymentId, ['actions']) };
  }
  if (event === 'fb-decline') {
    state.addAction(paymentId, { type: 'decline', status: 'completed', amount: params.amount });
    return { ids, deliveries: ctx.notify(paymentId, ['actions']) };
  }
  if (event === 'fb-dispute') {
    state.addDispute(paymentId, { user_comment: params.user_comment, user_email: params.user_email, reason: params.reason });
    return { ids, deliveries: ctx.notify(paymentId, ['disputes']) };
  }
  throw new UsageError('unknown_event', `no event ${event}`, { hint: GRAPH_TRIGGER_EVENTS.join(', ') });
}

function existing(state: EmulatorState, id: string): string {
  if (!state.payments.has(id)) throw new UsageError('unknown_payment', `the emulator has no payment ${id.slice(0, 40)}`, { hint: 'omit payment= for a fresh one, or use an id from fbpay trigger fb-charge / the seeded fixtures' });
  return id;
}

/** A completed charge by a new user (what fb-charge makes, and what the other events use without payment=). */
function freshPayment(state: EmulatorState, params: Record<string, string>): { id: string; user: EmulatorUser } {
  const amount = params.amount ?? '0.99';
  const currency = (params.currency ?? 'USD').toUpperCase();
  if (!/^\d+(\.\d+)?$/.test(amount)) throw new GraphFault(400, 100, `amount must be a decimal number, got "${amount.slice(0, 40)}"`);
  if (!/^[A-Z]{3}$/.test(currency)) throw new GraphFault(400, 100, `currency must be an ISO 4217 code, got "${currency.slice(0, 10)}"`);
  const user = state.createUser();
  const now = graphTime(state.now());
  const id = state.seedPayment({
    user: { name: user.name, id: user.id },
    application: { name: 'fbpay emulator app', namespace: 'fbpay-emulator', id: state.appId },
    request_id: '',
    actions: [{ type: 'charge', status: 'completed', currency, amount, time_created: now, time_updated: now }],
    items: [{ type: 'IN_APP_PURCHASE', product: params.product ?? 'coins_100', quantity: 1 }],
    country: 'US',
    created_time: now,
    test: 1,
  });
  return { id, user };
}
