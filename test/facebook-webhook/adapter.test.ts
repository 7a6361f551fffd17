import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { FixtureLibrary } from '../../src/providers/fixtures.js';
import { createReceiver, createReplayAdapter, STALE_SECONDS, verifySignedRequestString } from '../../src/providers/facebook/webhook-adapter.js';
import { loadReceiver, loadReplayAdapter } from '../../src/providers/webhook/providers.js';
import type { CapturedDelivery, IncomingDelivery, OutgoingDelivery } from '../../src/providers/webhook/adapter.js';
import { httpRequest } from '../../src/transport/http.js';
import { FbpayError } from '../../src/core/errors.js';
import { startServer } from './servers.js';

const SECRET = 'd25da68caa30b617e2b4e3990cb91e4e';
const NOW = 1_700_000_000;
const now = () => NOW;
const lib = new FixtureLibrary();
const target = new URL('http://127.0.0.1:9/');
const ctx = { target, now };
const ALL = ['fb-payment-charge', 'fb-payment-refund', 'fb-payment-chargeback', 'fb-payment-chargeback-reversal', 'fb-payment-decline', 'fb-payment-dispute', 'fb-lite-purchase', 'fb-pay-dialog-purchase', 'fb-credits-get-items', 'fb-credits-status-update'];
const SR_KINDS = ['fb-lite-purchase', 'fb-pay-dialog-purchase', 'fb-credits-get-items', 'fb-credits-status-update'];

function incoming(d: OutgoingDelivery): IncomingDelivery {
  const u = new URL(d.url);
  return { method: d.method, path: u.pathname, rawQuery: u.search.slice(1), headers: Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k.toLowerCase(), v])), body: d.body ?? Buffer.alloc(0), receivedAt: new Date() };
}
const hmacHex = (alg: string, body: Buffer) => createHmac(alg, SECRET).update(body).digest('hex');

