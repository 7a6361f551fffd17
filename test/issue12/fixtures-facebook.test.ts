import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureLibrary } from '../../src/providers/fixtures.js';
import { buildPreset } from '../../src/core/facebook/presets.js';
import { admin, APP_TOKEN, graphGet, graphPost, startEmu } from '../graph/helpers.js';
import type { GraphEmulator } from '../../src/providers/graph/emulator/server.js';

// Issue 12 §6: the fixtures and the Graph emulator agree with Facebook's payment reference and
// "Webhooks for Payments" (sources in fixtures/README.md), and with each other.
const NOW = 1_700_000_000;
const lib = new FixtureLibrary();
const PAYMENT_FIXTURES = ['fb-payment-charge', 'fb-payment-refund', 'fb-payment-chargeback', 'fb-payment-chargeback-reversal', 'fb-payment-decline', 'fb-payment-dispute'];
const payments = PAYMENT_FIXTURES.map((n) => [n, lib.render(n, { now: () => NOW })[0].payment as any] as const);
const typesOf = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v]));

describe('payment fixtures', () => {
  it('one sign convention: every action amount is positive (the type says which way the money moved)', () => {
    for (const [n, p] of payments) for (const a of p.actions) expect(a.amount, `${n} ${a.type}`).toMatch(/^\d+\.\d\d$/);
  });
  it('created_time is the charge\'s time_created', () => {
    for (const [n, p] of payments) expect(p.created_time, n).toBe(p.actions.find((a: any) => a.type === 'charge').time_created);
  });
  it('tax, tax_country and actions[].tax_amount follow the documented omission rules', () => {
    const seen = new Set<string>();
    for (const [n, p] of payments) {
      expect(['not_taxed', 'already_paid', 'tax_remitted', 'tax_remitted_USMPF'], n).toContain(p.tax);
      seen.add(p.tax);
      const omitted = p.tax === 'not_taxed' || p.tax === 'already_paid';
      expect('tax_country' in p, n).toBe(!omitted);
      for (const a of p.actions) expect('tax_amount' in a, `${n} ${a.type}`).toBe(!omitted);
      expect('is_from_ad' in p.actions[0], n).toBe(false);
    }
    expect([...seen].sort()).toEqual(['already_paid', 'not_taxed', 'tax_remitted']);
  });
  it('fb-dispute-lifecycle: every step is a distinct update (its own entry[].time, in order)', () => {
    const steps = lib.render('fb-dispute-lifecycle', { now: () => NOW });
    const bodies = steps.map((s) => JSON.stringify(s.body));
    expect(new Set(bodies).size).toBe(steps.length);
    const times = steps.map((s) => (s.body as any).entry[0].time as number);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(steps.map((s) => (s.body as any).entry[0].id)).size).toBe(1);
  });
});

describe('signed_request fixtures agree with the presets', () => {
  it('pay dialog: numeric payment_id, no user_id, the same fields as the pay-dialog preset (and real captures)', () => {
    const body = lib.render('fb-pay-dialog-purchase', { now: () => NOW })[0].body as any;
    const preset = buildPreset('pay-dialog', { now: NOW });
    expect(Object.keys(body.signed_request).sort()).toEqual(Object.keys(preset).sort());
    expect(typesOf(body.signed_request)).toEqual(typesOf(preset));
    expect(typeof body.payment_id).toBe('number');
    expect(body.payment_id).toBe(body.signed_request.payment_id);
  });
  it('credits: the same id types as the credits presets', () => {
    for (const n of ['credits-get-items', 'credits-status-update'] as const) {
      const sr = (lib.render(`fb-${n}`, { now: () => NOW })[0].body as any).signed_request;
      const preset = buildPreset(n, { now: NOW }) as any;
      for (const k of ['buyer', 'receiver', 'order_id']) expect(typeof sr.credits[k], `${n} credits.${k}`).toBe(typeof preset.credits[k]);
      expect(typeof sr.user_id).toBe(typeof preset.user_id);
    }
  });
});

describe('mock graph: GET /{payment-id}', () => {
  let emu: GraphEmulator;
  beforeAll(async () => {
    emu = await startEmu();
  });
  afterAll(() => emu.close());

  it('the default answer has payout_foreign_exchange_rate and tax, is_from_ad/is_from_page_post top-level, and no disputes key until disputed', async () => {
    const user = (await admin(emu.url, '/_fbpay/users')).json;
    const bought = (await admin(emu.url, '/_fbpay/purchases', { access_token: user.access_token, product_id: 'coins_100' })).json;
    const p = (await graphGet(emu.url, `/v21.0/${bought.payment_id}`, APP_TOKEN)).json;
    expect(p).toMatchObject({ payout_foreign_exchange_rate: 1, tax: 'not_taxed', is_from_ad: false, is_from_page_post: false });
    expect(p.created_time).toBe(p.actions[0].time_created);
    expect('disputes' in p).toBe(false);
    expect('tax_country' in p).toBe(false);
    expect(Object.keys(p.actions[0])).not.toContain('is_from_ad');
    expect(Object.keys(p.actions[0])).not.toContain('tax_amount');
    await admin(emu.url, `/_fbpay/payments/${bought.payment_id}/disputes`, {});
    expect((await graphGet(emu.url, `/v21.0/${bought.payment_id}`, APP_TOKEN)).json.disputes).toHaveLength(1);
  });
  it('a seeded never-disputed fixture has no disputes key; refunds are positive, with tax_amount when tax was remitted', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    expect('disputes' in (await graphGet(emu.url, `/v21.0/${id}`, APP_TOKEN)).json).toBe(false);
    const taxed = (
      await admin(emu.url, '/_fbpay/payments', {
        actions: [{ type: 'charge', status: 'completed', currency: 'EUR', amount: '1.19', tax_amount: '0.19', time_created: '2026-01-01T00:00:00+0000' }],
        country: 'DE',
        tax: 'tax_remitted',
        tax_country: 'DE',
      })
    ).json.id;
    expect((await graphPost(emu.url, `/${taxed}/refunds`, { access_token: APP_TOKEN, amount: '0.60', currency: 'EUR' })).json.success).toBe(true);
    const refund = (await graphGet(emu.url, `/v21.0/${taxed}`, APP_TOKEN)).json.actions.at(-1);
    expect(refund).toMatchObject({ type: 'refund', amount: '0.60', tax_amount: '0.10' });
  });
});
