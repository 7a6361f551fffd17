import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appsecretProof } from '../../src/core/facebook/appsecret-proof.js';
import { startGraphEmulator, type GraphEmulator } from '../../src/providers/graph/emulator/index.js';

/**
 * The Graph emulator's access-token and appsecret_proof checks over real HTTP on 127.0.0.1: who a
 * token is (app or user), and the error code and message a client reads for a missing, forged or
 * unknown token and for a wrong proof.
 */

const APP_ID = '1000000000000077';
const SECRET = 'auth-test-secret';
const APP_TOKEN = `${APP_ID}|${SECRET}`;
let emu: GraphEmulator;
let userToken: string;
beforeAll(async () => {
  emu = await startGraphEmulator({ appId: APP_ID, appSecret: SECRET });
  const r = await fetch(`${emu.url}/_fbpay/users`, { method: 'POST' });
  userToken = ((await r.json()) as { access_token: string }).access_token;
});
afterAll(() => emu?.close());

async function get(path: string, params: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${emu.url}${path}?${new URLSearchParams(params)}`, { headers });
  return { status: res.status, body: (await res.json()) as { error?: { code: number; type: string; message: string }; data?: unknown[] } };
}
const err = (code: number, message: string, type = 'OAuthException') => ({ status: 400, body: { error: expect.objectContaining({ code, message, type }) } });

describe('Graph emulator: access tokens', () => {
  it('refuses a request without a token: 104', async () => {
    expect(await get(`/${APP_ID}/products`)).toEqual(err(104, 'An access token is required to request this resource.'));
    expect(await get(`/${APP_ID}/products`, { access_token: '' })).toEqual(err(104, 'An access token is required to request this resource.'));
  });

  it('takes the app token (query or OAuth header) as the app, and refuses an app token with a wrong secret: 190', async () => {
    expect((await get(`/${APP_ID}/products`, { access_token: APP_TOKEN })).status).toBe(200);
    expect((await get(`/${APP_ID}/products`, {}, { authorization: `OAuth ${APP_TOKEN}` })).status).toBe(200);
    for (const t of [`${APP_ID}|wrong-secret`, `${APP_ID}|${SECRET}x`, `1|${SECRET}`, `${APP_ID}|`]) {
      expect(await get(`/${APP_ID}/products`, { access_token: t }), t).toEqual(err(190, 'Invalid OAuth access token signature.'));
    }
  });

  it('takes a test user\'s token as that user, and refuses an unknown one: 190', async () => {
    const mine = await get(`/${APP_ID}/purchases`, { access_token: userToken });
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual([]);
    expect(await get(`/${APP_ID}/purchases`, { access_token: `${userToken}x` })).toEqual(err(190, 'Invalid OAuth access token - Cannot parse access token'));
  });

  it('tells the app from a user: the app token cannot list a user\'s purchases, a user token cannot create products', async () => {
    const asApp = await get(`/${APP_ID}/purchases`, { access_token: APP_TOKEN });
    expect(asApp.status).toBe(400);
    const asUser = await fetch(`${emu.url}/${APP_ID}/products`, { method: 'POST', body: new URLSearchParams({ access_token: userToken, product_id: 'x1', title: 'X', price: '1.00', currency: 'USD' }) });
    expect(asUser.status).toBe(400);
    const asApp2 = await fetch(`${emu.url}/${APP_ID}/products`, { method: 'POST', body: new URLSearchParams({ access_token: APP_TOKEN, product_id: 'x2', title: 'X', price: '1.00', currency: 'USD' }) });
    expect(asApp2.status).toBe(200);
  });
});

describe('Graph emulator: appsecret_proof', () => {
  const BAD = err(100, 'Invalid appsecret_proof provided in the API argument', 'GraphMethodException');

  it('accepts the HMAC-SHA256 of the token with the app secret, for a user and for the app', async () => {
    expect((await get(`/${APP_ID}/purchases`, { access_token: userToken, appsecret_proof: appsecretProof(userToken, SECRET) })).status).toBe(200);
    expect((await get(`/${APP_ID}/products`, { access_token: APP_TOKEN, appsecret_proof: appsecretProof(APP_TOKEN, SECRET) })).status).toBe(200);
  });

  it('refuses a wrong, empty, other token\'s or other secret\'s proof: 100', async () => {
    const wrong = appsecretProof(userToken, SECRET).replace(/^./, (c) => (c === '0' ? '1' : '0'));
    for (const proof of [wrong, '', appsecretProof(APP_TOKEN, SECRET), appsecretProof(userToken, 'other-secret')]) {
      expect(await get(`/${APP_ID}/purchases`, { access_token: userToken, appsecret_proof: proof }), proof).toEqual(BAD);
    }
    expect(await get(`/${APP_ID}/products`, { access_token: APP_TOKEN, appsecret_proof: appsecretProof(userToken, SECRET) })).toEqual(BAD);
  });
});
