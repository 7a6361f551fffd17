import { describe, expect, it } from 'vitest';
import { KIND_LABELS, creditsMethod, describePayload, payloadKind } from '../../../src/core/facebook/payload-kind.js';

/**
 * What `fbpay decode` tells a developer about a payload: its kind, the facts it shows and the next
 * steps (grant or not, which command to run). Every line below is text a user reads and acts on.
 */
const CASES: Record<string, { payload: Record<string, unknown>; kind: string; label: string; facts: Array<[string, string]>; next: string[] }> = {
  lite: {
    payload: {"algorithm":"HMAC-SHA256","amount":"0.99","currency":"USD","quantity":"1","payment_id":"9001","product_id":"gem_pack","purchase_token":"tok1","status":"completed","developer_payload":{"a":1},"issued_at":1},
    kind: "payments_lite_purchase",
    label: "Payments Lite purchase",
    facts: [["product_id","gem_pack"],["amount","0.99"],["currency","USD"],["quantity","1"],["payment_id","9001"],["purchase_token","tok1"],["status","completed"],["developer_payload","{\"a\":1}"]],
    next: [
      "grant gem_pack to the user, keyed by payment_id 9001 so a replayed request cannot grant it twice",
      "consume purchase_token tok1 before the user can buy gem_pack again (an unconsumed purchase makes the next one fail with 1383001): fbpay consume tok1 --access-token \"$USER_TOKEN\" — a user token; an app token (APP_ID|SECRET) fails with Graph error 100",
    ],
  },
  liteBare: {
    payload: {"purchase_token":"tok2"},
    kind: "payments_lite_purchase",
    label: "Payments Lite purchase",
    facts: [["purchase_token","tok2"]],
    next: [
      "grant this product to the user, keyed by payment_id ? so a replayed request cannot grant it twice",
      "consume purchase_token tok2 before the user can buy this product again (an unconsumed purchase makes the next one fail with 1383001): fbpay consume tok2 --access-token \"$USER_TOKEN\" — a user token; an app token (APP_ID|SECRET) fails with Graph error 100",
    ],
  },
  liteFailed: {
    payload: {"purchase_token":"t","status":"failed","product_id":7},
    kind: "payments_lite_purchase",
    label: "Payments Lite purchase",
    facts: [["product_id","7"],["purchase_token","t"],["status","failed"]],
    next: [
      "status is \"failed\", not \"completed\": do not grant 7",
    ],
  },
  pd: {
    payload: {"payment_id":"123","amount":"1.00","currency":"EUR","quantity":"3","request_id":"r1","status":"completed"},
    kind: "pay_dialog_purchase",
    label: "Pay Dialog purchase",
    facts: [["payment_id","123"],["amount","1.00"],["currency","EUR"],["quantity","3"],["request_id","r1"],["status","completed"]],
    next: [
      "confirm on your server before fulfilling: fbpay payment get 123 (the Graph payment object and the payments webhook are the source of truth, not the client)",
      "fulfil quantity 3 of request_id r1, keyed by payment_id 123",
    ],
  },
  pdBare: {
    payload: {"payment_id":5},
    kind: "pay_dialog_purchase",
    label: "Pay Dialog purchase",
    facts: [["payment_id","5"]],
    next: [
      "confirm on your server before fulfilling: fbpay payment get 5 (the Graph payment object and the payments webhook are the source of truth, not the client)",
      "fulfil quantity 1, keyed by payment_id 5",
    ],
  },
  pdEmptyReq: {
    payload: {"payment_id":"5","request_id":""},
    kind: "pay_dialog_purchase",
    label: "Pay Dialog purchase",
    facts: [["payment_id","5"],["request_id",""]],
    next: [
      "confirm on your server before fulfilling: fbpay payment get 5 (the Graph payment object and the payments webhook are the source of truth, not the client)",
      "fulfil quantity 1, keyed by payment_id 5",
    ],
  },
  pdInit: {
    payload: {"payment_id":"5","status":"initiated"},
    kind: "pay_dialog_purchase",
    label: "Pay Dialog purchase",
    facts: [["payment_id","5"],["status","initiated"]],
    next: [
      "the payment is not settled yet: wait for the payments webhook (actions[].status completed) before fulfilling",
    ],
  },
  pdFail: {
    payload: {"payment_id":"5","status":"failed"},
    kind: "pay_dialog_purchase",
    label: "Pay Dialog purchase",
    facts: [["payment_id","5"],["status","failed"]],
    next: [
      "status is \"failed\": do not fulfil",
    ],
  },
  cget: {
    payload: {"credits":{"order_id":77,"buyer":1,"receiver":2,"order_info":"{\"item\":\"sword\"}","test_mode":1}},
    kind: "credits_callback",
    label: "Credits callback (payments_get_items)",
    facts: [["credits.order_id","77"],["credits.buyer","1"],["credits.receiver","2"],["credits.order_info","{\"item\":\"sword\"}"],["credits.test_mode","1"]],
    next: [
      "reply with the item for order_info {\"item\":\"sword\"}: {\"method\":\"payments_get_items\",\"content\":[{\"title\":…,\"description\":…,\"price\":<credits>,\"image_url\":…,\"product_url\":…}]}",
    ],
  },
  cplaced: {
    payload: {"credits":{"order_id":77,"status":"placed","order_details":"{}"}},
    kind: "credits_callback",
    label: "Credits callback (payments_status_update)",
    facts: [["credits.order_id","77"],["credits.status","placed"]],
    next: [
      "reply {\"method\":\"payments_status_update\",\"content\":{\"status\":\"settled\",\"order_id\":77}} and fulfil the order",
    ],
  },
  csettled: {
    payload: {"credits":{"status":"settled"}},
    kind: "credits_callback",
    label: "Credits callback (payments_status_update)",
    facts: [["credits.status","settled"]],
    next: [
      "the order is settled: fulfil it (once per order_id)",
    ],
  },
  crefunded: {
    payload: {"credits":{"status":"refunded"}},
    kind: "credits_callback",
    label: "Credits callback (payments_status_update)",
    facts: [["credits.status","refunded"]],
    next: [
      "status \"refunded\": revoke or do not fulfil the order, and reply with the same method",
    ],
  },
  cdetails: {
    payload: {"credits":{"order_details":"x"}},
    kind: "credits_callback",
    label: "Credits callback (payments_status_update)",
    facts: [],
    next: [
      "status \"\": revoke or do not fulfil the order, and reply with the same method",
    ],
  },
  cnone: {
    payload: {"credits":{}},
    kind: "credits_callback",
    label: "Credits callback",
    facts: [],
    next: [

    ],
  },
  login: {
    payload: {"user_id":"42","expires":0,"oauth_token":"EAAB1234567890abcdef","code":"c0de"},
    kind: "login",
    label: "login",
    facts: [["user_id","42"],["expires","0"],["oauth_token","EAAB12…cdef"],["code","c0de"]],
    next: [
      "exchange code for an access token on your server (GET /oauth/access_token with client_id, client_secret, redirect_uri \"\" and code)",
    ],
  },
  loginShort: {
    payload: {"user_id":"42","oauth_token":"123456789012"},
    kind: "login",
    label: "login",
    facts: [["user_id","42"],["oauth_token","••••"]],
    next: [

    ],
  },
  login13: {
    payload: {"user_id":"42","oauth_token":"1234567890123"},
    kind: "login",
    label: "login",
    facts: [["user_id","42"],["oauth_token","123456…0123"]],
    next: [

    ],
  },
  loginNoUser: {
    payload: {"oauth_token":12345678901234},
    kind: "login",
    label: "login",
    facts: [["oauth_token","123456…1234"]],
    next: [
      "no user_id: the user has not authorized the app yet",
    ],
  },
  ig: {
    payload: {"product_id":"p","purchase_price":{"amount":"0.99","currency":"USD"},"payment_id":"1","purchase_token":"pt","is_consumed":false,"payment_action_type":"charge","developer_payload":"d","purchase_time":5},
    kind: "instant_games_purchase",
    label: "Instant Games purchase",
    facts: [["product_id","p"],["purchase_price","{\"amount\":\"0.99\",\"currency\":\"USD\"}"],["payment_id","1"],["purchase_token","pt"],["is_consumed","false"],["payment_action_type","charge"],["developer_payload","d"],["purchase_time","5"]],
    next: [
      "grant p once, keyed by payment_id 1",
      "then consume it in the game: FBInstant.payments.consumePurchaseAsync('pt') (until then the player cannot buy it again)",
    ],
  },
  igConsumed: {
    payload: {"purchase_token":"pt","is_consumed":true},
    kind: "instant_games_purchase",
    label: "Instant Games purchase",
    facts: [["purchase_token","pt"],["is_consumed","true"]],
    next: [
      "already consumed: do not grant this product again",
    ],
  },
  igBare: {
    payload: {"purchase_token":"pt","purchase_price":1},
    kind: "instant_games_purchase",
    label: "Instant Games purchase",
    facts: [["purchase_price","1"],["purchase_token","pt"]],
    next: [
      "grant this product once, keyed by payment_id ?",
      "then consume it in the game: FBInstant.payments.consumePurchaseAsync('pt') (until then the player cannot buy it again)",
    ],
  },
  app: {
    payload: {"user_id":"99","algorithm":"HMAC-SHA256"},
    kind: "app_callback",
    label: "Deauthorize or Data Deletion Request callback",
    facts: [["user_id","99"]],
    next: [
      "posted to your Deauthorize callback: user 99 removed the app; stop using their tokens and answer 200",
      "posted to your Data Deletion Request callback: start deleting user 99's data and reply JSON {\"url\":\"<status page>\",\"confirmation_code\":\"<alphanumeric code>\"}",
    ],
  },
  unk: {
    payload: {"foo":1},
    kind: "unknown",
    label: "unknown payload",
    facts: [],
    next: [

    ],
  },
};

