import { spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTestKeyPair, TEST_CERT_CN } from '../../src/core/paypal/test-cert.js';
import { testChain } from './helpers.js';
import { skipWithout, toolRuns } from '../helpers/tools.js';

const NO_OPENSSL = skipWithout('openssl', toolRuns('openssl', ['version']), 'apt-get install openssl');

describe('test certificates written by the DER builder', () => {
  it('parse in Node with the requested subject, dates, SAN and a valid self-signature', () => {
    const now = 1_700_000_000;
    const { certPem, keyPem } = generateTestKeyPair({ now, days: 10, dnsNames: ['hooks.example.test'] });
    const c = new X509Certificate(certPem);
    expect(c.subject).toContain(`CN=${TEST_CERT_CN}`);
    expect(Date.parse(c.validFrom) / 1000).toBe(now - 3600);
    expect(Date.parse(c.validTo) / 1000).toBe(now + 10 * 86400);
    expect(c.subjectAltName).toBe('DNS:hooks.example.test');
    expect(c.verify(c.publicKey)).toBe(true);
    expect(c.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
  });

  it('dates past 2049 use GeneralizedTime and still parse', () => {
    const c = new X509Certificate(generateTestKeyPair({ now: Date.parse('2049-12-01T00:00:00Z') / 1000, days: 60 }).certPem);
    expect(new Date(c.validTo).getUTCFullYear()).toBe(2050);
  });

  it.skipIf(NO_OPENSSL)('openssl accepts the CA → leaf chain and reads the leaf', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-cert-'));
    const chain = testChain();
    writeFileSync(join(dir, 'ca.pem'), chain.caPem);
    writeFileSync(join(dir, 'leaf.pem'), chain.leafPem);
    const v = spawnSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')], { encoding: 'utf8' });
    expect(v.stdout + v.stderr).toContain(': OK');
    const x = spawnSync('openssl', ['x509', '-in', join(dir, 'leaf.pem'), '-noout', '-subject', '-ext', 'subjectAltName'], { encoding: 'utf8' });
    expect(x.stdout).toContain('CN = messageverificationcerts.paypal.com');
    expect(x.stdout).toContain('DNS:messageverificationcerts.paypal.com');
    const other = testChain();
    writeFileSync(join(dir, 'other-ca.pem'), other.caPem);
    const bad = spawnSync('openssl', ['verify', '-CAfile', join(dir, 'other-ca.pem'), join(dir, 'leaf.pem')], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
  });
});
