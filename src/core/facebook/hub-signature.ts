import { createHmac } from 'node:crypto';
import { UsageError } from '../errors.js';
import { safeEqual } from '../safe-equal.js';

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

/** The header that carries each algorithm. */
export const HUB_HEADER: Record<HubAlgorithm, 'X-Hub-Signature' | 'X-Hub-Signature-256'> = { sha1: 'X-Hub-Signature', sha256: 'X-Hub-Signature-256' };

const HEX_LENGTH: Record<HubAlgorithm, number> = { sha1: 40, sha256: 64 };

export interface ParsedHubSignature {
  algorithm: HubAlgorithm;
  /** Lowercase hex digest. */
  hex: string;
}

/**
 * Parses an X-Hub-Signature(-256) value: `sha256=<64 hex>` or `sha1=<40 hex>`. A whole header line
 * (`X-Hub-Signature-256: sha256=…`) and surrounding whitespace are accepted. Throws a UsageError
 * naming what is wrong otherwise.
 */
export function parseHubSignature(value: string): ParsedHubSignature {
  let v = String(value).trim();
  const line = /^x-hub-signature(?:-256)?\s*:\s*/i.exec(v);
  // Stryker disable next-line MethodExpression: equivalent: v was trimmed and the regex ate the spaces after ':'
  if (line) v = v.slice(line[0].length).trim();
  const m = /^(sha1|sha256)=(.*)$/i.exec(v);
  if (!m) {
    throw new UsageError('bad_signature_header', `not an X-Hub signature: expected "sha256=<hex>" or "sha1=<hex>", got "${printable(v)}"`, {
      hint: 'pass the X-Hub-Signature-256 (or X-Hub-Signature) header value exactly as received',
    });
  }
  const algorithm = m[1].toLowerCase() as HubAlgorithm;
  const hex = m[2].trim();
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length !== HEX_LENGTH[algorithm]) {
    throw new UsageError('bad_signature_header', `${algorithm} signature must be ${HEX_LENGTH[algorithm]} hex characters, got ${hex.length} character(s) "${printable(hex)}"`, {
      hint: algorithm === 'sha1' && hex.length === 64 ? 'that looks like a sha256 digest: use the sha256= prefix' : algorithm === 'sha256' && hex.length === 40 ? 'that looks like a sha1 digest: use the sha1= prefix' : 'copy the whole header value',
    });
  }
  return { algorithm, hex: hex.toLowerCase() };
}

export interface HubVerifyResult {
  valid: boolean;
  /** Set when the header parsed. */
  algorithm?: HubAlgorithm;
  /** `signature_mismatch` or `bad_signature_header`. */
  code?: string;
  /** One line, when not valid. */
  reason?: string;
}

/**
 * Verifies a Facebook webhook signature over the raw body bytes. Accepts either header form
 * (`sha1=…` or `sha256=…`); the digest comparison is constant-time. Never throws for bad input:
 * a malformed header is reported as `valid: false` with `code: "bad_signature_header"`.
 */
export function verifyHubSignature(body: Uint8Array | string, headerValue: string, secret: string): HubVerifyResult {
  let parsed: ParsedHubSignature;
  try {
    parsed = parseHubSignature(headerValue);
  } catch (e) {
    return { valid: false, code: 'bad_signature_header', reason: (e as Error).message };
  }
  const expected = createHmac(parsed.algorithm, secret).update(body).digest('hex');
  if (safeEqual(expected, parsed.hex)) return { valid: true, algorithm: parsed.algorithm };
  return {
    valid: false,
    algorithm: parsed.algorithm,
    code: 'signature_mismatch',
    reason: `${HUB_HEADER[parsed.algorithm]} does not match the body (HMAC-${parsed.algorithm.toUpperCase()} with this app secret)`,
  };
}

export interface HubDiagnosis {
  /** What would have matched: `secret_whitespace`, `body_trailing_newline`, `body_reserialized`, `body_line_endings`, … */
  cause: string;
  message: string;
  /** True when the variant was actually tried and matched the signature. */
  matched: boolean;
}

/**
 * Explains a mismatch: tries the usual ways a body or secret gets changed on its way to the
 * verifier (pretty-printed or re-serialized JSON, key order, a trailing newline, CRLF, whitespace
 * around the secret) and says which one would have matched. Returns the matching causes first,
 * then heuristics that did not match but are worth knowing. Pure; never throws.
 */
