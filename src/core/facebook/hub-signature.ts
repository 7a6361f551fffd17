import { createHmac } from 'node:crypto';

/**
 * Facebook webhook signatures: `X-Hub-Signature: sha1=<hex>` and `X-Hub-Signature-256: sha256=<hex>`,
 * HMAC of the raw request body bytes with the app secret.
 */
export type HubAlgorithm = 'sha1' | 'sha256';

/** The header value for one algorithm, e.g. `sha256=757107ea…`. */
export function hubSignature(body: Uint8Array | string, secret: string, algorithm: HubAlgorithm = 'sha256'): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
}

/** Both headers, as Facebook sends them. */
export function hubSignatureHeaders(body: Uint8Array | string, secret: string): { 'X-Hub-Signature': string; 'X-Hub-Signature-256': string } {
  return { 'X-Hub-Signature': hubSignature(body, secret, 'sha1'), 'X-Hub-Signature-256': hubSignature(body, secret, 'sha256') };
}
