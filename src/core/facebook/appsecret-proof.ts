import { createHmac } from 'node:crypto';
import { safeEqual } from '../safe-equal.js';

/**
 * `appsecret_proof` for a Graph API call: HMAC-SHA256 of the access token keyed with the app secret,
 * lowercase hex. Graph rejects a call whose proof does not match the token it carries.
 */
export function appsecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

/** Constant-time check of a received proof (what the emulator does with `appsecret_proof`). */
export function verifyAppsecretProof(proof: string, accessToken: string, appSecret: string): boolean {
  return safeEqual(proof.toLowerCase(), appsecretProof(accessToken, appSecret));
}
