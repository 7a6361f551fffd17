import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../core/errors.js';
import { createCertificate } from '../../../core/paypal/test-cert.js';

/**
 * The PayPal emulator's keys: a local CA (written out, so receivers and `fbpay paypal verify --ca`
 * can trust it), the message-verification certificate it signs webhooks with (served at the
 * PAYPAL-CERT-URL it sends, chain = leaf + CA, as PayPal serves leaf + intermediate), and with
 * `--tls` a server certificate for 127.0.0.1 / localhost. Certificates come from fbpay's own
 * X.509 writer (the one `fbpay paypal keygen` uses).
 */

export const EMULATOR_CA_CN = 'fbpay PayPal emulator CA (test only)';
export const EMULATOR_SIGNING_CN = 'fbpay PayPal emulator message verification (test only)';
const ORG = 'fbpay test only - not PayPal';

export interface EmulatorPki {
  /** The folder holding ca.pem (and ca-key.pem, so a restart reuses the same CA). */
  dir: string;
  caPath: string;
  caPem: string;
  /** Signs webhooks (PKCS#8 PEM). */
  signingKeyPem: string;
  /** The leaf certificate followed by the CA: what PAYPAL-CERT-URL serves. */
  certChainPem: string;
  signingCertPem: string;
  /** TLS server key and certificate for 127.0.0.1, ::1 and localhost. */
  tls: { key: string; cert: string };
}

function usableCa(pem: string, key: string, until: number): boolean {
  try {
    const ca = new X509Certificate(pem);
    return ca.ca && ca.checkPrivateKey(createPrivateKey(key)) && Date.parse(ca.validTo) / 1000 > until;
  } catch {
    return false;
  }
}

function rsa(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string };
}

/**
 * Loads the CA from `dir` (ca.pem + ca-key.pem) when both are there, or makes one and writes it
 * there (a fresh temporary folder when `dir` is absent); then issues a signing and a TLS
 * certificate from it, valid from an hour ago for `days` days.
 */
export async function loadOrCreatePki(opts: { dir?: string; days?: number; now?: number } = {}): Promise<EmulatorPki> {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const days = opts.days ?? 30;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'fbpay-paypal-emulator-')));
  const caPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  let caPem: string;
  let caKey: string;
  const existing = await Promise.all([readFile(caPath, 'utf8'), readFile(caKeyPath, 'utf8')]).catch(() => undefined);
  if (existing) {
    [caPem, caKey] = existing;
    if (!usableCa(caPem, caKey, now + days * 86400)) {
      throw new UsageError('bad_pki', `${dir} holds a ca.pem / ca-key.pem pair the emulator cannot use (not a CA, not a pair, or expiring)`, { hint: 'pass another --pki-dir, or delete both files' });
    }
  } else {
    const k = rsa();
    caKey = k.privateKey;
    caPem = createCertificate({ subjectCn: EMULATOR_CA_CN, subjectOrg: ORG, publicKey: k.publicKey, signingKey: k.privateKey, notBefore: now - 3600, notAfter: now + 3650 * 86400, isCa: true });
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(caKeyPath, caKey, { mode: 0o600 });
      await writeFile(caPath, caPem);
    } catch (err) {
      throw new UsageError('write_failed', `cannot write the emulator CA to ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'pass a writable --pki-dir' });
    }
  }
  const issue = (cn: string, extra: { dnsNames?: string[]; ipAddresses?: string[] }) => {
    const k = rsa();
    const cert = createCertificate({
      subjectCn: cn,
      subjectOrg: ORG,
      issuerCn: EMULATOR_CA_CN,
      issuerOrg: ORG,
      publicKey: createPublicKey(k.publicKey),
      signingKey: caKey!,
      notBefore: now - 3600,
      notAfter: now + days * 86400,
      ...extra,
    });
    return { key: k.privateKey, cert };
  };
  const signing = issue(EMULATOR_SIGNING_CN, {});
  const tls = issue('127.0.0.1', { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  return {
    dir,
    caPath,
    caPem,
    signingKeyPem: signing.key,
    signingCertPem: signing.cert,
    certChainPem: signing.cert + caPem,
    tls: { key: tls.key, cert: tls.cert + caPem },
  };
}
