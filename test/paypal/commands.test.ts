import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPaypalWebhook } from '../../src/core/paypal/sign.js';
import { clearCertMemoryCache } from '../../src/providers/paypal/cert-fetch.js';
import { runCli } from '../helpers/cli.js';
import { bodyOf, countingServer, DIGICERT_CA_PATH, sdk, sim, testPair } from './helpers.js';
import { startPaypalApiStandIn } from './paypal-api-stand-in.js';

const dir = mkdtempSync(join(tmpdir(), 'fbpay-paypal-'));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const now = Math.floor(Date.now() / 1000);
const BODY = '{"id":"WH-7YX49823S2290830K-0JE13296W68552352","event_type":"BILLING.SUBSCRIPTION.ACTIVATED","resource_type":"subscription","resource":{"id":"I-93KN2WCT1BZ4","custom_id":"user-42"}}';

describe('paypal expected / verify on the vectors (in-process)', () => {
  const v = sdk[0];
  const body = file('sdk0.json', bodyOf(v));
  const headersTxt = file('sdk0-headers.txt', Object.entries(v.headers).map(([k, x]) => `${k.toUpperCase()}: ${x}`).join('\r\n'));
  const cert = file('sdk0-cert.pem', v.cert_pem);

  it('expected prints crc32 and the signed string', async () => {
    const r = await runCli(['paypal', 'expected', '--body', body, '--headers', headersTxt, '--webhook-id', v.webhook_id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`crc32:         ${v.expect.crc}`);
    expect(r.stdout).toContain(`signed string: ${v.expect.signed_string}`);
    const j = await runCli(['paypal', 'expected', '--body', '-', '--headers', headersTxt, '--json'], { stdin: bodyOf(v), env: { PAYPAL_WEBHOOK_ID: v.webhook_id } });
    expect(JSON.parse(j.stdout)).toMatchObject({ crc32: v.expect.crc, signed_string: v.expect.signed_string });
  });

  it('verify --cert --ca --now: every check ✓, exit 0; --json has checks and the event', async () => {
    const args = ['paypal', 'verify', '--body', body, '--headers', headersTxt, '--webhook-id', v.webhook_id, '--cert', cert, '--ca', DIGICERT_CA_PATH, '--now', v.headers['paypal-transmission-time']];
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ signature/);
    expect(r.stdout).toMatch(/✓ cert_chain +issued by DigiCert SHA2 Extended Validation Server CA \(PayPal’s CA, shipped with fbpay\)/);
    // PayPal's own certificate, chained to PayPal's CA: a plain verdict even though it came with --cert.
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('VERIFIED');
    const j = await runCli([...args, '--json']);
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ valid: true, trusted_by: 'paypal-ca', event_type: 'PAYMENT.SALE.COMPLETED', subscription_id: null, crc32: v.expect.crc, signed_string: v.expect.signed_string });
    expect(doc.checks.map((c: { check: string }) => c.check)).toEqual(['headers', 'auth_algo', 'transmission_time', 'cert_url', 'cert_subject', 'cert_validity', 'cert_chain', 'signature']);
    expect(doc.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
  });

  it('PAYPAL_CA (setting) supplies the intermediate', async () => {
    const r = await runCli(['paypal', 'verify', '--body', body, '--headers', headersTxt, '--webhook-id', v.webhook_id, '--cert', cert, '--now', v.headers['paypal-transmission-time'], '--strict-chain'], { env: { PAYPAL_CA: DIGICERT_CA_PATH } });
    expect(r.code).toBe(0);
  });

  it('without --now the expired certificate fails (exit 1); the chain is checked against the shipped CA without --ca', async () => {
    const r = await runCli(['paypal', 'verify', '--body', body, '--headers', headersTxt, '--webhook-id', v.webhook_id, '--cert', cert]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ cert_validity +expired 2017-03-22T12:00:00Z/);
    expect(r.stdout).toMatch(/✓ cert_chain +issued by DigiCert SHA2 Extended Validation Server CA \(PayPal’s CA/);
    expect(r.stdout).toContain('NOT VERIFIED');
  });

  it('all 20 simulator deliveries verify through the CLI with WEBHOOK_ID; with another id exit 1 and a simulator near miss', async () => {
    const simCert = file('sim-cert.pem', Object.values(sim.certs)[0]);
    for (const d of sim.deliveries) {
      const b = file(`${d.name}.json`, bodyOf(d));
      const h = file(`${d.name}-headers.json`, JSON.stringify(d.headers));
      const r = await runCli(['paypal', 'verify', '--body', b, '--headers', h, '--webhook-id', 'WEBHOOK_ID', '--cert', simCert, '--ca', DIGICERT_CA_PATH, '--now', d.headers['paypal-transmission-time'], '--json']);
      expect(r.code, `${d.name}: ${r.stdout}`).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, event_type: d.event_type });
    }
    const d = sim.deliveries[11];
    const r = await runCli(['paypal', 'verify', '--body', join(dir, `${d.name}.json`), '--headers', join(dir, `${d.name}-headers.json`), '--webhook-id', '1JE4291016473214C', '--cert', simCert, '--now', d.headers['paypal-transmission-time']]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/near miss: +a simulator delivery: it verifies with webhook id WEBHOOK_ID/);
    expect(r.stdout).toContain('no resource.billing_agreement_id');
  });
});

