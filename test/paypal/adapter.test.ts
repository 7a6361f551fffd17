import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureLibrary } from '../../src/providers/fixtures.js';
import { createReceiver, createReplayAdapter, STALE_SECONDS } from '../../src/providers/paypal/webhook-adapter.js';
import { loadReplayAdapter } from '../../src/providers/webhook/providers.js';
import type { IncomingDelivery, OutgoingDelivery, ReceiveResult, ReplayAdapter } from '../../src/providers/webhook/adapter.js';
import { httpRequest } from '../../src/transport/http.js';
import { paypalCrc32 } from '../../src/core/paypal/signed-string.js';
import { NO_PHP, startPhp } from '../helpers/php.js';
import { testPair } from './helpers.js';

const lib = new FixtureLibrary();
const target = new URL('http://127.0.0.1:9/');
const now = () => Math.floor(Date.now() / 1000);

async function buildAll(adapter: ReplayAdapter, name: string, tamper?: 'body' | 'signature' | 'stale', to = target): Promise<OutgoingDelivery[]> {
  const out: OutgoingDelivery[] = [];
  for (const r of lib.render(name)) out.push(await adapter.build(r, { target: to, now, tamper }));
  return out;
}

/** A node receiver running fbpay's PayPal Receiver, as `webhook listen` would. */
async function startReceiver(opts: Parameters<typeof createReceiver>[0]) {
  const receiver = createReceiver(opts);
  const results: ReceiveResult[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const d: IncomingDelivery = { method: req.method!, path: req.url!.split('?')[0], rawQuery: '', headers, body: Buffer.concat(chunks), receivedAt: new Date() };
      const r = await receiver.receive(d);
      results.push(r);
      res.writeHead(r.verified ? 200 : 403);
      res.end(r.summary);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/paypal/webhook`, results, close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

const send = (d: OutgoingDelivery, url?: string) => httpRequest({ method: d.method, url: url ?? d.url, headers: d.headers, body: d.body });

describe('PayPal fixtures', () => {
  it('every PayPal fixture renders to a signed-able event with the right shape', () => {
    const names = lib.list().map((x) => x.fixture.name).filter((n) => n.startsWith('paypal-'));
    expect(names.sort()).toEqual([
      'paypal-capture-completed', 'paypal-capture-denied', 'paypal-capture-refunded', 'paypal-capture-reversed', 'paypal-dispute-created', 'paypal-dispute-resolved', 'paypal-dispute-updated',
      'paypal-sale-completed', 'paypal-sale-denied', 'paypal-sale-pending', 'paypal-sale-refunded', 'paypal-sale-reversed', 'paypal-subscription-activated', 'paypal-subscription-cancelled',
      'paypal-subscription-created', 'paypal-subscription-expired', 'paypal-subscription-lifecycle', 'paypal-subscription-payment-failed', 'paypal-subscription-reactivated', 'paypal-subscription-suspended',
      'paypal-subscription-updated',
    ]);
    for (const n of names.filter((x) => !x.endsWith('lifecycle'))) {
      const [r] = lib.render(n);
      const body = r.body as Record<string, any>;
      expect(r.provider).toBe('paypal');
      expect(body.id).toMatch(/^WH-[A-Z0-9]{17}-[A-Z0-9]{17}$/);
      expect(body.event_type).toMatch(/^(BILLING\.SUBSCRIPTION|PAYMENT\.(SALE|CAPTURE)|CUSTOMER\.DISPUTE)\./);
      if (n.startsWith('paypal-subscription-')) {
        expect(body.resource_version).toBe('2.0');
        expect(body.resource.id).toMatch(/^I-[A-Z0-9]{12}$/);
      }
    }
    expect(((lib.render('paypal-sale-completed')[0].body) as any).resource.billing_agreement_id).toMatch(/^I-/);
  });

  it('the lifecycle scenario: created → activated → 3 monthly sales → cancelled, one subscription id throughout', () => {
    const steps = lib.render('paypal-subscription-lifecycle');
    const bodies = steps.map((s) => s.body as Record<string, any>);
    expect(bodies.map((b) => b.event_type)).toEqual([
      'BILLING.SUBSCRIPTION.CREATED', 'BILLING.SUBSCRIPTION.ACTIVATED', 'PAYMENT.SALE.COMPLETED', 'PAYMENT.SALE.COMPLETED', 'PAYMENT.SALE.COMPLETED', 'BILLING.SUBSCRIPTION.CANCELLED',
    ]);
    const sub = bodies[0].resource.id;
    for (const b of bodies) expect(b.event_type.startsWith('PAYMENT.SALE.') ? b.resource.billing_agreement_id : b.resource.id).toBe(sub);
    const sales = bodies.slice(2, 5);
    expect(new Set(sales.map((b) => b.resource.id)).size).toBe(3);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(6);
    const times = sales.map((b) => Date.parse(b.resource.create_time));
    expect(times[1] - times[0]).toBe(30 * 86400 * 1000);
    expect(times[2] - times[1]).toBe(30 * 86400 * 1000);
  });
});

describe('PayPal replay adapter → fbpay receiver', () => {
  let adapter: ReplayAdapter;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    adapter = await loadReplayAdapter('paypal', { webhookId: 'WH-ADAPTER-1' });
    await adapter.open!(new AbortController().signal);
    rx = await startReceiver({ webhookId: 'WH-ADAPTER-1', allowCertHosts: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await adapter.close!();
    await rx.close();
  });

  it('signs the exact bytes, points PAYPAL-CERT-URL at the loopback cert server, and the receiver verifies every lifecycle step', async () => {
    const ds = await buildAll(adapter, 'paypal-subscription-lifecycle', undefined, new URL(rx.url));
    for (const d of ds) {
      expect(d.headers['PAYPAL-CERT-URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/certs\/CERT-fbpay-/);
      expect(d.body!.toString()).toBe(JSON.stringify(JSON.parse(d.body!.toString())));
      const res = await send(d);
      expect(res.status, res.body.toString()).toBe(200);
    }
    const sub = ds[0].meta!.subscription_id;
    expect(rx.results.slice(-6).map((r) => r.summary)).toEqual([
      expect.stringMatching(/^BILLING\.SUBSCRIPTION\.CREATED I-/),
      expect.stringMatching(/^BILLING\.SUBSCRIPTION\.ACTIVATED I-/),
      expect.stringContaining(`billing_agreement_id ${sub}`),
      expect.stringContaining(`billing_agreement_id ${sub}`),
      expect.stringContaining(`billing_agreement_id ${sub}`),
      expect.stringMatching(/^BILLING\.SUBSCRIPTION\.CANCELLED I-/),
    ]);
  });

  it.each([
    ['body', 'signature'],
    ['signature', 'signature'],
    ['stale', 'transmission_time'],
  ] as const)('--tamper %s is rejected by the receiver (%s)', async (mode, check) => {
    const [d] = await buildAll(adapter, 'paypal-sale-completed', mode, new URL(rx.url));
    if (mode === 'stale') expect(now() - Date.parse(d.headers['PAYPAL-TRANSMISSION-TIME']) / 1000).toBeGreaterThanOrEqual(STALE_SECONDS - 5);
    const res = await send(d);
    expect(res.status).toBe(403);
    expect(rx.results.at(-1)!.reason).toContain(`${check}:`);
  });

  it('a receiver for another webhook id, or one that does not allow the loopback cert host, rejects', async () => {
    const other = await startReceiver({ webhookId: 'WH-OTHER', allowCertHosts: ['127.0.0.1'] });
    const strict = await startReceiver({ webhookId: 'WH-ADAPTER-1' });
    try {
      const [d] = await buildAll(adapter, 'paypal-subscription-activated');
      expect((await send(d, other.url)).status).toBe(403);
      expect(other.results[0].reason).toContain('signature:');
      expect((await send(d, strict.url)).status).toBe(403);
      expect(strict.results[0].reason).toMatch(/cert_url: refused to fetch: 127\.0\.0\.1:\d+ is not a PayPal certificate host/);
    } finally {
      await other.close();
      await strict.close();
    }
  });

  it('a captured delivery is re-signed over its exact bytes, its own PAYPAL-* headers replaced', async () => {
    const raw = Buffer.from('{ "id": "WH-CAPTURED", "event_type": "PAYMENT.SALE.COMPLETED", "resource": {"id":"S1","billing_agreement_id":"I-CAP"} }\n');
    const d = await adapter.build(
      { captured: true, received_at: new Date().toISOString(), method: 'POST', path: '/paypal/webhook', headers: { 'content-type': 'application/json', 'paypal-transmission-id': 'old', 'paypal-transmission-sig': 'old', host: 'x' }, body: raw, label: 'c.ndjson:1' },
      { target: new URL(rx.url), now },
    );
    expect(d.body!.equals(raw)).toBe(true);
    expect(d.headers['paypal-transmission-id']).toBeUndefined();
    expect(d.headers.host).toBeUndefined();
    expect((await send(d)).status).toBe(200);
    expect(rx.results.at(-1)!.summary).toBe('PAYMENT.SALE.COMPLETED S1 billing_agreement_id I-CAP (certificate trusted because you passed --allow-cert-host)');
  });

  it('bad adapter options are usage errors naming the flag', () => {
    expect(() => createReplayAdapter({})).toThrow(/webhook id/);
    expect(() => createReplayAdapter({ webhookId: 'W', certPem: testPair().certPem })).toThrow(/--key/);
    expect(() => createReplayAdapter({ webhookId: 'W', keyPem: testPair().keyPem })).toThrow(/--cert/);
    expect(() => createReplayAdapter({ webhookId: 'W', keyPem: 'junk', certUrl: 'http://127.0.0.1/c' })).toThrow(/RSA private key/);
  });

  it('with --key/--cert the given certificate is served and used', async () => {
    const { keyPem, certPem } = testPair();
    const a = createReplayAdapter({ webhookId: 'WH-ADAPTER-1', keyPem, certPem });
    await a.open!(new AbortController().signal);
    try {
      const [d] = await buildAll(a, 'paypal-capture-completed', undefined, new URL(rx.url));
      const cert = await httpRequest({ method: 'GET', url: d.headers['PAYPAL-CERT-URL'] });
      expect(cert.body.toString()).toBe(certPem);
      expect((await send(d)).status).toBe(200);
    } finally {
      await a.close!();
    }
  });
});

describe.skipIf(NO_PHP)('PayPal deliveries checked by an independent PHP receiver (openssl_verify, sprintf %u crc32)', () => {
  const phpDir = fileURLToPath(new URL('./php/', import.meta.url));
  let php: Awaited<ReturnType<typeof startPhp>>;
  let adapter: ReplayAdapter;
  beforeAll(async () => {
    php = await startPhp(phpDir, 'receiver.php', { PAYPAL_WEBHOOK_ID: 'WH-PHP-1' });
    adapter = createReplayAdapter({ webhookId: 'WH-PHP-1' });
    await adapter.open!(new AbortController().signal);
  });
  afterAll(async () => {
    await adapter?.close!();
    await php?.stop();
  });

  it('accepts every lifecycle delivery the adapter builds, and agrees on crc32 and the subscription id', async () => {
    const ds = await buildAll(adapter, 'paypal-subscription-lifecycle', undefined, new URL(php.url + '/'));
    const subs = new Set<string>();
    for (const d of ds) {
      const res = await send(d, `${php.url}/paypal/webhook`);
      const doc = JSON.parse(res.body.toString());
      expect(res.status, res.body.toString()).toBe(200);
      expect(doc.crc).toBe(String(paypalCrc32(d.body!)));
      subs.add(doc.subscription_id);
    }
    expect(subs.size).toBe(1);
    expect([...subs][0]).toMatch(/^I-/);
  });

  it('rejects deliveries signed for another webhook id, tampered bodies and stale ones', async () => {
    const other = createReplayAdapter({ webhookId: 'WH-SOMEONE-ELSE' });
    await other.open!(new AbortController().signal);
    try {
      const [d] = await buildAll(other, 'paypal-sale-completed');
      const res = await send(d, `${php.url}/paypal/webhook`);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body.toString()).reason).toBe('signature');
    } finally {
      await other.close!();
    }
    for (const [mode, reason] of [['body', 'signature'], ['signature', 'signature'], ['stale', 'stale transmission time']] as const) {
      const [d] = await buildAll(adapter, 'paypal-sale-completed', mode);
      const res = await send(d, `${php.url}/paypal/webhook`);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body.toString()).reason).toBe(reason);
    }
  });
});
