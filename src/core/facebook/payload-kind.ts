/**
 * What a decoded signed_request is, and what a developer does next with it. Pure: reads the payload
 * only (field names from Facebook's Payments Lite, Pay Dialog, legacy Credits and login flows).
 */
export type SignedRequestKind = 'payments_lite_purchase' | 'pay_dialog_purchase' | 'credits_callback' | 'login' | 'app_callback' | 'instant_games_purchase' | 'unknown';

export const KIND_LABELS: Record<SignedRequestKind, string> = {
  payments_lite_purchase: 'Payments Lite purchase',
  pay_dialog_purchase: 'Pay Dialog purchase',
  credits_callback: 'Credits callback',
  login: 'login',
  app_callback: 'Deauthorize or Data Deletion Request callback',
  instant_games_purchase: 'Instant Games purchase',
  unknown: 'unknown payload',
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const has = (p: Record<string, unknown>, k: string) => p[k] !== undefined && p[k] !== null;

/** Classifies a payload: `purchase_token` → Payments Lite; a `credits` object → Credits; `payment_id` → Pay Dialog; `user_id`/`oauth_token`/`code` → login. */
export function payloadKind(payload: Record<string, unknown>): SignedRequestKind {
  // Instant Games purchases carry is_consumed, payment_action_type and purchase_price; Payments Lite ones carry status and quantity.
  if (has(payload, 'purchase_token') && (has(payload, 'payment_action_type') || has(payload, 'purchase_price') || (has(payload, 'is_consumed') && !has(payload, 'status')))) return 'instant_games_purchase';
  if (has(payload, 'purchase_token')) return 'payments_lite_purchase';
  if (isObject(payload.credits)) return 'credits_callback';
  if (has(payload, 'payment_id')) return 'pay_dialog_purchase';
  // Deauthorize and Data Deletion Request callbacks carry only the user_id (same payload; the URL tells them apart).
  if (has(payload, 'user_id') && !has(payload, 'oauth_token') && !has(payload, 'code') && !has(payload, 'user')) return 'app_callback';
  if (has(payload, 'user_id') || has(payload, 'oauth_token') || has(payload, 'code')) return 'login';
  return 'unknown';
}

/** Which legacy Credits callback: `payments_get_items` (carries order_info) or `payments_status_update` (carries status/order_details). */
export function creditsMethod(payload: Record<string, unknown>): 'payments_get_items' | 'payments_status_update' | undefined {
  const c = payload.credits;
  if (!isObject(c)) return undefined;
  if (has(c, 'status') || has(c, 'order_details')) return 'payments_status_update';
  if (has(c, 'order_info')) return 'payments_get_items';
  return undefined;
}

export interface PayloadDescription {
  kind: SignedRequestKind;
  /** e.g. "Payments Lite purchase", "Credits callback (payments_status_update)". */
  label: string;
  /** The fields that matter for this kind, in reading order. */
  facts: Array<[string, string]>;
  /** What to do next, one step per entry (commands included where fbpay can do it). */
  next: string[];
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** Describes a payload for people: its kind, key facts and next steps. */
export function describePayload(payload: Record<string, unknown>, kind: SignedRequestKind = payloadKind(payload)): PayloadDescription {
  const facts: Array<[string, string]> = [];
  const next: string[] = [];
  const fact = (k: string, v: unknown = payload[k]) => {
    if (v !== undefined) facts.push([k, show(v)]);
  };
  let label = KIND_LABELS[kind];
  switch (kind) {
    case 'payments_lite_purchase': {
      for (const k of ['product_id', 'amount', 'currency', 'quantity', 'payment_id', 'purchase_token', 'status', 'developer_payload']) fact(k);
      const token = show(payload.purchase_token);
      const product = payload.product_id === undefined ? 'this product' : show(payload.product_id);
      const status = payload.status === undefined ? 'completed' : show(payload.status);
      if (status === 'completed') {
        next.push(`grant ${product} to the user, keyed by payment_id ${show(payload.payment_id ?? '?')} so a replayed request cannot grant it twice`);
        next.push(
          `consume purchase_token ${token} before the user can buy ${product} again (an unconsumed purchase makes the next one fail with 1383001): fbpay consume ${token} --access-token "$USER_TOKEN" — a user token; an app token (APP_ID|SECRET) fails with Graph error 100`,
        );
      } else {
        next.push(`status is "${status}", not "completed": do not grant ${product}`);
      }
      break;
    }
    case 'pay_dialog_purchase': {
      for (const k of ['payment_id', 'amount', 'currency', 'quantity', 'request_id', 'status']) fact(k);
      const id = show(payload.payment_id);
      const status = show(payload.status ?? 'completed');
      if (status === 'completed') {
        next.push(`confirm on your server before fulfilling: fbpay payment get ${id} (the Graph payment object and the payments webhook are the source of truth, not the client)`);
        next.push(`fulfil quantity ${show(payload.quantity ?? 1)}${has(payload, 'request_id') && payload.request_id !== '' ? ` of request_id ${show(payload.request_id)}` : ''}, keyed by payment_id ${id}`);
      } else if (status === 'initiated') {
        next.push('the payment is not settled yet: wait for the payments webhook (actions[].status completed) before fulfilling');
      } else {
        next.push(`status is "${status}": do not fulfil`);
      }
      break;
    }
    case 'credits_callback': {
      const c = payload.credits as Record<string, unknown>;
      const method = creditsMethod(payload);
      if (method) label += ` (${method})`;
      for (const k of ['order_id', 'buyer', 'receiver', 'status', 'order_info', 'test_mode']) if (c[k] !== undefined) facts.push([`credits.${k}`, show(c[k])]);
      if (method === 'payments_get_items') {
        next.push(
          `reply with the item for order_info ${show(c.order_info)}: {"method":"payments_get_items","content":[{"title":…,"description":…,"price":<credits>,"image_url":…,"product_url":…}]}`,
        );
      } else if (method === 'payments_status_update') {
        const st = show(c.status ?? '');
        if (st === 'placed') next.push(`reply {"method":"payments_status_update","content":{"status":"settled","order_id":${show(c.order_id)}}} and fulfil the order`);
        else if (st === 'settled') next.push('the order is settled: fulfil it (once per order_id)');
        else next.push(`status "${st}": revoke or do not fulfil the order, and reply with the same method`);
      }
      break;
    }
    case 'login': {
      for (const k of ['user_id', 'expires', 'oauth_token', 'code']) fact(k, k === 'oauth_token' && (typeof payload[k] === 'string' || typeof payload[k] === 'number') ? maskToken(String(payload[k])) : payload[k]);
      if (!has(payload, 'user_id')) next.push('no user_id: the user has not authorized the app yet');
      else if (has(payload, 'code')) next.push('exchange code for an access token on your server (GET /oauth/access_token with client_id, client_secret, redirect_uri "" and code)');
      break;
    }
    case 'instant_games_purchase': {
      for (const k of ['product_id', 'purchase_price', 'payment_id', 'purchase_token', 'is_consumed', 'payment_action_type', 'developer_payload', 'purchase_time']) fact(k);
      const product = payload.product_id === undefined ? 'this product' : show(payload.product_id);
      if (payload.is_consumed === true) next.push(`already consumed: do not grant ${product} again`);
      else {
        next.push(`grant ${product} once, keyed by payment_id ${show(payload.payment_id ?? '?')}`);
        next.push(`then consume it in the game: FBInstant.payments.consumePurchaseAsync('${show(payload.purchase_token)}') (until then the player cannot buy it again)`);
      }
      break;
    }
    case 'app_callback': {
      fact('user_id');
      next.push(`posted to your Deauthorize callback: user ${show(payload.user_id)} removed the app; stop using their tokens and answer 200`);
      next.push(
        `posted to your Data Deletion Request callback: start deleting user ${show(payload.user_id)}'s data and reply JSON {"url":"<status page>","confirmation_code":"<alphanumeric code>"}`,
      );
      break;
    }
    // Stryker disable next-line ConditionalExpression,StringLiteral: the last case only breaks: without it 'unknown' falls out of the switch the same way
    case 'unknown':
      break;
  }
  return { kind, label, facts, next };
}

function maskToken(t: string): string {
  return t.length <= 12 ? '••••' : `${t.slice(0, 6)}…${t.slice(-4)}`;
}
