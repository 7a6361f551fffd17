import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreatePki, startPaypalEmulator, type EmulatorPki, type RunningPaypalEmulator } from '../../src/providers/paypal/emulator/index.js';
import { api, CLIENT_ID, CLIENT_SECRET, paypalHeaders, recorder, token, trigger, type Hit } from '../paypal-emulator/helpers.js';

/**
 * The PayPal emulator's own checks, over real HTTP on 127.0.0.1: OAuth client credentials, the bearer
 * token on every /v1/ call (missing, unknown, expired at exactly its lifetime), and
 * verify-webhook-signature's verdict on a genuine delivery and on each thing a forger could change.
 */

let pki: EmulatorPki;
let emu: RunningPaypalEmulator;
let rx: Awaited<ReturnType<typeof recorder>>;
let tok: string;
let clock = Date.now();
const WEBHOOK_ID = 'WHAUTHTEST0001';
const TTL = 100;

beforeAll(async () => {
  pki = await loadOrCreatePki();
  rx = await recorder();
  emu = await startPaypalEmulator({ pki, webhookUrl: rx.url, webhookId: WEBHOOK_ID, retrySchedule: [], tokenTtl: TTL, now: () => clock });
});
// Tokens are fetched inside the tests, not in a hook: a hook that throws skips the tests instead of failing them.
beforeEach(async () => {
  tok = await token(emu.url).catch(() => 'no-token');
});
afterAll(async () => {
  await emu.close();
  await rx.close();
});

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
async function oauth(authorization: string | undefined) {
  const res = await fetch(`${emu.url}/v1/oauth2/token`, { method: 'POST', headers: authorization ? { authorization } : {}, body: 'grant_type=client_credentials' });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const INVALID_CLIENT = { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } };

describe('PayPal emulator: OAuth client credentials', () => {
  it('issues a token only for the right client id AND the right secret', async () => {
    const ok = await oauth(basic(`${CLIENT_ID}:${CLIENT_SECRET}`));
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toMatch(/^A21AA/);
    expect(await oauth(basic(`${CLIENT_ID}:wrong-secret`))).toEqual(INVALID_CLIENT);
    expect(await oauth(basic(`wrong-id:${CLIENT_SECRET}`))).toEqual(INVALID_CLIENT);
    expect(await oauth(basic('wrong-id:wrong-secret'))).toEqual(INVALID_CLIENT);
    expect(await oauth(basic(`${CLIENT_SECRET}:${CLIENT_ID}`))).toEqual(INVALID_CLIENT);
    expect(await oauth(basic(`${CLIENT_ID}:${CLIENT_SECRET}x`))).toEqual(INVALID_CLIENT);
    expect(await oauth(basic(`${CLIENT_ID}:`))).toEqual(INVALID_CLIENT);
    expect(await oauth(basic(`:${CLIENT_SECRET}`))).toEqual(INVALID_CLIENT);
  });
});

