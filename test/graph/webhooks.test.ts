import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { runCli } from '../helpers/cli.js';
import { builtinFixturesDir } from '../../src/providers/fixtures.js';
import { admin, APP_ID, APP_SECRET, APP_TOKEN, graphGet, graphPost, startEmu, startReceiver, type Received } from './helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function expectSigned(r: Received, secret = APP_SECRET) {
  expect(r.headers['x-hub-signature-256']).toBe('sha256=' + createHmac('sha256', secret).update(r.body).digest('hex'));
  expect(r.headers['x-hub-signature']).toBe('sha1=' + createHmac('sha1', secret).update(r.body).digest('hex'));
}

describe('webhooks on change', () => {
  it('every action or dispute change sends a signed payments webhook to --webhook-url', async () => {
    const rx = await startReceiver();
    cleanups.push(rx.close);
    const emu = await startEmu({ webhookUrl: rx.url + '/webhook' });
    cleanups.push(emu.close);
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    expect(emu.state.webhooks).toHaveLength(0); // seeding is not a change users see
    await admin(emu.url, `/_fbpay/payments/${id}/disputes`, {});
    const ok = await runCli(['payment', 'refund', id, '--amount', '0.99', '--currency', 'USD', '--yes', '--graph-url', emu.url, '--app-id', APP_ID, '--secret', APP_SECRET]);
    expect(ok.code).toBe(0);
    await graphPost(emu.url, `/${id}/dispute`, { access_token: APP_TOKEN, reason: 'DENIED_REFUND' });
    const got = await rx.waitFor(3);
    await emu.idle();
    const bodies = got.map((r) => JSON.parse(r.body.toString()));
    expect(bodies.map((b) => b.entry[0].changed_fields[0]).sort()).toEqual(['actions', 'disputes', 'disputes']);
    for (const [i, r] of got.entries()) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/webhook');
      expect(bodies[i]).toMatchObject({ object: 'payments', entry: [{ id }] });
      expectSigned(r);
    }
    // the receiver's lookup finds the payment and its verdict
    const look = await runCli(['--json', 'payment', 'get', bodies[0].entry[0].id, '--graph-url', emu.url, '--app-id', APP_ID, '--secret', APP_SECRET]);
    expect(JSON.parse(look.stdout).verdict.action).toBe('revoke');
    expect(emu.state.webhooks.every((w) => w.status === 200)).toBe(true);
  });

  it('a purchase sends the charge webhook; a receiver that is down is logged, not fatal', async () => {
    const rx = await startReceiver();
    const deadUrl = rx.url;
    await rx.close();
    const emu = await startEmu({ webhookUrl: deadUrl });
    cleanups.push(emu.close);
    const user = (await admin(emu.url, '/_fbpay/users')).json;
    expect((await admin(emu.url, '/_fbpay/purchases', { access_token: user.access_token, product_id: 'coins_100' })).status).toBe(200);
    await emu.idle();
    expect(emu.state.webhooks[0].error).toMatch(/refused/);
  });
});

describe('subscriptions', () => {
  it('POST performs the hub.challenge handshake first, then changes go to callback_url', async () => {
    const rx = await startReceiver({ verifyToken: 'vt-123' });
    cleanups.push(rx.close);
    const emu = await startEmu();
    cleanups.push(emu.close);
    const sub = await graphPost(emu.url, `/v21.0/${APP_ID}/subscriptions`, { access_token: APP_TOKEN, object: 'payments', callback_url: rx.url + '/cb', fields: 'actions,disputes', verify_token: 'vt-123' });
    expect(sub.json).toEqual({ success: true });
    const hs = new URL(rx.received[0].url, 'http://x');
    expect(hs.searchParams.get('hub.mode')).toBe('subscribe');
    expect(hs.searchParams.get('hub.verify_token')).toBe('vt-123');
    const list = await graphGet(emu.url, `/${APP_ID}/subscriptions`, APP_TOKEN);
    expect(list.json.data[0]).toMatchObject({ object: 'payments', callback_url: rx.url + '/cb', active: true });
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    await admin(emu.url, `/_fbpay/payments/${id}/actions`, { type: 'refund', status: 'completed' });
    const got = await rx.waitFor(2);
    expect(got[1].url).toBe('/cb');
    expectSigned(got[1]);
  });
  it('a wrong verify token (2200) or a callback that does not echo the challenge (2201, as Facebook answers) → nothing saved', async () => {
    const rx = await startReceiver({ verifyToken: 'right' });
    cleanups.push(rx.close);
    const echoWrong = await startReceiver({ challengeReply: () => 'nope' });
    cleanups.push(echoWrong.close);
    const emu = await startEmu();
    cleanups.push(emu.close);
    const bad = await graphPost(emu.url, `/${APP_ID}/subscriptions`, { access_token: APP_TOKEN, object: 'payments', callback_url: rx.url, fields: 'actions', verify_token: 'wrong' });
    expect(bad.json.error.code).toBe(2200);
    const bad2 = await graphPost(emu.url, `/${APP_ID}/subscriptions`, { access_token: APP_TOKEN, object: 'payments', callback_url: echoWrong.url, fields: 'actions' });
    expect(bad2.json.error.code).toBe(2201);
    expect(emu.state.subscriptions).toHaveLength(0);
    const user = (await admin(emu.url, '/_fbpay/users')).json;
    expect((await graphPost(emu.url, `/${APP_ID}/subscriptions`, { access_token: user.access_token, object: 'payments', callback_url: rx.url })).json.error.code).toBe(100);
    expect((await graphPost(emu.url, `/${APP_ID}/subscriptions`, { access_token: APP_TOKEN, object: 'payments', callback_url: 'http://example.com/cb' })).json.error.code).toBe(100);
  });
  it('products are listed for the app', async () => {
    const emu = await startEmu();
    cleanups.push(emu.close);
    const r = await graphGet(emu.url, `/v21.0/${APP_ID}/products`, APP_TOKEN);
    expect(r.json.data.map((p: any) => p.product_id)).toContain('coins_100');
  });
});

describe('seeding', () => {
  it('--seed with the built-in facebook fixtures loads one payment per payment fixture', async () => {
    const emu = await startEmu({ seedDir: join(builtinFixturesDir(), 'facebook') });
    cleanups.push(emu.close);
    const kinds = [...emu.state.payments.values()].map((p) => (p.actions as Array<{ type: string }>).at(-1)!.type).sort();
    expect(kinds).toEqual(expect.arrayContaining(['charge', 'chargeback', 'chargeback_reversal', 'decline', 'refund']));
  });
  it('--seed loads every fixture with a payment; {"fixture": name} seeds one; unknown fixture → 400', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-seed-'));
    writeFileSync(
      join(dir, 'mine.json'),
      JSON.stringify({ name: 'my-payment', provider: 'facebook', kind: 'payments-update', body: {}, payment: { id: '777', actions: [{ type: 'charge', status: 'completed', amount: '2.00', currency: 'EUR' }] } }),
    );
    const emu = await startEmu({ seedDir: dir });
    cleanups.push(emu.close);
    const p = await graphGet(emu.url, '/777', APP_TOKEN);
    expect(p.json.refundable_amount).toEqual({ currency: 'EUR', amount: '2.00' });
    expect((await admin(emu.url, '/_fbpay/payments', { fixture: 'no-such-fixture' })).status).toBe(400);
    expect((await admin(emu.url, '/_fbpay/payments', { actions: 'nope' })).json.error.code).toBe(100);
    expect((await admin(emu.url, '/_fbpay/nothing', {})).status).toBe(404);
  });
});
