import { UsageError } from '../errors.js';
import { rawurlencode } from './encoding.js';
import { encodeMidasQuery, midasSign, type MidasParams } from './signature.js';

/**
 * Midas `buy_goods_m` (道具直购, YSDK payments): the request path is /mpay/buy_goods_m, the signed
 * path /v3/r/mpay/buy_goods_m, and the login type travels in cookies (session_id, session_type) with
 * the urlencoded request path in org_loc — as Tencent's YSDK PHP SDK sends it.
 */
export const BUY_GOODS_PATH = '/mpay/buy_goods_m';
export const BUY_GOODS_SIG_PATH = '/v3/r/mpay/buy_goods_m';
export const MIDAS_SANDBOX_URL = 'https://ysdktest.qq.com';

export type MidasLogin = 'qq' | 'wx' | 'guest';

/**
 * qq and wx: Tencent's YSDK PHP SDK (api_pay). guest (hy_gameid / st_dummy): in no server SDK found,
 * but Tencent's MSDK guide for guest-mode payments (MSDK wiki, ios/Guest.md, Step 3: "sessionId =
 * hy_gameid; sessionType = st_dummy") and game servers calling mpay for iOS guests send it.
 */
export const LOGIN_COOKIES: Record<MidasLogin, { session_id: string; session_type: string }> = {
  qq: { session_id: 'openid', session_type: 'kp_actoken' },
  wx: { session_id: 'hy_gameid', session_type: 'wc_actoken' },
  guest: { session_id: 'hy_gameid', session_type: 'st_dummy' },
};

export interface BuyGoodsInput {
  appid: string;
  appkey: string;
  openid: string;
  openkey: string;
  pf: string;
  pfkey: string;
  zoneid: string;
  payitem: string;
  goodsmeta: string;
  goodsurl: string;
  appmode?: 1 | 2;
  amt?: string;
  login?: MidasLogin;
  /** Unix seconds. */
  ts: number;
  baseUrl?: string;
  /** Extra parameters (userip, accounttype, …), signed like the rest. */
  extra?: MidasParams;
}

export interface PayItem {
  id: string;
  price: number;
  num: number;
}

export interface BuyGoodsRequest {
  method: 'GET';
  url: string;
  base_url: string;
  path: string;
  sig_path: string;
  params: MidasParams;
  cookies: { session_id: string; session_type: string; org_loc: string };
  cookie_header: string;
  source_string: string;
  sig: string;
  items: PayItem[];
  total: number;
}

/**
 * Parses `payitem`: `id*price*num`, several joined by `;` (a bundle); price and num are positive
 * integers; at most 512 bytes (Tencent's 购买道具前端接口: "长度必须<=512"); no `|`.
 */
export function parsePayitem(payitem: string): PayItem[] {
  const bad = (why: string) => new UsageError('midas_bad_payitem', `invalid --payitem "${payitem.slice(0, 80)}": ${why}`, { hint: 'use id*price*num, e.g. --payitem 50005*4*1 (several: a*2*1;b*3*2)' });
  if (payitem === '') throw bad('empty');
  if (Buffer.byteLength(payitem, 'utf8') > 512) throw bad('must be at most 512 bytes');
  if (payitem.includes('|')) throw bad('must not contain "|"');
  return payitem.split(';').map((part, i) => {
    const f = part.split('*');
    if (f.length !== 3) throw bad(`item ${i + 1} ("${part.slice(0, 40)}") is not id*price*num`);
    const [id, price, num] = f;
    if (id === '' || /\s/.test(id)) throw bad(`item ${i + 1} has an empty or spaced id`);
    if (!/^[1-9]\d{0,9}$/.test(price)) throw bad(`item ${i + 1} price "${price.slice(0, 20)}" is not a positive whole number`);
    if (!/^[1-9]\d{0,9}$/.test(num)) throw bad(`item ${i + 1} num "${num.slice(0, 20)}" is not a positive whole number`);
    return { id, price: Number(price), num: Number(num) };
  });
}

/** Checks `goodsmeta`: exactly `name*desc`, name not empty, at most 256 characters. */
export function checkGoodsmeta(goodsmeta: string): { name: string; desc: string } {
  const bad = (why: string) => new UsageError('midas_bad_goodsmeta', `invalid --goodsmeta: ${why}`, { hint: 'use name*desc, e.g. --goodsmeta "金币*100 金币"' });
  const parts = goodsmeta.split('*');
  if (parts.length !== 2) throw bad('must be name*desc with exactly one "*"');
  if (parts[0].trim() === '') throw bad('the name is empty');
  if ([...goodsmeta].length > 256) throw bad(`${[...goodsmeta].length} characters, at most 256`);
  return { name: parts[0], desc: parts[1] };
}

