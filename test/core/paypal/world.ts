import { createPrivateKey, createPublicKey, createSign, X509Certificate, type KeyObject } from 'node:crypto';
import { createCertificate, type CertificateSpec } from '../../../src/core/paypal/test-cert.js';
import { paypalCrc32 } from '../../../src/core/paypal/signed-string.js';
import { TEST_KEYS } from './test-keys.js';

/**
 * A small PKI for the verifier's trust tests: a root injected as the verifier's anchor (it stands
 * in for the DigiCert CA fbpay ships), an intermediate it issued, PayPal-named leaves, and an
 * attacker key that copies names but cannot copy signatures.
 */
export const NOW = 1_800_000_000; // 2027-01-15T08:00:00Z
export const PAYPAL_CN = 'messageverificationcerts.paypal.com';
export const CERT_URL = 'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270';

const key = (pem: string) => {
  const privateKey = createPrivateKey(pem);
  return { privateKey, publicKey: createPublicKey(privateKey) };
};
export const keys = { root: key(TEST_KEYS.root), inter: key(TEST_KEYS.inter), leaf: key(TEST_KEYS.leaf), attacker: key(TEST_KEYS.attacker) };

type Pair = { publicKey: KeyObject; privateKey: KeyObject };
export function cert(subject: Pair, signer: Pair, spec: Partial<CertificateSpec> = {}): string {
  return createCertificate({
    subjectCn: PAYPAL_CN,
    publicKey: subject.publicKey,
    signingKey: signer.privateKey,
    notBefore: NOW - 86_400,
    notAfter: NOW + 86_400,
    ...spec,
  });
}

export const rootPem = cert(keys.root, keys.root, { subjectCn: 'Test Root CA', isCa: true, notBefore: NOW - 10 * 86_400, notAfter: NOW + 10 * 86_400 });
export const interPem = cert(keys.inter, keys.root, { subjectCn: 'Test Intermediate CA', issuerCn: 'Test Root CA', isCa: true, notBefore: NOW - 5 * 86_400, notAfter: NOW + 5 * 86_400 });
/** The root as the verifier's only anchor. */
export const anchors = () => [new X509Certificate(rootPem)];

/** A leaf issued directly by the root (PayPal-named, valid NOW ± 1 day). */
export const leafPem = cert(keys.leaf, keys.root, { issuerCn: 'Test Root CA', dnsNames: [PAYPAL_CN] });
/** A leaf issued by the intermediate. */
export const leafViaInterPem = cert(keys.leaf, keys.inter, { issuerCn: 'Test Intermediate CA' });

/** RSA-SHA256 of an arbitrary string with a test key, base64: what PayPal puts in PAYPAL-TRANSMISSION-SIG. */
export const sigOver = (s: string, signer: Pair = keys.leaf) => createSign('sha256').update(s, 'utf8').sign(signer.privateKey, 'base64');

export const TIME = '2027-01-15T07:59:00Z'; // NOW - 60 s
export const TID = 'b2384410-f8d2-11e9-8a1b-4f3d9f1a6c2b';

/** The five PAYPAL-* headers of a delivery signed over `signed` (default: the correct signed string). */
export function headersFor(body: string | Buffer, opts: { webhookId?: string; time?: string; signed?: string; certUrl?: string; signer?: Pair } = {}) {
  const time = opts.time ?? TIME;
  const signed = opts.signed ?? `${TID}|${time}|${opts.webhookId ?? 'WH-HOOK'}|${paypalCrc32(body)}`;
  return {
    'PAYPAL-TRANSMISSION-ID': TID,
    'PAYPAL-TRANSMISSION-TIME': time,
    'PAYPAL-TRANSMISSION-SIG': sigOver(signed, opts.signer),
    'PAYPAL-CERT-URL': opts.certUrl ?? CERT_URL,
    'PAYPAL-AUTH-ALGO': 'SHA256withRSA',
  } as Record<string, string>;
}
