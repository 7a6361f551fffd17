import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MIDAS_OK_REPLY } from '../../core/midas/reply.js';
import { findSampleReceiver } from './services.js';
import type { DemoEnv, DemoStep, StepRecorder } from './steps.js';

/**
 * The demo's Midas flow, on its own services: `fbpay mock midas` and the reference receiver
 * (examples/midas-receiver). An order on the emulator (`midas order --send`), paid with
 * `trigger midas-pay`, delivered as a signed callback, answered with the exact reply, the item
 * granted; then the same payment to a sloppy receiver shows the failed delivery and its reason.
 */

const APPID = '1450000000';
const APPKEY = 'fbpay-demo-midas_appkey';
const SLOPPY_REPLY = '{"ret": 0, "msg": "ok"}\n';

interface MidasReceiver {
  url: string;
  close(): Promise<void>;
  ledger: { toJSON(): { grants: Array<Record<string, string>>; inventory: Record<string, Record<string, number>> } };
}

export const midasFlow: DemoStep = {
  id: 'midas-flow',
  title: 'Midas: order on the emulator, pay, the signed delivery to the reference receiver',
  async run(env, rec) {
    const mod = (await import(pathToFileURL(findSampleReceiver(undefined, join('examples', 'midas-receiver', 'server.mjs'))).href)) as {
      startReceiver(o: { port: number; appkey: string; appid: string }): Promise<MidasReceiver>;
    };
    const { createMidasEmulator } = await import('../midas/emulator/provider.js');
    const { startEmulator } = await import('../emulator/server.js');
    const receiver = await mod.startReceiver({ port: 0, appkey: APPKEY, appid: APPID });
    const sloppy = await sloppyReceiver();
    const emu = await startEmulator(createMidasEmulator({ appid: APPID, appkey: APPKEY, deliverTo: `${receiver.url}/midas/deliver` }), { retrySchedule: [50, 100] }).catch(async (e) => {
      await Promise.allSettled([receiver.close(), sloppy.close()]);
      throw e;
    });
    try {
      rec.say(`Midas emulator ${emu.url} · reference receiver ${receiver.url}/midas/deliver (examples/midas-receiver)`, 'dim');
      const token = await order(env, rec, emu.url, 'PLAYER1');
      if (!token) return;
      const paid = await pay(env, rec, emu.url, token);
      const d = paid?.deliveries?.[0];
      rec.check(paid?.code === 0 && d?.ok === true, `the delivery to the reference receiver was not accepted: ${d?.reason ?? 'no delivery'}`);
      if (d) rec.say(`${d.ok ? '✓' : '✗'} delivery ${paid?.ids?.billno} → HTTP ${d.status} ${d.reply ?? ''}${d.ok ? ` (exactly ${MIDAS_OK_REPLY}: accepted)` : ` — ${d.reason}`}`, d.ok ? 'ok' : 'bad');
      const inv = receiver.ledger.toJSON().inventory.PLAYER1 ?? {};
      rec.check(inv.gold === 10, `the receiver did not grant the item (inventory ${JSON.stringify(inv)})`);
      rec.say(`receiver ledger: PLAYER1 now has gold × ${inv.gold ?? 0} (granted once for billno ${paid?.ids?.billno})`, inv.gold === 10 ? 'ok' : 'bad');

      rec.say(`now a sloppy receiver that answers ${JSON.stringify(SLOPPY_REPLY)}:`, 'plain');
      await fetch(`${emu.url}/_fbpay/apps`, { method: 'POST', body: JSON.stringify({ appid: APPID, deliver_to: sloppy.url }), signal: env.signal });
      const token2 = await order(env, rec, emu.url, 'PLAYER2');
      if (!token2) return;
      const bad = await pay(env, rec, emu.url, token2);
      const b = bad?.deliveries?.[0];
      rec.check(bad?.code === 1 && b?.ok === false && Boolean(b?.reason), `the sloppy reply was not refused with a reason (exit ${bad?.code}, ${b?.reason ?? 'no delivery'})`);
      if (b) rec.say(`✗ delivery not accepted after ${b.attempts} attempt(s): ${b.reason} — Midas retries it, and the player waits`, b.ok ? 'bad' : 'ok');
      Object.assign(rec.data, { emulator_url: emu.url, token, billno: paid?.ids?.billno, delivered: d?.ok ?? false, granted: inv, sloppy_reason: b?.reason ?? null, sloppy_attempts: b?.attempts ?? 0 });
    } finally {
      await Promise.allSettled([emu.close(), receiver.close(), sloppy.close()]);
    }
  },
};

async function order(env: DemoEnv, rec: StepRecorder, url: string, openid: string): Promise<string | undefined> {
  const argv = ['midas', 'order', '--appid', APPID, '--appkey', APPKEY, '--openid', openid, '--openkey', 'PAYTOKEN', '--pf', 'qq_m_qq-2001-android', '--pfkey', 'PFKEY', '--zoneid', '1', '--payitem', 'gold*10*10', '--goodsmeta', '金币*10 金币', '--goodsurl', 'https://example.com/gold.png', '--send', '--base-url', url];
  rec.cmd(argv.map((a, i) => (argv[i - 1] === '--appkey' ? '"$MIDAS_APPKEY"' : /^[\w./:@-]+$/.test(a) ? a : `'${a}'`)).join(' ').replace(/^/, 'fbpay '));
  const r = await env.cli(['--json', ...argv]);
  let token: string | undefined;
  try {
    token = (JSON.parse(r.stdout) as { response?: { token?: string } }).response?.token;
  } catch {
    /* reported below */
  }
  rec.check(r.code === 0 && Boolean(token), `buy_goods_m on the emulator failed (exit ${r.code}): ${r.stderr.split('\n')[0]}`);
  if (token) rec.say(`buy_goods_m → ret 0, token ${token} (payable for 5 minutes)`, 'ok');
  return token;
}

interface TriggerDoc {
  code: number;
  ids?: Record<string, string>;
  deliveries?: Array<{ ok: boolean; status: number | null; attempts: number; reason: string | null; reply?: string }>;
}

async function pay(env: DemoEnv, rec: StepRecorder, url: string, token: string): Promise<TriggerDoc | undefined> {
  rec.cmd(`fbpay trigger midas-pay --emulator ${url} --token ${token}`);
  const r = await env.cli(['trigger', 'midas-pay', '--emulator', url, '--token', token, '--json']);
  try {
    return { code: r.code, ...(JSON.parse(r.stdout) as Omit<TriggerDoc, 'code'>) };
  } catch {
    rec.check(false, `trigger midas-pay exited ${r.code}: ${r.stderr.split('\n')[0]}`);
    return undefined;
  }
}

/** Answers every callback with a reply a human would call fine: spaces, lowercase ok, a newline. */
async function sloppyReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(SLOPPY_REPLY));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/midas/deliver`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
