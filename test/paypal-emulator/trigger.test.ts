import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreatePki, startPaypalEmulator, type EmulatorPki, type RunningPaypalEmulator } from '../../src/providers/paypal/emulator/index.js';
import { runBin, runCli } from '../helpers/cli.js';
import { CLIENT_ID, CLIENT_SECRET, paypalHeaders, recorder } from './helpers.js';

/**
 * Every PayPal trigger event through `fbpay trigger` (in process, real HTTP), the events each one
 * causes, exit codes 0/1/2/3; `fbpay paypal verify` and `verify-online` against the emulator's
 * deliveries; `fbpay mock paypal --json` as a process.
 */

const WEBHOOK_ID = 'WHTRIGGERTEST0001';
let pki: EmulatorPki;
let emu: RunningPaypalEmulator;
let rx: Awaited<ReturnType<typeof recorder>>;

beforeAll(async () => {
  pki = await loadOrCreatePki();
  rx = await recorder();
  emu = await startPaypalEmulator({ pki, webhookUrl: rx.url, webhookId: WEBHOOK_ID, retrySchedule: [5] });
});
afterAll(async () => {
  await emu.close();
  await rx.close();
});

async function trig(event: string, ...params: string[]) {
  const r = await runCli(['trigger', event, '--emulator', emu.url, '--json', ...params]);
  return { code: r.code, stderr: r.stderr, doc: r.stdout ? (JSON.parse(r.stdout) as { ids: Record<string, any>; deliveries: Array<{ event_type: string; ok: boolean }>; [k: string]: unknown }) : undefined };
}
const types = (doc: { deliveries: Array<{ event_type: string }> } | undefined) => doc!.deliveries.map((d) => d.event_type);

