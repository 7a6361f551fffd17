import { FbpayError } from '../../../core/errors.js';
import { checkGoodsmeta, parsePayitem } from '../../../core/midas/order.js';
import { midasSign, parseMidasQuery, type MidasParams } from '../../../core/midas/signature.js';
import { safeEqual } from '../../../core/safe-equal.js';
import type { EmulatorReply, EmulatorRequest } from '../../emulator/server.js';
import type { MidasLoginKind, MidasState } from './state.js';

/**
 * The Midas API routes the emulator answers, at both path families real clients use:
 * `/v3/r/mpay/{api}` and YSDK's `/mpay/{api}`, GET (query) or POST (form body). Every request is
 * checked as Tencent's server does: the required parameters, the OpenAPI v3 sig over
 * `METHOD & /v3/r/mpay/{api} & sorted params` with the HMAC key strtr(appkey, '-_', '+/') + '&'
 * (fbpay's own signer, core/midas/signature.ts), and the login cookies.
 *
 * Faults answer HTTP 200 with a non-zero `ret` and a `msg` that names the parameter. Codes:
 * 1001 参数错误 and 1018 登陆校验失败 (documented for get_balance_m/pay_m/present_m), 1004 余额不足
 * (documented for pay_m). Using 1001 for buy_goods_m's parameter faults and for a wrong sig, and
 * 1018 for missing or mismatched session cookies, is assumed (no separate code found).
 */

export const MIDAS_APIS = ['buy_goods_m', 'get_balance_m', 'pay_m', 'cancel_pay_m', 'present_m'] as const;
export type MidasApi = (typeof MIDAS_APIS)[number];

export const RET_PARAM = 1001;
export const RET_BALANCE = 1004;
export const RET_LOGIN = 1018;

const ROUTE = /^\/(?:v3\/r\/)?mpay\/([a-z_]+)$/;

/** The session cookies each login sends (YSDK PHP SDK: qq, wx; MSDK guest mode: hy_gameid/st_dummy). */
const SESSIONS: Array<{ login: MidasLoginKind; session_id: string; session_type: string }> = [
  { login: 'qq', session_id: 'openid', session_type: 'kp_actoken' },
  { login: 'wx', session_id: 'hy_gameid', session_type: 'wc_actoken' },
  { login: 'wx', session_id: 'wechatid', session_type: 'wc_actoken' },
  { login: 'guest', session_id: 'hy_gameid', session_type: 'st_dummy' },
];

export class MidasFault extends Error {
  constructor(
    readonly ret: number,
    readonly param: string,
    reason: string,
  ) {
    super(`${ret === RET_LOGIN ? '登陆校验失败' : ret === RET_BALANCE ? '余额不足' : '参数错误'} (${param}): ${reason}`);
  }
}

export interface MidasCall {
  api: MidasApi;
  method: 'GET' | 'POST';
  params: MidasParams;
  login: MidasLoginKind;
  appid: string;
}

/** Which API a path names, or undefined when it is not a Midas route. */
export function midasApiOf(path: string): MidasApi | undefined {
  const m = ROUTE.exec(path);
  return m && (MIDAS_APIS as readonly string[]).includes(m[1]) ? (m[1] as MidasApi) : undefined;
}

export function parseCookies(header: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const text = Array.isArray(header) ? header.join('; ') : header ?? '';
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    let v = raw;
    try {
      v = decodeURIComponent(raw);
    } catch {
      /* keep it as sent */
    }
    if (k) out[k] = v;
  }
  return out;
}

const COMMON_REQUIRED = ['openid', 'openkey', 'appid', 'ts', 'pf', 'pfkey', 'zoneid'];

/**
 * Reads and authenticates one API request: parameters, appid, sig, cookies. Throws MidasFault.
 */
