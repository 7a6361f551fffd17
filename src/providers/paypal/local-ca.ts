import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { createCertificate } from '../../core/paypal/test-cert.js';

/** The file a receiver trusts (NODE_EXTRA_CA_CERTS, curl --cacert, PHP's CURLOPT_CAINFO). */
export const LOCAL_CA_CERT = 'fbpay-local-ca.pem';
const LOCAL_CA_KEY = 'fbpay-local-ca.key';

export interface LocalCa {
  /** Absolute path of the CA certificate. */
  certPath: string;
  certPem: string;
  keyPem: string;
  /** True when this call wrote it (a receiver started earlier does not trust it yet). */
  created: boolean;
}

/**
 * A certificate authority for local tests only, kept in `dir` so a receiver can be started trusting
 * it before fbpay runs (its key never leaves that directory). Reused when already there.
 */
export async function loadOrCreateLocalCa(dir: string, now = Math.floor(Date.now() / 1000)): Promise<LocalCa> {
  const certPath = resolve(dir, LOCAL_CA_CERT);
  const keyPath = resolve(dir, LOCAL_CA_KEY);
  try {
    const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { certPath, certPem, keyPem, created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError('bad_option', `cannot read the local CA in ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certPem = createCertificate({
    subjectCn: 'fbpay local test CA - not for production',
    subjectOrg: 'fbpay test only',
    publicKey,
    signingKey: privateKey,
    notBefore: now - 3600,
    notAfter: now + 5 * 365 * 86400,
    isCa: true,
  });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, LOCAL_CA_KEY), keyPem, { mode: 0o600 });
    await writeFile(certPath, certPem);
  } catch (e) {
    throw new UsageError('bad_option', `cannot write the local CA to ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'pass a writable directory to --https-ca' });
  }
  return { certPath, certPem, keyPem, created: true };
}

/** A TLS server certificate for 127.0.0.1 and localhost, issued by the local CA. */
export function issueLoopbackServerCert(ca: LocalCa, now = Math.floor(Date.now() / 1000)): { certPem: string; keyPem: string } {
  return issueFromLocalCa(ca, '127.0.0.1', now, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
}

/**
 * A message-signing key and its certificate issued by the local CA, for `webhook check --https-ca`: a
 * receiver that trusts the CA (NODE_EXTRA_CA_CERTS, or its own CA setting) can check the chain for real.
 */
export function issueSigningCert(ca: Pick<LocalCa, 'keyPem'>, opts: { now?: number; cn?: string } = {}): { certPem: string; keyPem: string } {
  return issueFromLocalCa(ca, opts.cn ?? 'fbpay local test message signing - not PayPal', opts.now ?? Math.floor(Date.now() / 1000));
}

/** A fresh key and a week-long certificate for it, issued by the local CA. */
function issueFromLocalCa(ca: Pick<LocalCa, 'keyPem'>, subjectCn: string, now: number, names: { dnsNames?: string[]; ipAddresses?: string[] } = {}): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certPem = createCertificate({
    subjectCn,
    subjectOrg: 'fbpay test only',
    issuerCn: 'fbpay local test CA - not for production',
    issuerOrg: 'fbpay test only',
    publicKey,
    signingKey: ca.keyPem,
    notBefore: now - 3600,
    notAfter: now + 7 * 86400,
    ...names,
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** What a receiver under test needs to trust the local CA, one line each. */
export function trustLines(certPath: string): string[] {
  return [
    `Node:  NODE_EXTRA_CA_CERTS=${certPath} node your-receiver.js`,
    `curl:  curl --cacert ${certPath} …`,
    `examples/paypal-receiver:  PAYPAL_CERT_HOSTS=127.0.0.1 PAYPAL_CA=${certPath} node server.mjs  (the chain is checked against it)`,
    `PHP:   curl_setopt($ch, CURLOPT_CAINFO, '${certPath}');  (or openssl.cafile=${certPath} in php.ini)`,
  ];
}
