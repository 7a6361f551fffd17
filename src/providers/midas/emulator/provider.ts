import { UsageError } from '../../../core/errors.js';
import { maskSecret } from '../../../core/mask.js';
import { parsePayitem } from '../../../core/midas/order.js';
import type { EmulatorHost, EmulatorProvider, EmulatorReply, EmulatorRequest, TriggerOutcome } from '../../emulator/server.js';
import { EmulatorReplyError } from '../../emulator/server.js';
import { deliverySpec, type DeliveryInput } from './delivery.js';
import { handleApi, midasApiOf } from './routes.js';
import { MidasState, TOKEN_TTL_SECONDS, type MidasLoginKind } from './state.js';

/**
 * `fbpay mock midas`: the EmulatorProvider for Tencent Midas — buy_goods_m and the hosted-currency
 * APIs (routes.ts), the delivery callbacks (delivery.ts), admin routes, and the trigger events
 * `midas-pay` (pays an order by token, delivers) and `midas-present` (delivers a gift, nothing paid).
 */

export const DEFAULT_MIDAS_APPID = '1450000000';
/** Holds '-' and '_' on purpose: Tencent's SnsSigCheck maps them to '+' and '/' in the HMAC key. */
export const DEFAULT_MIDAS_APPKEY = 'fbpay-emulator_appkey';
/**
 * Tencent retries a failed delivery; its interval is not documented in any source found, so the
 * schedule is assumed: 3 retries, scaled down to 250 ms, 1 s, 4 s (overridable, --retry-schedule).
 */
export const MIDAS_RETRY_SCHEDULE = [250, 1000, 4000] as const;

export interface MidasEmulatorOptions {
  appid?: string;
  appkey?: string;
  deliverTo?: string;
  /** Token lifetime, seconds (default 300). */
  tokenTtl?: number;
  /** Unix seconds (tests move the clock). */
  now?: () => number;
}

export type MidasEmulatorProvider = EmulatorProvider & { readonly state: MidasState };

const EVENTS = ['midas-pay', 'midas-present'] as const;

export function createMidasEmulator(opts: MidasEmulatorOptions = {}): MidasEmulatorProvider {
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const state = new MidasState(opts.appid ?? DEFAULT_MIDAS_APPID, opts.tokenTtl ?? TOKEN_TTL_SECONDS);
  state.setApp({ appid: state.defaultAppid, appkey: opts.appkey ?? DEFAULT_MIDAS_APPKEY, ...(opts.deliverTo ? { deliver_to: opts.deliverTo } : {}) });

  // The skeleton's own errors (404, 413, 400, 500) in Midas' envelope: a request fault is 1001, a failure 1 (系统繁忙).
  const midasError = (status: number, message: string): EmulatorReply => ({ status, body: { ret: status >= 500 ? 1 : 1001, msg: message } });

  return {
    provider: 'midas',
    state,
    defaultRetrySchedule: MIDAS_RETRY_SCHEDULE,
    triggerEvents: EVENTS,
    info: () => {
      const app = state.apps.get(state.defaultAppid)!;
      return {
        appid: app.appid,
        appkey_masked: maskSecret(app.appkey),
        deliver_to: app.deliver_to ?? null,
        token_ttl_seconds: state.tokenTtl,
        routes: ['/v3/r/mpay/{buy_goods_m,get_balance_m,pay_m,cancel_pay_m,present_m}', '/mpay/{…same}'],
      };
    },
    stats: () => ({ ...state.counters }),
    error: midasError,
    async handle(req: EmulatorRequest): Promise<EmulatorReply | undefined> {
      const api = midasApiOf(req.path);
      if (api) return handleApi(req, api, state, now());
      if (req.path.startsWith('/_fbpay/')) return admin(req, state);
      return undefined;
    },
    async trigger(event: string, params: Record<string, string>, host: EmulatorHost): Promise<TriggerOutcome> {
      if (event === 'midas-pay') return payOrder(params, state, now(), host);
      return presentGift(params, state, now(), host);
    },
  };
}

