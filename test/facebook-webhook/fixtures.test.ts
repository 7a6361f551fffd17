import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { FixtureLibrary, builtinFixturesDir } from '../../src/providers/fixtures.js';
import { fixtureSchemaFor } from '../../src/core/fixtures/schema.js';
import { validate } from '../../src/core/validate.js';
import { runCli } from '../helpers/cli.js';

const NOW = 1_700_000_000;
const FB_DIR = join(builtinFixturesDir(), 'facebook');
const EVENTS = [
  'fb-payment-charge',
  'fb-payment-refund',
  'fb-payment-chargeback',
  'fb-payment-chargeback-reversal',
  'fb-payment-decline',
  'fb-payment-dispute',
  'fb-lite-purchase',
  'fb-pay-dialog-purchase',
  'fb-credits-get-items',
  'fb-credits-status-update',
];
const PAYMENT_UPDATES: Record<string, { field: string; last: string; refundable?: string }> = {
  'fb-payment-charge': { field: 'actions', last: 'charge' },
  'fb-payment-refund': { field: 'actions', last: 'refund', refundable: '0.00' },
  'fb-payment-chargeback': { field: 'actions', last: 'chargeback', refundable: '0.00' },
  'fb-payment-chargeback-reversal': { field: 'actions', last: 'chargeback_reversal' },
  'fb-payment-decline': { field: 'actions', last: 'decline', refundable: '0.00' },
  'fb-payment-dispute': { field: 'disputes', last: 'charge' },
};

