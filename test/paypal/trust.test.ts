import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { PAYPAL_CA_FILES } from '../../src/core/paypal/ca/paypal-ca.js';
import { parseHeaders } from '../../src/core/paypal/headers.js';
import { signPaypalWebhook } from '../../src/core/paypal/sign.js';
import { runCli } from '../helpers/cli.js';
import { DIGICERT_CA, testChain } from './helpers.js';

const CA_DIR = fileURLToPath(new URL('../../src/core/paypal/ca/', import.meta.url));

describe('the PayPal CA certificates fbpay ships', () => {
  it('are the .pem files beside the README, byte for byte, and the README names each by fingerprint', () => {
    const readme = readFileSync(join(CA_DIR, 'README.md'), 'utf8');
    for (const [file, pem] of Object.entries(PAYPAL_CA_FILES)) {
      expect(readFileSync(join(CA_DIR, file), 'utf8'), file).toBe(pem);
      const c = new X509Certificate(pem);
      expect(c.ca, file).toBe(true);
      expect(readme, file).toContain(c.fingerprint256);
      expect(readme).toContain(`\`${file}\``);
    }
  });

  it('the intermediate is the project\u2019s verified vector and its signature verifies with the shipped root', () => {
    const inter = new X509Certificate(PAYPAL_CA_FILES['digicert-sha2-ev-server-ca.pem']);
    const root = new X509Certificate(PAYPAL_CA_FILES['digicert-high-assurance-ev-root-ca.pem']);
    expect(PAYPAL_CA_FILES['digicert-sha2-ev-server-ca.pem']).toBe(DIGICERT_CA);
    expect(inter.checkIssued(root) && inter.verify(root.publicKey)).toBe(true);
    const g2 = new X509Certificate(PAYPAL_CA_FILES['digicert-global-root-g2.pem']);
    expect(g2.verify(g2.publicKey)).toBe(true);
  });
});

describe('paypal verify: a ✓ on trust only when the certificate chains to PayPal\u2019s CA', () => {
  const now = Math.floor(Date.now() / 1000);
  const body = Buffer.from('{"id":"WH-TRUST-1","event_type":"PAYMENT.SALE.COMPLETED","resource":{"id":"S1"}}');
  let dir: string;
  let files: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fbpay-trust-'));
    const chain = testChain(now);
    const s = signPaypalWebhook({ body, webhookId: 'WID', key: chain.leafKeyPem, certUrl: 'https://api.paypal.com/v1/notifications/certs/CERT-x', now: () => now });
    files = { body: join(dir, 'body.json'), headers: join(dir, 'h.json'), leaf: join(dir, 'leaf.pem'), ca: join(dir, 'ca.pem'), dup: join(dir, 'dup.txt') };
    writeFileSync(files.body, body);
    writeFileSync(files.headers, JSON.stringify(s.headers));
    writeFileSync(files.leaf, chain.leafPem);
    writeFileSync(files.ca, chain.caPem);
    const lines = Object.entries(s.headers).map(([k, v]) => `${k}: ${v}`);
    lines.push(`paypal-transmission-id: ${s.headers['PAYPAL-TRANSMISSION-ID']}-other`);
    writeFileSync(files.dup, lines.join('\n'));
  });

  it('a PayPal-named certificate from another CA, given with --cert: exit 0 but never a plain VERIFIED', async () => {
    const r = await runCli(['paypal', 'verify', '--body', files.body, '--headers', files.headers, '--webhook-id', 'WID', '--cert', files.leaf]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/! cert_chain +issued by "CN=fbpay Test Intermediate CA", which is not PayPal’s CA; accepted because you passed --cert/);
    const last = r.stdout.trimEnd().split('\n').at(-1);
    expect(last).toBe('VERIFIED, trusted because you passed --cert: the certificate does not chain to PayPal’s CA');
    const j = await runCli(['--json', 'paypal', 'verify', '--body', files.body, '--headers', files.headers, '--webhook-id', 'WID', '--cert', files.leaf, '--ca', files.ca]);
    expect(JSON.parse(j.stdout)).toMatchObject({ valid: true, trusted_by: '--cert' });
    const strict = await runCli(['paypal', 'verify', '--body', files.body, '--headers', files.headers, '--webhook-id', 'WID', '--cert', files.leaf, '--strict-chain']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/✗ cert_chain/);
  });

  it('duplicate headers differing only in case: a warning naming both spellings and the one used', async () => {
    const r = await runCli(['--json', 'paypal', 'verify', '--body', files.body, '--headers', files.dup, '--webhook-id', 'WID', '--cert', files.leaf]);
    expect(r.stderr).toMatch(/PAYPAL-TRANSMISSION-ID was given 2 times \(PAYPAL-TRANSMISSION-ID, paypal-transmission-id\): fbpay used the last, paypal-transmission-id/);
    const doc = JSON.parse(r.stdout);
    expect(doc.duplicate_headers).toEqual([{ header: 'paypal-transmission-id', names: ['PAYPAL-TRANSMISSION-ID', 'paypal-transmission-id'], used: 'paypal-transmission-id' }]);
    // The last one (with "-other") is what was checked: the signature fails, and the verdict says which id it used.
    expect(doc.valid).toBe(false);
    expect(doc.transmission_id).toMatch(/-other$/);
    expect(doc.checks[0]).toMatchObject({ check: 'headers', ok: true, warning: true });
  });

  it('parseHeaders keeps every spelling of a name given twice, in order; a single spelling is lower-cased as before', () => {
    expect(parseHeaders('PAYPAL-TRANSMISSION-ID: a\nX-Other: 1\npaypal-transmission-id: b')).toEqual({ 'PAYPAL-TRANSMISSION-ID': 'a', 'x-other': '1', 'paypal-transmission-id': 'b' });
    expect(Object.keys(parseHeaders('{"Paypal-Auth-Algo":"x","PAYPAL-AUTH-ALGO":"y"}'))).toEqual(['Paypal-Auth-Algo', 'PAYPAL-AUTH-ALGO']);
    expect(parseHeaders('PAYPAL-AUTH-ALGO: x')).toEqual({ 'paypal-auth-algo': 'x' });
  });
});
