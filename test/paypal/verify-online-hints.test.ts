import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * verify-online's hints name only what the failure can mean: an HTTP error from PayPal's API is not a
 * "simulator delivery" (PayPal answers those 200 FAILURE), and a token endpoint failure says nothing
 * about the delivery at all.
 */
let server: Server;
let base = '';
let plan: { token: number; verify: number } = { token: 200, verify: 200 };
const dir = mkdtempSync(join(tmpdir(), 'fbpay-vo-hints-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = req.url === '/v1/oauth2/token' ? plan.token : plan.verify;
      const body = status === 200 ? (req.url === '/v1/oauth2/token' ? { access_token: 'A21AA', expires_in: 3600 } : { verification_status: 'SUCCESS' }) : { name: status >= 500 ? 'INTERNAL_SERVICE_ERROR' : 'INVALID_RESOURCE_ID', message: 'no' };
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(join(dir, 'body.json'), '{"id":"WH-1","event_type":"PAYMENT.SALE.COMPLETED"}');
  writeFileSync(join(dir, 'headers.txt'), 'PAYPAL-TRANSMISSION-ID: 1\nPAYPAL-TRANSMISSION-TIME: 2026-01-01T00:00:00Z\nPAYPAL-TRANSMISSION-SIG: AAAA\nPAYPAL-CERT-URL: https://api.paypal.com/v1/notifications/certs/CERT-1\nPAYPAL-AUTH-ALGO: SHA256withRSA\n');
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function run(p: typeof plan) {
  plan = p;
  const r = await runCli(['--json', 'paypal', 'verify-online', '--body', join(dir, 'body.json'), '--headers', join(dir, 'headers.txt'), '--webhook-id', 'WH1', '--client-id', 'c', '--client-secret', 's', '--base-url', base]);
  return { code: r.code, error: JSON.parse(r.stdout).error as { message: string; hint: string } };
}

describe('paypal verify-online: hints match the failure', () => {
  it('verify-webhook-signature 500: PayPal\u2019s failure, try later (exit 3), no simulator claim', async () => {
    const r = await run({ token: 200, verify: 500 });
    expect(r.code).toBe(3);
    expect(r.error.hint).toMatch(/PayPal’s API failed, not your request/);
    expect(r.error.hint).not.toMatch(/simulator/);
  });

  it('verify-webhook-signature 400: names the webhook id and environment, no simulator claim', async () => {
    const r = await run({ token: 200, verify: 400 });
    expect(r.code).toBe(3);
    expect(r.error.hint).toMatch(/--webhook-id .* --api-url/);
    expect(r.error.hint).not.toMatch(/simulator/);
  });

  it('token endpoint 503: says nothing about the delivery', async () => {
    const r = await run({ token: 503, verify: 200 });
    expect(r.code).toBe(3);
    expect(r.error.message).toMatch(/token request failed: HTTP 503/);
    expect(r.error.hint).not.toMatch(/simulator|webhook/);
  });
});

describe('explain paypal:cert-chain / cert-host say what fbpay does', () => {
  it('cert-chain: not PayPal\u2019s when it does not chain to the shipped CA; --ca only in tests, and said so', async () => {
    const r = await runCli(['--json', 'explain', 'paypal:cert-chain']);
    expect(r.code).toBe(0);
    const text = r.stdout;
    expect(text).not.toMatch(/Pass the right CA with --ca/);
    expect(text).toMatch(/trusted because you passed --ca/);
  });

  it('cert-host: lists all four PayPal certificate hosts fbpay allows', async () => {
    const r = await runCli(['--json', 'explain', 'paypal:cert-host']);
    for (const h of ['api.paypal.com', 'api.sandbox.paypal.com', 'api-m.paypal.com', 'api-m.sandbox.paypal.com']) expect(r.stdout).toContain(h);
    expect(r.stdout).toMatch(/--allow-cert-host 127\.0\.0\.1 with --ca/);
  });
});