describe('facebook fixture files', () => {
  const lib = new FixtureLibrary();
  it('every required fixture exists, validates with the zod schema and is named after its file', () => {
    const files = readdirSync(FB_DIR).filter((f) => f.endsWith('.json'));
    for (const name of [...EVENTS, 'fb-dispute-lifecycle']) expect(files).toContain(`${name}.json`);
    for (const f of files) {
      const raw = JSON.parse(readFileSync(join(FB_DIR, f), 'utf8'));
      const parsed = validate(fixtureSchemaFor(raw), raw);
      expect(parsed.ok, `${f}: ${parsed.ok ? '' : `${parsed.path}: ${parsed.message}`}`).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.data.name + '.json').toBe(f);
      expect(parsed.data.provider).toBe('facebook');
    }
  });

  for (const name of EVENTS) {
    it(`${name} renders with no placeholder left and fresh ids`, () => {
      const [a] = lib.render(name, { now: () => NOW });
      const [b] = lib.render(name, { now: () => NOW });
      const text = JSON.stringify([a.body, a.payment, a.meta]);
      expect(text).not.toMatch(/\$\{/);
      expect(JSON.stringify(a.body)).not.toBe(JSON.stringify(b.body)); // ${id} is fresh on each render
    });
  }

  for (const [name, want] of Object.entries(PAYMENT_UPDATES)) {
    it(`${name}: a payments update whose entry id is the payment's id, with the Graph payment object`, () => {
      const [r] = lib.render(name, { now: () => NOW });
      const body = r.body as any;
      const payment = r.payment as any;
      expect(r.kind).toBe('payments-update');
      expect(body.object).toBe('payments');
      expect(body.entry).toHaveLength(1);
      expect(body.entry[0]).toEqual({ id: payment.id, time: NOW, changed_fields: [want.field] });
      expect(payment.id).toMatch(/^\d{16}$/);
      expect(payment.actions.at(-1).type).toBe(want.last);
      for (const a of payment.actions) {
        expect(a).toMatchObject({ status: 'completed', currency: payment.refundable_amount.currency });
        expect(a.amount).toMatch(/^\d+\.\d\d$/); // positive: the action's type says which way the money moved
        expect(a.time_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
      }
      expect(payment.items[0]).toMatchObject({ type: 'IN_APP_PURCHASE', quantity: 1 });
      expect(payment.user.id).toMatch(/^\d+$/);
      expect(payment.application.id).toBeTruthy();
      if (want.refundable) expect(payment.refundable_amount.amount).toBe(want.refundable);
      if (want.field === 'disputes') expect(payment.disputes[0]).toMatchObject({ status: 'pending', reason: 'pending' });
    });
  }

  it('signed_request fixtures carry the payload object and say how it is signed', () => {
    for (const name of ['fb-lite-purchase', 'fb-pay-dialog-purchase', 'fb-credits-get-items', 'fb-credits-status-update']) {
      const [r] = lib.render(name, { now: () => NOW });
      expect(r.meta.signed_request_fields).toEqual(['signed_request']);
      expect(String(r.meta.signing)).toMatch(/HMAC-SHA256/);
      const sr = (r.body as any).signed_request;
      expect(sr).toMatchObject({ algorithm: 'HMAC-SHA256', issued_at: NOW });
    }
    const [lite] = lib.render('fb-lite-purchase', { now: () => NOW });
    const b = lite.body as any;
    expect(b.signed_request.purchase_token).toBe(b.purchase_token);
    expect(b.signed_request.payment_id).toBe(b.payment_id);
    const [credits] = lib.render('fb-credits-status-update', { now: () => NOW });
    const c = credits.body as any;
    expect(c.method).toBe('payments_status_update');
    expect(credits.delivery.encoding).toBe('form');
    expect(c.signed_request.credits.order_id).toBe(Number(c.order_id)); // a number in the signed payload, a string in the form
    expect(JSON.parse(c.signed_request.credits.order_details)).toMatchObject({ order_id: Number(c.order_id), status: 'placed' });
    const [items] = lib.render('fb-credits-get-items', { now: () => NOW });
    expect((items.body as any).method).toBe('payments_get_items');
    expect(JSON.parse((items.body as any).signed_request.credits.order_info)).toEqual({ item_id: 'coins_100' });
  });

  it('fb-dispute-lifecycle keeps one payment id through charge → dispute → chargeback → chargeback_reversal', () => {
    const steps = lib.render('fb-dispute-lifecycle', { now: () => NOW });
    expect(steps.map((s) => s.name)).toEqual(['fb-payment-charge', 'fb-payment-dispute', 'fb-payment-chargeback', 'fb-payment-chargeback-reversal']);
    const ids = new Set(steps.flatMap((s) => [(s.body as any).entry[0].id, (s.payment as any).id]));
    expect(ids.size).toBe(1);
    expect(new Set(steps.map((s) => (s.payment as any).user.id)).size).toBe(1);
    expect(steps.map((s) => (s.body as any).entry[0].changed_fields[0])).toEqual(['actions', 'disputes', 'actions', 'actions']);
    expect(steps[0].step).toMatch(/^fb-dispute-lifecycle#1/);
    // a second run gets a different id
    const again = lib.render('fb-dispute-lifecycle', { now: () => NOW });
    expect((again[0].body as any).entry[0].id).not.toBe((steps[0].body as any).entry[0].id);
  });

  it('--set overrides a body field', () => {
    const [r] = lib.render('fb-payment-charge', { now: () => NOW, sets: ['entry.0.id="42"', 'entry.0.changed_fields=["disputes"]'] });
    expect((r.body as any).entry[0]).toMatchObject({ id: '42', changed_fields: ['disputes'] });
  });
});

describe('fbpay fixtures list|show', () => {
  it('lists every facebook fixture with provider, kind and description', async () => {
    const r = await runCli(['fixtures', 'list', '--provider', 'facebook']);
    expect(r.code).toBe(0);
    for (const name of [...EVENTS, 'fb-dispute-lifecycle']) expect(r.stdout).toContain(name);
    expect(r.stdout).toMatch(/name\s+provider\s+kind\s+description/);
    expect(r.stdout).toMatch(/fb-dispute-lifecycle\s+facebook\s+scenario/);
  });
  it('--json is one array of {name, provider, kind, description}', async () => {
    const r = await runCli(['--json', 'fixtures', 'list']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(Array.isArray(rows)).toBe(true);
    const charge = rows.find((x: any) => x.name === 'fb-payment-charge');
    expect(charge).toMatchObject({ provider: 'facebook', kind: 'payments-update' });
    expect(charge.description).toBeTruthy();
    // the whole fixtures/ tree is loaded: anything the other providers ship shows up as well
    const dirs = readdirSync(builtinFixturesDir(), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name); // fixtures/README.md sits beside them
    for (const d of dirs.filter((x) => x !== 'facebook')) {
      const files = readdirSync(join(builtinFixturesDir(), d)).filter((f) => f.endsWith('.json'));
      for (const f of files) expect(rows.map((x: any) => x.name)).toContain(f.replace(/\.json$/, ''));
    }
    const fb = await runCli(['--json', 'fixtures', 'list', '--provider', 'facebook']);
    expect(JSON.parse(fb.stdout).every((x: any) => x.provider === 'facebook')).toBe(true);
  });
  it('rejects an unknown provider (exit 2)', async () => {
    const r = await runCli(['fixtures', 'list', '--provider', 'stripe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--provider/);
  });
  it('show prints the fully rendered body; --json gives name, provider, kind, body, payment', async () => {
    const t = await runCli(['fixtures', 'show', 'fb-payment-refund', '--now', String(NOW)]);
    expect(t.code).toBe(0);
    const body = JSON.parse(t.stdout);
    expect(body).toMatchObject({ object: 'payments', entry: [{ time: NOW, changed_fields: ['actions'] }] });
    const j = await runCli(['--json', 'fixtures', 'show', 'fb-payment-refund', '--set', 'entry.0.id="777"']);
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ name: 'fb-payment-refund', provider: 'facebook', kind: 'payments-update' });
    expect(doc.body.entry[0].id).toBe('777');
    expect(doc.payment.actions.map((a: any) => a.type)).toEqual(['charge', 'refund']);
  });
  it('show of a scenario prints each step; --json has steps', async () => {
    const j = await runCli(['--json', 'fixtures', 'show', 'fb-dispute-lifecycle']);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ name: 'fb-dispute-lifecycle', kind: 'scenario' });
    expect(doc.steps).toHaveLength(4);
    const t = await runCli(['fixtures', 'show', 'fb-dispute-lifecycle']);
    expect(t.stderr).toMatch(/fb-dispute-lifecycle#4 chargeback_reversal/);
  });
  it('accepts a user fixture file and folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-fx-'));
    const fx = { name: 'my-event', provider: 'facebook', kind: 'payments-update', description: 'mine', vars: { id: '${id}' }, body: { object: 'payments', entry: [{ id: '${var:id}', time: '${now}', changed_fields: ['actions'] }] } };
    writeFileSync(join(dir, 'my-event.json'), JSON.stringify(fx));
    const show = await runCli(['--json', 'fixtures', 'show', join(dir, 'my-event.json')]);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).name).toBe('my-event');
    const list = await runCli(['fixtures', 'list', dir]);
    expect(list.stdout).toMatch(/my-event\s+facebook\s+payments-update\s+mine/);
  });
  it('unknown names and broken files are usage errors with a hint', async () => {
    const r = await runCli(['fixtures', 'show', 'fb-payment-chrge']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no fixture named/);
    expect(r.stderr).toMatch(/hint:/);
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-fx-'));
    writeFileSync(join(dir, 'bad.json'), '{"name":"Bad Name","provider":"facebook","kind":"x","body":{}}');
    const bad = await runCli(['fixtures', 'show', join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/name/);
    writeFileSync(join(dir, 'notjson.json'), '{');
    expect((await runCli(['fixtures', 'show', join(dir, 'notjson.json')])).code).toBe(2);
  });
  it('a broken fixture names the field and what it accepts, for events and scenarios alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-fx-'));
    const cases: [object, RegExp][] = [
      [{ name: 'ok', provider: 'fb', kind: 'payments-update', body: {} }, /: provider: Invalid option: expected one of "facebook"\|"paypal"\|"midas"/],
      [{ name: 'ok', provider: 'facebook', kind: '', body: {} }, /: kind: Too small: expected string to have >=1 characters/],
      [{ name: 'ok', provider: 'facebook', kind: 'scenario', steps: [] }, /: steps: Too small: expected array to have >=1 items/],
      [{ name: 'ok', provider: 'facebook', kind: 'scenario', steps: [{ fixture: 1 }] }, /: steps\.0\.fixture: Invalid input: expected string, received number/],
      [[], /: \(root\): Invalid input: expected object, received array/],
    ];
    for (const [i, [fx, message]] of cases.entries()) {
      writeFileSync(join(dir, `bad-${i}.json`), JSON.stringify(fx));
      const r = await runCli(['fixtures', 'show', join(dir, `bad-${i}.json`)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
