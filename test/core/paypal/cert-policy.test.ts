import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { certNames, certTime, checkCertUrl, isoSeconds, parseCertificates, PAYPAL_CERT_HOSTS, PAYPAL_CERT_NAME } from '../../../src/core/paypal/cert-policy.js';
import { createCertificate } from '../../../src/core/paypal/test-cert.js';
import { cert, interPem, keys, leafPem, NOW } from './world.js';

/** The certificate URL policy decides what fbpay fetches from a delivery's own header: what it says, exactly. */
describe('checkCertUrl: PayPal hosts', () => {
  it('https on each PayPal host, default port (explicit :443 is the default)', () => {
    expect(PAYPAL_CERT_HOSTS).toEqual(['api.paypal.com', 'api.sandbox.paypal.com', 'api-m.paypal.com', 'api-m.sandbox.paypal.com']);
    for (const h of PAYPAL_CERT_HOSTS) expect(checkCertUrl(`https://${h}/v1/notifications/certs/C`)).toEqual({ ok: true, detail: `https on ${h}` });
    expect(checkCertUrl('https://API-M.PayPal.com:443/c')).toEqual({ ok: true, detail: 'https on api-m.paypal.com' });
  });

  it('refusals say why', () => {
    expect(checkCertUrl(undefined)).toEqual({ ok: false, detail: 'PAYPAL-CERT-URL is missing' });
    expect(checkCertUrl('')).toEqual({ ok: false, detail: 'PAYPAL-CERT-URL is missing' });
    expect(checkCertUrl('api.paypal.com/cert')).toEqual({ ok: false, detail: 'PAYPAL-CERT-URL is not a URL: api.paypal.com/cert' });
    expect(checkCertUrl(`::${'x'.repeat(200)}`).detail).toBe(`PAYPAL-CERT-URL is not a URL: ::${'x'.repeat(118)}`);
    expect(checkCertUrl('https://user:pw@api.paypal.com/c')).toEqual({ ok: false, detail: 'refused api.paypal.com: the URL carries credentials' });
    expect(checkCertUrl('https://:pw@api.paypal.com/c')).toEqual({ ok: false, detail: 'refused api.paypal.com: the URL carries credentials' });
    expect(checkCertUrl('https://user@api.paypal.com/c')).toEqual({ ok: false, detail: 'refused api.paypal.com: the URL carries credentials' });
    expect(checkCertUrl('https://evil.example:8443/c')).toEqual({
      ok: false,
      detail: 'refused to fetch: evil.example:8443 is not a PayPal certificate host (api.paypal.com, api.sandbox.paypal.com, api-m.paypal.com, api-m.sandbox.paypal.com) — a forged delivery names its own certificate',
    });
    expect(checkCertUrl('http://api.paypal.com/c')).toEqual({ ok: false, detail: 'refused to fetch: http:// is not https' });
    expect(checkCertUrl('ftp://api.paypal.com/c')).toEqual({ ok: false, detail: 'refused to fetch: ftp:// is not https' });
    expect(checkCertUrl('https://api.paypal.com:8443/c')).toEqual({ ok: false, detail: 'refused to fetch: port 8443 on api.paypal.com' });
  });
});

describe('checkCertUrl: --allow-cert-host', () => {
  it('a named host (case and spaces ignored) over https, or host:port', () => {
    expect(checkCertUrl('https://certs.example/c', [' Certs.Example '])).toEqual({ ok: true, userAllowed: true, detail: 'certs.example allowed by --allow-cert-host (not a PayPal host)' });
    expect(checkCertUrl('https://certs.example:8443/c', ['certs.example:8443'])).toEqual({ ok: true, userAllowed: true, detail: 'certs.example:8443 allowed by --allow-cert-host (not a PayPal host)' });
    expect(checkCertUrl('https://certs.example:8443/c', ['certs.example:9999']).ok).toBe(false);
    expect(checkCertUrl('https://certs.example/c', ['other.example']).ok).toBe(false);
  });

  it('plain http only on loopback', () => {
    for (const [url, host] of [
      ['http://localhost:8080/c', 'localhost'],
      ['http://LOCALHOST:8080/c', 'localhost'],
      ['http://127.0.0.1:8080/c', '127.0.0.1'],
      ['http://127.10.20.30/c', '127.10.20.30'],
      ['http://[::1]:8080/c', '[::1]'],
    ]) expect(checkCertUrl(url, [host]), url).toMatchObject({ ok: true, userAllowed: true });
    for (const [url, host] of [
      ['http://certs.example/c', 'certs.example'],
      ['http://localhost.evil.example/c', 'localhost.evil.example'],
      ['http://mylocalhost/c', 'mylocalhost'],
      ['http://127.0.0.1.nip.io/c', '127.0.0.1.nip.io'],
    ]) expect(checkCertUrl(url, [host]), url).toEqual({ ok: false, detail: `http: certificate URL on ${new URL(url).host}: only https (or http on loopback) is fetched` });
    expect(checkCertUrl('ftp://127.0.0.1/c', ['127.0.0.1'])).toEqual({ ok: false, detail: 'ftp: certificate URL on 127.0.0.1: only https (or http on loopback) is fetched' });
  });

  it('an empty --allow-cert-host entry allows nothing', () => {
    expect(checkCertUrl('file:///etc/passwd', ['', '  '])).toEqual({
      ok: false,
      detail: 'refused to fetch:  is not a PayPal certificate host (api.paypal.com, api.sandbox.paypal.com, api-m.paypal.com, api-m.sandbox.paypal.com) — a forged delivery names its own certificate',
    });
  });

  it('host:port entries match case-insensitively even where the URL keeps the host’s case (non-special schemes)', () => {
    expect(checkCertUrl('foo://CERTS.example:8/c', ['certs.example:8'])).toEqual({ ok: false, detail: 'foo: certificate URL on CERTS.example:8: only https (or http on loopback) is fetched' });
  });

  it('credentials are refused even on an allowed host', () => {
    expect(checkCertUrl('https://u:p@certs.example/c', ['certs.example']).ok).toBe(false);
  });
});

