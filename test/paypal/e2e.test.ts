import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, startBin } from '../helpers/cli.js';
import { freePort, NO_PHP, startPhp } from '../helpers/php.js';
import { bodyOf, DIGICERT_CA_PATH, sdk } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fbpay-paypal-e2e-'));
const BODY = '{"id":"WH-E2E","event_type":"PAYMENT.SALE.COMPLETED","resource":{"id":"S1","billing_agreement_id":"I-E2E123456789"}}';


describe('paypal through the binary', () => {
  it('keygen → sign --json → verify --cert: exit 0; another webhook id: exit 1', async () => {
    expect((await runBin(['paypal', 'keygen', '--out', dir])).code).toBe(0);
    const body = join(dir, 'body.json');
    writeFileSync(body, BODY);
    const s = await runBin(['paypal', 'sign', '--body', body, '--key', join(dir, 'key.pem'), '--webhook-id', 'WH-BIN', '--cert-url', 'https://api.paypal.com/v1/notifications/certs/CERT-x', '--json']);
    expect(s.code, s.stderr).toBe(0);
    const headers = join(dir, 'headers.json');
    writeFileSync(headers, JSON.stringify(JSON.parse(s.stdout).headers));
    const v = await runBin(['paypal', 'verify', '--body', body, '--headers', headers, '--webhook-id', 'WH-BIN', '--cert', join(dir, 'cert.pem'), '--json']);
    expect(v.code, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, subscription_id: 'I-E2E123456789', subscription_source: 'resource.billing_agreement_id' });
    const w = await runBin(['paypal', 'verify', '--body', body, '--headers', headers, '--webhook-id', 'WH-NOT', '--cert', join(dir, 'cert.pem')]);
    expect(w.code).toBe(1);
    expect(w.stdout).toContain('✗ signature');
  });

  it('verifies a real SDK delivery from stdin with --ca and --now', async () => {
    const v = sdk[1];
    const headers = join(dir, 'sdk-headers.json');
    const cert = join(dir, 'sdk-cert.pem');
    writeFileSync(headers, JSON.stringify(v.headers));
    writeFileSync(cert, v.cert_pem);
    const r = await runBin(['paypal', 'verify', '--body', '-', '--headers', headers, '--webhook-id', v.webhook_id, '--cert', cert, '--ca', DIGICERT_CA_PATH, '--now', v.headers['paypal-transmission-time'], '--strict-chain'], { stdin: bodyOf(v) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('VERIFIED');
  });

  it('webhook replay → webhook listen --provider paypal: the lifecycle verifies, a tampered body is rejected', async () => {
    const port = await freePort();
    const listen = startBin(['webhook', 'listen', '--provider', 'paypal', '--webhook-id', 'WH-LISTEN', '--allow-cert-host', '127.0.0.1', '--port', String(port)]);
    try {
      await listen.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
      const ok = await runBin(['webhook', 'replay', 'paypal-subscription-lifecycle', '--to', `http://127.0.0.1:${port}/paypal`, '--webhook-id', 'WH-LISTEN', '--json']);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      const bad = await runBin(['webhook', 'replay', 'paypal-sale-completed', '--to', `http://127.0.0.1:${port}/paypal`, '--webhook-id', 'WH-LISTEN', '--tamper', 'body']);
      expect(bad.code).toBe(1);
      await listen.waitFor(/✗ POST \/paypal .*signature/);
      const lines = listen.stdout.split('\n').filter((l) => l.includes('POST /paypal'));
      expect(lines.filter((l) => l.includes('✓'))).toHaveLength(6);
      const sub = /BILLING\.SUBSCRIPTION\.CREATED (I-[A-Z0-9]{12})/.exec(listen.stdout)![1];
      expect(lines.filter((l) => l.includes(`billing_agreement_id ${sub}`))).toHaveLength(3);
    } finally {
      await listen.stop();
    }
  });
});

describe.skipIf(NO_PHP)('webhook replay of the PayPal lifecycle against the PHP receiver', () => {
  let php: Awaited<ReturnType<typeof startPhp>>;
  beforeAll(async () => {
    php = await startPhp(fileURLToPath(new URL('./php/', import.meta.url)), 'receiver.php', { PAYPAL_WEBHOOK_ID: 'WH-PHP-E2E' });
  });
  afterAll(() => php?.stop());

  it('all six deliveries accepted, one subscription id; signed for another webhook id: rejected (exit 1)', async () => {
    const r = await runBin(['webhook', 'replay', 'paypal-subscription-lifecycle', '--provider', 'paypal', '--to', `${php.url}/paypal/webhook`, '--webhook-id', 'WH-PHP-E2E', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const deliveries = lines.filter((l) => l.type === 'delivery');
    expect(deliveries).toHaveLength(6);
    expect(deliveries.every((d) => d.status === 200 && d.ok)).toBe(true);
    expect(new Set(deliveries.map((d) => JSON.parse(d.response).subscription_id)).size).toBe(1);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', sent: 6, ok: 6 });
    const wrong = await runBin(['webhook', 'replay', 'paypal-subscription-lifecycle', '--provider', 'paypal', '--to', `${php.url}/paypal/webhook`, '--webhook-id', 'WH-SOMEONE-ELSE']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('"reason":"signature"');
  });
});
