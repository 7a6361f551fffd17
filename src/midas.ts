/**
 * `fbpay/midas`: Tencent Midas (米大师) / Open Platform OpenAPI v3 signatures, pure and clock-injectable.
 *
 * - {@link midasSign} — the source string and sig (OpenAPI rule, or the delivery-callback rule), every step kept.
 * - {@link midasVerify} — tries the callback rule and the plain rule (constant-time), checks `ts` skew.
 * - {@link parseMidasQuery} / {@link encodeMidasQuery} — raw query strings in and out.
 * - {@link checkMidasReply} — a delivery callback's reply: exactly `{"ret":0,"msg":"OK"}` within 2 s.
 * - {@link buildBuyGoodsRequest} — a signed buy_goods_m request with its cookies.
 */
export { rawurlencode, openapiEncode, callbackEncode, percentDecode, valueBytes } from './core/midas/encoding.js';
export {
  midasSign,
  midasSourceString,
  midasVerify,
  midasKey,
  parseMidasQuery,
  encodeMidasQuery,
  looksLikeCallback,
  type MidasRule,
  type MidasParams,
  type MidasSignInput,
  type MidasSignature,
  type MidasParamStep,
  type MidasVerifyInput,
  type MidasVerifyResult,
  type ParsedQuery,
} from './core/midas/signature.js';
export { checkMidasReply, midasReply, MIDAS_OK_REPLY, MIDAS_REPLY_BUDGET_MS, MIDAS_RET_CODES, type MidasReplyCheck } from './core/midas/reply.js';
export {
  buildBuyGoodsRequest,
  buyGoodsCurl,
  parseBuyGoodsResponse,
  parsePayitem,
  checkGoodsmeta,
  BUY_GOODS_PATH,
  BUY_GOODS_SIG_PATH,
  MIDAS_SANDBOX_URL,
  LOGIN_COOKIES,
  type BuyGoodsInput,
  type BuyGoodsRequest,
  type BuyGoodsResponse,
  type MidasLogin,
  type PayItem,
} from './core/midas/order.js';
