import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { createCertificate, generateTestKeyPair, TEST_CERT_CN, TEST_CERT_ORG, type CertificateSpec } from '../../../src/core/paypal/test-cert.js';
import { keys, NOW } from './world.js';

/** The DER the certificate writer produces, read back by Node (and by byte, where Node does not say). */
const make = (spec: Partial<CertificateSpec> = {}) =>
  new X509Certificate(createCertificate({ subjectCn: 'subject.example', publicKey: keys.leaf.publicKey, signingKey: keys.leaf.privateKey, notBefore: NOW, notAfter: NOW + 86_400, ...spec }));
const has = (c: X509Certificate, bytes: number[]) => c.raw.includes(Buffer.from(bytes));
const at = (iso: string) => Date.parse(iso) / 1000;

describe('createCertificate', () => {
  it('PEM with 64-character lines, parsed by Node with subject, issuer, dates, key and a verifying signature', () => {
    const pem = createCertificate({ subjectCn: 'leaf', subjectOrg: 'Org', issuerCn: 'Issuer CA', issuerOrg: 'Issuer Org', publicKey: keys.leaf.publicKey, signingKey: keys.inter.privateKey, notBefore: NOW, notAfter: NOW + 60 });
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
    expect(lines.slice(1, -2).every((l) => l.length === 64)).toBe(true);
    expect(lines.at(-2)!.length).toBeGreaterThan(0);
    expect(lines.at(-2)!.length).toBeLessThanOrEqual(64);
    expect(pem.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
    const c = new X509Certificate(pem);
    expect(c.subject).toBe('O=Org\nCN=leaf');
    expect(c.issuer).toBe('O=Issuer Org\nCN=Issuer CA');
    expect(Date.parse(c.validFrom) / 1000).toBe(NOW);
    expect(Date.parse(c.validTo) / 1000).toBe(NOW + 60);
    expect(c.publicKey.equals(keys.leaf.publicKey)).toBe(true);
    expect(c.verify(keys.inter.publicKey)).toBe(true);
    expect(c.verify(keys.leaf.publicKey)).toBe(false);
    expect(c.ca).toBe(false);
    expect(c.subjectAltName).toBeUndefined();
    // sha256WithRSAEncryption with its NULL parameters, as RFC 4055 writes it.
    expect(has(c, [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00])).toBe(true);
  });

  it('self-signed by default: the issuer is the subject, organisation included; a named issuer has only its own organisation', () => {
    expect(make({ subjectOrg: 'Org' }).issuer).toBe('O=Org\nCN=subject.example');
    expect(make({ subjectOrg: 'Org', issuerCn: 'CA' }).issuer).toBe('CN=CA');
    expect(make({ subjectCn: 'x' }).issuer).toBe('CN=x');
  });

  it('a CA certificate: basicConstraints CA and keyUsage keyCertSign|cRLSign; a leaf has neither', () => {
    const keyUsageExt = [0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x04, 0x03, 0x02, 0x00, 0x06];
    const ca = make({ isCa: true });
    expect(ca.ca).toBe(true);
    expect(has(ca, keyUsageExt)).toBe(true);
    const leaf = make({ isCa: false });
    expect(leaf.ca).toBe(false);
    expect(has(leaf, [0x55, 0x1d, 0x0f])).toBe(false);
    // basicConstraints is critical in both.
    expect(has(leaf, [0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x02, 0x30, 0x00])).toBe(true);
    expect(has(ca, [0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff])).toBe(true);
  });

  it('subjectAltName with DNS names and IPv4 addresses', () => {
    expect(make({ dnsNames: ['a.example', 'b.example'], ipAddresses: ['127.0.0.1', '10.20.30.255'] }).subjectAltName).toBe('DNS:a.example, DNS:b.example, IP Address:127.0.0.1, IP Address:10.20.30.255');
    expect(make({ ipAddresses: ['192.168.0.1'] }).subjectAltName).toBe('IP Address:192.168.0.1');
    expect(make({ dnsNames: [], ipAddresses: [] }).subjectAltName).toBeUndefined();
  });

  it('serial numbers are minimal positive DER integers', () => {
    expect(make({ serial: Buffer.from([0x00, 0x00, 0x01, 0x02]) }).serialNumber).toBe('0102');
    expect(make({ serial: Buffer.from([0x80, 0x01]) }).serialNumber).toBe('8001');
    expect(has(make({ serial: Buffer.from([0x80, 0x01]) }), [0x02, 0x03, 0x00, 0x80, 0x01])).toBe(true);
    expect(has(make({ serial: Buffer.from([0x00, 0x00, 0x81]) }), [0x02, 0x02, 0x00, 0x81])).toBe(true);
    expect(has(make({ serial: Buffer.from([0x00]) }), [0x02, 0x01, 0x00])).toBe(true);
    expect(make().serialNumber).toMatch(/^[0-9A-F]{30,34}$/);
    expect(make().serialNumber).not.toBe(make().serialNumber);
  });

  it('long names use multi-byte DER lengths', () => {
    for (const n of [127, 128, 255, 256, 70_000]) {
      const cn = 'c'.repeat(n);
      expect(make({ subjectCn: cn }).subject, String(n)).toBe(`CN=${cn}`);
    }
  });

  it('UTCTime for 1950 to 2049, GeneralizedTime outside (as RFC 5280 requires)', () => {
    const utc = (s: string) => [0x17, 0x0d, ...Buffer.from(s, 'ascii')];
    const gen = (s: string) => [0x18, 0x0f, ...Buffer.from(s, 'ascii')];
    const c1 = make({ notBefore: at('1950-01-01T00:00:00Z'), notAfter: at('2049-12-31T23:59:59Z') });
    expect(has(c1, utc('500101000000Z'))).toBe(true);
    expect(has(c1, utc('491231235959Z'))).toBe(true);
    const c2 = make({ notBefore: at('1949-12-31T23:59:59Z'), notAfter: at('2050-01-01T00:00:00Z') });
    expect(has(c2, gen('19491231235959Z'))).toBe(true);
    expect(has(c2, gen('20500101000000Z'))).toBe(true);
    expect(Date.parse(c2.validFrom) / 1000).toBe(at('1949-12-31T23:59:59Z'));
    expect(Date.parse(c2.validTo) / 1000).toBe(at('2050-01-01T00:00:00Z'));
  });

  it('keys and signing keys may be given as PEM', () => {
    const c = make({ publicKey: keys.leaf.publicKey.export({ type: 'spki', format: 'pem' }) as string, signingKey: keys.root.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string });
    expect(c.publicKey.equals(keys.leaf.publicKey)).toBe(true);
    expect(c.verify(keys.root.publicKey)).toBe(true);
  });
});

describe('generateTestKeyPair', () => {
  it('a matching key and self-signed certificate named as a test certificate, one hour back, `days` ahead', () => {
    const p = generateTestKeyPair({ now: NOW, days: 36_500, cn: 'custom cn', dnsNames: ['hooks.example'] });
    const c = new X509Certificate(p.certPem);
    expect(c.subject).toBe(`O=${TEST_CERT_ORG}\nCN=custom cn`);
    expect(TEST_CERT_ORG).toBe('fbpay test only - not PayPal');
    expect(Date.parse(c.validFrom) / 1000).toBe(NOW - 3600);
    expect(Date.parse(c.validTo) / 1000).toBe(NOW + 36_500 * 86_400);
    expect(c.subjectAltName).toBe('DNS:hooks.example');
    expect(p.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(c.verify(c.publicKey)).toBe(true);
  });

  it('defaults: the fbpay test CN, 365 days from the real clock', () => {
    const before = Math.floor(Date.now() / 1000);
    const c = new X509Certificate(generateTestKeyPair().certPem);
    expect(c.subject).toBe(`O=${TEST_CERT_ORG}\nCN=${TEST_CERT_CN}`);
    expect(TEST_CERT_CN).toBe('fbpay local test certificate');
    const from = Date.parse(c.validFrom) / 1000;
    expect(from).toBeGreaterThanOrEqual(before - 3600);
    expect(from).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) - 3600);
    expect(Date.parse(c.validTo) / 1000 - from).toBe(3600 + 365 * 86_400);
  });

  it('days outside 1..36500 are bad input', () => {
    for (const days of [0, -1, 36_501, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => generateTestKeyPair({ now: NOW, days }), String(days)).toThrow(expect.objectContaining({ code: 'bad_option', exitCode: 2 }));
      expect(() => generateTestKeyPair({ now: NOW, days }), String(days)).toThrow(`--days must be from 1 to 36500, got ${days}`);
    }
  });
});