function payOrder(params: Record<string, string>, state: MidasState, ts: number, host: EmulatorHost): TriggerOutcome {
  const token = params.token;
  if (!token) throw new UsageError('missing_param', 'midas-pay needs --token <token> (from buy_goods_m)', { hint: '`fbpay midas order --help` shows how to create one; with --send --base-url pointing at this emulator it prints the token' });
  const order = state.orders.get(token);
  if (!order) throw new UsageError('unknown_token', `no buy_goods_m order has token ${token.slice(0, 60)}`, { hint: 'create one with `fbpay midas order` (see `fbpay midas order --help`) and --send --base-url pointing at this emulator' });
  if (order.billno) throw new UsageError('already_paid', `the order with token ${token.slice(0, 60)} was already paid (billno ${order.billno})`, { hint: 'each token pays once; create a new order' });
  if (ts > order.expires_at) {
    throw new UsageError('token_expired', `token ${token.slice(0, 60)} expired ${ts - order.expires_at} s ago (tokens live ${state.tokenTtl} s)`, { hint: 'create a new order with buy_goods_m' });
  }
  const app = state.apps.get(order.appid)!;
  const deliverTo = requireDeliverTo(app.deliver_to, order.appid);
  order.billno = state.nextBillno(`APPDJ${order.appid.slice(-5)}`, ts);
  order.paid_at = ts;
  state.counters.paid++;
  const input: DeliveryInput = {
    deliverTo,
    appkey: app.appkey,
    appid: order.appid,
    openid: order.openid,
    zoneid: order.zoneid,
    payitem: order.payitem,
    token: order.token,
    billno: order.billno,
    providetype: '0',
    amt: String(order.total * 10),
    app_metadata: order.app_metadata,
    login: order.login,
    pf: order.pf,
    ts,
  };
  const { done } = host.webhooks.send(deliverySpec(input, 'midas.deliver'));
  return { ids: { token: order.token, billno: order.billno, openid: order.openid }, deliveries: [done], extra: { amt: input.amt, payitem: order.payitem } };
}

function presentGift(params: Record<string, string>, state: MidasState, ts: number, host: EmulatorHost): TriggerOutcome {
  for (const k of ['openid', 'zoneid', 'payitem']) {
    if (!params[k]) throw new UsageError('missing_param', `midas-present needs --${k}`, { hint: `e.g. \`fbpay trigger midas-present --emulator "$FBPAY_EMULATOR_URL" --openid O --zoneid 1 --payitem 'gold*10*1' --providetype 1\` (providetype 1 or 2)` });
  }
  const providetype = params.providetype ?? '1';
  if (providetype !== '1' && providetype !== '2') throw new UsageError('bad_param', `--providetype must be 1 (campaign gift) or 2 (task-market reward), got "${providetype.slice(0, 10)}"`, { hint: 'providetype 0 is a purchase: use midas-pay' });
  parsePayitem(params.payitem);
  const appid = params.appid ?? state.defaultAppid;
  const app = state.apps.get(appid);
  if (!app) throw new UsageError('unknown_app', `no app ${appid.slice(0, 20)} on this emulator`, { hint: 'POST /_fbpay/apps {"appid","appkey","deliver_to"} first' });
  const deliverTo = requireDeliverTo(app.deliver_to, appid);
  const login: MidasLoginKind = params.login === 'wx' ? 'wx' : 'qq';
  const billno = state.nextBillno(`PRESENT${providetype}`, ts);
  const token = `PRESENT${Buffer.from(billno).toString('hex').slice(-24).toUpperCase()}`;
  state.counters.presents++;
  const input: DeliveryInput = {
    deliverTo,
    appkey: app.appkey,
    appid,
    openid: params.openid,
    zoneid: params.zoneid,
    payitem: params.payitem,
    token,
    billno,
    providetype,
    amt: '0',
    app_metadata: params.app_metadata ?? '',
    login,
    pf: '',
    ts,
  };
  const { done } = host.webhooks.send(deliverySpec(input, 'midas.present'));
  return { ids: { billno, token, openid: params.openid }, deliveries: [done], extra: { providetype, amt: '0', payitem: params.payitem } };
}

