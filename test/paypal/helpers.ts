import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCertificate, generateTestKeyPair, type TestKeyPair } from '../../src/core/paypal/test-cert.js';
import { readVector, vectorPath } from '../helpers/vectors.js';
import { readFileSync } from 'node:fs';

export interface SdkVector {
  name: string;
  webhook_id: string;
  headers: Record<string, string>;
  body_b64: string;
  cert_pem: string;
  expect: { crc: number; signed_string: string; verifies: boolean };
}
export interface SimDelivery {
  name: string;
  webhook_id: string;
  headers: Record<string, string>;
  body_b64: string;
  cert_url: string;
  event_type: string;
  expect: { crc: number; signed_string: string; verifies: boolean };
}

export const sdk: SdkVector[] = readVector('paypal/sdk-tests.json');
export const sim: { certs: Record<string, string>; deliveries: SimDelivery[] } = readVector('paypal/simulator-2024.json');
export const DIGICERT_CA_PATH = vectorPath('paypal/digicert-sha2-ev-server-ca.pem');
export const DIGICERT_CA = readFileSync(DIGICERT_CA_PATH, 'utf8');
export const bodyOf = (v: { body_b64: string }) => Buffer.from(v.body_b64, 'base64');
export const timeOf = (v: { headers: Record<string, string> }) => Math.floor(Date.parse(v.headers['paypal-transmission-time']) / 1000);

let cached: TestKeyPair | undefined;
/** One RSA test pair per test file (key generation costs ~100 ms). */
export function testPair(): TestKeyPair {
  cached ??= generateTestKeyPair({ now: Math.floor(Date.now() / 1000) });
  return cached;
}

/** A test CA and a leaf it issued (CN messageverificationcerts.paypal.com), for chain checks. */
export function testChain(now = Math.floor(Date.now() / 1000)) {
  const ca = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const leaf = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const caPem = createCertificate({ subjectCn: 'fbpay Test Intermediate CA', publicKey: ca.publicKey, signingKey: ca.privateKey, notBefore: now - 86400, notAfter: now + 86400 * 365, isCa: true });
  const leafPem = createCertificate({
    subjectCn: 'messageverificationcerts.paypal.com',
    issuerCn: 'fbpay Test Intermediate CA',
    publicKey: leaf.publicKey,
    signingKey: ca.privateKey,
    notBefore: now - 3600,
    notAfter: now + 86400 * 30,
    dnsNames: ['messageverificationcerts.paypal.com'],
  });
  return { caPem, leafPem, leafKeyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** A loopback HTTP server that records every request it gets (to prove a request was, or was not, made). */
export async function countingServer(handler?: (req: IncomingMessage, body: Buffer) => { status: number; body: string; headers?: Record<string, string> }) {
  const requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const r = handler ? handler(req, body) : { status: 200, body: 'ok' };
      res.writeHead(r.status, r.headers ?? { 'content-type': 'text/plain' });
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