export function authenticate(req: EmulatorRequest, api: MidasApi, state: MidasState): MidasCall {
  const method = req.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') throw new MidasFault(RET_PARAM, 'method', `${api} takes GET or POST, not ${method.slice(0, 10)}`);
  // Stryker disable next-line MethodExpression: equivalent: parseMidasQuery drops a leading '?' itself
  const raw = method === 'POST' && req.body.length ? req.body.toString('utf8') : req.url.search.slice(1);
  let parsed;
  try {
    parsed = parseMidasQuery(raw, { formEncoded: true });
  } catch (e) {
    // Stryker disable next-line StringLiteral,ConditionalExpression: unreachable fallback: parseMidasQuery throws only UsageError (an FbpayError)
    throw new MidasFault(RET_PARAM, 'query', e instanceof FbpayError ? e.message : 'unreadable parameters');
  }
  const params = parsed.params;
  for (const k of COMMON_REQUIRED) if (!params[k]) throw new MidasFault(RET_PARAM, k, `missing ${k}`);
  if (!parsed.sig) throw new MidasFault(RET_PARAM, 'sig', 'missing sig');
  const app = state.apps.get(params.appid);
  if (!app) throw new MidasFault(RET_PARAM, 'appid', `unknown appid ${params.appid.slice(0, 20)} (this emulator knows ${[...state.apps.keys()].join(', ')})`);
  const sigPath = `/v3/r/mpay/${api}`;
  // Stryker disable next-line StringLiteral: equivalent: midasSign treats any rule but 'callback' as the OpenAPI rule
  const expected = midasSign({ method, path: sigPath, params, appkey: app.appkey, rule: 'openapi' });
  if (!safeEqual(expected.sig, parsed.sig)) throw new MidasFault(RET_PARAM, 'sig', sigMismatch(method, sigPath, req.path, params, parsed.sig, app.appkey));
  if (!/^\d{1,12}$/.test(params.ts)) throw new MidasFault(RET_PARAM, 'ts', `ts "${params.ts.slice(0, 20)}" is not unix seconds`);
  const login = checkCookies(req, api);
  return { api, method, params, login, appid: app.appid };
}

/** Says what the sig does match when it is not Tencent's (the request path signed, the other method). */
function sigMismatch(method: string, canonical: string, reqPath: string, params: MidasParams, sig: string, appkey: string): string {
  const base = `sig does not match ${method} ${canonical} signed with appkey& (strtr '-_' → '+/')`;
  const other = method === 'GET' ? 'POST' : 'GET';
  const tries: Array<[string, string, string]> = [[other, canonical, `it was computed for ${other}; the request came as ${method}`]];
  // Stryker disable next-line ConditionalExpression: equivalent: when reqPath is the canonical path the extra try is the check that just failed
  if (reqPath !== canonical) tries.unshift([method, reqPath, `it was computed over the request path ${reqPath}; Midas signs ${canonical}`]);
  for (const [m, p, why] of tries) {
    // Stryker disable next-line StringLiteral: equivalent: midasSign treats any rule but 'callback' as the OpenAPI rule
    if (safeEqual(midasSign({ method: m, path: p, params, appkey, rule: 'openapi' }).sig, sig)) return `${base}: ${why}`;
  }
  return `${base} (wrong appkey, or a parameter changed after signing?)`;
}

function checkCookies(req: EmulatorRequest, api: MidasApi): MidasLoginKind {
  const c = parseCookies(req.headers.cookie);
  if (!c.session_id) throw new MidasFault(RET_LOGIN, 'session_id', 'missing cookie session_id (openid for qq, hy_gameid for wx)');
  if (!c.session_type) throw new MidasFault(RET_LOGIN, 'session_type', 'missing cookie session_type (kp_actoken for qq, wc_actoken for wx)');
  const s = SESSIONS.find((x) => x.session_id === c.session_id && x.session_type === c.session_type);
  if (!s) {
    throw new MidasFault(RET_LOGIN, 'session_type', `cookies session_id=${c.session_id.slice(0, 20)} session_type=${c.session_type.slice(0, 20)} are no login (qq: openid/kp_actoken, wx: hy_gameid/wc_actoken)`);
  }
  if (!c.org_loc) throw new MidasFault(RET_PARAM, 'org_loc', `missing cookie org_loc (the urlencoded API path, e.g. ${encodeURIComponent(`/mpay/${api}`)})`);
  if (c.org_loc !== `/mpay/${api}` && c.org_loc !== `/v3/r/mpay/${api}`) {
    throw new MidasFault(RET_PARAM, 'org_loc', `cookie org_loc "${c.org_loc.slice(0, 60)}" is not /mpay/${api} or /v3/r/mpay/${api}`);
  }
  return s.login;
}

