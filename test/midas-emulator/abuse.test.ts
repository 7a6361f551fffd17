import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/providers/emulator/server.js';
import { startBin } from '../helpers/cli.js';
import { emulator, order, send } from './helpers.js';

/** Bad input never crashes the Midas emulator, and its appkey never shows in its output. */
describe('Midas emulator under abuse', () => {
  let emu: RunningEmulator;
  beforeAll(async () => ({ emu } = await emulator()));
  afterAll(() => emu.close());

  it('a body over 1 MiB gets 413 in the Midas envelope; odd methods, paths and cookies get a ret, never a crash', async () => {
    const big = await fetch(`${emu.url}/mpay/buy_goods_m`, { method: 'POST', body: 'a='.padEnd(2 * 1024 * 1024, 'x') });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ ret: 1001 });
    expect((await send(`${emu.url}/mpay/pay_m?${'a=1&'.repeat(1000)}`, 'x')).body.ret).toBe(1001);
    const put = await fetch(`${emu.url}/mpay/get_balance_m`, { method: 'PUT' });
    expect(await put.json()).toMatchObject({ ret: 1001 });
    const req = order(emu.url);
    for (const cookie of ['session_id', ';;;', 'org_loc=%E0%A4%A', `session_id=${'x'.repeat(4000)}`]) {
      expect((await send(req.url, cookie)).body.ret).not.toBe(0);
    }
    const bad = await fetch(`${emu.url}/_fbpay/balances`, { method: 'POST', body: '[1,2' });
    expect(bad.status).toBe(400);
    const neg = await fetch(`${emu.url}/_fbpay/balances`, { method: 'POST', body: JSON.stringify({ openid: 'o', zoneid: '1', save: -5 }) });
    expect(neg.status).toBe(400);
    // a request cut off mid-body
    await new Promise<void>((resolve) => {
      const r = request(`${emu.url}/mpay/buy_goods_m`, { method: 'POST', headers: { 'content-length': '1000' } });
      r.on('error', () => resolve());
      r.write('openid=1&');
      setTimeout(() => {
        r.destroy();
        resolve();
      }, 50);
    });
    expect((await fetch(`${emu.url}/_fbpay/info`)).status).toBe(200);
  });

  it('the binary never prints the appkey (banner, request log, stop summary)', async () => {
    const key = 'very-secret_midas-appkey-42';
    const p = startBin(['mock', 'midas', '--port', '0', '--verbose'], { env: { MIDAS_APPKEY: key } });
    const m = await p.waitFor(/listening on (http:\/\/\S+)/);
    await fetch(`${m[1]}/mpay/get_balance_m?appid=1450000000`);
    await p.waitFor(/get_balance_m/);
    expect(await p.stop('SIGINT')).toBe(130);
    expect(p.stdout + p.stderr).not.toContain(key);
    expect(p.stderr).toMatch(/stopped: \d+ request\(s\) served/);
  });
});
