import { createHmac } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSignatureHeaders } from '../../src/core/facebook/hub-signature.js';
import { signSignedRequest } from '../../src/core/facebook/signed-request.js';
import { startGraphEmulator, type GraphEmulator } from '../../src/providers/graph/emulator/index.js';
// The reference receiver is plain JS users copy; imported exactly as shipped.
// @ts-expect-error -- no type declarations for the .mjs example (by design: it has no build step)
import { checkHubSignature, startReceiver, verdict, verifySignedRequest } from '../../examples/facebook-receiver/server.mjs';

const APP_ID = '1000000000000042';
const SECRET = 'receiver-test-secret';
const VERIFY = 'verify-me';

interface Receiver {
  url: string;
  close(): Promise<void>;
  ledger: { toJSON(): Ledger };
}
interface Ledger {
  decisions: { key: string; payment_id: string; verdict: string; source: string }[];
  purchases: { purchase_token: string; consumed: boolean }[];
  duplicates: number;
}

let emu: GraphEmulator;
let rx: Receiver;

async function ledger(): Promise<Ledger> {
  return (await fetch(`${rx.url}/ledger`)).json() as Promise<Ledger>;
}

function update(paymentId: string, fields = ['actions']): Buffer {
  return Buffer.from(JSON.stringify({ object: 'payments', entry: [{ id: paymentId, time: Math.floor(Date.now() / 1000), changed_fields: fields }] }));
}