describe('PayPal emulator: the bearer token', () => {
  const call = (authorization?: string) => fetch(`${emu.url}/v1/notifications/webhooks`, { headers: authorization ? { authorization } : {} }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  it('accepts Bearer <live token> (any case, any spacing) and refuses a missing, malformed or unknown one with 401 AUTHENTICATION_FAILURE', async () => {
    expect((await call(`Bearer ${tok}`)).status).toBe(200);
    expect((await call(`bearer   ${tok}`)).status).toBe(200);
    for (const auth of [undefined, tok, `Bearer ${tok} extra`, `Basic ${tok}`, `xBearer ${tok}`, 'Bearer', `Bearer ${tok}x`, `Bearer A21AAunknown`]) {
      const r = await call(auth);
      expect(r.status, String(auth)).toBe(401);
      expect(r.body.name, String(auth)).toBe('AUTHENTICATION_FAILURE');
    }
  });

  it('a token works until the last millisecond of its lifetime and is refused (invalid_token) at it', async () => {
    const start = clock;
    const t = await token(emu.url);
    try {
      clock = start + TTL * 1000 - 1;
      expect((await call(`Bearer ${t}`)).status).toBe(200);
      clock = start + TTL * 1000;
      expect(await call(`Bearer ${t}`)).toEqual({ status: 401, body: { error: 'invalid_token', error_description: 'Access Token not found in cache' } });
    } finally {
      clock = start;
    }
  });
});

describe('PayPal emulator: verify-webhook-signature', () => {
  let hit: Hit;
  beforeAll(async () => {
    await trigger(emu.url, 'paypal-subscription-create', { custom_id: 'auth-test' });
    await emu.idle();
    hit = rx.hits.at(-1)!;
  });
  const fields = () => {
    const h = paypalHeaders(hit);
    return { auth_algo: h['paypal-auth-algo'], cert_url: h['paypal-cert-url'], transmission_id: h['paypal-transmission-id'], transmission_sig: h['paypal-transmission-sig'], transmission_time: h['paypal-transmission-time'], webhook_id: WEBHOOK_ID };
  };
  /** Posts the fields with the event's bytes spliced in verbatim (as a receiver that keeps raw bytes does). */
  async function verify(over: Record<string, unknown> = {}, event: string = hit.body.toString('utf8'), t = tok) {
    const head = JSON.stringify({ ...fields(), ...over });
    return api(emu.url, t, 'POST', '/v1/notifications/verify-webhook-signature', `${head.slice(0, -1)},"webhook_event":${event}}`);
  }
  const status = async (...a: Parameters<typeof verify>) => (await verify(...a)).body;

  it('SUCCESS for the delivery as received, and for the same event re-serialized (PayPal matches it to the transmission)', async () => {
    expect(await verify()).toMatchObject({ status: 200, body: { verification_status: 'SUCCESS' } });
    expect(await status({}, JSON.stringify(JSON.parse(hit.body.toString('utf8')), null, 2))).toEqual({ verification_status: 'SUCCESS' });
  });

  it('SUCCESS days after the delivery (no age limit on this endpoint)', async () => {
    const start = clock;
    try {
      clock = start + 30 * 86_400_000;
      const t = await token(emu.url);
      expect(await status({}, undefined, t)).toEqual({ verification_status: 'SUCCESS' });
    } finally {
      clock = start;
    }
  });

  it('FAILURE for a tampered event, another or unknown webhook id, a foreign cert_url, a changed sig, time, id or algorithm', async () => {
    const doc = JSON.parse(hit.body.toString('utf8'));
    const tampered = JSON.stringify({ ...doc, summary: `${doc.summary} (edited)` });
    expect(await status({}, tampered)).toEqual({ verification_status: 'FAILURE' });
    const other = await api(emu.url, tok, 'POST', '/v1/notifications/webhooks', { url: `${rx.url}/other`, event_types: [{ name: '*' }] });
    expect(other.status).toBe(201);
    expect(await status({ webhook_id: other.body.id })).toEqual({ verification_status: 'FAILURE' });
    expect(await status({ webhook_id: 'WHUNKNOWN' })).toEqual({ verification_status: 'FAILURE' });
    const f = fields();
    expect(await status({ cert_url: f.cert_url.replace('127.0.0.1', 'localhost') })).toEqual({ verification_status: 'FAILURE' });
    const sig = Buffer.from(f.transmission_sig, 'base64');
    sig[10] ^= 1;
    expect(await status({ transmission_sig: sig.toString('base64') })).toEqual({ verification_status: 'FAILURE' });
    expect(await status({ transmission_time: new Date(Date.parse(f.transmission_time) + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') })).toEqual({ verification_status: 'FAILURE' });
    expect(await status({ transmission_id: `${f.transmission_id.slice(0, -1)}0` === f.transmission_id ? `${f.transmission_id.slice(0, -1)}1` : `${f.transmission_id.slice(0, -1)}0` })).toEqual({ verification_status: 'FAILURE' });
    expect(await status({ auth_algo: 'SHA1withRSA' })).toEqual({ verification_status: 'FAILURE' });
  });

  it.each(['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id'])('400 MISSING_REQUIRED_PARAMETER without %s (or with it empty)', async (k) => {
    for (const v of [undefined, '']) {
      const r = await verify({ [k]: v });
      expect(r.status).toBe(400);
      expect(r.body.details).toEqual([{ field: `/${k}`, location: 'body', issue: 'MISSING_REQUIRED_PARAMETER', description: 'A required field / parameter is missing.' }]);
    }
  });

  it.each(['null', '[]', '"event"', '42'])('400 MISSING_REQUIRED_PARAMETER /webhook_event when it is %s', async (event) => {
    const r = await verify({}, event);
    expect(r.status).toBe(400);
    expect(r.body.details[0]).toMatchObject({ field: '/webhook_event', issue: 'MISSING_REQUIRED_PARAMETER' });
  });
});
