import { isUtf8 } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { UsageError, VerificationError } from '../errors.js';
import { safeEqual } from '../safe-equal.js';
import { diagnoseMismatch, type NearMiss } from './diagnose.js';
import { payloadKind, type SignedRequestKind } from './payload-kind.js';

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
  // Stryker disable next-line Regex: Buffer#toString('base64') puts '=' only at the end
  return padded ? s : s.replace(/=+$/, '');
}

/** Makes a signed_request for `payload` (adds `algorithm: "HMAC-SHA256"` when missing). */
export function signSignedRequest(payload: Record<string, unknown>, secret: string, opts: SignOptions = {}): string {
  const body = 'algorithm' in payload ? payload : { algorithm: 'HMAC-SHA256', ...payload };
  return signSignedRequestJson(JSON.stringify(body), secret, opts);
}

/** Makes a signed_request whose payload is exactly these JSON bytes (nothing added, nothing re-serialized). */
export function signSignedRequestJson(json: string, secret: string, opts: SignOptions = {}): string {
  const segment = base64UrlEncode(json, opts.padded);
  const sig = base64UrlEncode(signedRequestHmac(segment, secret), opts.padded);
  return `${sig}.${segment}`;
}

/** The one signed string: HMAC-SHA256 over the payload segment exactly as it travels (padding and alphabet included). */
export function signedRequestHmac(segment: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(segment).digest();
}

/** The only algorithm Facebook uses (and the only one accepted). */
export const SIGNED_REQUEST_ALGORITHM = 'HMAC-SHA256';
/** How far in the future `issued_at` may be before the request is refused (clock skew allowance). */
export const FUTURE_SKEW_SECONDS = 300;
const MISMATCH_HINT = 'check the secret is the App Secret of the app that made the request (App Dashboard → Settings → Basic) and that the signed_request is passed exactly as received';

export interface DecodeOptions {
  /** "Now" in unix seconds (injectable clock). Default: the system clock. */
  now?: number;
  /** Refuse an `issued_at` older than this many seconds (and a request without `issued_at`). */
  maxAge?: number;
  /** false: decode only, check nothing (`valid` is then null, never true). Default true. */
  verify?: boolean;
}

/** How the two segments were encoded. */
export interface SignedRequestEncoding {
  /** '=' padding present (the PHP SDK style). */
  padded: boolean;
  /** 'url' (- _), 'standard' (+ /) or 'mixed'. Facebook uses 'url'. */
  alphabet: 'url' | 'standard' | 'mixed';
}

/** What {@link decodeSignedRequest} found. */
export interface DecodedSignedRequest {
  /** true: signature, algorithm and age all check out. false: they do not (see `error`). null: not verified (verify: false). */
  valid: boolean | null;
  /** The payload's `algorithm` field as sent (null when absent). */
  algorithm: string | null;
  kind: SignedRequestKind;
  /** The decoded payload, exactly as parsed (numbers stay numbers, strings stay strings). Unverified unless `valid` is true. */
  payload: Record<string, unknown>;
  /** The payload's JSON text exactly as it was inside the segment (big integers and key order intact). */
  payloadJson: string;
  /** `issued_at` in unix seconds, when present. */
  issuedAt?: number;
  /** now - issued_at, in seconds (negative when issued in the future). */
  ageSeconds?: number;
  warnings: string[];
  /** Why the request is not valid (exit code 1). */
  error?: VerificationError;
  /** On a signature mismatch: the likely mistake that, corrected, makes the signature match. */
  nearMiss?: NearMiss;
  encoding: SignedRequestEncoding;
  /** true: the HMAC matched (the request may still be refused for its age). false: it did not. null: not checked. */
  signatureValid: boolean | null;
  /** false when the payload segment no longer decodes to a JSON object (an altered or truncated request): `payload` is then {}. */
  payloadDecoded: boolean;
  /** The payload holds numbers JSON.parse could not keep exactly: print `payloadJson`, not `payload`. */
  inexactNumbers: boolean;
}

/** A day: an `issued_at` older than this, decoded without --max-age, gets a warning. */
export const OLD_REQUEST_SECONDS = 86_400;