async function deliver(body: Buffer, headers: Record<string, string> = hubSignatureHeaders(body, SECRET)) {
  const res = await fetch(`${rx.url}/webhook`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function seedPayment(actions: { type: string; status: string }[]): Promise<string> {
  const id = String(2_000_000_000_000_000 + Math.floor(Math.random() * 1e9));
  const t = (s: number) => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000');
  const res = await fetch(`${emu.url}/_fbpay/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id,
      user: { id: '42', name: 'Test User' },
      application: { id: APP_ID },
      actions: actions.map((a, i) => ({ ...a, currency: 'USD', amount: '0.99', time_created: t(600 - i * 60), time_updated: t(600 - i * 60) })),
      // refundable_amount is left to the emulator: it follows from the actions (0.00 after a full refund).
      test: 1,
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  emu = await startGraphEmulator({ appId: APP_ID, appSecret: SECRET });
  rx = await startReceiver({ appId: APP_ID, appSecret: SECRET, verifyToken: VERIFY, graphUrl: emu.url });
});
afterAll(async () => {
  await rx?.close();
  await emu?.close();
});

describe('handshake', () => {
  it('echoes hub.challenge only with the right verify token', async () => {
    const ok = await fetch(`${rx.url}/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=12345`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('12345');
    const wrong = await fetch(`${rx.url}/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=12345`);
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('12345');
    const prefix = await fetch(`${rx.url}/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY.slice(0, -1)}&hub.challenge=9`);
    expect(prefix.status).toBe(403);
  });

  it('the emulator can subscribe it (its POST /{app}/subscriptions performs the handshake)', async () => {
    const res = await fetch(`${emu.url}/${APP_ID}/subscriptions`, {
      method: 'POST',
      body: new URLSearchParams({ object: 'payments', callback_url: `${rx.url}/webhook`, fields: 'actions,disputes', verify_token: VERIFY, access_token: `${APP_ID}|${SECRET}` }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  });
});

describe('payments updates', () => {
  it('refuses missing, wrong, wrong-secret and tampered signatures with 403, before any lookup', async () => {
    const id = await seedPayment([{ type: 'charge', status: 'completed' }]);
    const body = update(id);
    expect((await deliver(body, {})).status).toBe(403);
    expect((await deliver(body, { 'X-Hub-Signature-256': 'sha256=' + '0'.repeat(64) })).status).toBe(403);
    expect((await deliver(body, hubSignatureHeaders(body, 'another-secret'))).status).toBe(403);
    const tampered = Buffer.from(body.toString().replace('"payments"', '"payments" '));
    expect((await deliver(tampered, hubSignatureHeaders(body, SECRET))).status).toBe(403);
    expect((await deliver(body, { 'X-Hub-Signature-256': 'sha256=zz' })).status).toBe(403);
    // A valid sha1 must not rescue a wrong sha256.
    const sha1Only = { 'X-Hub-Signature': hubSignatureHeaders(body, SECRET)['X-Hub-Signature'] };
    expect((await deliver(body, { ...sha1Only, 'X-Hub-Signature-256': 'sha256=' + 'a'.repeat(64) })).status).toBe(403);
    expect((await ledger()).decisions.some((d) => d.payment_id === id)).toBe(false);
  });

  it('accepts sha256-only and sha1-only signatures', async () => {
    const id = await seedPayment([{ type: 'charge', status: 'completed' }]);
    const body = update(id);
    const h = hubSignatureHeaders(body, SECRET);
    expect((await deliver(body, { 'X-Hub-Signature-256': h['X-Hub-Signature-256'] })).status).toBe(200);
    expect((await deliver(body, { 'X-Hub-Signature': h['X-Hub-Signature'] })).status).toBe(200);
  });

  it('charge → fulfil; a duplicate delivery is 200 and changes nothing; chargeback → revoke; reversal → restore', async () => {
    const id = await seedPayment([{ type: 'charge', status: 'completed' }]);
    const first = await deliver(update(id));
    expect(first.status).toBe(200);
    expect(first.body.results).toMatchObject([{ payment_id: id, verdict: 'fulfil', applied: true }]);
    const before = await ledger();
    const again = await deliver(update(id));
    expect(again.status).toBe(200);
    expect(again.body.results).toMatchObject([{ verdict: 'fulfil', applied: false }]);
    const after = await ledger();
    expect(after.decisions).toEqual(before.decisions);
    expect(after.duplicates).toBe(before.duplicates + 1);

    // The emulator sends its own signed update when an action is added; wait for it, then deliver ours too.
    await fetch(`${emu.url}/_fbpay/payments/${id}/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'chargeback', status: 'completed' }) });
    await emu.idle();
    const cb = await deliver(update(id));
    expect(cb.body.results).toMatchObject([{ verdict: 'revoke' }]);
    await fetch(`${emu.url}/_fbpay/payments/${id}/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'chargeback_reversal', status: 'completed' }) });
    await emu.idle();
    const mine = (await ledger()).decisions.filter((d) => d.payment_id === id).map((d) => [d.key, d.verdict]);
    expect(mine).toEqual([
      [`${id}:charge:completed#1`, 'fulfil'],
      [`${id}:chargeback:completed#1`, 'revoke'],
      [`${id}:chargeback_reversal:completed#1`, 'restore'],
    ]);
  });

  it('initiated → wait, failed → none, refund and decline → revoke; a partial refund → partial_refund', async () => {
    const cases: [{ type: string; status: string }[], string][] = [
      [[{ type: 'charge', status: 'initiated' }], 'wait'],
      [[{ type: 'charge', status: 'failed' }], 'none'],
      [[{ type: 'charge', status: 'completed' }, { type: 'refund', status: 'completed' }], 'revoke'],
      [[{ type: 'charge', status: 'completed' }, { type: 'decline', status: 'completed' }], 'revoke'],
    ];
    // A refund of 0.40 of 0.99: part of the payment is still paid, so nothing is taken back automatically.
    const partial = await seedPayment([{ type: 'charge', status: 'completed' }]);
    await fetch(`${emu.url}/v21.0/${partial}/refunds`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: `${APP_ID}|${SECRET}`, amount: '0.40', currency: 'USD' }) });
    const pr = await deliver(update(partial));
    expect(pr.body.results).toMatchObject([{ verdict: 'partial_refund', reason: expect.stringMatching(/0\.59 USD still paid/) }]);
    for (const [actions, want] of cases) {
      const id = await seedPayment(actions);
      const r = await deliver(update(id));
      expect(r.status).toBe(200);
      expect(r.body.results, JSON.stringify(actions)).toMatchObject([{ verdict: want }]);
    }
  });

  it('a payment Graph does not know is acknowledged (200, verdict none); Graph down → 503 so Facebook retries', async () => {
    const unknown = await deliver(update('9999999999999999'));
    expect(unknown.status).toBe(200);
    expect(unknown.body.results).toMatchObject([{ verdict: 'none' }]);

    const dead: Server = createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const down = await startReceiver({ appId: APP_ID, appSecret: SECRET, graphUrl: `http://127.0.0.1:${(dead.address() as AddressInfo).port}` });
    try {
      const body = update('1234567890');
      const res = await fetch(`${down.url}/webhook`, { method: 'POST', body, headers: hubSignatureHeaders(body, SECRET) });
      expect(res.status).toBe(503);
      expect((await down.ledger.toJSON()).decisions).toEqual([]);
    } finally {
      await down.close();
      await new Promise((r) => dead.close(r));
    }
  });

  it('looks the payment up with the app token in the Authorization header, never in the URL', async () => {
    const seen: { url: string; auth?: string }[] = [];
    const spy: Server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: '77', actions: [{ type: 'charge', status: 'completed' }] }));
    });
    await new Promise<void>((r) => spy.listen(0, '127.0.0.1', r));
    const r2 = await startReceiver({ appId: APP_ID, appSecret: SECRET, graphUrl: `http://127.0.0.1:${(spy.address() as AddressInfo).port}`, graphVersion: 'v21.0', appsecretProof: true });
    try {
      const body = update('77');
      const res = await fetch(`${r2.url}/webhook`, { method: 'POST', body, headers: hubSignatureHeaders(body, SECRET) });
      expect(res.status).toBe(200);
      expect(seen).toHaveLength(1);
      expect(seen[0].url).toMatch(/^\/v21\.0\/77\?fields=/);
      expect(seen[0].url).not.toContain(SECRET);
      expect(seen[0].url).toContain('appsecret_proof=' + createHmac('sha256', SECRET).update(`${APP_ID}|${SECRET}`).digest('hex'));
      expect(seen[0].auth).toBe(`OAuth ${APP_ID}|${SECRET}`);
    } finally {
      await r2.close();
      await new Promise((r) => spy.close(r));
    }
  });

  it('keeps the 2 s budget by its own Graph timeout: a Graph that never answers gets a 503, not a hang', async () => {
    // The mechanism, not the machine's speed: GRAPH_TIMEOUT_MS (1.5 s) ends the lookup; the reply says why.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const slow = await startReceiver({ appId: APP_ID, appSecret: SECRET, graphUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
    try {
      const body = update('1234567891');
      const res = await fetch(`${slow.url}/webhook`, { method: 'POST', body, headers: hubSignatureHeaders(body, SECRET) });
      expect(res.status).toBe(503);
      expect(JSON.stringify(await res.json())).toMatch(/no answer within 1500 ms/);
    } finally {
      await slow.close();
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe('Payments Lite purchases', () => {
  async function user(): Promise<string> {
    const r = await fetch(`${emu.url}/_fbpay/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return ((await r.json()) as { access_token: string }).access_token;
  }
  async function buy(token: string, product = 'coins_100') {
    const r = await fetch(`${emu.url}/_fbpay/purchases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: token, product_id: product }) });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  }
  const post = (doc: unknown, headers: Record<string, string> = {}) =>
    fetch(`${rx.url}/purchase`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(doc) });

  it('repurchase fails with 1383001 until the receiver consumes with the user token; then it works', async () => {
    const token = await user();
    const first = await buy(token);
    expect(first.status).toBe(200);
    expect((await buy(token)).body.error.code).toBe(1383001);

    const res = await post({ signed_request: first.body.signed_request, access_token: token });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ granted: true, consumed: true, duplicate: false, payment_id: first.body.payment_id });
    expect((await buy(token)).status).toBe(200);

    // The same purchase posted again (client retry): no second grant, no second consume call.
    const dup = await post({ signed_request: first.body.signed_request, access_token: token });
    expect(dup.status).toBe(200);
    expect(await dup.json()).toMatchObject({ granted: true, duplicate: true, consumed: true });
    await emu.idle();
    const l = await ledger();
    expect(l.decisions.filter((d) => d.payment_id === first.body.payment_id)).toHaveLength(1);
    expect(l.purchases.find((p) => p.purchase_token === first.body.purchase_token)?.consumed).toBe(true);
  });

  it('the user token may come as a Bearer header or a form field', async () => {
    const token = await user();
    const a = await buy(token, 'gems_5');
    const r1 = await post({ signed_request: a.body.signed_request }, { authorization: `Bearer ${token}` });
    expect(r1.status).toBe(200);
    const b = await buy(token, 'gems_5');
    expect(b.status).toBe(200);
    const r2 = await fetch(`${rx.url}/purchase`, { method: 'POST', body: new URLSearchParams({ signed_request: b.body.signed_request, access_token: token }) });
    expect(r2.status).toBe(200);
  });

  it('refuses an app token (never sends it), a missing token, and a forged signed_request', async () => {
    const token = await user();
    const p = await buy(token, 'sword');
    const app = await post({ signed_request: p.body.signed_request, access_token: `${APP_ID}|${SECRET}` });
    expect(app.status).toBe(400);
    expect(((await app.json()) as { error: string }).error).toMatch(/app token.*USER access token/);
    expect((await post({ signed_request: p.body.signed_request })).status).toBe(400);
    const forged = signSignedRequest({ payment_id: '1', purchase_token: '2', product_id: 'sword', status: 'completed' }, 'not-the-secret');
    expect((await post({ signed_request: forged, access_token: token })).status).toBe(403);
    expect((await buy(token, 'sword')).body.error.code).toBe(1383001);
  });

  it('a consume Graph refuses (bad user token) is 502 with granted:true, so the client retries', async () => {
    const token = await user();
    const p = await buy(token, 'shield');
    const res = await post({ signed_request: p.body.signed_request, access_token: 'EAAnot-a-real-token' });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ granted: true, consumed: false });
    const retry = await post({ signed_request: p.body.signed_request, access_token: token });
    expect(await retry.json()).toMatchObject({ granted: true, duplicate: true, consumed: true });
  });
});