describe('describePayload: kind, label, facts and next steps as printed', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, () => {
      const d = describePayload(c.payload);
      expect(d).toStrictEqual({ kind: c.kind, label: c.label, facts: c.facts, next: c.next });
      expect(payloadKind(c.payload)).toBe(c.kind);
    });
  }
});

describe('payloadKind: which fields decide the kind', () => {
  const table: Array<[Record<string, unknown>, string]> = [
    [{ purchase_token: 't', payment_action_type: 'charge' }, 'instant_games_purchase'],
    [{ purchase_token: 't', purchase_price: { amount: '1' } }, 'instant_games_purchase'],
    [{ purchase_token: 't', is_consumed: false }, 'instant_games_purchase'],
    // Payments Lite purchases carry status: is_consumed beside a status is still Payments Lite.
    [{ purchase_token: 't', is_consumed: false, status: 'completed' }, 'payments_lite_purchase'],
    [{ purchase_token: 't', is_consumed: false, status: null }, 'instant_games_purchase'],
    [{ purchase_token: 't', payment_action_type: null, purchase_price: null, is_consumed: null }, 'payments_lite_purchase'],
    [{ purchase_token: 't' }, 'payments_lite_purchase'],
    [{ purchase_token: 't', credits: {}, payment_id: '1' }, 'payments_lite_purchase'],
    // null or absent fields count as missing.
    [{ purchase_token: null, payment_action_type: 'charge' }, 'unknown'],
    [{ credits: {} }, 'credits_callback'],
    [{ credits: {}, payment_id: '1' }, 'credits_callback'],
    [{ credits: null }, 'unknown'],
    [{ credits: [] }, 'unknown'],
    [{ credits: 'x' }, 'unknown'],
    [{ credits: [], payment_id: '1' }, 'pay_dialog_purchase'],
    [{ payment_id: '1' }, 'pay_dialog_purchase'],
    [{ payment_id: 0 }, 'pay_dialog_purchase'],
    [{ payment_id: '1', user_id: '2' }, 'pay_dialog_purchase'],
    [{ payment_id: null }, 'unknown'],
    [{ user_id: '2' }, 'app_callback'],
    [{ user_id: '2', oauth_token: null, code: null, user: null }, 'app_callback'],
    [{ user_id: '2', oauth_token: 'x' }, 'login'],
    [{ user_id: '2', code: 'x' }, 'login'],
    [{ user_id: '2', user: { country: 'us' } }, 'login'],
    [{ oauth_token: 'x' }, 'login'],
    [{ code: 'x' }, 'login'],
    [{ user: { country: 'us' } }, 'unknown'],
    [{ user_id: null }, 'unknown'],
    [{}, 'unknown'],
  ];
  for (const [payload, kind] of table) {
    it(`${JSON.stringify(payload)} → ${kind}`, () => {
      expect(payloadKind(payload)).toBe(kind);
      expect(describePayload(payload).label).toBe(kind === 'credits_callback' ? KIND_LABELS.credits_callback : KIND_LABELS[kind as keyof typeof KIND_LABELS]);
    });
  }
});