describe('facebook replay adapter: build()', () => {
  const adapter = createReplayAdapter({ secret: SECRET });
  const receiver = createReceiver({ secret: SECRET, now });

  it('needs the app secret (usage error naming the flag)', () => {
    let err: FbpayError | undefined;
    try {
      createReplayAdapter({});
    } catch (e) {
      err = e as FbpayError;
    }
    expect(err).toMatchObject({ exitCode: 2, code: 'missing_setting' });
    expect(err!.hint).toMatch(/--secret.*FB_APP_SECRET/);
    expect(() => createReceiver({})).toThrow(FbpayError);
  });

  it('is what the lazy provider loader returns', async () => {
    expect((await loadReplayAdapter('facebook', { secret: SECRET })).provider).toBe('facebook');
    expect((await loadReceiver('facebook', { secret: SECRET })).provider).toBe('facebook');
  });

  for (const name of ALL) {
    it(`${name}: the built bytes verify (receiver and an independent HMAC)`, async () => {
      const [fx] = lib.render(name, { now });
      const d = await adapter.build(fx, ctx);
      expect(d.method).toBe('POST');
      expect(Buffer.isBuffer(d.body)).toBe(true);
      const r = await receiver.receive(incoming(d));
      expect(r, JSON.stringify(r)).toMatchObject({ verified: true });
      if (SR_KINDS.includes(name)) {
        expect(d.headers['X-Hub-Signature-256']).toBeUndefined();
        const text = d.body!.toString('utf8');
        const sr = fx.delivery.encoding === 'form' ? new URLSearchParams(text).get('signed_request')! : JSON.parse(text).signed_request;
        const [sig, seg] = sr.split('.');
        expect(sig).toBe(createHmac('sha256', SECRET).update(seg).digest('base64url'));
        expect(sr).not.toContain('=');
      } else {
        expect(d.headers['X-Hub-Signature-256']).toBe('sha256=' + hmacHex('sha256', d.body!));
        expect(d.headers['X-Hub-Signature']).toBe('sha1=' + hmacHex('sha1', d.body!));
        expect(d.headers['Content-Type']).toBe('application/json');
        // compact JSON, exactly the rendered body
        expect(d.body!.toString()).toBe(JSON.stringify(fx.body));
        expect(r.summary).toBe(`payment ${(fx.payment as any).id} [${(fx.body as any).entry[0].changed_fields[0]}]`);
      }
    });

    for (const tamper of ['body', 'signature', 'stale'] as const) {
      it(`${name}: --tamper ${tamper} fails verification${tamper === 'stale' ? ' of freshness' : ''}`, async () => {
        const [fx] = lib.render(name, { now });
        const d = await adapter.build(fx, { ...ctx, tamper });
        expect(d.meta?.tamper).toBe(tamper);
        if (tamper === 'stale' && !SR_KINDS.includes(name)) {
          // signed correctly, but the entry time is two days old
          expect(d.headers['X-Hub-Signature-256']).toBe('sha256=' + hmacHex('sha256', d.body!));
          expect(JSON.parse(d.body!.toString()).entry[0].time).toBe(NOW - STALE_SECONDS);
          // the receiver can only say so: Facebook signs no timestamp
          expect(await receiver.receive(incoming(d))).toMatchObject({ verified: true, summary: expect.stringMatching(/entry time 48 h old$/) });
          return;
        }
        const r = await receiver.receive(incoming(d));
        expect(r.verified).toBe(false);
        expect(r.reason).toBeTruthy();
        if (tamper === 'body' && !SR_KINDS.includes(name)) {
          expect(() => JSON.parse(d.body!.toString())).not.toThrow(); // the change keeps JSON valid
          expect(d.body!.length).toBe(JSON.stringify(fx.body).length);
        }
      });
    }
  }

  it('--signature-header sha1|sha256 sends only that header; the receiver falls back to sha1', async () => {
    const [fx] = lib.render('fb-payment-charge', { now });
    const only1 = await createReplayAdapter({ secret: SECRET, signatureHeader: 'sha1' }).build(fx, ctx);
    expect(Object.keys(only1.headers).sort()).toEqual(['Content-Type', 'X-Hub-Signature']);
    expect((await receiver.receive(incoming(only1))).verified).toBe(true);
    const only256 = await createReplayAdapter({ secret: SECRET, signatureHeader: 'sha256' }).build(fx, ctx);
    expect(Object.keys(only256.headers).sort()).toEqual(['Content-Type', 'X-Hub-Signature-256']);
    expect(() => createReplayAdapter({ secret: SECRET, signatureHeader: 'md5' as any })).toThrow(/signature-header/);
  });

  it('appends the fixture path when the target has none, keeps the target path otherwise', async () => {
    const [fx] = lib.render('fb-lite-purchase', { now });
    expect((await adapter.build(fx, ctx)).url).toBe('http://127.0.0.1:9/purchase');
    expect((await adapter.build(fx, { ...ctx, target: new URL('http://127.0.0.1:9/game/iap') })).url).toBe('http://127.0.0.1:9/game/iap');
  });

  it('re-signs a captured delivery over its exact bytes, dropping stale signature and hop headers', async () => {
    const body = Buffer.from('{"object":"payments",  "entry":[{"id":"1","time":1565186944,"changed_fields":["actions"]}]}\n');
    const cap: CapturedDelivery = {
      captured: true,
      received_at: '2024-01-01T00:00:00Z',
      method: 'POST',
      path: '/fb/webhook',
      headers: { host: 'example.com', 'content-length': '3', 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=' + '0'.repeat(64), 'user-agent': 'facebookexternalua' },
      body,
      label: 'capture.ndjson:1',
    };
    const d = await adapter.build(cap, ctx);
    expect(d.body!.equals(body)).toBe(true);
    expect(d.url).toBe('http://127.0.0.1:9/fb/webhook');
    expect(d.headers.host).toBeUndefined();
    expect(d.headers['content-length']).toBeUndefined();
    expect(d.headers['user-agent']).toBe('facebookexternalua');
    expect(d.headers['X-Hub-Signature-256']).toBe('sha256=' + hmacHex('sha256', body));
    expect((await receiver.receive(incoming(d))).verified).toBe(true);
    const tampered = await adapter.build(cap, { ...ctx, tamper: 'body' });
    expect((await receiver.receive(incoming(tampered))).verified).toBe(false);
    const stale = await adapter.build(cap, { ...ctx, tamper: 'stale' });
    expect(stale.body!.toString()).toContain(`"time":${NOW - STALE_SECONDS}`);
    expect((await receiver.receive(incoming(stale))).verified).toBe(true);
  });

  it('refuses a fixture of another provider', async () => {
    const fx = { ...lib.render('fb-payment-charge', { now })[0], provider: 'paypal' as const };
    expect(() => adapter.build(fx, ctx)).toThrow(/paypal/);
  });
});

describe('facebook replay adapter: judge() of Credits replies', () => {
  const adapter = createReplayAdapter({ secret: SECRET });
  const res = (body: string, status = 200) => ({ status, headers: {}, body: Buffer.from(body), truncated: false, latencyMs: 1 });
  const expect2xx = { kind: 'class', cls: 2 } as const;

  it('validates payments_get_items and payments_status_update replies, naming the field', async () => {
    const [items] = lib.render('fb-credits-get-items', { now });
    const d = await adapter.build(items, ctx);
    expect(d.meta?.credits_method).toBe('payments_get_items');
    const good = JSON.stringify({ content: [{ title: 'Coins', description: '100 coins', price: 10, image_url: 'https://x.example/c.png' }], method: 'payments_get_items' });
    expect(adapter.judge!(res(good), d, expect2xx)).toEqual({ ok: true });
    const bad = adapter.judge!(res(good.replace('"price":10', '"price":"1.99"')), d, expect2xx);
    expect(bad).toMatchObject({ ok: false });
    expect(bad!.reason).toMatch(/content\[0\]\.price/);
    expect(adapter.judge!(res('OK'), d, expect2xx)!.reason).toMatch(/not JSON/);

    const [status] = lib.render('fb-credits-status-update', { now });
    const ds = await adapter.build(status, ctx);
    const orderId = (status.body as any).order_id;
    expect(adapter.judge!(res(JSON.stringify({ content: { status: 'settled', order_id: Number(orderId) }, method: 'payments_status_update' })), ds, expect2xx)).toEqual({ ok: true });
    expect(adapter.judge!(res(JSON.stringify({ content: { status: 'settled', order_id: 1 }, method: 'payments_status_update' })), ds, expect2xx)!.reason).toMatch(/order_id/);
    expect(adapter.judge!(res(JSON.stringify({ content: { status: 'settled' }, method: 'payments_get_items' })), ds, expect2xx)!.reason).toMatch(/method/);
  });

  it('leaves non-2xx replies, non-2xx expectations, tampered and non-Credits deliveries to the status check', async () => {
    const [items] = lib.render('fb-credits-get-items', { now });
    const d = await adapter.build(items, ctx);
    expect(adapter.judge!(res('nope', 500), d, expect2xx)).toBeUndefined();
    expect(adapter.judge!(res('nope', 403), d, { kind: 'class', cls: 4 })).toBeUndefined();
    const t = await adapter.build(items, { ...ctx, tamper: 'signature' });
    expect(adapter.judge!(res('nope', 200), t, expect2xx)).toBeUndefined();
    const [charge] = lib.render('fb-payment-charge', { now });
    expect(adapter.judge!(res('whatever'), await adapter.build(charge, ctx), expect2xx)).toBeUndefined();
  });
});

describe('facebook replay adapter: seeding the Graph emulator', () => {
  let graph: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    graph = await startServer((req, res) => {
      if (req.method === 'POST' && req.url === '/_fbpay/payments') {
        const p = JSON.parse(req.body.toString());
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: p.id }));
      } else res.writeHead(404).end('{"error":{"message":"unknown path","code":803}}');
    });
  });
  afterAll(() => graph.close());

  it('POSTs the rendered payment object once before the delivery', async () => {
    const adapter = createReplayAdapter({ secret: SECRET, graphUrl: graph.url + '/' });
    const [fx] = lib.render('fb-payment-refund', { now });
    await adapter.build(fx, ctx);
    await adapter.build(fx, ctx);
    expect(graph.received).toHaveLength(1);
    expect(JSON.parse(graph.received[0].body.toString())).toEqual(fx.payment);
    expect(graph.received[0].headers['content-type']).toBe('application/json');
    // signed_request fixtures have no payment object: nothing is seeded
    await adapter.build(lib.render('fb-lite-purchase', { now })[0], ctx);
    expect(graph.received).toHaveLength(1);
  });

  it('an emulator that answers an error, or is down, is a network error (exit 3)', async () => {
    const bad = createReplayAdapter({ secret: SECRET, graphUrl: graph.url + '/nope' });
    await expect(bad.build(lib.render('fb-payment-charge', { now })[0], ctx)).rejects.toMatchObject({ exitCode: 3, code: 'graph_seed_failed' });
    const down = createReplayAdapter({ secret: SECRET, graphUrl: 'http://127.0.0.1:1' });
    await expect(down.build(lib.render('fb-payment-charge', { now })[0], ctx)).rejects.toMatchObject({ exitCode: 3 });
  });
});

