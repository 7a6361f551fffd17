import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { midasVerify, parseMidasQuery } from '../../src/core/midas/signature.js';
import type { RunningEmulator } from '../../src/providers/emulator/server.js';
import type { MidasEmulatorProvider } from '../../src/providers/midas/emulator/provider.js';
import { runCli } from '../helpers/cli.js';
import { APPID, APPKEY, emulator, fixedReceiver, order, referenceReceiver, send, type RefReceiver } from './helpers.js';

/**
 * Payment and delivery: `fbpay trigger midas-pay|midas-present` against the emulator, the signed
 * callback to the reference receiver (examples/midas-receiver), and Midas' reply rule on sloppy ones.
 */
async function newToken(emu: RunningEmulator, over: Parameters<typeof order>[1] = {}): Promise<string> {
  const req = order(emu.url, over);
  const r = await send(req.url, req.cookie_header);
  expect(r.body.ret).toBe(0);
  return r.body.token as string;
}

describe('midas-pay and midas-present, delivered to the reference receiver', () => {
  let emu: RunningEmulator;
  let provider: MidasEmulatorProvider;
  let rcv: RefReceiver;
  let clock = Math.floor(Date.now() / 1000);
  beforeAll(async () => {
    rcv = await referenceReceiver();
    ({ emu, provider } = await emulator({ deliverTo: `${rcv.url}/midas/deliver`, now: () => clock }));
  });
  afterAll(async () => {
    await emu.close();
    await rcv.close();
  });

  it('fbpay trigger midas-pay pays the order, delivers a signed callback, the receiver grants it: exit 0', async () => {
    const token = await newToken(emu, { extra: { app_metadata: 'order-7' }, ts: clock });
    const r = await runCli(['trigger', 'midas-pay', '--emulator', emu.url, '--token', token, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ event: 'midas-pay', ids: { token, openid: 'OPENID0001' }, amt: '200', deliveries: [{ event_type: 'midas.deliver', ok: true, status: 200, attempts: 1, reason: null, reply: '{"ret":0,"msg":"OK"}' }] });
    const billno = doc.ids.billno as string;
    expect(billno).toMatch(/^-APPDJ/);
    const ledger = rcv.ledger.toJSON();
    expect(ledger.grants.find((g) => g.billno === billno)).toMatchObject({ openid: 'OPENID0001', payitem: 'gold*10*2', providetype: '0', amt: '200', token });
    expect(ledger.inventory.OPENID0001.gold).toBeGreaterThanOrEqual(2);
    const log = (await (await fetch(`${emu.url}/_fbpay/deliveries`)).json()) as { data: Array<{ url: string; method: string }> };
    const sent = new URL(log.data.at(-1)!.url);
    expect(log.data.at(-1)!.method).toBe('GET');
    const q = parseMidasQuery(sent.search);
    expect(q.params).toMatchObject({ appid: APPID, billno, token, version: 'v3', zoneid: '1', providetype: '0', amt: '200', appmeta: 'order-7*qdqb*qq', payitem: 'gold*10*2', openid: 'OPENID0001' });
    expect(midasVerify({ path: '/midas/deliver', params: q.params, sig: q.sig, appkey: APPKEY, now: clock, rules: ['callback'] }).valid).toBe(true);
  });

  it('a token pays once, an unknown token and an expired one (5 minutes) are refused with exit 2', async () => {
    const token = await newToken(emu, { ts: clock });
    expect((await runCli(['trigger', 'midas-pay', '--emulator', emu.url, `token=${token}`])).code).toBe(0);
    const twice = await runCli(['trigger', 'midas-pay', '--emulator', emu.url, '--token', token]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('already paid');
    const unknown = await runCli(['trigger', 'midas-pay', '--emulator', emu.url, '--token', 'NOPE']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no buy_goods_m order has token NOPE');
    const late = await newToken(emu, { ts: clock });
    clock += 301;
    try {
      const r = await runCli(['trigger', 'midas-pay', '--emulator', emu.url, '--token', late]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/expired 1 s ago \(tokens live 300 s\)/);
      expect(provider.state.orders.get(late)!.billno).toBeUndefined();
    } finally {
      clock -= 301;
    }
  });

  it('fbpay trigger midas-present delivers a gift (providetype 1 or 2, amt 0), granted without payment', async () => {
    const r = await runCli(['trigger', 'midas-present', '--emulator', emu.url, '--openid', 'GIFTEE', '--zoneid', '2', '--payitem', 'gem*1*3', '--providetype', '2', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ event: 'midas-present', providetype: '2', amt: '0', deliveries: [{ ok: true, event_type: 'midas.present' }] });
    expect(rcv.ledger.toJSON().grants.find((g) => g.billno === doc.ids.billno)).toMatchObject({ openid: 'GIFTEE', zoneid: '2', providetype: '2', amt: '0' });
    const one = await runCli(['trigger', 'midas-present', '--emulator', emu.url, 'openid=G2', 'zoneid=1', 'payitem=gem*1*1']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('providetype: 1');
    for (const bad of [['openid=G', 'zoneid=1'], ['openid=G', 'zoneid=1', 'payitem=gem*1*1', 'providetype=0'], ['openid=G', 'zoneid=1', 'payitem=gem']]) {
      const b = await runCli(['trigger', 'midas-present', '--emulator', emu.url, ...bad]);
      expect(b.code, bad.join(' ')).toBe(2);
    }
  });

  it('fbpay midas order --send --base-url <emulator> gets a token that midas-pay accepts', async () => {
    const o = await runCli([
      '--json', 'midas', 'order', '--appid', APPID, '--appkey', APPKEY, '--openid', 'CLI1', '--openkey', 'K', '--pf', 'qq_m_qq-2001-android', '--pfkey', 'P', '--zoneid', '1',
      '--payitem', 'gold*10*1', '--goodsmeta', '金币*10 金币', '--goodsurl', 'https://example.com/g.png', '--login', 'wx', '--now', String(clock), '--send', '--base-url', emu.url,
    ]);
    expect(o.code).toBe(0);
    const token = JSON.parse(o.stdout).response.token as string;
    const r = await runCli(['trigger', 'midas-pay', '--emulator', emu.url, '--token', token, '--json']);
    expect(r.code).toBe(0);
    expect(provider.state.orders.get(token)!.login).toBe('wx');
    // without --json it says how to pay the token on the emulator, and that line runs
    const human = await runCli([
      'midas', 'order', '--appid', APPID, '--appkey', APPKEY, '--openid', 'CLI2', '--openkey', 'K', '--pf', 'qq_m_qq-2001-android', '--pfkey', 'P', '--zoneid', '1',
      '--payitem', 'gold*10*1', '--goodsmeta', 'g*d', '--goodsurl', 'https://example.com/g.png', '--now', String(clock), '--send', '--base-url', emu.url,
    ]);
    expect(human.code).toBe(0);
    const line = /fbpay (trigger midas-pay .*)$/m.exec(human.stderr)![1];
    expect((await runCli(line.split(' '))).code).toBe(0);
  });
});

describe('Midas reply rule: anything but the exact reply within 2 s is a failed, retried delivery', () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['spaces', '{"ret": 0, "msg": "OK"}', 0, /whitespace/],
    ['lowercase ok', '{"ret":0,"msg":"ok"}', 0, /msg must be "OK"/],
    ['extra field', '{"ret":0,"msg":"OK","billno":"x"}', 0, /exactly/],
    ['a newline', '{"ret":0,"msg":"OK"}\n', 0, /whitespace/],
    ['ret 1', '{"ret":1,"msg":"busy"}', 0, /ret 1/],
    ['late (2.3 s)', '{"ret":0,"msg":"OK"}', 2300, /did not answer within 2000 ms/],
  ];
  it.each(cases)('%s → not accepted, retried on the schedule, reason recorded; trigger exits 1', async (_name, reply, delay, reason) => {
    const rcv = await fixedReceiver(reply, delay);
    const { emu } = await emulator({ deliverTo: rcv.url, schedule: [10] });
    try {
      const token = await newToken(emu);
      const r = await runCli(['trigger', 'midas-pay', '--emulator', emu.url, '--token', token, '--json']);
      expect(r.code).toBe(1);
      const d = JSON.parse(r.stdout).deliveries[0];
      expect(d).toMatchObject({ ok: false, attempts: 2 });
      expect(d.reason).toMatch(reason);
      await new Promise((res) => setTimeout(res, delay ? delay + 100 : 0));
      expect(rcv.hits).toHaveLength(2);
      expect(new Set(rcv.hits).size).toBe(1); // the same signed URL on every attempt
    } finally {
      await emu.close();
      await rcv.close();
    }
  });

  it('a failing receiver that recovers: the retry is accepted', async () => {
    let n = 0;
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.end(++n === 1 ? 'error' : '{"ret":0,"msg":"OK"}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { emu } = await emulator({ deliverTo: `http://127.0.0.1:${(server.address() as { port: number }).port}/cb`, schedule: [10, 10] });
    try {
      const r = await runCli(['trigger', 'midas-pay', '--emulator', emu.url, '--token', await newToken(emu), '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).deliveries[0]).toMatchObject({ ok: true, attempts: 2 });
    } finally {
      await emu.close();
      server.close();
    }
  });

  it('no delivery URL: midas-pay refuses before paying (exit 2), and POST /_fbpay/apps sets one', async () => {
    const rcv = await fixedReceiver('{"ret":0,"msg":"OK"}');
    const { emu, provider } = await emulator();
    try {
      const token = await newToken(emu);
      const r = await runCli(['trigger', 'midas-pay', '--emulator', emu.url, '--token', token]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('has no delivery URL');
      expect(provider.state.orders.get(token)!.billno).toBeUndefined();
      const set = await fetch(`${emu.url}/_fbpay/apps`, { method: 'POST', body: JSON.stringify({ appid: APPID, deliver_to: rcv.url }) });
      expect(await set.json()).toMatchObject({ appid: APPID, deliver_to: rcv.url });
      expect((await runCli(['trigger', 'midas-pay', '--emulator', emu.url, '--token', token])).code).toBe(0);
      const o = (await (await fetch(`${emu.url}/_fbpay/orders/${token}`)).json()) as { paid: boolean };
      expect(o.paid).toBe(true);
    } finally {
      await emu.close();
      await rcv.close();
    }
  });
});
