import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMidasQuery, midasSign, midasVerify, parseMidasQuery, type MidasParams } from '../../src/core/midas/signature.js';
import type { RunningEmulator } from '../../src/providers/emulator/server.js';
import { api, APPID, APPKEY, emulator, order, QQ_COOKIES, send } from '../midas-emulator/helpers.js';

/**
 * The Midas emulator's own signing and verification, over real HTTP on 127.0.0.1: which API requests
 * it accepts (right sig only, with the message a client reads when it is wrong), and the signed
 * delivery callback a receiver gets (every parameter, the sig over the delivery path, the reply rule).
 */

const NOW = () => String(Math.floor(Date.now() / 1000));
const base = (): MidasParams => ({ openid: 'OPENID0001', openkey: 'K', appid: APPID, ts: NOW(), pf: 'qq_m_qq', pfkey: 'P', zoneid: '1', format: 'json' });
const signed = (params: MidasParams, o: { method?: string; path?: string; appkey?: string } = {}) =>
  encodeMidasQuery({ ...params, sig: midasSign({ method: o.method ?? 'GET', path: o.path ?? '/v3/r/mpay/get_balance_m', params, appkey: o.appkey ?? APPKEY, rule: 'openapi' }).sig });

describe('Midas emulator: authenticating an API request', () => {
  let emu: RunningEmulator;
  beforeAll(async () => ({ emu } = await emulator()));
  afterAll(() => emu.close());
  const get = (q: string, path = '/v3/r/mpay/get_balance_m') => send(`${emu.url}${path}?${q}`, QQ_COOKIES('get_balance_m'));

  it('accepts a correctly signed GET and POST (form body), and a POST with the parameters in the query string', async () => {
    expect((await api(emu.url, 'get_balance_m', {})).body.ret).toBe(0);
    expect((await api(emu.url, 'get_balance_m', {}, { method: 'POST' })).body.ret).toBe(0);
    const q = signed(base(), { method: 'POST' });
    const r = await fetch(`${emu.url}/v3/r/mpay/get_balance_m?${q}`, { method: 'POST', headers: { cookie: QQ_COOKIES('get_balance_m') } });
    expect(((await r.json()) as { ret: number }).ret).toBe(0);
  });

  it('reads a form body as form-encoded (+ is a space), so a value with spaces signed as such is accepted', async () => {
    const p = { ...base(), pf: 'qq m qq' };
    const s = midasSign({ method: 'POST', path: '/v3/r/mpay/get_balance_m', params: p, appkey: APPKEY, rule: 'openapi' }).sig;
    const body = new URLSearchParams({ ...p, sig: s }).toString();
    expect(body).toContain('pf=qq+m+qq');
    expect((await send(`${emu.url}/v3/r/mpay/get_balance_m`, QQ_COOKIES('get_balance_m'), 'POST', body)).body.ret).toBe(0);
    const q = new URLSearchParams({ ...p, sig: midasSign({ method: 'GET', path: '/v3/r/mpay/get_balance_m', params: p, appkey: APPKEY, rule: 'openapi' }).sig }).toString();
    expect((await get(q)).body.ret).toBe(0);
  });

  it('a GET is judged on its query string, whatever body it carries', async () => {
    const u = new URL(`${emu.url}/v3/r/mpay/get_balance_m?${signed(base())}`);
    const body = 'openid=x&sig=y';
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request(u, { method: 'GET', headers: { cookie: QQ_COOKIES('get_balance_m'), 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(reply.ret).toBe(0);
  });

  it('refuses another method with 1001 naming it', async () => {
    const r = await fetch(`${emu.url}/v3/r/mpay/get_balance_m?${signed(base())}`, { method: 'PUT', headers: { cookie: QQ_COOKIES('get_balance_m') } });
    const body = (await r.json()) as { ret: number; msg: string };
    expect(body).toEqual({ ret: 1001, msg: '参数错误 (method): get_balance_m takes GET or POST, not PUT' });
  });

  it('names a long method cut to 10 characters', async () => {
    const u = new URL(`${emu.url}/v3/r/mpay/get_balance_m?${signed(base())}`);
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request(u, { method: 'UNSUBSCRIBE', headers: { cookie: QQ_COOKIES('get_balance_m') } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      });
      req.on('error', reject);
      req.end();
    });
    expect(reply).toEqual({ ret: 1001, msg: '参数错误 (method): get_balance_m takes GET or POST, not UNSUBSCRIB' });
  });

  it('quotes a long non-numeric ts cut to 20 characters', async () => {
    expect((await get(signed({ ...base(), ts: '1234567890abcdefghijKLMN' }))).body.msg).toBe('参数错误 (ts): ts "1234567890abcdefghij" is not unix seconds');
  });

  it('refuses an unreadable query with 1001 (query)', async () => {
    const r = await get('=x&sig=y');
    expect(r.body).toEqual({ ret: 1001, msg: '参数错误 (query): the query has a parameter with an empty name ("=x")' });
  });

  it.each(['openid', 'openkey', 'appid', 'ts', 'pf', 'pfkey', 'zoneid'])('refuses a request without %s, naming it', async (k) => {
    const p = base();
    delete p[k];
    expect((await get(signed(p))).body).toEqual({ ret: 1001, msg: `参数错误 (${k}): missing ${k}` });
  });

  it('refuses a request without sig, and one for an unknown appid', async () => {
    expect((await get(encodeMidasQuery(base()))).body).toEqual({ ret: 1001, msg: '参数错误 (sig): missing sig' });
    const r = await get(signed({ ...base(), appid: '999' }));
    expect(r.body).toEqual({ ret: 1001, msg: `参数错误 (appid): unknown appid 999 (this emulator knows ${APPID})` });
  });

  const head = '参数错误 (sig): sig does not match GET /v3/r/mpay/get_balance_m signed with appkey& (strtr \'-_\' → \'+/\')';
  it('refuses a wrong appkey and a parameter changed after signing, saying so', async () => {
    expect((await get(signed(base(), { appkey: 'wrong-key' }))).body).toEqual({ ret: 1001, msg: `${head} (wrong appkey, or a parameter changed after signing?)` });
    const p = base();
    const q = signed(p).replace('zoneid=1', 'zoneid=2');
    expect((await get(q)).body).toEqual({ ret: 1001, msg: `${head} (wrong appkey, or a parameter changed after signing?)` });
  });

  it('says when the sig was computed for the other method', async () => {
    expect((await get(signed(base(), { method: 'POST' }))).body).toEqual({ ret: 1001, msg: `${head}: it was computed for POST; the request came as GET` });
    const r = await send(`${emu.url}/v3/r/mpay/get_balance_m`, QQ_COOKIES('get_balance_m'), 'POST', signed(base(), { method: 'GET' }));
    expect(r.body.msg).toBe('参数错误 (sig): sig does not match POST /v3/r/mpay/get_balance_m signed with appkey& (strtr \'-_\' → \'+/\'): it was computed for GET; the request came as POST');
  });

  it('says when the sig was computed over the request path instead of /v3/r/mpay/…', async () => {
    const r = await get(signed(base(), { path: '/mpay/get_balance_m' }), '/mpay/get_balance_m');
    expect(r.body).toEqual({ ret: 1001, msg: `${head}: it was computed over the request path /mpay/get_balance_m; Midas signs /v3/r/mpay/get_balance_m` });
    // at /v3/r/... the request path is the canonical one: only the other method is tried
    const r2 = await get(signed(base(), { path: '/mpay/get_balance_m' }));
    expect(r2.body.msg).toBe(`${head} (wrong appkey, or a parameter changed after signing?)`);
  });

  it('refuses a signed ts that is not unix seconds', async () => {
    expect((await get(signed({ ...base(), ts: '12ab' }))).body).toEqual({ ret: 1001, msg: '参数错误 (ts): ts "12ab" is not unix seconds' });
    expect((await get(signed({ ...base(), ts: '1234567890123' }))).body.msg).toBe('参数错误 (ts): ts "1234567890123" is not unix seconds');
    expect((await get(signed({ ...base(), ts: 'x1' }))).body.ret).toBe(1001);
  });
});

interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}
async function receiver(reply: string, status = 200, delayMs = 0) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(reply), delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

