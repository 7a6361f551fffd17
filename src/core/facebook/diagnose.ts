import { createHmac } from 'node:crypto';
import { safeEqual } from '../safe-equal.js';

/**
 * Near-miss diagnosis for a signed_request whose signature does not match: retries the check with
 * the usual mistakes corrected, one at a time and in pairs, and names the first correction that
 * makes it match. Runs only after a mismatch, so its cost never touches the valid path.
 */
export interface NearMiss {
  /** Machine-readable causes joined with '+', e.g. `secret_whitespace` or `app_token_as_secret+padding_added`. */
  code: string;
  /** What would have matched, and what to do about it. */
  message: string;
  /** true: the correction makes the signature match. false: a likely cause that cannot be confirmed (e.g. an app id given as the secret). */
  matched: boolean;
}

/** The parts of the signed_request the diagnosis needs (see parseSignedRequest). */
export interface MismatchInput {
  signature: string;
  segment: string;
  payload: Record<string, unknown>;
  /** The payload JSON text as decoded from the segment. */
  json: string;
}

interface Variant {
  value: string;
  code?: string;
  say?: string;
}

function secretVariants(secret: string): Variant[] {
  const out: Variant[] = [{ value: secret }];
  const trimmed = secret.trim();
  if (trimmed !== secret && trimmed.length > 0) out.push({ value: trimmed, code: 'secret_whitespace', say: 'the secret without its surrounding whitespace (check how FB_APP_SECRET is set: a trailing newline or space?)' });
  const bar = trimmed.lastIndexOf('|');
  if (bar >= 0 && bar < trimmed.length - 1) {
    out.push({ value: trimmed.slice(bar + 1), code: 'app_token_as_secret', say: "the part after '|' of the secret: an app access token (APP_ID|SECRET) was given as the secret; pass only the App Secret" });
  }
  return out;
}

function segmentVariants(parts: MismatchInput): Variant[] {
  const seg = parts.segment;
  const out: Variant[] = [{ value: seg }];
  // Stryker disable next-line Regex: a parsed segment has '=' only at its end (parseSignedRequest refuses any other)
  const bare = seg.replace(/=+$/, '');
  if (bare !== seg) {
    out.push({ value: bare, code: 'padding_removed', say: 'the payload segment WITHOUT its "=" padding: the signer signed the unpadded segment and padding was added on the way — pass the signed_request exactly as received' });
  } else if (seg.length % 4 !== 0) {
    out.push({ value: seg + '='.repeat(4 - (seg.length % 4)), code: 'padding_added', say: 'the payload segment WITH "=" padding: the signer signed the padded segment (PHP SDK style) and the padding was stripped on the way — pass it exactly as received' });
  }
  if (/[-_]/.test(seg)) {
    out.push({ value: seg.replace(/-/g, '+').replace(/_/g, '/'), code: 'alphabet_standard', say: 'the payload segment in the standard base64 alphabet (+ /): the signer signed before converting to base64url' });
  } else if (/[+/]/.test(seg)) {
    out.push({ value: seg.replace(/\+/g, '-').replace(/\//g, '_'), code: 'alphabet_url', say: 'the payload segment in the base64url alphabet (- _): it was converted to standard base64 after signing' });
  }
  const b64 = Buffer.from(JSON.stringify(parts.payload)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  // Stryker disable next-line Regex: Buffer#toString('base64') puts '=' only at the end
  for (const reenc of [b64.replace(/=+$/, ''), b64]) {
    if (!out.some((v) => v.value === reenc)) {
      out.push({ value: reenc, code: 're_encoded', say: 'the payload re-encoded as compact JSON: the segment that arrived is not the one that was signed (the payload was re-serialized on one side: key order, spacing or escaping changed) — sign and forward the original bytes' });
    }
  }
  out.push({ value: parts.json, code: 'signed_json', say: 'the payload JSON text itself: the signer computed the HMAC over the JSON instead of over its base64url segment' });
  return out;
}

/** Diagnoses a mismatch. Every comparison is constant-time. Returns undefined when no known mistake explains it. */
export function diagnoseMismatch(parts: MismatchInput, secret: string): NearMiss | undefined {
  // Stryker disable next-line Regex: a parsed signature has '=' only at its end, and at most one once the rest is 43 characters (32 bytes); longer ones match nothing
  const received = parts.signature.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  // Stryker disable next-line Regex: without an anchor, the whole longer signature is compared and can never equal a 64-character hex digest
  const hexSig = /^[0-9a-fA-F]{64}$/.test(parts.signature) ? parts.signature.toLowerCase() : undefined;
  const secrets = secretVariants(secret);
  const segments = segmentVariants(parts);
  for (const s of secrets) {
    for (const g of segments) {
      const mac = createHmac('sha256', s.value).update(g.value).digest();
      const fixes = [s, g].filter((v) => v.code);
      if (fixes.length > 0 && safeEqual(received, mac.toString('base64url'))) return matched(fixes);
      if (hexSig && safeEqual(hexSig, mac.toString('hex'))) {
        return matched([...fixes, { code: 'hex_signature', say: 'a hex-encoded signature: Facebook signatures are base64url of the raw HMAC bytes, not hex' }]);
      }
    }
  }
  const t = secret.trim();
  if (/^\d{5,20}$/.test(t) || (parts.payload.app_id !== undefined && t === String(parts.payload.app_id))) {
    return { code: 'app_id_as_secret', matched: false, message: 'the secret looks like an app id, not an App Secret: use the App Secret (App Dashboard → Settings → Basic, 32 hex characters)' };
  }
  if (/^EAA[A-Za-z0-9]{20,}$/.test(t)) {
    return { code: 'access_token_as_secret', matched: false, message: 'the secret looks like a user or page access token (EAA…), not the App Secret (App Dashboard → Settings → Basic)' };
  }
  if (!/^[0-9a-fA-F]{32}$/.test(t)) {
    return { code: 'secret_shape', matched: false, message: `the secret is ${t.length} characters long, while Facebook App Secrets are 32 hex characters` };
  }
  return undefined;
}

function matched(fixes: Array<Omit<Variant, 'value'>>): NearMiss {
  return {
    code: fixes.map((f) => f.code).join('+'),
    matched: true,
    message: `near miss: the signature matches ${fixes.map((f) => f.say).join('; and ')}`,
  };
}