export function diagnoseHubSignature(body: Uint8Array | string, headerValue: string, secret: string): HubDiagnosis[] {
  let parsed: ParsedHubSignature;
  try {
    parsed = parseHubSignature(headerValue);
  } catch {
    return [];
  }
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: Buffer.from(bytes, enc) copies the same bytes, and '' means utf8
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const matches = (b: Uint8Array | string, s: string) => safeEqual(createHmac(parsed.algorithm, s).update(b).digest('hex'), parsed.hex);
  const secrets: Array<{ value: string; label?: string }> = [{ value: secret }];
  const trimmed = secret.trim();
  if (trimmed !== secret && trimmed.length > 0) secrets.push({ value: trimmed, label: 'the app secret has surrounding whitespace' });

  const out: HubDiagnosis[] = [];
  const pipe = trimmed.indexOf('|');
  if (pipe > 0 && matches(bytes, trimmed.slice(pipe + 1))) {
    out.push({ cause: 'secret_is_app_token', matched: true, message: 'an app access token (APP_ID|SECRET) was given as the secret: the part after "|" matches — pass only the app secret' });
    return out;
  }
  if (secrets.length > 1 && matches(bytes, trimmed)) {
    out.push({ cause: 'secret_whitespace', matched: true, message: 'the app secret has surrounding whitespace: the trimmed secret matches (check how FB_APP_SECRET / the config value was pasted)' });
    return out;
  }
  for (const variant of bodyVariants(bytes)) {
    for (const s of secrets) {
      if (matches(variant.bytes, s.value)) {
        out.push({
          cause: s.label ? `${variant.cause}+secret_whitespace` : variant.cause,
          matched: true,
          message: `${variant.message}${s.label ? `, and ${s.label}` : ''}: that version matches the signature — verify the raw request bytes, before any parsing`,
        });
        return out;
      }
    }
  }
  const text = bytes.toString('utf8');
  if (secrets.length > 1) out.push({ cause: 'secret_whitespace', matched: false, message: 'the app secret has surrounding whitespace (trimming it did not match either)' });
  if (/^\s*[{[][\s\S]*\n\s+"/.test(text)) {
    out.push({ cause: 'body_pretty_printed', matched: false, message: 'the body is pretty-printed JSON; Facebook sends compact JSON, so this is probably not the raw body as received' });
  }
  if (/\s$/.test(text)) out.push({ cause: 'body_trailing_whitespace', matched: false, message: 'the body ends with whitespace (an editor or echo may have added a newline)' });
  if (/^\d{5,20}$/.test(trimmed)) {
    out.push({ cause: 'secret_looks_like_app_id', matched: false, message: 'the secret is all digits, like an app id: the app secret is the 32-character hex string under App settings > Basic' });
  } else if (pipe < 0 && !/^[0-9a-f]{32}$/.test(trimmed)) {
    out.push({ cause: 'secret_unusual', matched: false, message: `Facebook app secrets are 32 lowercase hex characters; this one is ${trimmed.length} character(s) of another form` });
  }
  if (out.length === 0) {
    out.push({ cause: 'unknown', matched: false, message: 'no common re-serialization or secret mistake matches: is it the right app secret, and the exact bytes received?' });
  }
  return out;
}

interface BodyVariant {
  cause: string;
  message: string;
  bytes: Buffer;
}

/** Plausible original bodies for a body that may have been re-serialized or edited on the way. */
function bodyVariants(bytes: Buffer): BodyVariant[] {
  const out: BodyVariant[] = [];
  const seen = new Set<string>([bytes.toString('latin1')]);
  const add = (cause: string, message: string, b: Buffer | string) => {
    // Stryker disable next-line all: equivalent: every variant is a string, and HMAC.update and the seen-key read a string as its UTF-8 bytes
    const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
    const key = buf.toString('latin1');
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ cause, message, bytes: buf });
  };
  const text = bytes.toString('utf8');
  const stripped = text.replace(/[\r\n]+$/, '');
  add('body_trailing_newline', 'the body has a trailing newline that was not signed', stripped);
  add('body_trailing_whitespace', 'the body has leading/trailing whitespace that was not signed', text.trim());
  add('body_missing_newline', 'the signed body ended with a newline that is missing here', text + '\n');
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: without CRLF the variant equals the body and is skipped as already seen
  if (text.includes('\r\n')) add('body_line_endings', 'the body line endings were converted to CRLF', text.replace(/\r\n/g, '\n'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return out;
  }
  const compact = JSON.stringify(parsed);
  add('body_reserialized', 'the body was re-serialized (whitespace differs): the compact JSON form', compact);
  add('body_reserialized', 'the body was re-serialized (whitespace differs): the compact JSON with Facebook-style escaping (\\/ and \\uXXXX)', phpStyleJson(compact));
  add('body_reserialized', 'the body was re-serialized: the same JSON pretty-printed with 2 spaces', JSON.stringify(parsed, null, 2));
  add('body_reserialized', 'the body was re-serialized: the same JSON pretty-printed with 4 spaces', JSON.stringify(parsed, null, 4));
  add('body_reserialized', 'the body was re-serialized with spaces after ":" and ","', compact.replace(/("(?:[^"\\]|\\.)*")|([:,])/g, (m, str: string | undefined, p: string | undefined) => (str ? str : p + ' ')));
  const sorted = JSON.stringify(sortKeys(parsed));
  add('body_key_order', 'the body keys were re-ordered (sorted keys match)', sorted);
  add('body_key_order', 'the body keys were re-ordered (sorted keys, Facebook-style escaping, match)', phpStyleJson(sorted));
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** JSON as PHP's json_encode (and Facebook) writes it: `/` escaped and non-ASCII as \uXXXX. */
function phpStyleJson(json: string): string {
  return json.replace(/\//g, '\\/').replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function printable(s: string): string {
  const escaped = s.slice(0, 40).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return s.length > 40 ? `${escaped}…` : escaped;
}
