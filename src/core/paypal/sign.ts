import { createPrivateKey, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { UsageError } from '../errors.js';
import { paypalSignedString } from './signed-string.js';

export const PAYPAL_AUTH_ALGO = 'SHA256withRSA';

/** PayPal's transmission time format: ISO-8601, seconds precision, `Z` (`2024-08-02T19:34:57Z`). */
export function paypalTime(unixSeconds: number): string {
  // Stryker disable next-line Regex: toISOString() always ends with .sssZ, so the $ anchor changes nothing
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface PaypalSignOptions {
  body: Uint8Array | string;
  webhookId: string;
  /** PEM private key (PKCS#8 or PKCS#1) or a KeyObject. */
  key: string | KeyObject;
  /** Where receivers fetch the certificate (PAYPAL-CERT-URL). */
  certUrl: string;
  transmissionId?: string;
  /** ISO time; default: now. */
  transmissionTime?: string;
  /** Unix seconds (injectable clock). */
  now?: () => number;
  /** Injectable id source. */
  uuid?: () => string;
}

export interface PaypalSignature {
  headers: {
    'PAYPAL-TRANSMISSION-ID': string;
    'PAYPAL-TRANSMISSION-TIME': string;
    'PAYPAL-TRANSMISSION-SIG': string;
    'PAYPAL-CERT-URL': string;
    'PAYPAL-AUTH-ALGO': string;
  };
  crc: number;
  signedString: string;
}

/** Reads a private key from PEM, as a UsageError (exit 2) when it is not one. */
export function readPrivateKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key;
  try {
    const k = createPrivateKey(key);
    if (k.asymmetricKeyType !== 'rsa') throw new Error(`${k.asymmetricKeyType} key`);
    return k;
  } catch (e) {
    // Stryker disable next-line MethodExpression: createPrivateKey's errors are OpenSSL lines under 80 characters; the cap only guards a longer one
    throw new UsageError('bad_key', `not an RSA private key in PEM form (${(e as Error).message.slice(0, 80)})`, {
      hint: 'make one with `fbpay paypal keygen`',
    });
  }
}

/**
 * Signs a webhook body the way PayPal does: SHA256withRSA over
 * `transmission_id|transmission_time|webhook_id|crc32(body)`, base64. Returns the five PAYPAL-* headers.
 * For test deliveries with your own key: receivers must be pointed at your certificate.
 */
export function signPaypalWebhook(opts: PaypalSignOptions): PaypalSignature {
  if (!opts.webhookId) throw new UsageError('missing_webhook_id', 'a webhook id is needed to sign', { hint: 'pass --webhook-id or set PAYPAL_WEBHOOK_ID' });
  if (/[|\r\n]/.test(opts.webhookId)) throw new UsageError('bad_webhook_id', 'the webhook id must not contain "|" or line breaks');
  const key = readPrivateKey(opts.key);
  const transmissionId = opts.transmissionId ?? (opts.uuid ?? randomUUID)();
  const transmissionTime = opts.transmissionTime ?? paypalTime((opts.now ?? (() => Math.floor(Date.now() / 1000)))());
  for (const [what, v] of [['transmission id', transmissionId], ['transmission time', transmissionTime]] as const) {
    if (v === '' || /[|\r\n]/.test(v)) throw new UsageError('bad_option', `the ${what} must be non-empty, without "|" or line breaks`);
  }
  const { crc, signedString } = paypalSignedString({ transmissionId, transmissionTime, webhookId: opts.webhookId, body: opts.body });
  // Stryker disable next-line StringLiteral: Buffer.from(string, '') decodes as utf8, the default
  const sig = cryptoSign('sha256', Buffer.from(signedString, 'utf8'), key).toString('base64');
  return {
    headers: {
      'PAYPAL-TRANSMISSION-ID': transmissionId,
      'PAYPAL-TRANSMISSION-TIME': transmissionTime,
      'PAYPAL-TRANSMISSION-SIG': sig,
      'PAYPAL-CERT-URL': opts.certUrl,
      'PAYPAL-AUTH-ALGO': PAYPAL_AUTH_ALGO,
    },
    crc,
    signedString,
  };
}
