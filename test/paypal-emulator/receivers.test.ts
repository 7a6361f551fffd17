import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreatePki, startPaypalEmulator, type EmulatorPki, type RunningPaypalEmulator } from '../../src/providers/paypal/emulator/index.js';
import { PHP, startPhp } from '../helpers/php.js';
// The reference receiver is plain JS users copy; imported exactly as shipped.
// @ts-expect-error -- no type declarations for the .mjs example (by design: it has no build step)
import { startReceiver } from '../../examples/paypal-receiver/server.mjs';
import { api, CLIENT_ID, CLIENT_SECRET, token, trigger } from './helpers.js';

/**
 * The emulator's deliveries against two receivers that share no verification code with fbpay's
 * core: examples/paypal-receiver (offline: allow-listed certificate host, chain to the emulator
 * CA, cached certificate; and online against the emulator's verify-webhook-signature), and a PHP
 * receiver under `php -S` (openssl_verify). Both accept every delivery and refuse tampered ones.
 */

interface Rx {
  url: string;
  close(): Promise<void>;
}
interface Ledger {
  events: number;
  duplicates: number;
  rejected: number;
  subscriptions: Array<{ id: string; status: string; custom_id: string | null; entitled: boolean; sales: string[]; failed_payments: number }>;
  sales: Array<{ id: string; state: string; subscription: string | null }>;
  disputes: Array<{ id: string; sale: string; status: string; outcome: string | null }>;
  grants: Array<{ subscription: string; action: 'grant' | 'revoke'; why: string }>;
}

const WEBHOOK_ID = 'WHRECEIVERTEST001';
let pki: EmulatorPki;

beforeAll(async () => {
  pki = await loadOrCreatePki();
});

async function ledgerOf(rx: Rx): Promise<Ledger> {
  return (await fetch(`${rx.url}/ledger`)).json() as Promise<Ledger>;
}