/** The two segments of a signed_request, syntactically checked but not verified. */
export interface SignedRequestParts {
  signature: string;
  segment: string;
  payload: Record<string, unknown>;
  /** The payload JSON text (UTF-8 decoded bytes of the segment). */
  json: string;
  encoding: SignedRequestEncoding;
  warnings: string[];
  /** The payload holds numbers JSON.parse could not keep exactly: print `json`, not `payload`. */
  inexactNumbers: boolean;
}

const EDGE_SPACE = /\s/;
const URL_SEGMENT = /^[A-Za-z0-9_-]+={0,2}$/;
const STANDARD_SEGMENT = /^[A-Za-z0-9+/]+={0,2}$/;
const ANY_SEGMENT = /^[A-Za-z0-9\-_+/]+={0,2}$/;

function malformed(message: string, hint = 'a signed_request is <signature>.<payload>, both base64url; pass it exactly as received', altered = false): UsageError {
  const e = new UsageError('malformed_signed_request', message, { hint });
  // Two well-formed base64url segments whose payload no longer decodes: an altered or truncated
  // signed_request, which a verifier reports as invalid (exit 1), not as input of the wrong kind.
  if (altered) ALTERED.add(e);
  return e;
}

const ALTERED = new WeakSet<UsageError>();

function checkSegment(seg: string, what: string): { padded: boolean; url: boolean; standard: boolean } {
  if (seg.length === 0) throw malformed(`the ${what} segment is empty`);
  // The common case (pure base64url) costs one regex test; batch decoding runs this twice per line.
  let url = true;
  let standard = false;
  if (!URL_SEGMENT.test(seg)) {
    if (STANDARD_SEGMENT.test(seg)) {
      url = false;
      standard = true;
    } else if (ANY_SEGMENT.test(seg)) {
      standard = true;
    } else {
      const bad = [...seg].find((c) => !/[A-Za-z0-9\-_+/=]/.test(c)) ?? '=';
      throw malformed(`the ${what} segment is not base64url (unexpected ${JSON.stringify(bad)})`);
    }
  }
  const padded = seg.charCodeAt(seg.length - 1) === 61; /* '=' */
  // Unpadded, 4n+1 characters cannot be base64; padded ('=' or '==' at the end only), the length must be 4n.
  if (padded ? seg.length % 4 !== 0 : seg.length % 4 === 1) throw malformed(`the ${what} segment has an impossible base64 length (${seg.length})`, 'it looks truncated: pass the whole signed_request exactly as received', true);
  return { padded, url, standard };
}

/**
 * Splits and decodes a signed_request without verifying it. Throws a UsageError
 * (code `malformed_signed_request`, exit 2) when it is not two base64url segments holding a JSON object.
 */