describe('fbpay trigger paypal-*', () => {
  it('walks a subscription through every event, each delivery accepted (exit 0)', async () => {
    const created = await trig('paypal-subscription-create', 'custom_id=player-1');
    expect(created.code).toBe(0);
    expect(types(created.doc)).toEqual(['BILLING.SUBSCRIPTION.CREATED']);
    expect(created.doc!.approve_url).toMatch(/ba_token=BA-/);
    const sub = created.doc!.ids.subscription as string;
    expect(sub).toMatch(/^I-/);

    const approved = await trig('paypal-subscription-approve', `subscription=${sub}`);
    expect(approved.code).toBe(0);
    expect(types(approved.doc).sort()).toEqual(['BILLING.SUBSCRIPTION.ACTIVATED', 'PAYMENT.SALE.COMPLETED']);
    const firstSale = approved.doc!.ids.sale;

    const renewed = await trig('paypal-subscription-renew', '--subscription', sub);
    expect(types(renewed.doc)).toEqual(['PAYMENT.SALE.COMPLETED']);
    expect(renewed.doc!.ids.sale).not.toBe(firstSale);
    expect(renewed.doc!.cycles_completed).toBe(2);

    expect(types((await trig('paypal-subscription-payment-failed', `subscription=${sub}`)).doc)).toEqual(['BILLING.SUBSCRIPTION.PAYMENT.FAILED']);
    expect(types((await trig('paypal-subscription-suspend', `subscription=${sub}`)).doc)).toEqual(['BILLING.SUBSCRIPTION.SUSPENDED']);
    expect(types((await trig('paypal-subscription-reactivate', `subscription=${sub}`)).doc)).toEqual(['BILLING.SUBSCRIPTION.RE-ACTIVATED']);

    const refund = await trig('paypal-sale-refund', `sale=${firstSale}`, 'amount=1.00');
    expect(types(refund.doc)).toEqual(['PAYMENT.SALE.REFUNDED']);
    expect(refund.doc!.ids).toMatchObject({ sale: firstSale, subscription: sub });
    expect(refund.doc!.sale_state).toBe('partially_refunded');

    const reverse = await trig('paypal-sale-reverse', `subscription=${sub}`);
    expect(types(reverse.doc)).toEqual(['PAYMENT.SALE.REVERSED']);
    expect(reverse.doc!.ids.sale).toBe(renewed.doc!.ids.sale);

    const dispute = await trig('paypal-dispute', `sale=${firstSale}`);
    expect(types(dispute.doc)).toEqual(['CUSTOMER.DISPUTE.CREATED']);
    const resolved = await trig('paypal-dispute', `dispute=${dispute.doc!.ids.dispute}`, 'outcome=RESOLVED_SELLER_FAVOUR');
    expect(types(resolved.doc)).toEqual(['CUSTOMER.DISPUTE.RESOLVED']);

    expect(types((await trig('paypal-subscription-cancel', `subscription=${sub}`)).doc)).toEqual(['BILLING.SUBSCRIPTION.CANCELLED']);
    // Every delivery the receiver got names the subscription where PayPal does.
    await emu.idle();
    const events = rx.hits.map((h) => JSON.parse(h.body.toString('utf8')));
    for (const e of events.filter((x) => x.event_type === 'PAYMENT.SALE.COMPLETED')) expect(e.resource.billing_agreement_id).toBe(sub);
  });

  it('expire: ACTIVE → EXPIRED', async () => {
    const sub = (await trig('paypal-subscription-create')).doc!.ids.subscription;
    await trig('paypal-subscription-approve', `subscription=${sub}`);
    const r = await trig('paypal-subscription-expire', `subscription=${sub}`);
    expect(types(r.doc)).toEqual(['BILLING.SUBSCRIPTION.EXPIRED']);
    expect(r.doc!.status).toBe('EXPIRED');
  });

  it('exit 2 for a missing or unknown id or a state PayPal refuses, exit 1 when a delivery is not accepted, exit 3 when the emulator is down', async () => {
    const missing = await runCli(['trigger', 'paypal-subscription-approve', '--emulator', emu.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/subscription=I-/);
    expect((await runCli(['trigger', 'paypal-subscription-cancel', '--emulator', emu.url, 'subscription=I-NOPE'])).code).toBe(2);
    const sub = (await trig('paypal-subscription-create')).doc!.ids.subscription;
    const early = await runCli(['trigger', 'paypal-subscription-suspend', '--emulator', emu.url, `subscription=${sub}`]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/APPROVAL_PENDING/);

    const down = await recorder([500, 500, 500, 500]);
    const e = await startPaypalEmulator({ pki, webhookUrl: down.url, retrySchedule: [5] });
    try {
      const r = await runCli(['trigger', 'paypal-subscription-create', '--emulator', e.url, '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).deliveries[0]).toMatchObject({ ok: false, status: 500, attempts: 2 });
    } finally {
      await e.close();
      await down.close();
    }
    expect((await runCli(['trigger', 'paypal-subscription-create', '--emulator', 'http://127.0.0.1:9'])).code).toBe(3);
    expect((await runCli(['trigger', 'fb-refund', '--emulator', emu.url])).code).toBe(2);
  });
});

describe('fbpay paypal verify / verify-online against the emulator', () => {
  it('verify accepts a delivery with --allow-cert-host 127.0.0.1 --ca <emulator CA>, refuses it without the CA under --strict-chain; verify-online --api-url says SUCCESS', async () => {
    const r = await trig('paypal-subscription-create');
    await emu.idle();
    const hit = rx.hits.find((h) => JSON.parse(h.body.toString('utf8')).id === r.doc!.ids.events[0])!;
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-pp-emu-'));
    writeFileSync(join(dir, 'body.json'), hit.body);
    writeFileSync(join(dir, 'headers.json'), JSON.stringify(paypalHeaders(hit)));
    const base = ['--body', join(dir, 'body.json'), '--headers', join(dir, 'headers.json'), '--webhook-id', WEBHOOK_ID];
    const ok = await runCli(['paypal', 'verify', ...base, '--allow-cert-host', '127.0.0.1', '--ca', pki.caPath, '--strict-chain', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).checks.find((c: { check: string }) => c.check === 'cert_chain')).toMatchObject({ ok: true });
    const noCa = await runCli(['paypal', 'verify', ...base, '--allow-cert-host', '127.0.0.1', '--strict-chain', '--json']);
    expect(noCa.code).toBe(1);
    const refused = await runCli(['paypal', 'verify', ...base, '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).checks.find((c: { check: string }) => c.check === 'cert_url').ok).toBe(false);

    const online = await runCli(['paypal', 'verify-online', ...base, '--api-url', emu.url, '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET, '--json']);
    expect(online.code).toBe(0);
    expect(JSON.parse(online.stdout)).toMatchObject({ valid: true, verification_status: 'SUCCESS' });
    const wrongId = await runCli(['paypal', 'verify-online', ...base.slice(0, -1), 'WHSOMEONEELSE0001', '--api-url', emu.url, '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET, '--json']);
    expect(wrongId.code).toBe(1);
    const badSecret = await runCli(['paypal', 'verify-online', ...base, '--api-url', emu.url, '--client-id', CLIENT_ID, '--client-secret', 'nope', '--json']);
    expect(badSecret.code).toBe(3);
    expect(badSecret.stdout + badSecret.stderr).not.toContain('"nope"');
  });
});

describe('fbpay paypal verify-online --base-url (another name for --api-url) against the emulator', () => {
  it('says SUCCESS for an emulator delivery, FAILURE for a tampered body; two different URLs are exit 2', async () => {
    const r = await trig('paypal-subscription-create');
    await emu.idle();
    const hit = rx.hits.find((h) => JSON.parse(h.body.toString('utf8')).id === r.doc!.ids.events[0])!;
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-pp-base-'));
    writeFileSync(join(dir, 'body.json'), hit.body);
    writeFileSync(join(dir, 'tampered.json'), hit.body.toString('utf8').replace('APPROVAL_PENDING', 'ACTIVE'));
    writeFileSync(join(dir, 'headers.json'), JSON.stringify(paypalHeaders(hit)));
    const creds = ['--headers', join(dir, 'headers.json'), '--webhook-id', WEBHOOK_ID, '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET, '--json'];
    const ok = await runCli(['paypal', 'verify-online', '--body', join(dir, 'body.json'), '--base-url', emu.url, ...creds]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, verification_status: 'SUCCESS', api_url: emu.url });
    const bad = await runCli(['paypal', 'verify-online', '--body', join(dir, 'tampered.json'), '--base-url', emu.url, ...creds]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, verification_status: 'FAILURE' });
    const same = await runCli(['paypal', 'verify-online', '--body', join(dir, 'body.json'), '--base-url', emu.url, '--api-url', emu.url, ...creds]);
    expect(same.code).toBe(0);
    const two = await runCli(['paypal', 'verify-online', '--body', join(dir, 'body.json'), '--base-url', emu.url, '--api-url', 'https://api-m.paypal.com', ...creds]);
    expect(two.code).toBe(2);
    expect(JSON.parse(two.stdout).error.message).toMatch(/--base-url is another name for --api-url/);
    const help = await runCli(['paypal', 'verify-online', '--help']);
    expect(help.stdout).toMatch(/--base-url <url>\s+the same as --api-url/);
  });
});

describe('fbpay mock paypal (the binary)', () => {
  it('prints the listening line first with --json, credentials, webhook id, cert URL and CA path; SIGTERM → exit 130 with a summary', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [BIN, 'mock', 'paypal', '--port', '0', '--json', '--webhook-url', rx.url, '--webhook-id', 'WHBIN'], { env: { ...process.env, CI: 'true', FORCE_COLOR: '0' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no listening line: ' + out)), 20_000);
      child.stdout.on('data', () => {
        if (out.includes('\n')) {
          clearTimeout(t);
          resolve(JSON.parse(out.split('\n')[0]));
        }
      });
    });
    expect(first).toMatchObject({ type: 'listening', provider: 'paypal', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, webhook_id: 'WHBIN', tls: false });
    expect(first.cert_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/notifications\/certs\/CERT-/);
    expect(first.ca_path).toMatch(/ca\.pem$/);
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(130);
    expect(out.trim().split('\n').at(-1)).toMatch(/"type":"stopped"/);
  });

  it('refuses bad options with exit 2', async () => {
    expect((await runBin(['mock', 'paypal', '--webhook-url', 'https://example.com/hook'])).code).toBe(2);
    expect((await runBin(['mock', 'paypal', '--webhook-id', 'X'])).code).toBe(2);
    expect((await runBin(['mock', 'paypal', '--event-types', 'NOPE', '--webhook-url', rx.url])).code).toBe(2);
  });
});
