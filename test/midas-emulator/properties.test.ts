import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valueBytes } from '../../src/core/midas/encoding.js';
import { encodeMidasQuery, midasSign, type MidasParams } from '../../src/core/midas/signature.js';
import type { RunningEmulator } from '../../src/providers/emulator/server.js';
import { APPID, APPKEY, emulator, QQ_COOKIES, send } from './helpers.js';

/**
 * Properties over real HTTP: whatever parameters fbpay's signer signs, the emulator accepts (its
 * check is the same SnsSigCheck rule); and any one-byte change to a signed request is refused.
 */
const base = (): MidasParams => ({ openid: 'OPENID0001', openkey: 'K', appid: APPID, ts: String(Math.floor(Date.now() / 1000)), pf: 'qq_m_qq', pfkey: 'P', zoneid: '1' });

const extras = fc.dictionary(fc.stringMatching(/^x[a-z0-9_.~-]{0,8}$/), fc.string({ unit: 'binary', maxLength: 24 }), { maxKeys: 5 });
const method = fc.constantFrom<'GET' | 'POST'>('GET', 'POST');
const family = fc.constantFrom('/v3/r/mpay/get_balance_m', '/mpay/get_balance_m');

function signed(extra: MidasParams, m: 'GET' | 'POST'): MidasParams {
  const params = { ...base(), ...extra };
  return { ...params, sig: midasSign({ method: m, path: '/v3/r/mpay/get_balance_m', params, appkey: APPKEY }).sig };
}

function call(url: string, path: string, m: 'GET' | 'POST', query: string) {
  return m === 'GET' ? send(`${url}${path}?${query}`, QQ_COOKIES('get_balance_m')) : send(`${url}${path}`, QQ_COOKIES('get_balance_m'), 'POST', query);
}

describe('Midas emulator properties', () => {
  let emu: RunningEmulator;
  beforeAll(async () => ({ emu } = await emulator()));
  afterAll(() => emu.close());

  it('any parameter set signed by fbpay (unicode values, "~", "-", ".", GET or POST, either path) is accepted', async () => {
    await fc.assert(
      fc.asyncProperty(extras, method, family, async (extra, m, path) => {
        const r = await call(emu.url, path, m, encodeMidasQuery(signed(extra, m)));
        expect(r.body).toMatchObject({ ret: 0 });
      }),
      { numRuns: 120 },
    );
  });

  it('any one-byte change to a signed request (a name, a value or the sig) is refused', async () => {
    const entries = (extra: MidasParams, m: 'GET' | 'POST') => Object.entries(signed(extra, m)).map(([k, v]) => [valueBytes(k), valueBytes(v)] as [Buffer, Buffer]);
    const pct = (b: Buffer) => [...b].map((x) => '%' + x.toString(16).toUpperCase().padStart(2, '0')).join('');
    await fc.assert(
      fc.asyncProperty(extras, method, family, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), async (extra, m, path, which, at, delta, inKey) => {
        const list = entries(extra, m);
        const [k, v] = list[which % list.length];
        const target = inKey || v.length === 0 ? k : v;
        const i = at % target.length;
        target[i] = (target[i] + delta) % 256;
        const query = list.map(([kk, vv]) => `${pct(kk)}=${pct(vv)}`).join('&');
        const r = await call(emu.url, path, m, query);
        expect(r.body.ret).not.toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