export function parseSignedRequest(input: string): SignedRequestParts {
  if (typeof input !== 'string') throw malformed('the signed_request must be a string');
  const warnings: string[] = [];
  let sr = input;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: on '' both tests see undefined (read as 'undefined', no whitespace), and '' is refused just below
  if (sr.length > 0 && (EDGE_SPACE.test(sr[0]) || EDGE_SPACE.test(sr[sr.length - 1]))) {
    sr = sr.trim();
    warnings.push('surrounding whitespace was removed from the signed_request');
  }
  if (sr.length === 0) throw malformed('the signed_request is empty');
  const dot = sr.indexOf('.');
  if (dot < 0) throw malformed('no "." in the signed_request: expected <signature>.<payload>');
  // Stryker disable next-line EqualityOperator: a search from dot + 1 >= 1 never finds index 0
  if (sr.indexOf('.', dot + 1) >= 0) throw malformed('more than one "." in the signed_request: expected <signature>.<payload>', 'is this a JWT or a Graph token rather than a signed_request?');
  const signature = sr.slice(0, dot);
  const segment = sr.slice(dot + 1);
  const s = checkSegment(signature, 'signature');
  const p = checkSegment(segment, 'payload');
  const standard = s.standard || p.standard;
  const alphabet = !standard ? 'url' : s.url || p.url ? 'mixed' : 'standard';
  if (alphabet !== 'url') warnings.push(`the ${alphabet === 'mixed' ? 'segments mix the standard and url-safe alphabets' : 'standard base64 alphabet (+ /) is used'}; Facebook sends base64url (- _) without padding`);
  const bytes = Buffer.from(segment, 'base64');
  if (!isUtf8(bytes)) throw malformed('the payload segment does not decode to UTF-8 text', undefined, true);
  const json = bytes.toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (e) {
    // Stryker disable next-line MethodExpression: V8's JSON.parse messages are under 80 characters (the longest, with a quoted excerpt, are 68); the cap guards other engines
    throw malformed(`the payload is not JSON (${(e as Error).message.slice(0, 80)})`, undefined, true);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw malformed('the payload is JSON but not an object', undefined, true);
  // Thousands of nested levels parse, but cannot be printed (JSON.stringify overflows the stack).
  // Depth > MAX_PAYLOAD_DEPTH needs more than 2 × MAX_PAYLOAD_DEPTH characters, so short payloads skip the scan.
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: the length test only skips the scan for texts too short to nest that deep
  if (json.length > 2 * MAX_PAYLOAD_DEPTH && nestingDepth(json) > MAX_PAYLOAD_DEPTH) {
    throw malformed(`the payload nests JSON deeper than ${MAX_PAYLOAD_DEPTH} levels; not decoded`);
  }
  const inexact = hasInexactNumber(payload);
  if (inexact) warnings.push('the payload holds numbers beyond what a double holds exactly (integers past 2^53, or out of range): fbpay prints them as sent, but a JSON parser that reads numbers as doubles (JavaScript\'s JSON.parse) changes them');
  return { signature, segment, payload: payload as Record<string, unknown>, json, encoding: { padded: s.padded || p.padded, alphabet }, warnings, inexactNumbers: inexact };
}

const MAX_PAYLOAD_DEPTH = 512;

/** The deepest [ / { nesting of a JSON text (brackets inside strings ignored). */
function nestingDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, which matches no bracket or quote
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      // Stryker disable next-line EqualityOperator: max = depth when they are equal changes nothing
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** True when a parsed number cannot be the value written (an integer past 2^53, or a literal out of a double's range). */
function hasInexactNumber(v: number | object | null): boolean {
  if (typeof v === 'number') return !Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v));
  // No depth cap: parseSignedRequest refuses payloads nested deeper than MAX_PAYLOAD_DEPTH before this runs.
  // for…in over parsed JSON (own enumerable keys only): no array of values allocated per object.
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    // null included: for…in over null visits nothing.
    if ((typeof x === 'number' || typeof x === 'object') && hasInexactNumber(x)) return true;
  }
  return false;
}

/** The received signature in canonical form (base64url, no padding), so padded or standard-alphabet signatures compare equal. */
function canonicalSignature(sig: string): string {
  // Stryker disable next-line ConditionalExpression,Regex: the test only skips replacements that would change nothing
  return /[=+/]/.test(sig) ? sig.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') : sig;
}

/**
 * Base64url characters whose low two bits are zero: the only possible last characters of the
 * canonical 43-character encoding of 32 bytes. Any other last character decodes to the same bytes
 * but is a different string, and a signature must match character for character.
 */
const CANONICAL_LAST = 'AEIMQUYcgkosw048';