describe('Midas emulator: an unknown appid', () => {
  it('is quoted cut to 20 characters, with every appid the emulator knows', async () => {
    const { emu } = await emulator();
    try {
      const add = await fetch(`${emu.url}/_fbpay/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appid: '1450000099', appkey: 'k2' }) });
      expect(add.status).toBe(200);
      const q = signed({ ...base(), appid: '1234567890123456789012345' });
      const r = await send(`${emu.url}/v3/r/mpay/get_balance_m?${q}`, QQ_COOKIES('get_balance_m'));
      expect(r.body).toEqual({ ret: 1001, msg: `参数错误 (appid): unknown appid 12345678901234567890 (this emulator knows ${APPID}, 1450000099)` });
    } finally {
      await emu.close();
    }
  });
});

describe('Midas emulator: the signed delivery callback', () => {
  const OK = '{"ret":0,"msg":"OK"}';
  async function payWith(rx: { url: string }, path: string, over: Parameters<typeof order>[1] = {}) {
    const { emu } = await emulator({ deliverTo: `${rx.url}${path}`, schedule: [] });
    try {
      const o = order(emu.url, over);
      const token = (await send(o.url, o.cookie_header)).body.token as string;
      const r = await fetch(`${emu.url}/_fbpay/trigger/midas-pay`, { method: 'POST', body: JSON.stringify({ token }) });
      const doc = (await r.json()) as { ids: { billno: string }; deliveries: Array<Record<string, unknown>> };
      const log = ((await (await fetch(`${emu.url}/_fbpay/deliveries`)).json()) as { data: Array<Record<string, unknown>> }).data;
      return { token, doc, log };
    } finally {
      await emu.close();
    }
  }

  it('a purchase: a GET with every documented parameter, signed (callback rule) over the delivery path, the URL\'s own query kept', async () => {
    const rx = await receiver(OK);
    try {
      const { token, doc, log } = await payWith(rx, '/game/deliver?shard=7', { extra: { app_metadata: 'order-9' } });
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ event_type: 'midas.deliver', method: 'GET', meta: { billno: doc.ids.billno, token, openid: 'OPENID0001', providetype: '0', amt: '200' } });
      expect(doc.deliveries[0]).toMatchObject({ ok: true, status: 200, attempts: 1, reason: null });
      expect(rx.hits).toHaveLength(1);
      const hit = rx.hits[0];
      expect(hit.method).toBe('GET');
      expect(hit.headers['user-agent']).toBe('fbpay-midas-emulator');
      const u = new URL(hit.url, rx.url);
      expect(u.pathname).toBe('/game/deliver');
      const q = parseMidasQuery(u.search.slice(1));
      expect(q.params).toMatchObject({
        shard: '7',
        openid: 'OPENID0001',
        appid: APPID,
        payitem: 'gold*10*2',
        token,
        billno: doc.ids.billno,
        version: 'v3',
        zoneid: '1',
        providetype: '0',
        amt: '200',
        payamt_coins: '0',
        pubacct_payamt_coins: '0',
        appmeta: 'order-9*qdqb*qq',
        clientver: 'android',
      });
      expect(q.params.ts).toMatch(/^\d{10}$/);
      expect(Object.keys(q.params).sort()).toEqual(['amt', 'appid', 'appmeta', 'billno', 'clientver', 'openid', 'payamt_coins', 'payitem', 'providetype', 'pubacct_payamt_coins', 'shard', 'token', 'ts', 'version', 'zoneid']);
      const now = Number(q.params.ts);
      expect(midasVerify({ path: '/game/deliver', params: q.params, sig: q.sig, appkey: APPKEY, now, rules: ['callback'] }).valid).toBe(true);
      expect(midasVerify({ path: '/game/deliver', params: q.params, sig: q.sig, appkey: 'other-key', now, rules: ['callback'] }).valid).toBe(false);
      expect(midasVerify({ path: '/other', params: q.params, sig: q.sig, appkey: APPKEY, now, rules: ['callback'] }).valid).toBe(false);
    } finally {
      await rx.close();
    }
  });

  it('an iOS (iap) wx payment says clientver=iap and appmeta …*qdqb*wx', async () => {
    const rx = await receiver(OK);
    try {
      await payWith(rx, '/d', { pf: 'wechat_wx-2001-iap', login: 'wx' });
      const q = parseMidasQuery(new URL(rx.hits[0].url, rx.url).search.slice(1));
      expect(q.params.clientver).toBe('iap');
      expect(q.params.appmeta).toMatch(/\*qdqb\*wx$/);
    } finally {
      await rx.close();
    }
  });

  it('a gift: providetype 1, amt 0, appmeta …*present*qq, signed', async () => {
    const rx = await receiver(OK);
    const { emu } = await emulator({ deliverTo: `${rx.url}/gift`, schedule: [] });
    try {
      const r = await fetch(`${emu.url}/_fbpay/trigger/midas-present`, { method: 'POST', body: JSON.stringify({ openid: 'O1', zoneid: '2', payitem: 'gem*1*3', app_metadata: 'm' }) });
      expect(((await r.json()) as { deliveries: Array<{ ok: boolean }> }).deliveries[0].ok).toBe(true);
      const q = parseMidasQuery(new URL(rx.hits[0].url, rx.url).search.slice(1));
      expect(q.params).toMatchObject({ providetype: '1', amt: '0', appmeta: 'm*present*qq', openid: 'O1', zoneid: '2', payitem: 'gem*1*3' });
      expect(midasVerify({ path: '/gift', params: q.params, sig: q.sig, appkey: APPKEY, now: Number(q.params.ts), rules: ['callback'] }).valid).toBe(true);
    } finally {
      await emu.close();
      await rx.close();
    }
  });

  it.each([
    ['{"ret":0,"msg":"ok"}', 200],
    ['{"ret":1,"msg":"OK"}', 200],
    [OK, 500],
  ])('a reply other than exactly {"ret":0,"msg":"OK"} with 200 (%s, %i) is not accepted, with a reason', async (reply, status) => {
    const rx = await receiver(reply, status);
    try {
      const { doc } = await payWith(rx, '/d');
      expect(doc.deliveries[0].ok).toBe(false);
      expect(doc.deliveries[0].reason).toEqual(expect.any(String));
      expect((doc.deliveries[0].reason as string).length).toBeGreaterThan(0);
    } finally {
      await rx.close();
    }
  });
});
