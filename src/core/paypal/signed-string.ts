import { crc32 } from 'node:zlib';

/** CRC-32 of the raw body bytes as PayPal signs it: an unsigned decimal (`2771810304`), never signed or hex. */
export function paypalCrc32(body: Uint8Array | string): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: zlib.crc32 reads a string as its UTF-8 bytes and Buffer.from(bytes, any encoding) copies them, so both branches give the same crc
  return crc32(typeof body === 'string' ? Buffer.from(body, 'utf8') : body) >>> 0;
}

export interface SignedStringParts {
  transmissionId: string;
  transmissionTime: string;
  webhookId: string;
  body: Uint8Array | string;
}

/**
 * The exact string PayPal signs: `transmission_id|transmission_time|webhook_id|crc32(raw body)`.
 * The webhook id is the id of YOUR webhook (developer dashboard), or the literal `WEBHOOK_ID` for
 * simulator deliveries — not the event id (`WH-…`).
 */
export function paypalSignedString(parts: SignedStringParts): { crc: number; signedString: string } {
  const crc = paypalCrc32(parts.body);
  return { crc, signedString: `${parts.transmissionId}|${parts.transmissionTime}|${parts.webhookId}|${crc}` };
}