/** True when `sig` is the HMAC of `segment` (constant-time; the signature must be the canonical encoding). */
export function signatureMatches(sig: string, segment: string, secret: string): boolean {
  const canonical = canonicalSignature(sig);
  const mac = signedRequestHmac(segment, secret);
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral,Regex: both branches give the same answer (the HMAC's canonical text, or its bytes); the tests only pick the cheaper one: other lengths decode to other than 32 bytes, and a 43-character string with a character base64 skips decodes to 31
  if (canonical.length !== 43 || !CANONICAL_LAST.includes(canonical[42]) || !/^[A-Za-z0-9_-]+$/.test(canonical)) {
    return safeEqual(canonical, mac.toString('base64url'));
  }
  // 43 canonical base64url characters decode to exactly 32 bytes, one-to-one: compare the bytes.
  return safeEqual(Buffer.from(canonical, 'base64url'), mac);
}

/**
 * Decodes and verifies a Facebook signed_request: HMAC-SHA256 over the payload segment exactly as
 * received (constant-time), `algorithm` must be HMAC-SHA256, `issued_at` not older than `maxAge`
 * nor more than 5 minutes in the future. Accepts padded and unpadded base64url, and the standard
 * alphabet with a warning.
 *
 * Never throws on a bad signature: the result has `valid: false`, an `error` (exit code 1) and,
 * when a common mistake explains the mismatch, `nearMiss`. Throws a UsageError (exit code 2) for
 * input that is not a signed_request at all, and when verifying without a secret.
 *
 * @example
 * const r = decodeSignedRequest(req.body.signed_request, process.env.FB_APP_SECRET, { maxAge: 3600 });
 * if (r.valid) grant(r.payload.product_id);
 */
export function decodeSignedRequest(input: string, secret: string | undefined, opts: DecodeOptions = {}): DecodedSignedRequest {
  const verify = opts.verify !== false;
  if (verify && (typeof secret !== 'string' || secret.length === 0)) {
    throw new UsageError('missing_secret', 'an app secret is needed to verify a signed_request', { hint: 'pass --secret or set FB_APP_SECRET (or decode with --no-verify)' });
  }
  let parts: SignedRequestParts;
  try {
    parts = parseSignedRequest(input);
  } catch (e) {
    if (!verify || !(e instanceof UsageError) || !ALTERED.has(e)) throw e;
    return alteredResult(input, secret!, e);
  }
  const { payload, warnings } = parts;
  const algorithm = payload.algorithm === undefined ? null : String(payload.algorithm);
  const result: DecodedSignedRequest = {
    valid: null,
    algorithm,
    kind: payloadKind(payload),
    payload,
    payloadJson: parts.json,
    warnings,
    encoding: parts.encoding,
    signatureValid: null,
    payloadDecoded: true,
    inexactNumbers: parts.inexactNumbers,
  };
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const issuedAt = Number.isFinite(payload.issued_at) ? (payload.issued_at as number) : typeof payload.issued_at === 'string' && /^\d{1,12}$/.test(payload.issued_at) ? Number(payload.issued_at) : undefined;
  if (issuedAt !== undefined) {
    result.issuedAt = issuedAt;
    result.ageSeconds = now - issuedAt;
    if (typeof payload.issued_at === 'string') warnings.push('issued_at is a string; Facebook sends an integer');
  } else if (payload.issued_at !== undefined) {
    warnings.push('issued_at is not a number; the age cannot be checked');
  } else if (opts.maxAge === undefined) {
    warnings.push('the payload has no issued_at, so its age was not checked (Facebook always sends one)');
  }
  const oldWarning = () => {
    const age = result.ageSeconds ?? 0;
    if (opts.maxAge === undefined && age > OLD_REQUEST_SECONDS) {
      warnings.push(`issued_at is ${ageText(age)} old and no --max-age was given, so its age was not checked: a signed_request this old is usually a replay (pass --max-age, e.g. --max-age 1h, to refuse it)`);
    }
  };

  if (!verify) {
    warnings.unshift('NOT VERIFIED: decoded without checking the signature');
    if (algorithm !== SIGNED_REQUEST_ALGORITHM) warnings.push(`algorithm is ${algorithm === null ? 'missing' : JSON.stringify(algorithm.slice(0, 40))}, not HMAC-SHA256: a verifier would refuse it`);
    // No issued_at, or no --max-age: nothing to say.
    if ((result.ageSeconds ?? 0) > (opts.maxAge ?? Infinity)) warnings.push(`issued ${result.ageSeconds} s ago, more than --max-age ${opts.maxAge} s`);
    oldWarning();
    return result;
  }
  const fail = (error: VerificationError) => {
    result.valid = false;
    result.error = error;
    return result;
  };
  if (algorithm !== SIGNED_REQUEST_ALGORITHM) {
    return fail(
      new VerificationError(
        'wrong_algorithm',
        algorithm === null ? 'the payload has no "algorithm"; Facebook always sends "HMAC-SHA256"' : `unsupported algorithm ${JSON.stringify(algorithm.slice(0, 40))}: only HMAC-SHA256 is accepted`,
        { hint: 'a signed_request claiming another algorithm is not from Facebook (or was forged): refuse it' },
      ),
    );
  }
  if (!signatureMatches(parts.signature, parts.segment, secret!)) {
    result.signatureValid = false;
    const nonCanonical = nonCanonicalSignature(parts.signature, parts.segment, secret!);
    if (nonCanonical) return fail(nonCanonical);
    const near = diagnoseMismatch(parts, secret!);
    if (near) result.nearMiss = near;
    return fail(
      new VerificationError('signature_mismatch', 'signature mismatch: the HMAC-SHA256 of the payload with this secret is different', {
        // A remark that was not tested (the secret's shape) is not the diagnosis: the hint says what to check, the note (nearMiss, matched: false) the remark.
        hint: near?.matched ? near.message : `no near miss matched (trimmed secret, app token as secret, padding, alphabet, re-encoded payload); ${MISMATCH_HINT}`,
      }),
    );
  }
  result.signatureValid = true;
  if (opts.maxAge !== undefined && issuedAt === undefined) {
    return fail(new VerificationError('no_issued_at', 'signature valid, but the payload has no issued_at, so --max-age cannot be checked', { hint: 'Facebook always sends issued_at; refuse the request or drop --max-age' }));
  }
  // Stryker disable next-line ConditionalExpression: without issued_at the age is NaN, which fails both comparisons below
  if (issuedAt !== undefined) {
    const age = now - issuedAt;
    if (age < -FUTURE_SKEW_SECONDS) {
      return fail(
        new VerificationError('issued_in_future', `signature valid; issued_at is ${-age} s in the future (more than ${FUTURE_SKEW_SECONDS} s of clock skew), so the request is refused`, {
          hint: 'check the clock of the machine that signed it, or pass --now to decode as of another time',
        }),
      );
    }
    if (age > (opts.maxAge ?? Infinity)) {
      return fail(
        new VerificationError('stale', `signature valid, but stale: issued ${age} s ago, more than --max-age ${opts.maxAge} s`, {
          hint: 'a replayed or old request; ask the client for a fresh one (or pass --now to decode as of another time)',
        }),
      );
    }
  }
  oldWarning();
  result.valid = true;
  return result;
}

/** "3 days", "9 years": how old, for warnings. */
function ageText(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  return days >= 365 ? `${Math.floor(days / 365)} year(s)` : `${days} day(s)`;
}

/**
 * A signature that is the right 32 bytes but not their canonical base64url text: the last character
 * carries 2 unused bits, and only one of the 4 characters with the same 6-bit prefix is canonical.
 * Facebook's signatures are canonical; a verifier comparing strings refuses the others, so fbpay does
 * too, and says why.
 */
function nonCanonicalSignature(sig: string, segment: string, secret: string): VerificationError | undefined {
  const canonical = canonicalSignature(sig);
  // Only after signatureMatches refused it: if these bytes are the HMAC's, the text is 43 characters with a non-canonical last one.
  const mac = signedRequestHmac(segment, secret);
  if (!safeEqual(Buffer.from(canonical, 'base64url'), mac)) return undefined;
  const expected = mac.toString('base64url');
  return new VerificationError(
    'non_canonical_signature',
    `signature refused: it decodes to the right 32 bytes, but its last base64url character "${canonical[42]}" is not canonical (Facebook writes "${expected[42]}")`,
    { hint: 'the 2 unused bits of the last character were changed: the signature was altered on the way (or by hand); a signature must match character for character' },
  );
}

/**
 * The result for a request whose two segments are base64url but whose payload no longer decodes to a
 * JSON object: invalid (exit 1), as the PHP SDK treats it, unless the signature does match — then the
 * signed bytes are genuinely not a signed_request payload and the UsageError (exit 2) stands.
 */
function alteredResult(input: string, secret: string, cause: UsageError): DecodedSignedRequest {
  const sr = input.trim();
  const dot = sr.indexOf('.');
  const signature = sr.slice(0, dot);
  const segment = sr.slice(dot + 1);
  if (signatureMatches(signature, segment, secret)) throw cause;
  const standard = /[+/]/.test(sr);
  return {
    valid: false,
    algorithm: null,
    kind: 'unknown',
    payload: {},
    payloadJson: '',
    warnings: [],
    error: new VerificationError('signature_mismatch', `signature mismatch, and ${cause.message}: the signed_request was altered or truncated on the way`, {
      hint: 'pass the signed_request exactly as received (the whole value of the signed_request field)',
    }),
    encoding: { padded: /=/.test(sr), alphabet: standard ? 'standard' : 'url' },
    signatureValid: false,
    payloadDecoded: false,
    inexactNumbers: false,
  };
}