/** A pass-through on 127.0.0.1 that records each delivery and forwards it to `target`, replying with its answer. */
async function tap(target: () => string) {
  const hits: Array<{ body: Buffer; headers: Record<string, string> }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('paypal-') && typeof v === 'string') headers[k] = v;
      hits.push({ body, headers });
      const r = await fetch(target(), { method: 'POST', body, headers });
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/paypal/webhook`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Every trigger event once, in a subscription's order; returns the subscription id. */
async function lifecycle(emuUrl: string): Promise<{ sub: string; firstSale: string }> {
  const created = await trigger(emuUrl, 'paypal-subscription-create', { custom_id: 'player-9' });
  const sub = created.ids.subscription as string;
  const approved = await trigger(emuUrl, 'paypal-subscription-approve', { subscription: sub });
  await trigger(emuUrl, 'paypal-subscription-renew', { subscription: sub });
  await trigger(emuUrl, 'paypal-subscription-payment-failed', { subscription: sub });
  await trigger(emuUrl, 'paypal-subscription-suspend', { subscription: sub });
  await trigger(emuUrl, 'paypal-subscription-reactivate', { subscription: sub });
  await trigger(emuUrl, 'paypal-sale-refund', { sale: approved.ids.sale, amount: '1.00' });
  const dispute = await trigger(emuUrl, 'paypal-dispute', { sale: approved.ids.sale });
  await trigger(emuUrl, 'paypal-dispute', { dispute: dispute.ids.dispute, outcome: 'RESOLVED_SELLER_FAVOUR' });
  await trigger(emuUrl, 'paypal-sale-reverse', { subscription: sub });
  await trigger(emuUrl, 'paypal-subscription-cancel', { subscription: sub });
  return { sub, firstSale: approved.ids.sale };
}

async function allDelivered(emu: RunningPaypalEmulator): Promise<Array<{ event_type: string; ok: boolean; status?: number }>> {
  await emu.idle();
  return ((await (await fetch(`${emu.url}/_fbpay/deliveries`)).json()) as { data: Array<{ event_type: string; ok: boolean; status?: number }> }).data;
}

describe('examples/paypal-receiver, offline verification (emulator CA, loopback allowed)', () => {
  let emu: RunningPaypalEmulator;
  let rx: Rx;
  let t: Awaited<ReturnType<typeof tap>>;
  let certFetches = 0;

  beforeAll(async () => {
    t = await tap(() => `${rx.url}/paypal/webhook`);
    emu = await startPaypalEmulator({ pki, webhookUrl: t.url, webhookId: WEBHOOK_ID, retrySchedule: [], onRequest: (e) => void (e.path.includes('/notifications/certs/') && certFetches++) });
    rx = await startReceiver({ webhookId: WEBHOOK_ID, certHosts: ['127.0.0.1'], caPem: pki.caPem });
  });
  afterAll(async () => {
    await emu.close();
    await rx.close();
    await t.close();
  });

  it('accepts every delivery of a whole lifecycle, grants on ACTIVATED, links sales by billing_agreement_id, revokes on reversal and cancel; fetches the certificate once', async () => {
    const { sub, firstSale } = await lifecycle(emu.url);
    const deliveries = await allDelivered(emu);
    expect(deliveries.length).toBe(12);
    expect(deliveries.filter((d) => !d.ok)).toEqual([]);
    const l = await ledgerOf(rx);
    const s = l.subscriptions.find((x) => x.id === sub)!;
    expect(s).toMatchObject({ status: 'CANCELLED', custom_id: 'player-9', entitled: false, failed_payments: 1 });
    expect(s.sales).toHaveLength(2);
    expect(l.sales.find((x) => x.id === firstSale)).toMatchObject({ subscription: sub, state: 'refunded' });
    expect(l.disputes[0]).toMatchObject({ sale: firstSale, status: 'RESOLVED', outcome: 'RESOLVED_SELLER_FAVOUR' });
    expect(l.grants.filter((g) => g.subscription === sub).map((g) => `${g.action}:${g.why}`)).toEqual([
      expect.stringMatching(/^grant:(BILLING.SUBSCRIPTION.ACTIVATED|PAYMENT.SALE.COMPLETED)$/),
      'revoke:BILLING.SUBSCRIPTION.SUSPENDED',
      'grant:BILLING.SUBSCRIPTION.RE-ACTIVATED',
      'revoke:PAYMENT.SALE.REVERSED',
    ]);
    expect(certFetches).toBe(1);
  });

  it('applies a resent event once (idempotent on event id)', async () => {
    const created = await trigger(emu.url, 'paypal-subscription-create');
    const before = await ledgerOf(rx);
    const tok = await token(emu.url);
    expect((await api(emu.url, tok, 'POST', `/v1/notifications/webhooks-events/${created.ids.events[0]}/resend`, {})).status).toBe(202);
    await emu.idle();
    const after = await ledgerOf(rx);
    expect(after.duplicates).toBe(before.duplicates + 1);
    expect(after.events).toBe(before.events);
    expect((await allDelivered(emu)).at(-1)).toMatchObject({ ok: true, status: 200 });
  });

  it('refuses a tampered body, a delivery for another webhook id, and the simulator\u2019s WEBHOOK_ID signature', async () => {
    const hit = t.hits.at(-1)!;
    const tampered = await fetch(`${rx.url}/paypal/webhook`, { method: 'POST', body: hit.body.toString('utf8').replace('"1"', '"2"'), headers: hit.headers });
    expect(tampered.status).toBe(400);
    const same = await fetch(`${rx.url}/paypal/webhook`, { method: 'POST', body: hit.body, headers: hit.headers });
    expect(same.status).toBe(200);
    const tok = await token(emu.url);
    expect((await api(emu.url, tok, 'POST', '/v1/notifications/simulate-event', { url: t.url, event_type: 'PAYMENT.SALE.COMPLETED' })).status).toBe(202);
    expect((await allDelivered(emu)).at(-1)).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses the emulator\u2019s certificate when 127.0.0.1 is not allow-listed, or when it does not chain to the configured CA', async () => {
    const hit = t.hits.at(-1)!;
    const strict = await startReceiver({ webhookId: WEBHOOK_ID });
    const otherCa = await loadOrCreatePki();
    const wrongCa = await startReceiver({ webhookId: WEBHOOK_ID, certHosts: ['127.0.0.1'], caPem: otherCa.caPem });
    try {
      const a = await fetch(`${strict.url}/paypal/webhook`, { method: 'POST', body: hit.body, headers: hit.headers });
      expect(a.status).toBe(400);
      expect(((await a.json()) as { reason: string }).reason).toMatch(/not allowed/);
      const b = await fetch(`${wrongCa.url}/paypal/webhook`, { method: 'POST', body: hit.body, headers: hit.headers });
      expect(b.status).toBe(400);
      expect(((await b.json()) as { reason: string }).reason).toMatch(/chain/);
    } finally {
      await strict.close();
      await wrongCa.close();
    }
  });
});

describe('examples/paypal-receiver, online verification against the emulator', () => {
  it('accepts the lifecycle through verify-webhook-signature and refuses a tampered body', async () => {
    let late: Rx | undefined;
    const t = await tap(() => `${late!.url}/paypal/webhook`);
    const emu = await startPaypalEmulator({ pki, webhookUrl: t.url, webhookId: WEBHOOK_ID, retrySchedule: [] });
    const rx: Rx = (late = await startReceiver({ webhookId: WEBHOOK_ID, verify: 'online', apiUrl: emu.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }));
    try {
      const { sub } = await lifecycle(emu.url);
      expect((await allDelivered(emu)).filter((d) => !d.ok)).toEqual([]);
      expect((await ledgerOf(rx)).subscriptions.find((s) => s.id === sub)!.status).toBe('CANCELLED');
      const hit = t.hits.at(-1)!;
      const tampered = await fetch(`${rx.url}/paypal/webhook`, { method: 'POST', body: hit.body.toString('utf8').replace('CANCELLED', 'ACTIVE'), headers: hit.headers });
      expect(tampered.status).toBe(400);
    } finally {
      await emu.close();
      await rx.close();
      await t.close();
    }
  });
});

// webhook check against this receiver, chain checked for real: receiver-trust.test.ts.

describe.skipIf(!PHP)('an independent PHP receiver (openssl_verify) under php -S', () => {
  it('accepts every emulator delivery of a lifecycle and refuses tampered and simulator-signed ones', async () => {
    const php = await startPhp(fileURLToPath(new URL('./php/', import.meta.url)), 'receiver.php', { PAYPAL_WEBHOOK_ID: WEBHOOK_ID, EMULATOR_CA: pki.caPath });
    const t = await tap(() => `${php.url}/hook`);
    const emu = await startPaypalEmulator({ pki, webhookUrl: t.url, webhookId: WEBHOOK_ID, retrySchedule: [] });
    try {
      await lifecycle(emu.url);
      const deliveries = await allDelivered(emu);
      expect(deliveries.length).toBe(12);
      expect(deliveries.filter((d) => !d.ok)).toEqual([]);
      const hit = t.hits.find((h) => h.body.includes('PAYMENT.SALE.COMPLETED'))!;
      const good = await fetch(`${php.url}/hook`, { method: 'POST', body: hit.body, headers: hit.headers });
      expect(await good.json()).toMatchObject({ ok: true, subscription_id: expect.stringMatching(/^I-/) });
      const bad = await fetch(`${php.url}/hook`, { method: 'POST', body: hit.body.toString('utf8').replace('"completed"', '"Completed"'), headers: hit.headers });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { reason: string }).reason).toBe('signature');
      const tok = await token(emu.url);
      await api(emu.url, tok, 'POST', '/v1/notifications/simulate-event', { url: `${php.url}/hook`, event_type: 'BILLING.SUBSCRIPTION.CREATED' });
      expect((await allDelivered(emu)).at(-1)).toMatchObject({ ok: false, status: 400 });
    } finally {
      await emu.close();
      await t.close();
      await php.stop();
    }
  });
});
