/**
 * Realistic signed_request payloads for `fbpay sign --preset`, with fresh ids and an injected clock.
 * Types follow what Facebook sends: in Payments Lite amounts, quantities and ids are strings and
 * times are integers (see the real purchase in test/vectors); the Pay Dialog's payment_id is a
 * number; legacy Credits callbacks carry numeric buyer/receiver/order_id and JSON-in-a-string
 * order_info / order_details. Keys are in Facebook's (alphabetical) order.
 */
export const PRESET_NAMES = ['lite-purchase', 'pay-dialog', 'credits-get-items', 'credits-status-update', 'login', 'deauthorize', 'data-deletion', 'instant-games-purchase'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface PresetOptions {
  /** Unix seconds used for issued_at and the other times. */
  now: number;
  /** Random source in [0, 1) for fresh ids (default Math.random). */
  random?: () => number;
  /** The app id to put in the payload (default: a fresh 15-digit id). */
  appId?: string;
}

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** Builds the payload of a preset (including `algorithm` and `issued_at`). */
export function buildPreset(name: PresetName, opts: PresetOptions): Record<string, unknown> {
  const rnd = opts.random ?? Math.random;
  const digits = (n: number) => {
    let s = String(1 + Math.floor(rnd() * 9));
    for (let i = 1; i < n; i++) s += String(Math.floor(rnd() * 10));
    return s;
  };
  const token = (n: number) => {
    const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += abc[Math.floor(rnd() * abc.length)];
    return s;
  };
  const now = Math.floor(opts.now);
  const appId = opts.appId ?? digits(15);
  const userId = digits(15);
  const user = { country: 'us', locale: 'en_US', age: { min: 21 } };
  const expires = (Math.floor(now / 3600) + 2) * 3600;
  switch (name) {
    case 'lite-purchase':
      return {
        algorithm: 'HMAC-SHA256',
        amount: '1.99',
        app_id: appId,
        currency: 'USD',
        issued_at: now,
        payment_id: digits(16),
        product_id: 'gems_100',
        purchase_time: now - 1,
        purchase_token: digits(16),
        quantity: '1',
        request_id: '',
        status: 'completed',
      };
    case 'pay-dialog':
      return {
        algorithm: 'HMAC-SHA256',
        amount: '4.99',
        currency: 'USD',
        issued_at: now,
        payment_id: Number(digits(15)),
        quantity: '1',
        request_id: `req_${token(12)}`,
        status: 'completed',
      };
    case 'credits-get-items': {
      const buyer = Number(userId);
      return {
        algorithm: 'HMAC-SHA256',
        credits: { buyer, order_id: Number(digits(14)), order_info: '{"item_id":"gem_pack_100"}', receiver: buyer, test_mode: 1 },
        expires,
        issued_at: now,
        oauth_token: `${appId}|2.${token(22)}.3600.${expires}-${userId}|${token(27)}`,
        user,
        user_id: userId,
      };
    }
    case 'credits-status-update': {
      const buyer = Number(userId);
      const orderId = Number(digits(14));
      const item = {
        item_id: 'gem_pack_100',
        title: '100 gems',
        description: 'A pack of 100 gems',
        image_url: 'https://example.com/gems-100.png',
        product_url: 'https://example.com/gems-100.png',
        price: 10,
        data: '',
      };
      const orderDetails = { order_id: orderId, buyer, app: Number(appId), receiver: buyer, amount: 10, time_placed: now - 5, update_time: now, data: '', items: [item], status: 'placed' };
      return {
        algorithm: 'HMAC-SHA256',
        credits: { buyer, order_details: JSON.stringify(orderDetails), order_id: orderId, receiver: buyer, status: 'placed', test_mode: 1 },
        expires,
        issued_at: now,
        oauth_token: `${appId}|2.${token(22)}.3600.${expires}-${userId}|${token(27)}`,
        user,
        user_id: userId,
      };
    }
    // The app callbacks (Deauthorize, Data Deletion Request): only the app-scoped user_id, as in
    // Facebook's parsed example {"algorithm","expires","issued_at","user_id"}.
    case 'deauthorize':
      return { algorithm: 'HMAC-SHA256', issued_at: now, user_id: userId };
    case 'data-deletion':
      return { algorithm: 'HMAC-SHA256', expires, issued_at: now, user_id: userId };
    // FBInstant.payments.purchaseAsync's signedRequest: Facebook's verification example (the field set
    // Nakama's validator reads: is_consumed, payment_action_type, purchase_price, …) with the
    // developer_payload real purchases carry, and without app_id, which captured payloads lack.
    case 'instant-games-purchase':
      return {
        algorithm: 'HMAC-SHA256',
        developer_payload: 'level-7-bundle',
        is_consumed: false,
        issued_at: now,
        payment_action_type: 'charge',
        payment_id: digits(16),
        product_id: 'gems_100',
        purchase_price: { amount: '1.99', currency: 'USD' },
        purchase_time: now - 1,
        purchase_token: digits(16),
      };
    case 'login':
      return {
        algorithm: 'HMAC-SHA256',
        code: `AQ${token(86)}`,
        expires,
        issued_at: now,
        oauth_token: `EAA${token(180)}`,
        user,
        user_id: userId,
      };
  }
}
