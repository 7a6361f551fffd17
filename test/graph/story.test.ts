import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { runCli } from '../helpers/cli.js';
import { admin, APP_ID, APP_SECRET, APP_TOKEN, graphGet, graphPost, startEmu, startReceiver } from './helpers.js';
import type { GraphEmulator } from '../../src/providers/graph/emulator/server.js';
import { appsecretProof } from '../../src/core/facebook/appsecret-proof.js';

let emu: GraphEmulator;
let G: string[];
beforeAll(async () => {
  emu = await startEmu();
  G = ['--graph-url', emu.url];
});
afterAll(() => emu.close());
const APP = () => [...G, '--app-id', APP_ID, '--secret', APP_SECRET];

describe('the "second purchase fails" story, end to end over HTTP', () => {
  it('purchase → repurchase 1383001 → consume with app token refused (no request) → consume with user token → repurchase OK', async () => {
    const user = (await admin(emu.url, '/_fbpay/users')).json;
    expect(user.access_token).toMatch(/^EAA/);

    const first = await admin(emu.url, '/_fbpay/purchases', { access_token: user.access_token, product_id: 'coins_100', developer_payload: 'order-1' });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ product_id: 'coins_100', status: 'completed', developer_payload: 'order-1' });
    // The signed_request is signed with the app secret over the raw payload segment.
    const [sig, seg] = first.json.signed_request.split('.');
    expect(createHmac('sha256', APP_SECRET).update(seg).digest('base64url')).toBe(sig);
    expect(JSON.parse(Buffer.from(seg, 'base64url').toString())).toMatchObject({ purchase_token: first.json.purchase_token, payment_id: first.json.payment_id, app_id: APP_ID });

    const again = await admin(emu.url, '/_fbpay/purchases', { access_token: user.access_token, product_id: 'coins_100' });
    expect(again.status).toBe(400);
    expect(again.json.error.code).toBe(1383001);

    const listed = await runCli(['--json', 'purchases', ...G, '--access-token', user.access_token]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).purchases.map((p: any) => p.purchase_token)).toEqual([first.json.purchase_token]);

    const before = emu.state.requests.graph;
    const refused = await runCli(['consume', first.json.purchase_token, ...G, '--access-token', APP_TOKEN]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/USER access token/);
    expect(refused.stderr).toMatch(/FB\.getLoginStatus/);
    expect(emu.state.requests.graph).toBe(before); // refused before any request
    // same through the env variable
    const refusedEnv = await runCli(['consume', first.json.purchase_token, ...G], { env: { FB_ACCESS_TOKEN: APP_TOKEN } });
    expect(refusedEnv.code).toBe(2);
    expect(emu.state.requests.graph).toBe(before);

    const ok = await runCli(['--json', 'consume', first.json.purchase_token, ...G, '--access-token', user.access_token]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ success: true });

    const twice = await runCli(['consume', first.json.purchase_token, ...G, '--access-token', user.access_token]);
    expect(twice.code).toBe(3);
    expect(twice.stderr).toMatch(/Graph error 100 .*already been consumed.*fbtrace_id/);

    const rebuy = await admin(emu.url, '/_fbpay/purchases', { access_token: user.access_token, product_id: 'coins_100' });
    expect(rebuy.status).toBe(200);
  });

  it('the emulator answers an app token on consume with Graph error 100, like the real one', async () => {
    const user = (await admin(emu.url, '/_fbpay/users')).json;
    const p = (await admin(emu.url, '/_fbpay/purchases', { access_token: user.access_token, product_id: 'gems_500' })).json;
    const r = await graphPost(emu.url, `/v21.0/${p.purchase_token}/consume`, { access_token: APP_TOKEN });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 100, type: 'OAuthException' });
    expect(r.json.error.fbtrace_id).toBeTruthy();
    // another user's token cannot consume it either
    const other = (await admin(emu.url, '/_fbpay/users')).json;
    expect((await graphPost(emu.url, `/${p.purchase_token}/consume`, { access_token: other.access_token })).json.error.code).toBe(100);
  });

  it('purchases --consume-all consumes each and reports', async () => {
    const user = (await admin(emu.url, '/_fbpay/users')).json;
    for (const product_id of ['coins_100', 'gems_500']) await admin(emu.url, '/_fbpay/purchases', { access_token: user.access_token, product_id });
    const r = await runCli(['--json', 'purchases', ...G, '--access-token', user.access_token, '--consume-all']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.purchases).toHaveLength(2);
    expect(doc.consumed.every((c: any) => c.success)).toBe(true);
    const after = await runCli(['purchases', ...G, '--access-token', user.access_token]);
    expect(after.stdout).toMatch(/no unconsumed purchases/);
  });
});