describe('paypal verify: certificate URL policy and fetching', () => {
  const { keyPem, certPem } = testPair();
  const body = file('body.json', BODY);
  afterAll(() => clearCertMemoryCache());

  it('a forged delivery whose PAYPAL-CERT-URL points at an attacker host is refused without any request (exit 1)', async () => {
    const attacker = await countingServer(() => ({ status: 200, body: certPem }));
    try {
      const s = signPaypalWebhook({ body: BODY, webhookId: 'WH1', key: keyPem, certUrl: `${attacker.url}/v1/notifications/certs/CERT-evil`, now: () => now });
      const h = file('forged-headers.json', JSON.stringify(s.headers));
      const r = await runCli(['paypal', 'verify', '--body', body, '--headers', h, '--webhook-id', 'WH1']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/✗ cert_url +refused to fetch: 127\.0\.0\.1:\d+ is not a PayPal certificate host/);
      expect(r.stdout).not.toMatch(/[✓✗!] signature/);
      expect(r.stdout).toContain('the certificate was not fetched');
      const j = await runCli(['paypal', 'verify', '--body', body, '--headers', h, '--webhook-id', 'WH1', '--json']);
      expect(JSON.parse(j.stdout).valid).toBe(false);
      expect(attacker.requests).toHaveLength(0);
    } finally {
      await attacker.close();
    }
  });

  it('--allow-cert-host fetches from that host once (memory cache), warns it is not PayPal, and verifies', async () => {
    const certSrv = await countingServer(() => ({ status: 200, body: certPem }));
    try {
      const s = signPaypalWebhook({ body: BODY, webhookId: 'WH1', key: keyPem, certUrl: `${certSrv.url}/certs/ok`, now: () => now });
      const h = file('allowed-headers.json', JSON.stringify(s.headers));
      const args = ['paypal', 'verify', '--body', body, '--headers', h, '--webhook-id', 'WH1', '--allow-cert-host', '127.0.0.1'];
      const r = await runCli(args);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/! cert_url +127\.0\.0\.1:\d+ allowed by --allow-cert-host/);
      expect(r.stdout).toMatch(/! cert_subject/);
      expect(r.stdout).toContain('subscription: I-93KN2WCT1BZ4');
      expect((await runCli(args)).code).toBe(0);
      expect(certSrv.requests).toHaveLength(1);
    } finally {
      await certSrv.close();
    }
  });

  it('--cache keeps fetched certificates on disk under the user cache directory', async () => {
    clearCertMemoryCache();
    const certSrv = await countingServer(() => ({ status: 200, body: certPem }));
    const cacheHome = mkdtempSync(join(tmpdir(), 'fbpay-cache-'));
    try {
      const s = signPaypalWebhook({ body: BODY, webhookId: 'WH1', key: keyPem, certUrl: `${certSrv.url}/certs/disk`, now: () => now });
      const h = file('cache-headers.json', JSON.stringify(s.headers));
      const r = await runCli(['paypal', 'verify', '--body', body, '--headers', h, '--webhook-id', 'WH1', '--allow-cert-host', '127.0.0.1', '--cache'], { env: { XDG_CACHE_HOME: cacheHome } });
      expect(r.code).toBe(0);
      const files = readdirSync(join(cacheHome, 'fbpay', 'paypal-certs'));
      expect(files).toHaveLength(1);
      expect(readFileSync(join(cacheHome, 'fbpay', 'paypal-certs', files[0]), 'utf8')).toBe(certPem);
      clearCertMemoryCache();
      await certSrv.close();
      // the server is gone: the disk cache answers
      const again = await runCli(['paypal', 'verify', '--body', body, '--headers', h, '--webhook-id', 'WH1', '--allow-cert-host', '127.0.0.1', '--cache'], { env: { XDG_CACHE_HOME: cacheHome } });
      expect(again.code).toBe(0);
    } finally {
      await certSrv.close();
    }
  });

  it('certificate fetch failures exit 3: HTTP 404, and nothing listening', async () => {
    clearCertMemoryCache();
    const srv = await countingServer(() => ({ status: 404, body: 'nope' }));
    const s = signPaypalWebhook({ body: BODY, webhookId: 'WH1', key: keyPem, certUrl: `${srv.url}/certs/missing`, now: () => now });
    const h = file('404-headers.json', JSON.stringify(s.headers));
    const r = await runCli(['paypal', 'verify', '--body', body, '--headers', h, '--webhook-id', 'WH1', '--allow-cert-host', '127.0.0.1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('HTTP 404');
    await srv.close();
    const down = await runCli(['paypal', 'verify', '--body', body, '--headers', h, '--webhook-id', 'WH1', '--allow-cert-host', '127.0.0.1', '--json']);
    expect(down.code).toBe(3);
    expect(JSON.parse(down.stdout).error.code).toBe('cert_fetch_failed');
  });
});

describe('paypal keygen / sign / verify round trip and bad input', () => {
  const out = join(dir, 'keys');

  it('keygen writes key.pem (0600) and cert.pem, and refuses to overwrite', async () => {
    const r = await runCli(['paypal', 'keygen', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.key_path).toBe(join(out, 'key.pem'));
    expect(readFileSync(join(out, 'cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    const { statSync } = await import('node:fs');
    expect(statSync(join(out, 'key.pem')).mode & 0o777).toBe(0o600);
    const again = await runCli(['paypal', 'keygen', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
  });

  it('sign prints the five headers; they verify with --cert; --curl prints a curl command', async () => {
    const body = file('rt.json', BODY);
    const r = await runCli(['paypal', 'sign', '--body', body, '--key', join(out, 'key.pem'), '--webhook-id', 'WH-RT', '--cert-url', 'https://api.paypal.com/v1/notifications/certs/CERT-x', '--transmission-id', 'tid-1', '--time', String(now)]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['PAYPAL-TRANSMISSION-ID', 'PAYPAL-TRANSMISSION-TIME', 'PAYPAL-TRANSMISSION-SIG', 'PAYPAL-CERT-URL', 'PAYPAL-AUTH-ALGO']);
    const headers = file('rt-headers.txt', r.stdout);
    const v = await runCli(['paypal', 'verify', '--body', body, '--headers', headers, '--webhook-id', 'WH-RT', '--cert', join(out, 'cert.pem')]);
    expect(v.code, v.stdout).toBe(0);
    const wrong = await runCli(['paypal', 'verify', '--body', body, '--headers', headers, '--webhook-id', 'WH-OTHER', '--cert', join(out, 'cert.pem')]);
    expect(wrong.code).toBe(1);
    const curl = await runCli(['paypal', 'sign', '--body', body, '--key', join(out, 'key.pem'), '--webhook-id', 'WH-RT', '--curl', 'http://127.0.0.1:3000/hook']);
    expect(curl.stdout).toMatch(/^curl -sS -X POST 'http:\/\/127\.0\.0\.1:3000\/hook'/);
    expect(curl.stdout).toContain(`--data-binary @'${body}'`);
    expect(curl.stdout).toContain("-H 'PAYPAL-TRANSMISSION-SIG: ");
  });

  it.each([
    [['paypal', 'verify', '--body', 'nope.json', '--headers', 'nope.txt', '--webhook-id', 'W'], 'cannot read body'],
    [['paypal', 'verify', '--body', '-', '--headers', '-', '--webhook-id', 'W'], 'cannot both read stdin'],
    [['paypal', 'verify', '--body', join(dir, 'body.json'), '--headers', join(dir, 'body.json')], 'PAYPAL_WEBHOOK_ID'],
    [['paypal', 'verify', '--body', join(dir, 'body.json'), '--headers', join(dir, 'body.json'), '--webhook-id', 'W', '--now', 'soon'], '--now'],
    [['paypal', 'verify', '--body', join(dir, 'body.json'), '--headers', file('h-min.json', '{"x":"y"}'), '--webhook-id', 'W', '--cert', join(dir, 'body.json')], 'no PEM certificate'],
    [['paypal', 'sign', '--body', join(dir, 'body.json'), '--key', join(dir, 'body.json'), '--webhook-id', 'W'], 'RSA private key'],
    [['paypal', 'expected', '--body', join(dir, 'body.json'), '--headers', file('h-min2.txt', 'X-Other: 1\n'), '--webhook-id', 'W'], 'PAYPAL-TRANSMISSION-ID'],
    [['paypal', 'verify', '--body', join(dir, 'body.json'), '--headers', join(dir, 'body.json'), '--webhook-id', 'W'], 'must be a string'],
  ])('bad input exits 2: %j', async (argv, message) => {
    if (!existsSync(join(dir, 'body.json'))) file('body.json', BODY);
    const r = await runCli(argv as string[]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('paypal verify-online against a local stand-in', () => {
  const { keyPem, certPem } = testPair();
  const certUrl = 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-standin';
  let api: Awaited<ReturnType<typeof startPaypalApiStandIn>>;
  beforeAll(async () => {
    api = await startPaypalApiStandIn({ clientId: 'client-abc', clientSecret: 'super-secret-value-123', certs: { [certUrl]: certPem } });
  });
  afterAll(() => api.close());
  // Odd whitespace and key order: re-serializing would change the bytes and the answer.
  const rawBody = '{ "id":"WH-X",\n  "resource": {"z":1, "a":"é/\\u00e9"},"event_type":"PAYMENT.SALE.COMPLETED" }\n';
  const env = { PAYPAL_CLIENT_ID: 'client-abc', PAYPAL_CLIENT_SECRET: 'super-secret-value-123' };

  it('SUCCESS (exit 0) and the raw body arrives verbatim as webhook_event', async () => {
    const s = signPaypalWebhook({ body: rawBody, webhookId: 'WH-ONLINE', key: keyPem, certUrl, now: () => now });
    const body = file('online.json', rawBody);
    const h = file('online-headers.json', JSON.stringify(s.headers));
    const r = await runCli(['paypal', 'verify-online', '--body', body, '--headers', h, '--webhook-id', 'WH-ONLINE', '--api-url', api.url, '--json'], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, verification_status: 'SUCCESS', debug_id: 'dbg123' });
    expect(api.received.webhookEvents.at(-1)!.equals(Buffer.from(rawBody))).toBe(true);
    const doc = JSON.parse(api.received.verifyBodies.at(-1)!.toString());
    expect(doc).toMatchObject({ auth_algo: 'SHA256withRSA', cert_url: certUrl, transmission_id: s.headers['PAYPAL-TRANSMISSION-ID'], transmission_sig: s.headers['PAYPAL-TRANSMISSION-SIG'], transmission_time: s.headers['PAYPAL-TRANSMISSION-TIME'], webhook_id: 'WH-ONLINE' });
  });

  it('FAILURE exits 1 (wrong webhook id)', async () => {
    const r = await runCli(['paypal', 'verify-online', '--body', join(dir, 'online.json'), '--headers', join(dir, 'online-headers.json'), '--webhook-id', 'WH-OTHER', '--api-url', api.url], { env });
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe('FAILURE');
  });

  it('bad credentials exit 3 without printing the secret; a missing secret is exit 2 naming the env var; server down is exit 3', async () => {
    const bad = await runCli(['paypal', 'verify-online', '--body', join(dir, 'online.json'), '--headers', join(dir, 'online-headers.json'), '--webhook-id', 'W', '--api-url', api.url, '--client-secret', 'wrong-secret-value-999'], { env: { PAYPAL_CLIENT_ID: 'client-abc' } });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('HTTP 401');
    expect(bad.stderr + bad.stdout).not.toContain('wrong-secret-value-999');
    const missing = await runCli(['paypal', 'verify-online', '--body', join(dir, 'online.json'), '--headers', join(dir, 'online-headers.json'), '--webhook-id', 'W', '--api-url', api.url], { env: { PAYPAL_CLIENT_ID: 'c' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('PAYPAL_CLIENT_SECRET');
    const dead = await countingServer();
    await dead.close();
    const down = await runCli(['paypal', 'verify-online', '--body', join(dir, 'online.json'), '--headers', join(dir, 'online-headers.json'), '--webhook-id', 'W', '--api-url', dead.url], { env });
    expect(down.code).toBe(3);
  });

  it('a non-JSON body cannot be spliced: exit 2 before any request', async () => {
    const before = api.received.tokenRequests;
    const r = await runCli(['paypal', 'verify-online', '--body', file('notjson.txt', 'hello'), '--headers', join(dir, 'online-headers.json'), '--webhook-id', 'W', '--api-url', api.url], { env });
    expect(r.code).toBe(2);
    expect(api.received.tokenRequests).toBe(before);
  });
});