/** Builds the signed buy_goods_m request (validating every field first). Pure: `ts` is given. */
export function buildBuyGoodsRequest(input: BuyGoodsInput): BuyGoodsRequest {
  const required: Array<[keyof BuyGoodsInput, string]> = [
    ['appid', '--appid'],
    ['openid', '--openid'],
    ['openkey', '--openkey'],
    ['pf', '--pf'],
    ['pfkey', '--pfkey'],
    ['zoneid', '--zoneid'],
    ['goodsurl', '--goodsurl'],
  ];
  for (const [k, flag] of required) {
    const v = input[k];
    if (typeof v !== 'string' || v === '') throw new UsageError('midas_missing_field', `missing ${flag}`, { hint: 'see fbpay midas order --help' });
  }
  const items = parsePayitem(input.payitem);
  checkGoodsmeta(input.goodsmeta);
  if (!/^https?:\/\/\S+$/.test(input.goodsurl) || input.goodsurl.length >= 512) {
    throw new UsageError('midas_bad_goodsurl', `invalid --goodsurl "${input.goodsurl.slice(0, 80)}"`, { hint: 'an http(s) image URL shorter than 512 characters' });
  }
  const appmode = input.appmode ?? (items.length > 1 ? 1 : 2);
  if (items.length > 1 && appmode !== 1) throw new UsageError('midas_bad_appmode', 'a bundle (several payitems) needs --appmode 1', { hint: 'appmode 2 lets the user change the quantity, which a bundle forbids' });
  const total = items.reduce((s, it) => s + it.price * it.num, 0);
  if (input.amt !== undefined) {
    if (!/^\d+$/.test(input.amt) || Number(input.amt) !== total) {
      throw new UsageError('midas_bad_amt', `--amt ${input.amt.slice(0, 20)} does not equal the sum of price×num (${total})`, { hint: `pass --amt ${total} or leave it out` });
    }
  }
  const login = input.login ?? 'qq';
  const cookieBase = LOGIN_COOKIES[login];
  if (!cookieBase) throw new UsageError('midas_bad_login', `unknown --login "${String(login)}"`, { hint: 'use qq, wx or guest' });
  const baseUrl = (input.baseUrl ?? MIDAS_SANDBOX_URL).replace(/\/+$/, '');
  const unsigned: MidasParams = {
    ...(input.extra ?? {}),
    openid: input.openid,
    openkey: input.openkey,
    appid: input.appid,
    ts: String(input.ts),
    pf: input.pf,
    pfkey: input.pfkey,
    zoneid: input.zoneid,
    payitem: input.payitem,
    goodsmeta: input.goodsmeta,
    goodsurl: input.goodsurl,
    appmode: String(appmode),
    format: 'json',
    ...(input.amt !== undefined ? { amt: input.amt } : {}),
  };
  const s = midasSign({ method: 'GET', path: BUY_GOODS_SIG_PATH, params: unsigned, appkey: input.appkey, rule: 'openapi' });
  const params = { ...unsigned, sig: s.sig };
  const cookies = { ...cookieBase, org_loc: encodeURIComponent(BUY_GOODS_PATH) };
  // org_loc is already urlencoded (encodeURIComponent above); the session values are rawurlencoded.
  const cookie_header = `session_id=${rawurlencode(cookies.session_id)}; session_type=${rawurlencode(cookies.session_type)}; org_loc=${cookies.org_loc}`;
  return {
    method: 'GET',
    url: `${baseUrl}${BUY_GOODS_PATH}?${encodeMidasQuery(params)}`,
    base_url: baseUrl,
    path: BUY_GOODS_PATH,
    sig_path: BUY_GOODS_SIG_PATH,
    params,
    cookies,
    cookie_header,
    source_string: s.source_string,
    sig: s.sig,
    items,
    total,
  };
}

/** A curl command line that sends the request (single-quoted for POSIX shells). */
export function buyGoodsCurl(req: BuyGoodsRequest): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `curl -sS -G ${q(req.url)} -H ${q('Cookie: ' + req.cookie_header)}`;
}

export interface BuyGoodsResponse {
  ret: number;
  msg: string;
  token?: string;
  url_params?: string;
  raw: Record<string, unknown>;
}

/** Reads a buy_goods_m JSON reply (`{"ret":0,"token":…,"url_params":…}`); null when it is not one. */
export function parseBuyGoodsResponse(body: string): BuyGoodsResponse | null {
  let v: unknown;
  try {
    v = JSON.parse(body);
  }
  // Stryker disable next-line BlockStatement: equivalent: v stays undefined, which the next line returns null for
  catch {
    return null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const ret = typeof o.ret === 'number' ? o.ret : typeof o.ret === 'string' && /^-?\d+$/.test(o.ret) ? Number(o.ret) : undefined;
  if (ret === undefined) return null;
  return {
    ret,
    msg: typeof o.msg === 'string' ? o.msg : '',
    ...(typeof o.token === 'string' ? { token: o.token } : {}),
    ...(typeof o.url_params === 'string' ? { url_params: o.url_params } : {}),
    raw: o,
  };
}