describe('payment get: every verdict', () => {
  const cases: Array<[string, string]> = [
    ['fb-payment-charge', 'fulfil'],
    ['fb-payment-refund', 'revoke'],
    ['fb-payment-chargeback', 'revoke'],
    ['fb-payment-decline', 'revoke'],
    ['fb-payment-chargeback-reversal', 'restore'],
  ];
  it.each(cases)('%s → %s', async (fixture, action) => {
    const seeded = await admin(emu.url, '/_fbpay/payments', { fixture });
    expect(seeded.status).toBe(200);
    const r = await runCli(['--json', 'payment', 'get', seeded.json.id, ...APP()]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['payment', 'verdict']);
    expect(doc.payment.id).toBe(seeded.json.id);
    expect(doc.verdict.action).toBe(action);
    expect(typeof doc.verdict.reason).toBe('string');
  });
  it('initiated → wait, failed → none (seeded payment objects)', async () => {
    const wait = await admin(emu.url, '/_fbpay/payments', { id: '9000000000000001', actions: [{ type: 'charge', status: 'initiated', amount: '1.99', currency: 'USD' }] });
    const none = await admin(emu.url, '/_fbpay/payments', { actions: [{ type: 'charge', status: 'failed', amount: '1.99', currency: 'USD' }] });
    expect(wait.json.id).toBe('9000000000000001');
    expect(JSON.parse((await runCli(['--json', 'payment', 'get', wait.json.id, ...APP()])).stdout).verdict.action).toBe('wait');
    expect(JSON.parse((await runCli(['--json', 'payment', 'get', none.json.id, ...APP()])).stdout).verdict.action).toBe('none');
  });
  it('a pending dispute: table output says to respond with fbpay payment dispute', async () => {
    const seeded = await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-dispute' });
    const r = await runCli(['payment', 'get', seeded.json.id, ...APP(), '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/type\s+status\s+amount/);
    expect(r.stdout).toMatch(/verdict: fulfil/);
    expect(r.stdout).toMatch(/settle it with `fbpay payment dispute/);
  });
  it('unknown id → exit 3 with Graph code 100 and fbtrace_id', async () => {
    const r = await runCli(['--json', 'payment', 'get', '424242', ...APP()]);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.code).toBe('graph_100');
    expect(doc.error.message).toMatch(/fbtrace_id/);
    expect(doc.error.graph.fbtrace_id).toBeTruthy();
  });
  it('fields are honoured, paths work with and without a version', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    const a = await graphGet(emu.url, `/v21.0/${id}?fields=actions`, APP_TOKEN);
    expect(Object.keys(a.json).sort()).toEqual(['actions', 'id']);
    const b = await graphGet(emu.url, `/${id}?fields=id,refundable_amount{amount}`, APP_TOKEN);
    expect(Object.keys(b.json).sort()).toEqual(['id', 'refundable_amount']);
    expect((await graphGet(emu.url, `/${id}?fields=nope`, APP_TOKEN)).json.error.code).toBe(100);
    const r = await runCli(['--json', 'payment', 'get', id, ...APP(), '--graph-version', 'none', '--fields', 'id,actions']);
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout).payment).sort()).toEqual(['actions', 'id']);
  });
});

describe('refunds and disputes', () => {
  it('refund without --yes and no TTY → exit 2 before any request', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    const before = emu.state.requests.graph;
    const r = await runCli(['payment', 'refund', id, '--amount', '0.99', '--currency', 'USD', ...APP()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes/);
    expect(emu.state.requests.graph).toBe(before);
  });
  it('amount above refundable and currency mismatch are caught before the POST', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    const before = emu.state.requests.graph;
    const high = await runCli(['payment', 'refund', id, '--amount', '5.00', '--currency', 'USD', '--yes', ...APP()]);
    expect(high.code).toBe(2);
    expect(high.stderr).toMatch(/more than the refundable 0.99 USD; nothing was sent/);
    const cur = await runCli(['payment', 'refund', id, '--amount', '0.10', '--currency', 'EUR', '--yes', ...APP()]);
    expect(cur.code).toBe(2);
    expect(cur.stderr).toMatch(/currency EUR does not match/);
    expect(emu.state.requests.graph).toBe(before + 2); // only the two GETs
    expect((emu.state.payments.get(id)!.actions as unknown[]).length).toBe(1);
  });
  it('the emulator itself enforces refundable amount and currency', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    const high = await graphPost(emu.url, `/${id}/refunds`, { access_token: APP_TOKEN, amount: '1.00', currency: 'USD' });
    expect(high.json.error.code).toBe(100);
    const cur = await graphPost(emu.url, `/${id}/refunds`, { access_token: APP_TOKEN, amount: '0.10', currency: 'EUR' });
    expect(cur.json.error.message).toMatch(/currency/);
    const user = (await admin(emu.url, '/_fbpay/users')).json;
    expect((await graphPost(emu.url, `/${id}/refunds`, { access_token: user.access_token, amount: '0.10', currency: 'USD' })).json.error.message).toMatch(/app access token/);
  });
  it('partial refunds until nothing is left; verdict partial_refund, then revoke', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    const r1 = await runCli(['--json', 'payment', 'refund', id, '--amount', '0.49', '--currency', 'usd', '--reason', 'CUSTOMER_SERVICE', '--yes', ...APP()]);
    expect(r1.code).toBe(0);
    expect(JSON.parse(r1.stdout)).toMatchObject({ success: true, payment_id: id, amount: '0.49', currency: 'USD', reason: 'CUSTOMER_SERVICE' });
    const p = JSON.parse((await runCli(['--json', 'payment', 'get', id, ...APP()])).stdout);
    expect(p.payment.refundable_amount).toEqual({ currency: 'USD', amount: '0.50' });
    expect(p.verdict.action).toBe('partial_refund');
    const r2 = await runCli(['payment', 'refund', id, '--amount', '0.51', '--currency', 'USD', '--yes', ...APP()]);
    expect(r2.code).toBe(2);
    expect((await runCli(['payment', 'refund', id, '--amount', '0.50', '--currency', 'USD', '--yes', ...APP()])).code).toBe(0);
    expect(JSON.parse((await runCli(['--json', 'payment', 'get', id, ...APP()])).stdout).verdict.action).toBe('revoke');
  });
  it('bad --reason and malformed --amount are usage errors', async () => {
    expect((await runCli(['payment', 'refund', '1', '--amount', '1', '--currency', 'USD', '--reason', 'NOPE', '--yes', ...APP()])).code).toBe(2);
    expect((await runCli(['payment', 'refund', '1', '--amount', '1,5', '--currency', 'USD', '--yes', ...APP()])).code).toBe(2);
    expect((await runCli(['payment', 'refund', '1', '--amount', '0', '--currency', 'USD', '--yes', ...APP()])).code).toBe(2);
  });
  it('dispute: only for a disputed payment; settles it; needs --yes in CI', async () => {
    const plain = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    const none = await runCli(['payment', 'dispute', plain, '--reason', 'DENIED_REFUND', '--yes', ...APP()]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no pending dispute/);
    expect((await graphPost(emu.url, `/${plain}/dispute`, { access_token: APP_TOKEN, reason: 'DENIED_REFUND' })).json.error.code).toBe(100);

    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-dispute' })).json.id;
    expect((await runCli(['payment', 'dispute', id, '--reason', 'DENIED_REFUND', ...APP()])).code).toBe(2);
    const ok = await runCli(['--json', 'payment', 'dispute', id, '--reason', 'GRANTED_REPLACEMENT_ITEM', '--yes', ...APP()]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ success: true, payment_id: id, reason: 'GRANTED_REPLACEMENT_ITEM' });
    const p = JSON.parse((await runCli(['--json', 'payment', 'get', id, ...APP()])).stdout);
    expect(p.payment.disputes[0]).toMatchObject({ status: 'resolved', reason: 'granted_replacement_item' });
    expect(p.verdict.reason).not.toMatch(/dispute/);
    expect((await runCli(['payment', 'dispute', id, '--reason', 'BANNED_USER', ...APP()])).code).toBe(2);
  });
  it('admin actions and disputes update the payment and its verdict', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    const cb = await admin(emu.url, `/_fbpay/payments/${id}/actions`, { type: 'chargeback', status: 'completed' });
    expect(cb.json.refundable_amount.amount).toBe('0.00');
    expect(JSON.parse((await runCli(['--json', 'payment', 'get', id, ...APP()])).stdout).verdict.action).toBe('revoke');
    await admin(emu.url, `/_fbpay/payments/${id}/actions`, { type: 'chargeback_reversal', status: 'completed' });
    expect(JSON.parse((await runCli(['--json', 'payment', 'get', id, ...APP()])).stdout).verdict.action).toBe('restore');
    const d = await admin(emu.url, `/_fbpay/payments/${id}/disputes`, { user_comment: 'never arrived' });
    expect(d.json.disputes.at(-1)).toMatchObject({ status: 'pending', user_comment: 'never arrived' });
    expect((await admin(emu.url, `/_fbpay/payments/${id}/actions`, { type: 'bogus' })).status).toBe(400);
    expect((await admin(emu.url, `/_fbpay/payments/nope/actions`, { type: 'refund' })).json.error.code).toBe(100);
  });
});

describe('tokens and appsecret_proof', () => {
  it('unknown token → 190 (exit 3, hint); missing token → 104; wrong app secret → 190', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    const r = await runCli(['--json', 'payment', 'get', id, ...G, '--access-token', 'EAAnotatoken']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.code).toBe('graph_190');
    expect(doc.error.hint).toMatch(/token/);
    expect(r.stdout).not.toContain(APP_SECRET);
    expect((await graphGet(emu.url, `/${id}`)).json.error.code).toBe(104);
    const wrong = await runCli(['payment', 'get', id, ...G, '--app-id', APP_ID, '--secret', 'wrong-secret-xyz']);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/Graph error 190/);
    expect(wrong.stderr).not.toContain('wrong-secret-xyz');
  });
  it('--appsecret-proof is accepted when right and rejected (100) when computed with another secret', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    expect((await runCli(['payment', 'get', id, ...APP(), '--appsecret-proof'])).code).toBe(0);
    const user = (await admin(emu.url, '/_fbpay/users')).json;
    const bad = await runCli(['purchases', ...G, '--access-token', user.access_token, '--appsecret-proof', '--secret', 'not-the-secret']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/Graph error 100 .*appsecret_proof/);
    const good = await runCli(['purchases', ...G, '--access-token', user.access_token, '--appsecret-proof', '--secret', APP_SECRET]);
    expect(good.code).toBe(0);
    // raw: proof in the query of a GET, token in the header
    const raw = await graphGet(emu.url, `/${id}?appsecret_proof=${appsecretProof(APP_TOKEN, APP_SECRET)}`, APP_TOKEN);
    expect(raw.json.id).toBe(id);
  });
  it('the token never goes into the URL', async () => {
    const seen: string[] = [];
    const logged = await startEmu({ log: (l) => seen.push(l) });
    try {
      const id = (await admin(logged.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
      await runCli(['payment', 'get', id, '--graph-url', logged.url, '--app-id', APP_ID, '--secret', APP_SECRET, '--appsecret-proof']);
      const user = (await admin(logged.url, '/_fbpay/users')).json;
      await runCli(['purchases', '--graph-url', logged.url, '--access-token', user.access_token]);
      expect(seen.join('\n')).toMatch(/GET \/v21\.0\/\d+ → 200/);
      expect(seen.join('\n')).not.toContain(APP_SECRET);
      expect(seen.join('\n')).not.toContain(user.access_token);
    } finally {
      await logged.close();
    }
  });
});

describe('retries', () => {
  it('retries 5xx (fault switch) and succeeds; Retry-After honoured', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    await admin(emu.url, '/_fbpay/faults', { status: 500, count: 2, retry_after: '0' });
    const before = emu.state.requests.graph;
    const r = await runCli(['--json', 'payment', 'get', id, ...APP()]);
    expect(r.code).toBe(0);
    expect(emu.state.requests.graph - before).toBe(3);
    expect(r.stderr).toMatch(/HTTP 500.*retry 1/);
  });
  it.each([4, 17, 32, 613])('retries throttling code %i', async (code) => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    await admin(emu.url, '/_fbpay/faults', { status: 403, graph_code: code, count: 1, retry_after: '0' });
    const before = emu.state.requests.graph;
    expect((await runCli(['payment', 'get', id, ...APP()])).code).toBe(0);
    expect(emu.state.requests.graph - before).toBe(2);
  });
  it('gives up after --retries and reports the last Graph error (exit 3)', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    await admin(emu.url, '/_fbpay/faults', { status: 503, count: 5, retry_after: '0' });
    const before = emu.state.requests.graph;
    const r = await runCli(['payment', 'get', id, ...APP(), '--retries', '1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Graph error 2 .*HTTP 503/);
    expect(emu.state.requests.graph - before).toBe(2);
    await admin(emu.url, '/_fbpay/faults', {}, 'DELETE');
  });
  it('no retry on a plain 400', async () => {
    await admin(emu.url, '/_fbpay/faults', { status: 400, graph_code: 100, count: 3 });
    const before = emu.state.requests.graph;
    const r = await runCli(['payment', 'get', '1', ...APP()]);
    expect(r.code).toBe(3);
    expect(emu.state.requests.graph - before).toBe(1);
    await admin(emu.url, '/_fbpay/faults', {}, 'DELETE');
  });
  it('server down → exit 3 connection refused; slow server → exit 3 timeout', async () => {
    const down = await startEmu();
    const url = down.url;
    await down.close();
    const r = await runCli(['payment', 'get', '1', '--graph-url', url, '--app-id', APP_ID, '--secret', APP_SECRET]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/connection refused/);
    await admin(emu.url, '/_fbpay/faults', { status: 200, delay_ms: 1500, count: 1 });
    const slow = await runCli(['payment', 'get', '1', ...APP(), '--timeout', '300', '--retries', '0']);
    expect(slow.code).toBe(3);
    expect(slow.stderr).toMatch(/did not answer within 300 ms/);
    await admin(emu.url, '/_fbpay/faults', {}, 'DELETE');
  });
});
