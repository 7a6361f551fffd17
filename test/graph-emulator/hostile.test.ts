import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../src/providers/graph/emulator/index.js';

/** Bad input never crashes the Graph emulator: every answer is 200 or a 4xx in the right envelope. */

let emu: GraphEmulator;
const APP_ID = '1000000000000066';
const TOKEN = `${APP_ID}|hostile-secret`;
beforeAll(async () => {
  emu = await startGraphEmulator({ appId: APP_ID, appSecret: 'hostile-secret' });
});
afterAll(() => emu?.close());

const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', '-1', '0', '1e309', 'NaN', '0.001', '99999999999999999999', '[', '{}', '%ZZ', 'actions,disputes', '__proto__'));

describe('hostile input', () => {
  it('trigger params: 200 or 400 with fbpay\'s envelope, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('fb-purchase', 'fb-charge', 'fb-refund', 'fb-chargeback', 'fb-chargeback-reversal', 'fb-decline', 'fb-dispute'), fc.dictionary(fc.constantFrom('payment', 'amount', 'currency', 'product', 'quantity', 'user', 'reason', 'user_comment'), text, { maxKeys: 4 }), async (event, params) => {
        const res = await fetch(`${emu.url}/_fbpay/trigger/${event}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
        const body = (await res.json()) as { error?: { code: string; message: string } };
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(typeof body.error?.message).toBe('string');
      }),
      { numRuns: 120 },
    );
  });
  it('subscriptions and paging params: 200 or 400 in Graph\'s envelope, never 5xx, nothing saved on error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('object', 'callback_url', 'fields', 'verify_token', 'limit', 'after', 'before'), text, { maxKeys: 5 }), async (params) => {
        const before = emu.state.subscriptions.length;
        const post = await fetch(`${emu.url}/${APP_ID}/subscriptions`, { method: 'POST', body: new URLSearchParams({ ...params, access_token: TOKEN }) });
        const doc = (await post.json()) as { error?: { code: number; type: string } };
        expect([200, 400]).toContain(post.status);
        if (post.status === 400) {
          expect(typeof doc.error?.code).toBe('number');
          expect(emu.state.subscriptions.length).toBe(before);
        }
        const list = await fetch(`${emu.url}/${APP_ID}/products?${new URLSearchParams(params)}`, { headers: { authorization: `OAuth ${TOKEN}` } });
        expect([200, 400]).toContain(list.status);
      }),
      { numRuns: 120 },
    );
  });
});