describe('facebook receiver', () => {
  const receiver = createReceiver({ secret: SECRET, verifyToken: 'tok-123', now });
  const get = (q: string): IncomingDelivery => ({ method: 'GET', path: '/', rawQuery: q, headers: {}, body: Buffer.alloc(0), receivedAt: new Date() });

  it('answers the handshake only for the right verify token', () => {
    expect(receiver.handshake!(get('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=tok-123'))).toEqual({ status: 200, body: '1158201444' });
    expect(receiver.handshake!(get('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=tok-124'))!.status).toBe(403);
    expect(receiver.handshake!(get('hub.mode=subscribe&hub.challenge=1158201444'))!.status).toBe(403);
    expect(receiver.handshake!(get('hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=tok-123'))!.status).toBe(400);
    expect(receiver.handshake!(get(''))).toBeUndefined();
    expect(createReceiver({ secret: SECRET }).handshake!(get('hub.mode=subscribe&hub.challenge=1&hub.verify_token=x'))!.status).toBe(403);
  });

  it('rejects unsigned and garbage POSTs with a reason, and never throws', async () => {
    const post = (body: string, headers: Record<string, string> = {}): IncomingDelivery => ({ method: 'POST', path: '/', rawQuery: '', headers, body: Buffer.from(body), receivedAt: new Date() });
    const none = await receiver.receive(post('{"object":"payments","entry":[]}'));
    expect(none).toMatchObject({ verified: false });
    expect(none.reason).toMatch(/no X-Hub-Signature/);
    expect((await receiver.receive(post('x', { 'x-hub-signature-256': 'garbage' }))).verified).toBe(false);
    const sig = 'sha256=' + createHmac('sha256', SECRET).update('not json').digest('hex');
    const unparsable = await receiver.receive(post('not json', { 'x-hub-signature-256': sig }));
    expect(unparsable).toMatchObject({ verified: true, reply: { status: 400 } });
    expect((await receiver.receive(post('signed_request=abc.def&method=payments_get_items'))).verified).toBe(false);
  });

  it('signed_request checks are constant-time HMAC over the segment and reject stale issued_at', async () => {
    const adapter = createReplayAdapter({ secret: SECRET });
    const [fx] = lib.render('fb-lite-purchase', { now: () => NOW - 3 * 24 * 3600 });
    const d = await adapter.build(fx, ctx);
    const r = await receiver.receive(incoming(d));
    expect(r.verified).toBe(false);
    expect(r.reason).toMatch(/stale/);
    expect(verifySignedRequestString('a.b.c', SECRET).valid).toBe(false);
  });

  it('summarizes lite purchases and credits callbacks', async () => {
    const adapter = createReplayAdapter({ secret: SECRET });
    const [lite] = lib.render('fb-lite-purchase', { now });
    expect((await receiver.receive(incoming(await adapter.build(lite, ctx)))).summary).toBe(`lite purchase ${(lite.body as any).purchase_token}`);
    const [cr] = lib.render('fb-credits-status-update', { now });
    expect((await receiver.receive(incoming(await adapter.build(cr, ctx)))).summary).toBe(`credits payments_status_update order ${(cr.body as any).order_id}`);
  });
});

