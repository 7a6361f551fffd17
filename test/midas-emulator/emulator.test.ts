import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMidasQuery, midasSign } from '../../src/core/midas/signature.js';
import { rawurlencode } from '../../src/core/midas/encoding.js';
import type { RunningEmulator } from '../../src/providers/emulator/server.js';
import type { MidasEmulatorProvider } from '../../src/providers/midas/emulator/provider.js';
import { api, APPID, APPKEY, emulator, order, QQ_COOKIES, send } from './helpers.js';

/**
 * `fbpay mock midas` over real HTTP: buy_goods_m at both paths and methods, every fault naming its
 * parameter, the login cookies, and the hosted-currency APIs with a balance per openid/zone.
 */
describe('Midas emulator: buy_goods_m', () => {
  let emu: RunningEmulator;
  let provider: MidasEmulatorProvider;
  beforeAll(async () => ({ emu, provider } = await emulator()));
  afterAll(() => emu.close());

  it.each([
    ['GET', '/mpay/buy_goods_m'],
    ['GET', '/v3/r/mpay/buy_goods_m'],
    ['POST', '/mpay/buy_goods_m'],
    ['POST', '/v3/r/mpay/buy_goods_m'],
  ] as const)('%s %s: ret 0 with token, url_params and attach', async (method, path) => {
    const req = order(emu.url, { extra: { app_metadata: 'order-42' } });
    // fbpay's builder signs GET; re-sign for POST the way the SDK does (the method is part of the source string)
    const params = { ...req.params };
    delete (params as Record<string, string>).sig;
    const sig = midasSign({ method, path: '/v3/r/mpay/buy_goods_m', params, appkey: APPKEY }).sig;
    const q = encodeMidasQuery({ ...params, sig });
    const r = method === 'GET' ? await send(`${emu.url}${path}?${q}`, req.cookie_header) : await send(`${emu.url}${path}`, req.cookie_header, 'POST', q);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ret: 0, attach: 'order-42' });
    const token = r.body.token as string;
    expect(token).toMatch(/^[0-9A-F]{32}$/);
    expect(r.body.url_params).toBe(`/v1/r/${APPID}/mobile_goods_info?token_id=${token}`);
    expect(provider.state.orders.get(token)).toMatchObject({ openid: 'OPENID0001', total: 20, login: 'qq' });
  });

  it('accepts the wx and guest logins, and refuses missing or mismatched session cookies with 1018', async () => {
    for (const login of ['wx', 'guest'] as const) {
      const req = order(emu.url, { login });
      expect((await send(req.url, req.cookie_header)).body.ret).toBe(0);
    }
    const req = order(emu.url);
    const cases: Array<[string, number, string]> = [
      ['', 1018, 'session_id'],
      ['session_id=openid', 1018, 'session_type'],
      ['session_id=openid; session_type=wc_actoken; org_loc=%2Fmpay%2Fbuy_goods_m', 1018, 'session_type'],
      ['session_id=openid; session_type=kp_actoken', 1001, 'org_loc'],
      ['session_id=openid; session_type=kp_actoken; org_loc=%2Fmpay%2Fpay_m', 1001, 'org_loc'],
    ];
    for (const [cookie, ret, param] of cases) {
      const r = await send(req.url, cookie);
      expect(r.body.ret, cookie).toBe(ret);
      expect(r.body.msg).toContain(`(${param})`);
    }
  });

  it('refuses each missing required parameter with 1001 naming it', async () => {
    for (const k of ['openid', 'openkey', 'appid', 'ts', 'pf', 'pfkey', 'zoneid', 'sig']) {
      const req = order(emu.url);
      const params = { ...req.params } as Record<string, string>;
      delete params[k];
      const r = await send(`${emu.url}/mpay/buy_goods_m?${encodeMidasQuery(params)}`, req.cookie_header);
      expect(r.body, k).toMatchObject({ ret: 1001 });
      expect(r.body.msg).toContain(`(${k})`);
    }
  });

  it('checks payitem, goodsmeta, amt against payitem, and appmode for bundles (signed correctly, refused on content)', async () => {
    const sign = (over: Record<string, string>) => {
      const req = order(emu.url);
      const params = { ...req.params, ...over } as Record<string, string>;
      delete params.sig;
      const sig = midasSign({ method: 'GET', path: '/v3/r/mpay/buy_goods_m', params, appkey: APPKEY }).sig;
      return send(`${emu.url}/mpay/buy_goods_m?${encodeMidasQuery({ ...params, sig })}`, req.cookie_header);
    };
    const cases: Array<[Record<string, string>, string]> = [
      [{ amt: '21' }, 'amt'],
      [{ payitem: 'gold*10' }, 'payitem'],
      [{ payitem: 'gold*0*1' }, 'payitem'],
      [{ goodsmeta: 'no-star' }, 'goodsmeta'],
      [{ payitem: 'a*1*1;b*2*1', appmode: '2' }, 'appmode'],
      [{ appmode: '3' }, 'appmode'],
      [{ app_metadata: 'x'.repeat(129) }, 'app_metadata'],
    ];
    for (const [over, param] of cases) {
      const r = await sign(over);
      expect(r.body.ret, JSON.stringify(over)).toBe(1001);
      expect(r.body.msg).toContain(`(${param})`);
    }
    expect((await sign({ amt: '20' })).body.ret).toBe(0);
    // payitem up to 512 bytes, as Tencent's 购买道具前端接口 allows (fbpay refused ≥ 256 before)
    const long = Array.from({ length: 40 }, (_, i) => `item${String(i).padStart(3, '0')}*1*1`).join(';');
    expect(long.length).toBeGreaterThan(256);
    expect((await sign({ payitem: long, appmode: '1' })).body.ret).toBe(0);
    expect((await sign({ payitem: `${long};${long}`, appmode: '1' })).body.msg).toContain('at most 512 bytes');
    expect((await sign({ payitem: 'a*1*1;b*2*3', appmode: '1', amt: '7' })).body.ret).toBe(0);
  });

  it('checks the sig like SnsSigCheck: wrong key, the request path signed, and a key without strtr are refused (1001 sig)', async () => {
    const req = order(emu.url, { appkey: 'another-key' });
    const wrong = await send(req.url, req.cookie_header);
    expect(wrong.body).toMatchObject({ ret: 1001 });
    expect(wrong.body.msg).toContain('(sig)');

    const ok = order(emu.url);
    const params = { ...ok.params } as Record<string, string>;
    delete params.sig;
    const overMpay = midasSign({ method: 'GET', path: '/mpay/buy_goods_m', params, appkey: APPKEY }).sig;
    const r = await send(`${emu.url}/mpay/buy_goods_m?${encodeMidasQuery({ ...params, sig: overMpay })}`, ok.cookie_header);
    expect(r.body.ret).toBe(1001);
    expect(r.body.msg).toContain('computed over the request path /mpay/buy_goods_m');
    const asPost = midasSign({ method: 'POST', path: '/v3/r/mpay/buy_goods_m', params, appkey: APPKEY }).sig;
    const m = await send(`${emu.url}/mpay/buy_goods_m?${encodeMidasQuery({ ...params, sig: asPost })}`, ok.cookie_header);
    expect(m.body.msg).toContain('computed for POST; the request came as GET');

    // A signer that skips strtr(key, '-_', '+/') signs with "test-app_key&": refused (APPKEY holds - and _).
    const noStrtr = createHmac('sha1', `${APPKEY}&`).update(ok.source_string).digest('base64');
    expect(noStrtr).not.toBe(ok.sig);
    expect((await send(`${emu.url}/mpay/buy_goods_m?${encodeMidasQuery({ ...params, sig: noStrtr })}`, ok.cookie_header)).body.ret).toBe(1001);
    // …and the SDK's key (with strtr) is accepted
    const withStrtr = createHmac('sha1', 'test+app/key&').update(ok.source_string).digest('base64');
    expect((await send(`${emu.url}/mpay/buy_goods_m?${encodeMidasQuery({ ...params, sig: withStrtr })}`, ok.cookie_header)).body.ret).toBe(0);
  });

  it('refuses "~" signed unencoded (the SDK encodes it as %7E)', async () => {
    const req = order(emu.url, { extra: { app_metadata: 'a~b' } });
    const params = { ...req.params } as Record<string, string>;
    delete params.sig;
    const s = midasSign({ method: 'GET', path: '/v3/r/mpay/buy_goods_m', params, appkey: APPKEY });
    const tildeKept = `GET&${s.encoded_path}&${rawurlencode(s.query_string)}`;
    const sig = createHmac('sha1', 'test+app/key&').update(tildeKept).digest('base64');
    expect((await send(`${emu.url}/mpay/buy_goods_m?${encodeMidasQuery({ ...params, sig })}`, req.cookie_header)).body.ret).toBe(1001);
    expect((await send(req.url, req.cookie_header)).body.ret).toBe(0);
  });

  it('answers other paths with a Midas-shaped 404, and malformed input never crashes it', async () => {
    const r = await fetch(`${emu.url}/mpay/nothing`);
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ ret: 1001 });
    const garbage = await send(`${emu.url}/mpay/buy_goods_m?%%%&=&sig=%E0%A4&openid=%FF`, QQ_COOKIES('buy_goods_m'));
    expect(garbage.body.ret).toBe(1001);
    expect((await fetch(`${emu.url}/_fbpay/info`)).status).toBe(200);
  });
});