function requireDeliverTo(url: string | undefined, appid: string): string {
  if (!url) {
    throw new UsageError('no_delivery_url', `app ${appid} has no delivery URL`, { hint: 'start the emulator with --deliver-to URL, or POST /_fbpay/apps {"appid","deliver_to"}' });
  }
  return url;
}

/**
 * Admin routes (JSON bodies):
 * - POST /_fbpay/apps {"appid","appkey"?,"deliver_to"?} → the app (appkey masked)
 * - GET  /_fbpay/orders/{token} → the order (paid or not)
 * - POST /_fbpay/balances {"openid","zoneid","appid"?,"save"?,"gen"?} → credits a balance (save: bought coins, gen: gift coins)
 * - GET  /_fbpay/balances?openid=&zoneid=[&appid=] → the balance
 */
function admin(req: EmulatorRequest, state: MidasState): EmulatorReply | undefined {
  const json = (): Record<string, unknown> => {
    if (!req.body.length) return {};
    try {
      const v = JSON.parse(req.body.toString('utf8')) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      /* fall through */
    }
    throw new EmulatorReplyError(adminError(400, 'bad_json', 'the body must be a JSON object'));
  };
  const str = (doc: Record<string, unknown>, k: string, required: boolean): string | undefined => {
    const v = doc[k];
    if (v === undefined || v === null || v === '') {
      if (required) throw new EmulatorReplyError(adminError(400, 'missing_field', `missing "${k}"`));
      return undefined;
    }
    if (typeof v !== 'string' && typeof v !== 'number') throw new EmulatorReplyError(adminError(400, 'bad_field', `"${k}" must be a string`));
    return String(v);
  };
  const count = (doc: Record<string, unknown>, k: string): number => {
    const v = doc[k] ?? 0;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new EmulatorReplyError(adminError(400, 'bad_field', `"${k}" must be a whole number ≥ 0`));
    return v;
  };
  if (req.path === '/_fbpay/apps' && req.method === 'POST') {
    const doc = json();
    const appid = str(doc, 'appid', true)!;
    const appkey = str(doc, 'appkey', !state.apps.has(appid));
    const deliverTo = str(doc, 'deliver_to', false);
    if (deliverTo !== undefined) {
      try {
        new URL(deliverTo);
      } catch {
        throw new EmulatorReplyError(adminError(400, 'bad_field', `"deliver_to" is not a URL: ${deliverTo.slice(0, 80)}`));
      }
    }
    const app = state.setApp({ appid, ...(appkey ? { appkey } : {}), ...(deliverTo ? { deliver_to: deliverTo } : {}) } as { appid: string; appkey: string });
    return { status: 200, body: { appid: app.appid, appkey_masked: maskSecret(app.appkey), deliver_to: app.deliver_to ?? null } };
  }
  const order = /^\/_fbpay\/orders\/([^/]+)$/.exec(req.path);
  if (order && req.method === 'GET') {
    const o = state.orders.get(decodeURIComponent(order[1]));
    if (!o) return adminError(404, 'unknown_token', `no order with token ${order[1].slice(0, 60)}`);
    return { status: 200, body: { ...o, paid: o.billno !== undefined } };
  }
  if (req.path === '/_fbpay/balances') {
    if (req.method === 'POST') {
      const doc = json();
      const appid = str(doc, 'appid', false) ?? state.defaultAppid;
      const b = state.balance(appid, str(doc, 'openid', true)!, str(doc, 'zoneid', true)!);
      const save = count(doc, 'save');
      const gen = count(doc, 'gen');
      b.balance += save + gen;
      b.gen_balance += gen;
      b.save_amt += save;
      return { status: 200, body: { appid, ...b } };
    }
    if (req.method === 'GET') {
      const q = req.url.searchParams;
      const openid = q.get('openid');
      const zoneid = q.get('zoneid');
      if (!openid || !zoneid) return adminError(400, 'missing_field', 'pass ?openid=…&zoneid=…');
      const appid = q.get('appid') ?? state.defaultAppid;
      return { status: 200, body: { appid, ...state.balance(appid, openid, zoneid) } };
    }
  }
  return undefined;
}

function adminError(status: number, code: string, message: string): EmulatorReply {
  return { status, body: { error: { code, message } } };
}