describe('deliveries sent over real HTTP to a Node receiver', () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  const receiver = createReceiver({ secret: SECRET, now });
  beforeAll(async () => {
    srv = await startServer(async (req, res) => {
      const u = new URL(req.url, 'http://x');
      const r = await receiver.receive({ method: req.method, path: u.pathname, rawQuery: u.search.slice(1), headers: req.headers, body: req.body, receivedAt: new Date() });
      res.writeHead(r.reply?.status ?? (r.verified ? 200 : 403)).end(r.verified ? 'ok' : r.reason);
    });
  });
  afterAll(() => srv.close());

  it('every fixture is accepted byte for byte; tampered ones are rejected', async () => {
    const adapter = createReplayAdapter({ secret: SECRET });
    for (const name of ALL) {
      const [fx] = lib.render(name, { now });
      const d = await adapter.build(fx, { target: new URL(srv.url), now });
      const res = await httpRequest({ method: d.method, url: d.url, headers: d.headers, body: d.body });
      expect(res.status, `${name}: ${res.body}`).toBe(200);
      expect(srv.received.at(-1)!.body.equals(d.body!)).toBe(true);
      const t = await adapter.build(fx, { target: new URL(srv.url), now, tamper: 'signature' });
      expect((await httpRequest({ method: t.method, url: t.url, headers: t.headers, body: t.body })).status).toBe(403);
    }
  });
});
