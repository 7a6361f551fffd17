import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of two signatures or digests (strings compared as UTF-8 bytes).
 * Inputs of different lengths are hashed first so the comparison time does not reveal where
 * they differ, nor (beyond the hash) their length. Every signature check in fbpay goes through this.
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: Buffer.from(bytes, enc) copies the bytes whatever enc, and '' means utf8
  const ba = typeof a === 'string' ? Buffer.from(a, 'utf8') : Buffer.isBuffer(a) ? a : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, as for `ba`
  const bb = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (ba.length !== bb.length) {
    const ha = createHash('sha256').update(ba).digest();
    const hb = createHash('sha256').update(bb).digest();
    timingSafeEqual(ha, hb);
    return false;
  }
  return timingSafeEqual(ba, bb);
}
