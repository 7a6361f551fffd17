import { checkMidasReply, MIDAS_REPLY_BUDGET_MS } from '../../../core/midas/reply.js';
import { encodeMidasQuery, midasSign, type MidasParams } from '../../../core/midas/signature.js';
import type { HttpResponse } from '../../../transport/http.js';
import type { WebhookSpec } from '../../emulator/dispatcher.js';
import type { MidasLoginKind } from './state.js';

/**
 * The delivery callback (发货回调) Midas sends once an order is paid, or for a gift: a GET to the
 * game's delivery URL carrying the documented parameters, signed with the callback rule over the
 * URL's path (core/midas/signature.ts, rule 'callback'); only the exact reply {"ret":0,"msg":"OK"}
 * within 2 s counts (core/midas/reply.ts).
 */

export interface DeliveryInput {
  deliverTo: string;
  appkey: string;
  appid: string;
  openid: string;
  zoneid: string;
  payitem: string;
  token: string;
  billno: string;
  /** 0 purchase, 1 campaign gift, 2 task-market reward. */
  providetype: '0' | '1' | '2';
  /** In 0.1 Q点 (price × num × 10); "0" for gifts. */
  amt: string;
  app_metadata: string;
  login: MidasLoginKind;
  pf: string;
  ts: number;
}

/** appmeta = app_metadata*channel*platform; the channel for a Q点/Q币 payment is qdqb, for a gift "present" (assumed). */
export function appmetaOf(input: Pick<DeliveryInput, 'app_metadata' | 'providetype' | 'login'>): string {
  return `${input.app_metadata}*${input.providetype === '0' ? 'qdqb' : 'present'}*${input.login === 'wx' ? 'wx' : 'qq'}`;
}

/** The signed callback parameters (sig included last) and the URL they go to. */
export function buildDelivery(input: DeliveryInput): { url: string; params: MidasParams; sig: string } {
  const target = new URL(input.deliverTo);
  const params: MidasParams = {};
  for (const [k, v] of target.searchParams) params[k] = v;
  Object.assign(params, {
    openid: input.openid,
    appid: input.appid,
    ts: String(input.ts),
    payitem: input.payitem,
    token: input.token,
    billno: input.billno,
    version: 'v3',
    zoneid: input.zoneid,
    providetype: input.providetype,
    amt: input.amt,
    payamt_coins: '0',
    pubacct_payamt_coins: '0',
    appmeta: appmetaOf(input),
    clientver: /iap|ios/i.test(input.pf) ? 'iap' : 'android',
  });
  const s = midasSign({ method: 'GET', path: target.pathname, params, appkey: input.appkey, rule: 'callback' });
  return { url: `${target.origin}${target.pathname}?${encodeMidasQuery({ ...params, sig: s.sig })}`, params, sig: s.sig };
}

/** Midas' verdict on a reply: exactly {"ret":0,"msg":"OK"}, HTTP 200, within 2 s. */
export function acceptMidasReply(res: HttpResponse): { ok: boolean; reason?: string } {
  const v = checkMidasReply(res);
  return v.ok ? { ok: true } : { ok: false, reason: v.reason };
}

export function deliverySpec(input: DeliveryInput, eventType: string): WebhookSpec {
  const d = buildDelivery(input);
  return {
    event_type: eventType,
    url: d.url,
    method: 'GET',
    headers: { 'user-agent': 'fbpay-midas-emulator' },
    timeoutMs: MIDAS_REPLY_BUDGET_MS,
    accept: acceptMidasReply,
    meta: { billno: input.billno, token: input.token, openid: input.openid, providetype: input.providetype, amt: input.amt },
  };
}
