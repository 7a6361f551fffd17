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

/** What {@link explainHubMismatch} found: the near miss it tested and found to match (if any), what it tried, and separate notes. */
export interface HubMismatchExplanation {
  /** The one correction that makes the signature match; undefined when none of the tried ones did. */
  nearMiss?: HubDiagnosis;
  /** How many body/secret combinations were tried, and of what kinds (for "no near miss matched"). */
  tried: { count: number; kinds: string[] };
  /** Remarks that were not tested against the signature (the secret's shape, a pretty-printed body): never the diagnosis. */
  notes: HubDiagnosis[];
}

/**
 * Explains a mismatch: tries the usual ways a body or secret gets changed on its way to the
 * verifier — the same family of variants `decode` tries: compact, pretty-printed (2/4 spaces, tab),
 * spaced, key-sorted and PHP-escaped (\/ and \uXXXX) re-serializations, a trailing newline, CRLF,
 * whitespace around the secret, an app token given as the secret — and names the one that matches.
 * Remarks it cannot test (the secret's shape) are notes, kept apart. Pure; never throws.
 */
export function explainHubMismatch(body: Uint8Array | string, headerValue: string, secret: string): HubMismatchExplanation {
  const none: HubMismatchExplanation = { tried: { count: 0, kinds: [] }, notes: [] };
  let parsed: ParsedHubSignature;
  try {
    parsed = parseHubSignature(headerValue);
  } catch {
    return none;
  }
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: Buffer.from(bytes, enc) copies the same bytes, and '' means utf8
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let count = 0;
  const matches = (b: Uint8Array | string, s: string) => {
    count++;
    return safeEqual(createHmac(parsed.algorithm, s).update(b).digest('hex'), parsed.hex);
  };
  const trimmed = secret.trim();
  const pipe = trimmed.indexOf('|');
  const secrets: Array<{ value: string; cause?: string; label?: string }> = [{ value: secret }];
  if (trimmed !== secret && trimmed.length > 0) secrets.push({ value: trimmed, cause: 'secret_whitespace', label: 'the app secret without its surrounding whitespace (check how FB_APP_SECRET / the config value was pasted)' });
  if (pipe > 0 && pipe < trimmed.length - 1) secrets.push({ value: trimmed.slice(pipe + 1), cause: 'secret_is_app_token', label: 'the part after "|" of the secret: an app access token (APP_ID|SECRET) was given as the secret — pass only the app secret' });
  const kinds = ['the trimmed secret', 'the part after "|"', 'trailing newline/whitespace', 'CRLF', 'compact, pretty-printed (2, 4, tab) and spaced JSON', 'sorted keys', 'PHP escaping (\\/ and \\uXXXX)'];
  const found = (nearMiss: HubDiagnosis): HubMismatchExplanation => ({ nearMiss, tried: { count, kinds }, notes: [] });

  for (const s of secrets.slice(1)) {
    if (matches(bytes, s.value)) return found({ cause: s.cause!, matched: true, message: `${s.label}: that secret matches the signature` });
  }
  for (const variant of bodyVariants(bytes)) {
    for (const s of secrets) {
      if (matches(variant.bytes, s.value)) {
        return found({
          cause: s.cause ? `${variant.cause}+${s.cause}` : variant.cause,
          matched: true,
          message: `${variant.message}${s.label ? `, and ${s.label}` : ''}: that version matches the signature — verify the raw request bytes, before any parsing`,
        });
      }
    }
  }
  const text = bytes.toString('utf8');
  const notes: HubDiagnosis[] = [];
  if (/^\s*[{[][\s\S]*\n\s+"/.test(text)) {
    notes.push({ cause: 'body_pretty_printed', matched: false, message: 'the body is pretty-printed JSON, while Facebook sends compact JSON: probably not the raw body as received (no re-serialization fbpay tried matched)' });
  }
  if (/^\d{5,20}$/.test(trimmed)) {
    notes.push({ cause: 'secret_looks_like_app_id', matched: false, message: 'the secret is all digits, like an app id: the app secret is the 32-character hex string under App settings > Basic' });
  } else if (pipe < 0 && !/^[0-9a-f]{32}$/.test(trimmed)) {
    notes.push({ cause: 'secret_unusual', matched: false, message: `Facebook app secrets are 32 lowercase hex characters; this one is ${trimmed.length} character(s) of another form (a remark, not a tested cause)` });
  }
  return { tried: { count, kinds }, notes };
}

/**
 * The near miss (if one matched) followed by the notes — or, when none matched and there is no
 * note, one `unknown` entry. Kept for library users; `explainHubMismatch` keeps the two apart.
 */
export function diagnoseHubSignature(body: Uint8Array | string, headerValue: string, secret: string): HubDiagnosis[] {
  const r = explainHubMismatch(body, headerValue, secret);
  if (r.nearMiss) return [r.nearMiss];
  if (r.tried.count === 0) return [];
  if (r.notes.length) return r.notes;
  return [{ cause: 'unknown', matched: false, message: 'no common re-serialization or secret mistake matches: is it the right app secret, and the exact bytes received?' }];
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
  const forms: Array<[string, (v: unknown) => string]> = [
    ['the compact JSON form', (v) => JSON.stringify(v)],
    ['the same JSON pretty-printed with 2 spaces', (v) => JSON.stringify(v, null, 2)],
    ['the same JSON pretty-printed with 4 spaces (PHP JSON_PRETTY_PRINT)', (v) => JSON.stringify(v, null, 4)],
    ['the same JSON pretty-printed with tabs', (v) => JSON.stringify(v, null, '\t')],
    ['JSON with spaces after ":" and "," (Python json.dumps)', (v) => JSON.stringify(v).replace(/("(?:[^"\\]|\\.)*")|([:,])/g, (m, str: string | undefined, p: string | undefined) => (str ? str : p + ' '))],
  ];
  const escapes: Array<[string, (j: string) => string]> = [
    ['', (j) => j],
    [' with Facebook-style escaping (\\/ and \\uXXXX, as PHP json_encode writes)', phpStyleJson],
    [' with non-ASCII as \\uXXXX', (j) => j.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))],
    [' with "/" escaped as \\/', (j) => j.replace(/\//g, '\\/')],
  ];
  const sorted = sortKeys(parsed);
  for (const [keys, value, cause] of [['', parsed, 'body_reserialized'], [', keys sorted', sorted, 'body_key_order']] as const) {
    for (const [form, write] of forms) {
      const base = write(value);
      for (const [esc, escape] of escapes) add(cause, `the body was re-serialized: ${form}${keys}${esc}`, escape(base));
    }
  }
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