describe('Midas emulator: hosted currency (get_balance_m, pay_m, cancel_pay_m, present_m)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => ({ emu } = await emulator()));
  afterAll(() => emu.close());

  it('a balance per openid and zone: save, pay (idempotent per billno), short balance 1004, cancel, present', async () => {
    const save = await fetch(`${emu.url}/_fbpay/balances`, { method: 'POST', body: JSON.stringify({ openid: 'OPENID0001', zoneid: '1', save: 100 }) });
    expect(await save.json()).toMatchObject({ balance: 100, save_amt: 100, gen_balance: 0 });
    expect((await api(emu.url, 'get_balance_m', {}, { path: 'v3' })).body).toEqual({ ret: 0, balance: 100, gen_balance: 0, first_save: 0, save_amt: 100, tss_list: [] });
    expect((await api(emu.url, 'get_balance_m', { zoneid: '2' })).body).toMatchObject({ ret: 0, balance: 0, first_save: 1 });

    const p1 = await api(emu.url, 'pay_m', { amt: '30', billno: 'B-1' }, { method: 'POST' });
    expect(p1.body).toMatchObject({ ret: 0, billno: 'B-1', balance: 70, used_gen_amt: 0 });
    const again = await api(emu.url, 'pay_m', { amt: '30', billno: 'B-1' });
    expect(again.body).toMatchObject({ ret: 0, billno: 'B-1', balance: 70 });
    const clash = await api(emu.url, 'pay_m', { amt: '31', billno: 'B-1' });
    expect(clash.body).toMatchObject({ ret: 1001 });
    expect(clash.body.msg).toContain('(billno)');
    const short = await api(emu.url, 'pay_m', { amt: '1000', billno: 'B-2' });
    expect(short.body).toMatchObject({ ret: 1004, balance: 70 });
    expect(short.body.msg).toContain('余额不足');

    expect((await api(emu.url, 'cancel_pay_m', { amt: '30', billno: 'B-1' }, { path: 'v3' })).body).toMatchObject({ ret: 0, billno: 'B-1', balance: 100 });
    expect((await api(emu.url, 'cancel_pay_m', { amt: '30', billno: 'B-1' })).body).toMatchObject({ ret: 0, balance: 100 });
    expect((await api(emu.url, 'cancel_pay_m', { amt: '30', billno: 'B-404' })).body).toMatchObject({ ret: 1001 });

    expect((await api(emu.url, 'present_m', { presenttimes: '5', billno: 'G-1' })).body).toMatchObject({ ret: 0, billno: 'G-1', balance: 105, gen_balance: 5 });
    expect((await api(emu.url, 'present_m', { presenttimes: '5', billno: 'G-1' })).body).toMatchObject({ ret: 0, balance: 105 });
    // gift coins are spent first
    expect((await api(emu.url, 'pay_m', { amt: '8', billno: 'B-3' })).body).toMatchObject({ ret: 0, balance: 97, gen_balance: 0, used_gen_amt: 5 });
    const bal = await (await fetch(`${emu.url}/_fbpay/balances?openid=OPENID0001&zoneid=1`)).json();
    expect(bal).toMatchObject({ balance: 97, gen_balance: 0, save_amt: 100 });
  });

  it('checks the documented parameters of each API, and the sig and cookies like buy_goods_m', async () => {
    expect((await api(emu.url, 'pay_m', { billno: 'X' })).body.msg).toContain('(amt)');
    expect((await api(emu.url, 'pay_m', { amt: '-1' })).body.msg).toContain('(amt)');
    expect((await api(emu.url, 'present_m', {})).body.msg).toContain('(presenttimes)');
    expect((await api(emu.url, 'cancel_pay_m', { amt: '1' })).body.msg).toContain('(billno)');
    expect((await api(emu.url, 'get_balance_m', {}, { appkey: 'wrong' })).body).toMatchObject({ ret: 1001 });
    expect((await api(emu.url, 'get_balance_m', {}, { cookies: 'org_loc=%2Fmpay%2Fget_balance_m' })).body).toMatchObject({ ret: 1018 });
  });
});