describe('creditsMethod: which legacy Credits callback', () => {
  it('status or order_details → payments_status_update; order_info alone → payments_get_items; otherwise none', () => {
    expect(creditsMethod({ credits: { status: 'placed' } })).toBe('payments_status_update');
    expect(creditsMethod({ credits: { order_details: '{}' } })).toBe('payments_status_update');
    expect(creditsMethod({ credits: { status: 'placed', order_info: '{}' } })).toBe('payments_status_update');
    expect(creditsMethod({ credits: { status: null, order_details: null, order_info: '{}' } })).toBe('payments_get_items');
    expect(creditsMethod({ credits: { order_info: '{}' } })).toBe('payments_get_items');
    expect(creditsMethod({ credits: { order_info: null } })).toBeUndefined();
    expect(creditsMethod({ credits: {} })).toBeUndefined();
    expect(creditsMethod({ credits: [{ status: 'placed' }] })).toBeUndefined();
    expect(creditsMethod({ credits: null })).toBeUndefined();
    expect(creditsMethod({})).toBeUndefined();
  });
  it('a kind passed in is used as given', () => {
    expect(describePayload({ user_id: '1' }, 'login')).toStrictEqual({ kind: 'login', label: 'login', facts: [['user_id', '1']], next: [] });
    expect(describePayload({ user_id: '1' }, 'unknown')).toStrictEqual({ kind: 'unknown', label: 'unknown payload', facts: [], next: [] });
  });
});
