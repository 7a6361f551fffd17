import { NetworkError } from '../../core/errors.js';
import { parseBuyGoodsResponse, type BuyGoodsRequest, type BuyGoodsResponse } from '../../core/midas/order.js';
import { httpRequest, type HttpRequest } from '../../transport/http.js';

export interface SendOrderOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  dispatcher?: HttpRequest['dispatcher'];
}

/**
 * Sends a signed buy_goods_m request (GET with the session cookies) and reads its JSON reply.
 * A non-JSON reply, an HTTP error or a non-zero ret is a NetworkError (exit 3) naming the cause.
 */
export async function sendBuyGoods(req: BuyGoodsRequest, opts: SendOrderOptions = {}): Promise<BuyGoodsResponse & { status: number; latency_ms: number }> {
  const res = await httpRequest({
    method: 'GET',
    url: req.url,
    headers: { cookie: req.cookie_header, accept: 'application/json' },
    timeoutMs: opts.timeoutMs ?? 10_000,
    signal: opts.signal,
    dispatcher: opts.dispatcher,
  });
  const text = res.body.toString('utf8');
  const parsed = parseBuyGoodsResponse(text);
  if (!parsed) {
    throw new NetworkError('midas_bad_reply', `${req.base_url} answered HTTP ${res.status} without a Midas JSON reply: ${JSON.stringify(text.slice(0, 80))}`, {
      hint: 'check --base-url points at the Midas API (sandbox https://ysdktest.qq.com)',
    });
  }
  const out = { ...parsed, status: res.status, latency_ms: Math.round(res.latencyMs) };
  if (parsed.ret !== 0) {
    throw new NetworkError('midas_api_error', `buy_goods_m failed: ret ${parsed.ret}${parsed.msg ? ` (${parsed.msg})` : ''}`, {
      hint: parsed.ret === 1018 ? 'login state invalid: check --openkey (paytoken/access_token) and --login' : 'see the Midas error code table; a sig error usually means a wrong --appkey',
      details: { ret: parsed.ret, msg: parsed.msg },
    });
  }
  return out;
}