describe('PAYPAL_CERT_NAME', () => {
  it.each([
    ['messageverificationcerts.paypal.com', true],
    ['messageverificationcerts.sandbox.paypal.com', true],
    ['MESSAGEVERIFICATIONCERTS.PAYPAL.COM', true],
    ['messageverificationcerts.a-1.b.paypal.com', true],
    ['messageverificationcerts.paypal.com.evil.example', false],
    ['xmessageverificationcerts.paypal.com', false],
    ['messageverificationcerts.evilpaypal.com', false],
    ['messageverificationcerts..paypal.com', false],
    ['messageverificationcerts.a_b.paypal.com', false],
    ['messageverificationcertsXpaypal.com', false],
  ])('%s → %s', (name, ok) => expect(PAYPAL_CERT_NAME.test(name)).toBe(ok));
});

describe('parseCertificates', () => {
  it('splits a bundle, leaf first', () => {
    const certs = parseCertificates(`junk before\n${leafPem}\nbetween\n${interPem}trailing`);
    expect(certs.map((c) => c.subject)).toEqual(['CN=messageverificationcerts.paypal.com', 'CN=Test Intermediate CA']);
  });

  it('no certificate, or a malformed one: UsageError naming the input and which certificate', () => {
    const e = (() => {
      try {
        parseCertificates('nothing here', 'the certificate at https://x');
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(UsageError);
    expect(e).toMatchObject({ code: 'bad_certificate', message: 'the certificate at https://x holds no PEM certificate', hint: 'expected -----BEGIN CERTIFICATE----- …' });
    expect(() => parseCertificates('x')).toThrow('certificate holds no PEM certificate');
    const bad = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
    expect(() => parseCertificates(`${leafPem}${bad}`, '--ca')).toThrow(/^--ca: certificate #2 is malformed \(.+\)$/);
    try {
      parseCertificates(bad, '--ca');
    } catch (x) {
      expect(x).toBeInstanceOf(UsageError);
      expect((x as UsageError).code).toBe('bad_certificate');
      expect((x as UsageError).message.startsWith('--ca: certificate #1 is malformed (')).toBe(true);
      expect((x as UsageError).message.length).toBeLessThanOrEqual('--ca: certificate #1 is malformed ()'.length + 80);
    }
  });
});

describe('certNames', () => {
  it('the last CN of the subject and the DNS names of the SAN (other SAN types skipped)', () => {
    const c = new X509Certificate(
      createCertificate({
        subjectCn: 'leaf.example',
        subjectOrg: 'CN=messageverificationcerts.paypal.com',
        publicKey: keys.leaf.publicKey,
        signingKey: keys.leaf.privateKey,
        notBefore: NOW,
        notAfter: NOW + 1,
        dnsNames: ['a.example', 'b.example'],
        ipAddresses: ['127.0.0.1'],
      }),
    );
    expect(certNames(c)).toEqual({ cn: 'leaf.example', dns: ['a.example', 'b.example'] });
    expect(certNames(new X509Certificate(cert(keys.leaf, keys.leaf, { subjectCn: 'only-cn' })))).toEqual({ cn: 'only-cn', dns: [] });
  });

  it('an organisation that spells a PayPal CN is not read as the CN', () => {
    const c = new X509Certificate(cert(keys.leaf, keys.leaf, { subjectCn: 'evil.example', subjectOrg: 'CN=messageverificationcerts.paypal.com' }));
    expect(certNames(c)).toEqual({ cn: 'evil.example', dns: [] });
  });
});

describe('time helpers', () => {
  it('certTime is unix seconds; isoSeconds prints without milliseconds', () => {
    expect(certTime('Jan 15 08:00:00 2027 GMT')).toBe(NOW);
    expect(certTime('2027-01-15T08:00:00.999Z')).toBe(NOW);
    expect(isoSeconds(NOW)).toBe('2027-01-15T08:00:00Z');
    expect(isoSeconds(NOW + 0.5)).toBe('2027-01-15T08:00:00Z');
  });
});
