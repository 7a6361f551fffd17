import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../src/providers/graph/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { nodeReceiver } from './receivers.js';

/**
 * Every Facebook trigger event end to end: `fbpay trigger fb-…` against the emulator, whose
 * payments update reaches a subscribed receiver (handshake made at start), and whose state change
 * is what Graph then answers for the payment.
 */

const APP_ID = '1000000000000088';
const SECRET = 'trigger-test-secret';
const TOKEN = 'trigger-verify';
const creds = () => ['--graph-url', emu.url, '--app-id', APP_ID, '--secret', SECRET];

let emu: GraphEmulator;
let rx: Awaited<ReturnType<typeof nodeReceiver>>;

beforeAll(async () => {
  rx = await nodeReceiver({ verifyToken: TOKEN, secret: SECRET });
  emu = await startGraphEmulator({ appId: APP_ID, appSecret: SECRET, subscribe: { callbackUrl: rx.url, verifyToken: TOKEN } });
});
afterAll(async () => {
  await emu?.close();
  await rx?.close();
});

async function trigger(event: string, ...params: string[]) {
  const r = await runCli(['--json', 'trigger', event, '--emulator', emu.url, ...params]);
  return { ...r, text: r.stdout + r.stderr, doc: r.code === 0 || r.code === 1 ? JSON.parse(r.stdout) : undefined };
}

async function payment(id: string) {
  const r = await runCli(['--json', 'payment', 'get', id, ...creds()]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { payment: { actions: Array<{ type: string; amount: string }>; disputes?: unknown[]; refundable_amount: { amount: string } }; verdict: { action: string } };
}

function lastUpdate() {
  return rx.updates.at(-1)!.body as { object: string; entry: Array<{ id: string; changed_fields: string[] }> };
}

describe('fbpay trigger (facebook events)', () => {
  it('fb-purchase: a user, a Payments Lite purchase and its update; prints the tokens and a signed_request that verifies', async () => {
    const r = await trigger('fb-purchase', 'product=gems_500', 'developer_payload=order-7');
    expect(r.code, r.stderr).toBe(0);
    const { ids, user_access_token, signed_request, deliveries } = r.doc;
    expect(ids).toMatchObject({ user: expect.stringMatching(/^\d{15}$/), payment: expect.stringMatching(/^\d{16}$/), purchase_token: expect.stringMatching(/^\d{16}$/), product: 'gems_500' });
    expect(deliveries).toEqual([expect.objectContaining({ event_type: 'payments.actions', ok: true, status: 200 })]);
    expect(lastUpdate().entry[0]).toMatchObject({ id: ids.payment, changed_fields: ['actions'] });
    const decoded = await runCli(['--json', 'decode', signed_request, '--secret', SECRET]);
    expect(decoded.code, decoded.stdout).toBe(0);
    expect(decoded.stdout).toContain(ids.purchase_token);
    expect(decoded.stdout).toContain('order-7');
    const held = await runCli(['--json', 'purchases', '--graph-url', emu.url, '--access-token', user_access_token]);
    expect(JSON.parse(held.stdout).purchases.map((p: { purchase_token: string }) => p.purchase_token)).toEqual([ids.purchase_token]);
    // The same user buying the same product again: 1383001, as on Facebook (bad input to the trigger: exit 2).
    const again = await trigger('fb-purchase', 'product=gems_500', `user=${user_access_token}`);
    expect(again.code).toBe(2);
    expect(again.text).toContain('unconsumed purchase');
  });

  it('fb-charge: a fresh completed charge the receiver is told about (verdict fulfil)', async () => {
    const r = await trigger('fb-charge', 'amount=4.99', 'currency=eur');
    expect(r.code).toBe(0);
    const p = await payment(r.doc.ids.payment);
    expect(p.payment.actions.map((a) => [a.type, a.amount])).toEqual([['charge', '4.99']]);
    expect(p.verdict.action).toBe('fulfil');
    expect(lastUpdate().entry[0].id).toBe(r.doc.ids.payment);
  });

  it('fb-refund: full by default, partial with amount=, refused past the refundable amount', async () => {
    const full = await trigger('fb-refund');
    expect(full.code).toBe(0);
    expect(full.doc.ids.fresh_payment).toBe(true);
    expect((await payment(full.doc.ids.payment)).payment.refundable_amount.amount).toBe('0.00');
    const charged = (await trigger('fb-charge', 'amount=2.00')).doc.ids.payment;
    const partial = await trigger('fb-refund', `payment=${charged}`, 'amount=0.50');
    expect(partial.code).toBe(0);
    expect(partial.doc.ids).toEqual({ payment: charged });
    expect((await payment(charged)).payment.refundable_amount.amount).toBe('1.50');
    const before = rx.updates.length;
    const over = await trigger('fb-refund', `payment=${charged}`, 'amount=9.00');
    expect(over.code).toBe(2);
    expect(over.text).toContain('more than the refundable amount 1.50');
    expect(rx.updates.length).toBe(before);
  });

  it('fb-chargeback and fb-chargeback-reversal (verdicts revoke, then restore)', async () => {
    const cb = await trigger('fb-chargeback');
    expect(cb.code).toBe(0);
    const id = cb.doc.ids.payment;
    expect((await payment(id)).verdict.action).toBe('revoke');
    const rev = await trigger('fb-chargeback-reversal', `payment=${id}`);
    expect(rev.code).toBe(0);
    const p = await payment(id);
    expect(p.payment.actions.map((a) => a.type)).toEqual(['charge', 'chargeback', 'chargeback_reversal']);
    expect(p.verdict.action).toBe('restore');
    const fresh = await trigger('fb-chargeback-reversal');
    expect((await payment(fresh.doc.ids.payment)).payment.actions.map((a) => a.type)).toEqual(['charge', 'chargeback', 'chargeback_reversal']);
    const plain = (await trigger('fb-charge')).doc.ids.payment;
    const refused = await trigger('fb-chargeback-reversal', `payment=${plain}`);
    expect(refused.code).toBe(2);
    expect(refused.text).toContain('no completed chargeback');
  });

  it('fb-decline: the charge is declined (verdict revoke)', async () => {
    const r = await trigger('fb-decline');
    expect(r.code).toBe(0);
    const p = await payment(r.doc.ids.payment);
    expect(p.payment.actions.at(-1)!.type).toBe('decline');
    expect(p.verdict.action).toBe('revoke');
  });

  it('fb-dispute on payment=<id> or a fresh payment: a disputes update', async () => {
    const charged = (await trigger('fb-charge')).doc.ids.payment;
    const r = await trigger('fb-dispute', `payment=${charged}`, 'user_comment=never arrived');
    expect(r.code).toBe(0);
    expect(lastUpdate().entry[0]).toMatchObject({ id: charged, changed_fields: ['disputes'] });
    expect((await payment(charged)).payment.disputes).toEqual([expect.objectContaining({ status: 'pending', user_comment: 'never arrived' })]);
    const fresh = await trigger('fb-dispute');
    expect(fresh.code).toBe(0);
    expect(fresh.doc.ids.fresh_payment).toBe(true);
  });

  it('an unknown payment id is bad input (exit 2), and the human output names ids and deliveries', async () => {
    const r = await trigger('fb-chargeback', 'payment=404');
    expect(r.code).toBe(2);
    expect(r.text).toContain('the emulator has no payment 404');
    const human = await runCli(['trigger', 'fb-charge', '--emulator', emu.url]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/payment: \d{16}/);
    expect(human.stdout).toContain(rx.url);
  });
});
