import { createHmac } from 'node:crypto';

/**
 * Facebook signed_request: `base64url(HMAC-SHA256(payloadSegment, secret)) + "." + payloadSegment`,
 * where payloadSegment is base64url(JSON). Facebook sends both segments without padding.
 */
export interface SignOptions {
  /** Keep '=' padding on both segments (the PHP SDK style). Default false, like Facebook. */
  padded?: boolean;
}

export function base64UrlEncode(data: Uint8Array | string, padded = false): string {
  const s = Buffer.from(data).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return padded ? s : s.replace(/=+$/, '');
}

/** Makes a signed_request for `payload` (adds `algorithm: "HMAC-SHA256"` when missing). */
export function signSignedRequest(payload: Record<string, unknown>, secret: string, opts: SignOptions = {}): string {
  const body = 'algorithm' in payload ? payload : { algorithm: 'HMAC-SHA256', ...payload };
  const segment = base64UrlEncode(JSON.stringify(body), opts.padded);
  const sig = base64UrlEncode(createHmac('sha256', secret).update(segment).digest(), opts.padded);
  return `${sig}.${segment}`;
}