function positiveInt(params: MidasParams, key: string, required: boolean): number | undefined {
  const v = params[key];
  if (v === undefined || v === '') {
    if (required) throw new MidasFault(RET_PARAM, key, `missing ${key}`);
    return undefined;
  }
  if (!/^[1-9]\d{0,9}$/.test(v)) throw new MidasFault(RET_PARAM, key, `${key} "${v.slice(0, 20)}" is not a positive whole number`);
  return Number(v);
}

/** buy_goods_m (道具直购): validates the order and issues a token valid for the state's TTL. */
export function buyGoods(call: MidasCall, state: MidasState, now: number): Record<string, unknown> {
  const p = call.params;
  if (!p.payitem) throw new MidasFault(RET_PARAM, 'payitem', 'missing payitem (id*price*num)');
  if (!p.goodsmeta) throw new MidasFault(RET_PARAM, 'goodsmeta', 'missing goodsmeta (name*desc)');
  let items;
  try {
    items = parsePayitem(p.payitem);
  } catch (e) {
    throw new MidasFault(RET_PARAM, 'payitem', (e as Error).message.replace(/^invalid --payitem "[^"]*": /, ''));
  }
  try {
    checkGoodsmeta(p.goodsmeta);
  } catch (e) {
    throw new MidasFault(RET_PARAM, 'goodsmeta', (e as Error).message.replace(/^invalid --goodsmeta: /, ''));
  }
  if (p.goodsurl && p.goodsurl.length >= 512) throw new MidasFault(RET_PARAM, 'goodsurl', 'goodsurl must be shorter than 512 characters');
  const total = items.reduce((s, it) => s + it.price * it.num, 0);
  const amt = positiveInt(p, 'amt', false);
  if (amt !== undefined && amt !== total) throw new MidasFault(RET_PARAM, 'amt', `amt ${amt} does not equal the sum of price×num in payitem (${total})`);
  if (p.appmode !== undefined && p.appmode !== '1' && p.appmode !== '2') throw new MidasFault(RET_PARAM, 'appmode', `appmode must be 1 or 2, got "${p.appmode.slice(0, 10)}"`);
  if (items.length > 1 && p.appmode !== '1') throw new MidasFault(RET_PARAM, 'appmode', 'several payitems (a bundle) need appmode=1');
  positiveInt(p, 'max_num', false);
  if (p.app_metadata !== undefined && [...p.app_metadata].length > 128) throw new MidasFault(RET_PARAM, 'app_metadata', 'app_metadata must be at most 128 characters');
  if (p.format !== undefined && p.format !== 'json') throw new MidasFault(RET_PARAM, 'format', `this emulator answers format=json only, got "${p.format.slice(0, 20)}"`);
  const order = state.createOrder({
    appid: call.appid,
    openid: p.openid,
    zoneid: p.zoneid,
    pf: p.pf,
    payitem: p.payitem,
    goodsmeta: p.goodsmeta,
    app_metadata: p.app_metadata ?? '',
    login: call.login,
    created_at: now,
  });
  return { ret: 0, token: order.token, url_params: `/v1/r/${call.appid}/mobile_goods_info?token_id=${order.token}`, attach: order.app_metadata };
}

/** get_balance_m: the documented fields (balance includes gen_balance; first_save 1 while nothing was saved). */
export function getBalance(call: MidasCall, state: MidasState): Record<string, unknown> {
  const b = state.balance(call.appid, call.params.openid, call.params.zoneid);
  return { ret: 0, balance: b.balance, gen_balance: b.gen_balance, first_save: b.save_amt === 0 ? 1 : 0, save_amt: b.save_amt, tss_list: [] };
}

/** pay_m (扣除游戏币): idempotent per billno; gift coins are spent first; ret 1004 when short. */
export function pay(call: MidasCall, state: MidasState, now: number): Record<string, unknown> {
  const p = call.params;
  const amt = positiveInt(p, 'amt', true)!;
  const key = state.balanceKey(call.appid, p.openid, p.zoneid);
  const b = state.balance(call.appid, p.openid, p.zoneid);
  const billno = p.billno || state.nextBillno('PAYM', now);
  const prev = state.bills.get(billno);
  if (prev) {
    if (prev.kind !== 'pay' || prev.key !== key || prev.amt !== amt) throw new MidasFault(RET_PARAM, 'billno', `billno ${billno.slice(0, 40)} was already used for another ${prev.kind === 'pay' ? `payment (amt ${prev.amt})` : 'present'}`);
    return { ret: 0, billno, balance: b.balance, gen_balance: b.gen_balance, used_gen_amt: prev.used_gen_amt };
  }
  if (b.balance < amt) return { ret: RET_BALANCE, msg: `余额不足 (amt): balance ${b.balance} < amt ${amt}`, balance: b.balance };
  const used_gen_amt = Math.min(b.gen_balance, amt);
  b.gen_balance -= used_gen_amt;
  b.balance -= amt;
  state.bills.set(billno, { billno, kind: 'pay', key, amt, used_gen_amt, cancelled: false });
  return { ret: 0, billno, balance: b.balance, gen_balance: b.gen_balance, used_gen_amt };
}

/** cancel_pay_m (取消支付): gives a pay_m back (once; a repeat answers the same). */
export function cancelPay(call: MidasCall, state: MidasState): Record<string, unknown> {
  const p = call.params;
  const amt = positiveInt(p, 'amt', true)!;
  if (!p.billno) throw new MidasFault(RET_PARAM, 'billno', 'missing billno (the pay_m bill to cancel)');
  const bill = state.bills.get(p.billno);
  const key = state.balanceKey(call.appid, p.openid, p.zoneid);
  if (!bill || bill.kind !== 'pay' || bill.key !== key) throw new MidasFault(RET_PARAM, 'billno', `no pay_m bill ${p.billno.slice(0, 40)} for this openid and zoneid`);
  if (bill.amt !== amt) throw new MidasFault(RET_PARAM, 'amt', `amt ${amt} is not the bill's amt ${bill.amt}`);
  const b = state.balance(call.appid, p.openid, p.zoneid);
  if (!bill.cancelled) {
    bill.cancelled = true;
    b.balance += bill.amt;
    b.gen_balance += bill.used_gen_amt;
  }
  return { ret: 0, billno: bill.billno, balance: b.balance, gen_balance: b.gen_balance };
}

/** present_m (直接赠送游戏币): presenttimes coins as gift balance; idempotent per billno. */
export function present(call: MidasCall, state: MidasState, now: number): Record<string, unknown> {
  const p = call.params;
  const n = positiveInt(p, 'presenttimes', true)!;
  const key = state.balanceKey(call.appid, p.openid, p.zoneid);
  const b = state.balance(call.appid, p.openid, p.zoneid);
  const billno = p.billno || state.nextBillno('PRESENTM', now);
  const prev = state.bills.get(billno);
  if (prev) {
    if (prev.kind !== 'present' || prev.key !== key || prev.amt !== n) throw new MidasFault(RET_PARAM, 'billno', `billno ${billno.slice(0, 40)} was already used`);
    return { ret: 0, billno, balance: b.balance, gen_balance: b.gen_balance };
  }
  b.balance += n;
  b.gen_balance += n;
  state.bills.set(billno, { billno, kind: 'present', key, amt: n, used_gen_amt: 0, cancelled: false });
  return { ret: 0, billno, balance: b.balance, gen_balance: b.gen_balance };
}

/** The route answer: one of the APIs above, faults as {"ret","msg"} (HTTP 200, as Midas answers). */
export function handleApi(req: EmulatorRequest, api: MidasApi, state: MidasState, now: number): EmulatorReply {
  state.counters.api_calls++;
  try {
    const call = authenticate(req, api, state);
    const body =
      api === 'buy_goods_m' ? buyGoods(call, state, now) : api === 'get_balance_m' ? getBalance(call, state) : api === 'pay_m' ? pay(call, state, now) : api === 'cancel_pay_m' ? cancelPay(call, state) : present(call, state, now);
    if (body.ret !== 0) state.counters.refused++;
    return { status: 200, body };
  } catch (e) {
    if (!(e instanceof MidasFault)) throw e;
    state.counters.refused++;
    return { status: 200, body: { ret: e.ret, msg: e.message } };
  }
}

export type { MidasParams };