describe('robustness', () => {
  it('a validly signed body that is not JSON is 400; an oversized body is 413; unknown routes 404/405', async () => {
    const notJson = Buffer.from('{"object":"payments",');
    expect((await deliver(notJson)).status).toBe(400);
    // Refused from the Content-Length alone, before reading (or signing over) a megabyte.
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(`${rx.url}/webhook`);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-length': String(2 * 1024 * 1024) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('{"object":"payments"');
    });
    expect(status).toBe(413);
    expect((await fetch(`${rx.url}/elsewhere`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${rx.url}/webhook`, { method: 'PUT', body: '{}' })).status).toBe(405);
    // still serving after all that
    expect((await fetch(`${rx.url}/ledger`)).status).toBe(200);
  });

  it('a non-payments object is acknowledged and ignored', async () => {
    const body = Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: '1' }] }));
    const r = await deliver(body);
    expect(r.status).toBe(200);
    expect(r.body.ignored).toBeDefined();
  });
});

describe('pure helpers (property tests)', () => {
  it('checkHubSignature accepts what fbpay signs (sha256, sha1, both) and refuses any single-byte change', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.string({ minLength: 1, maxLength: 24 }), fc.nat(), fc.constantFrom('both', 'sha256', 'sha1'), (bytes, secret, pos, which) => {
        const body = Buffer.from(bytes);
        const h = hubSignatureHeaders(body, secret);
        const headers: Record<string, string> = {};
        if (which !== 'sha1') headers['x-hub-signature-256'] = h['X-Hub-Signature-256'];
        if (which !== 'sha256') headers['x-hub-signature'] = h['X-Hub-Signature'];
        expect(checkHubSignature(headers, body, secret).ok).toBe(true);
        const changed = Buffer.from(body);
        changed[pos % changed.length] ^= 1 + (pos % 255);
        expect(checkHubSignature(headers, changed, secret).ok).toBe(false);
        expect(checkHubSignature(headers, body, secret + '!').ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('checkHubSignature never throws on arbitrary header values', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), fc.uint8Array({ maxLength: 64 }), (a, b, bytes) => {
        const headers: Record<string, string> = {};
        if (a !== null) headers['x-hub-signature-256'] = a;
        if (b !== null) headers['x-hub-signature'] = b;
        expect(checkHubSignature(headers, Buffer.from(bytes), 's').ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('verifySignedRequest round-trips fbpay-signed requests and refuses any single-character change', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== 'algorithm' && k !== 'issued_at'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), fc.string({ minLength: 1, maxLength: 20 }), fc.nat(), (payload, secret, pos) => {
        const sr = signSignedRequest(payload as Record<string, unknown>, secret);
        const ok = verifySignedRequest(sr, secret);
        expect(ok.ok).toBe(true);
        const i = pos % sr.length;
        const c = sr[i] === 'A' ? 'B' : 'A';
        const changed = sr.slice(0, i) + c + sr.slice(i + 1);
        // Changing the last base64 character can leave the decoded bytes unchanged (unused bits).
        const sameBytes = changed.split('.').every((seg, k) => Buffer.from(seg, 'base64url').equals(Buffer.from(sr.split('.')[k], 'base64url')));
        if (!sameBytes) expect(verifySignedRequest(changed, secret).ok).toBe(false);
        expect(verifySignedRequest(sr, secret + 'x').ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('verifySignedRequest never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (s, secret) => {
        expect(typeof verifySignedRequest(s, secret).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('verdict never throws and always names one of the six decisions', () => {
    const action = fc.record({ type: fc.constantFrom('charge', 'refund', 'chargeback', 'chargeback_reversal', 'decline', 'x'), status: fc.constantFrom('initiated', 'completed', 'failed', 'weird') });
    fc.assert(
      fc.property(fc.array(action, { maxLength: 6 }), (actions) => {
        const v = verdict({ id: '1', actions });
        expect(['fulfil', 'revoke', 'partial_refund', 'restore', 'wait', 'none']).toContain(v.verdict);
        if (actions.length) {
          const last = actions[actions.length - 1];
          if (last.status === 'initiated') expect(v.verdict).toBe('wait');
          if (last.status === 'completed' && last.type === 'charge') expect(v.verdict).toBe('fulfil');
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('standalone: node examples/facebook-receiver/server.mjs', () => {
  const SERVER = fileURLToPath(new URL('../../examples/facebook-receiver/server.mjs', import.meta.url));

  it('runs from env, answers the handshake, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [SERVER], { env: { ...process.env, FB_APP_ID: APP_ID, FB_APP_SECRET: SECRET, FB_VERIFY_TOKEN: VERIFY, FB_GRAPH_URL: emu.url, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no URL: ' + out)), 5000);
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
    });
    const res = await fetch(`${url}/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=ok42`);
    expect(await res.text()).toBe('ok42');
    const code = await new Promise<number | null>((resolve) => {
      child.once('close', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(out).toContain('[receiver] handshake ok');
    expect(out).not.toContain(SECRET);
  });

  it('exits 2 naming FB_APP_SECRET when it is not set', () => {
    const env = { ...process.env };
    delete env.FB_APP_SECRET;
    const r = spawnSync(process.execPath, [SERVER], { env, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('FB_APP_SECRET');
  });
});
