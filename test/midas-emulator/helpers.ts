import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { buildBuyGoodsRequest, type BuyGoodsInput } from '../../src/core/midas/order.js';
import { encodeMidasQuery, midasSign, type MidasParams } from '../../src/core/midas/signature.js';
import { createMidasEmulator, type MidasEmulatorOptions, type MidasEmulatorProvider } from '../../src/providers/midas/emulator/provider.js';
import { startEmulator, type RunningEmulator } from '../../src/providers/emulator/server.js';
import { ROOT } from '../helpers/cli.js';

export const APPID = '1450000000';
export const APPKEY = 'test-app_key';

export async function emulator(opts: MidasEmulatorOptions & { schedule?: number[] } = {}): Promise<{ emu: RunningEmulator; provider: MidasEmulatorProvider }> {
  const provider = createMidasEmulator({ appid: APPID, appkey: APPKEY, ...opts });
  const emu = await startEmulator(provider, { retrySchedule: opts.schedule ?? [20, 20] });
  return { emu, provider };
}

export function order(base: string, over: Partial<BuyGoodsInput> = {}): ReturnType<typeof buildBuyGoodsRequest> {
  return buildBuyGoodsRequest({
    appid: APPID,
    appkey: APPKEY,
    openid: 'OPENID0001',
    openkey: 'PAYTOKEN',
    pf: 'qq_m_qq-2001-android',
    pfkey: 'PFKEY',
    zoneid: '1',
    payitem: 'gold*10*2',
    goodsmeta: '金币*20 金币',
    goodsurl: 'https://example.com/g.png',
    ts: Math.floor(Date.now() / 1000),
    baseUrl: base,
    ...over,
  });
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export async function send(url: string, cookie: string, method: 'GET' | 'POST' = 'GET', body?: string): Promise<Reply> {
  const res = await fetch(url, { method, headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export const QQ_COOKIES = (api: string) => `session_id=openid; session_type=kp_actoken; org_loc=${encodeURIComponent(`/mpay/${api}`)}`;

/** A signed hosted-currency call (fbpay's signer), GET by default. */
export async function api(base: string, name: string, extra: MidasParams, opts: { method?: 'GET' | 'POST'; cookies?: string; appkey?: string; path?: 'v3' | 'mpay' } = {}): Promise<Reply> {
  const method = opts.method ?? 'GET';
  const params: MidasParams = { openid: 'OPENID0001', openkey: 'K', appid: APPID, ts: String(Math.floor(Date.now() / 1000)), pf: 'qq_m_qq', pfkey: 'P', zoneid: '1', format: 'json', ...extra };
  const s = midasSign({ method, path: `/v3/r/mpay/${name}`, params, appkey: opts.appkey ?? APPKEY, rule: 'openapi' });
  const q = encodeMidasQuery({ ...params, sig: s.sig });
  const path = opts.path === 'v3' ? `/v3/r/mpay/${name}` : `/mpay/${name}`;
  const cookies = opts.cookies ?? QQ_COOKIES(name);
  return method === 'GET' ? send(`${base}${path}?${q}`, cookies) : send(`${base}${path}`, cookies, 'POST', q);
}

/** The reference receiver (examples/midas-receiver/server.mjs). */
export interface RefReceiver {
  url: string;
  close(): Promise<void>;
  ledger: { toJSON(): { grants: Array<Record<string, string>>; inventory: Record<string, Record<string, number>>; duplicates: number; refused: number } };
}

export async function referenceReceiver(appkey = APPKEY): Promise<RefReceiver> {
  const mod = (await import(pathToFileURL(`${ROOT}examples/midas-receiver/server.mjs`).href)) as { startReceiver(o: Record<string, unknown>): Promise<RefReceiver> };
  return mod.startReceiver({ port: 0, appkey });
}

/** A receiver that answers `reply` (after `delayMs`) and records each query. */
export async function fixedReceiver(reply: string, delayMs = 0, status = 200): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(reply), delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/midas/deliver`,
    hits,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
