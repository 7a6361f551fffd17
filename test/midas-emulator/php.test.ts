import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/providers/emulator/server.js';
import type { MidasEmulatorProvider } from '../../src/providers/midas/emulator/provider.js';
import { runCli } from '../helpers/cli.js';
import { PHP, startPhp } from '../helpers/php.js';
import { APPID, APPKEY, emulator } from './helpers.js';

/**
 * Independent PHP (php -S) on both sides of the emulator: it signs buy_goods_m the way Tencent's
 * YSDK PHP SDK does (POST and GET, /mpay path, sig over /v3/r/mpay, strtr key, session cookies),
 * and verifies the emulator's delivery callbacks with SnsSigCheck's callback rule over $_GET.
 */
describe.skipIf(!PHP)('Midas emulator ↔ PHP signed the SDK way', () => {
  const dir = fileURLToPath(new URL('./php/', import.meta.url));
  const log = join(mkdtempSync(join(tmpdir(), 'fbpay-midas-php-')), 'deliveries.ndjson');
  let php: Awaited<ReturnType<typeof startPhp>>;
  let emu: RunningEmulator;
  let provider: MidasEmulatorProvider;

  beforeAll(async () => {
    writeFileSync(log, '');
    php = await startPhp(dir, 'router.php', { MIDAS_APPKEY: APPKEY, MIDAS_LOG: log });
    ({ emu, provider } = await emulator({ deliverTo: `${php.url}/midas/deliver`, schedule: [] }));
  });
  afterAll(async () => {
    await emu.close();
    await php.stop();
  });

  const phpOrder = async (q: Record<string, string>) => {
    const qs = new URLSearchParams({ base: emu.url, appid: APPID, openid: 'PHPUSER', payitem: 'gold*10*1', goodsmeta: '金币*10 金币', ...q });
    return (await (await fetch(`${php.url}/order?${qs}`)).json()) as { ret: number; msg?: string; token?: string };
  };

  it.each(['post', 'get'])('a buy_goods_m request signed by PHP (%s, key with - and _) gets a token', async (method) => {
    const r = await phpOrder({ method, app_metadata: 'php~meta' });
    expect(r).toMatchObject({ ret: 0 });
    expect(provider.state.orders.get(r.token!)).toMatchObject({ openid: 'PHPUSER', app_metadata: 'php~meta', login: 'qq' });
    expect((await phpOrder({ method, login: 'wx' })).ret).toBe(0);
  });

  it('PHP signing with another key is refused with ret 1001 naming sig', async () => {
    const r = await phpOrder({ key: 'not-the-key' });
    expect(r.ret).toBe(1001);
    expect(r.msg).toContain('(sig)');
  });

  it('the emulator\'s delivery callback verifies in PHP with the callback rule; trigger exits 0', async () => {
    const { token } = await phpOrder({ app_metadata: 'order-9' });
    const r = await runCli(['trigger', 'midas-pay', '--emulator', emu.url, '--token', token!, '--json']);
    expect(r.code).toBe(0);
    const entries = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; params: Record<string, string> });
    expect(entries.at(-1)).toMatchObject({ ok: true, params: { token, openid: 'PHPUSER', appmeta: 'order-9*qdqb*qq', providetype: '0', amt: '100' } });
    expect(entries.at(-1)!.params.billno).toMatch(/^-APPDJ/);
    const gift = await runCli(['trigger', 'midas-present', '--emulator', emu.url, '--openid', 'PHPUSER', '--zoneid', '1', '--payitem', 'gem*1*1']);
    expect(gift.code).toBe(0);
    expect(JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1)!)).toMatchObject({ ok: true, params: { providetype: '1', amt: '0' } });
  });

  it('a PHP receiver with the wrong appkey refuses the callback: the delivery fails (exit 1) with ret 4', async () => {
    const wrong = await startPhp(dir, 'router.php', { MIDAS_APPKEY: 'other-key', MIDAS_LOG: log });
    const { emu: e2 } = await emulator({ deliverTo: `${wrong.url}/midas/deliver`, schedule: [] });
    try {
      const t = (await (await fetch(`${wrong.url}/order?${new URLSearchParams({ base: e2.url, appid: APPID, openid: 'P2', payitem: 'gold*10*1', goodsmeta: 'g*d', key: APPKEY })}`)).json()) as { token: string };
      const r = await runCli(['trigger', 'midas-pay', '--emulator', e2.url, '--token', t.token, '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).deliveries[0].reason).toMatch(/ret 4/);
    } finally {
      await e2.close();
      await wrong.stop();
    }
  });
});
