import { createHmac } from 'node:crypto';
import { UsageError } from '../errors.js';
import { maskSecret } from '../mask.js';
import { safeEqual } from '../safe-equal.js';
import { callbackEncode, openapiEncode, percentDecode, rawurlencode, valueBytes } from './encoding.js';

/**
 * Tencent Open Platform OpenAPI v3 signatures (used by Midas / YSDK payments).
 *
 *   source = METHOD & rawurlencode(path) & encode(k1=v1&k2=v2… sorted by key)
 *   sig    = base64(HMAC-SHA1(key = appkey + "&", source))
 *
 * The delivery-callback rule first replaces each value with `callbackEncode(value)`. Pure: no I/O.
 */
export type MidasRule = 'openapi' | 'callback';
export type MidasParams = Record<string, string>;

export interface MidasSignInput {
  method: string;
  /** The request path that is signed, e.g. /v3/user/get_info or the callback URL's path. */
  path: string;
  /** Every parameter that takes part (`sig` is dropped if present). */
  params: MidasParams;
  appkey: string;
  rule?: MidasRule;
}

export interface MidasParamStep {
  key: string;
  value: string;
  /** The value after the callback rule (callback only). */
  encoded?: string;
}

/** Every step of a signature, for `midas sign --explain` and for diffing against a sender's string. */
export interface MidasSignature {
  rule: MidasRule;
  method: string;
  path: string;
  encoded_path: string;
  /** Sorted by key (byte order), sig removed. */
  params: MidasParamStep[];
  /** k=v joined by &, values already callback-encoded under the callback rule. */
  query_string: string;
  encoded_query: string;
  source_string: string;
  /** The HMAC key (`appkey&`), masked. */
  key_masked: string;
  hmac_sha1_hex: string;
  sig: string;
}

/**
 * The HMAC key: `appkey&`. Tencent's SDKs also map `-` → `+` and `_` → `/` in it (strtr($secret,
 * '-_', '+/')), which matters only for keys that contain those characters.
 */
export function midasKey(appkey: string): string {
  return appkey.replace(/[-_]/g, (c) => (c === '-' ? '+' : '/')) + '&';
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(valueBytes(a), valueBytes(b));
}

/** Builds the source string and signs it, keeping every intermediate step. */
export function midasSign(input: MidasSignInput): MidasSignature {
  const rule = input.rule ?? 'openapi';
  const method = input.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') throw new UsageError('midas_bad_method', `method must be GET or POST, got "${input.method.slice(0, 20)}"`, { hint: 'use --method GET or --method POST' });
  if (!input.path.startsWith('/')) throw new UsageError('midas_bad_path', `path must start with /, got "${input.path.slice(0, 60)}"`, { hint: 'pass the URL path only, e.g. --path /v3/user/get_info' });
  if (input.appkey === '') throw new UsageError('midas_no_appkey', 'the appkey is empty', { hint: 'pass --appkey or set MIDAS_APPKEY' });
  const keys = Object.keys(input.params)
    .filter((k) => k !== 'sig')
    .sort(byteCompare);
  const params: MidasParamStep[] = keys.map((key) => {
    const value = String(input.params[key]);
    return rule === 'callback' ? { key, value, encoded: callbackEncode(value) } : { key, value };
  });
  const query_string = params.map((p) => `${p.key}=${p.encoded ?? p.value}`).join('&');
  const encoded_path = rawurlencode(input.path);
  const encoded_query = openapiEncode(query_string);
  const source_string = `${method}&${encoded_path}&${encoded_query}`;
  // Stryker disable next-line StringLiteral: equivalent: '' means utf8
  const mac = createHmac('sha1', midasKey(input.appkey)).update(source_string, 'utf8').digest();
  return {
    rule,
    method,
    path: input.path,
    encoded_path,
    params,
    query_string,
    encoded_query,
    source_string,
    key_masked: maskSecret(input.appkey) + '&',
    hmac_sha1_hex: mac.toString('hex'),
    sig: mac.toString('base64'),
  };
}

/** The source string alone (OpenAPI or callback rule). */
export function midasSourceString(input: Omit<MidasSignInput, 'appkey'>): string {
  return midasSign({ ...input, appkey: 'x' }).source_string;
}

/** The parameters of a raw received query string: percent-decoded once; `+` is a literal plus unless formEncoded. */
export interface ParsedQuery {
  params: MidasParams;
  /** The `sig` parameter, decoded, when present. */
  sig?: string;
  /** Keys that appeared more than once (the last value wins, as in PHP's $_GET). */
  duplicates: string[];
}

export function parseMidasQuery(raw: string, opts: { formEncoded?: boolean } = {}): ParsedQuery {
  let q = raw;
  if (q.startsWith('?')) q = q.slice(1);
  const params: MidasParams = Object.create(null);
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const piece of q.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawKey = eq < 0 ? piece : piece.slice(0, eq);
    // Stryker disable next-line EqualityOperator: equivalent: eq = 0 is an empty name, refused on the next lines whatever the value
    const rawVal = eq < 0 ? '' : piece.slice(eq + 1);
    const key = percentDecode(rawKey, opts.formEncoded);
    if (key === '') throw new UsageError('midas_bad_query', `the query has a parameter with an empty name ("${piece.slice(0, 40)}")`, { hint: 'pass the raw query string as received: k=v&k2=v2' });
    const value = percentDecode(rawVal, opts.formEncoded);
    if (seen.has(key)) duplicates.push(key);
    seen.add(key);
    params[key] = value;
  }
  const sig = params.sig;
  delete params.sig;
  return { params: { ...params }, sig, duplicates };
}

/**
 * Encodes parameters for sending (query string or form body): rawurlencode of each key and value,
 * so `+`, `=`, `/` and spaces in values (the base64 sig) survive any decoder.
 */
export function encodeMidasQuery(params: MidasParams): string {
  return Object.entries(params)
    .map(([k, v]) => `${rawurlencode(k)}=${rawurlencode(v)}`)
    .join('&');
}

export interface MidasVerifyInput {
  method?: string;
  path: string;
  /** Every received parameter except sig. */
  params: MidasParams;
  sig: string | undefined;
  appkey: string;
  /** Unix seconds. */
  now: number;
  /** Largest allowed |ts - now|, seconds (default 900). */
  maxSkew?: number;
  /** Which rules to try (default both, callback first). */
  rules?: MidasRule[];
}

export interface MidasVerifyResult {
  valid: boolean;
  /** The rule whose sig matched, or null. */
  rule: MidasRule | null;
  signature_ok: boolean;
  /** The source string of the matched rule; on a mismatch, the one of the first rule tried. */
  source_string: string;
  /** Every rule tried, with its source string and expected sig (for diffing). */
  tried: Array<{ rule: MidasRule; variant?: string; source_string: string; sig: string; matched: boolean }>;
  /** ts - now, seconds; null when there is no numeric ts. */
  skew_seconds: number | null;
  /** One line each: failures and warnings. */
  problems: string[];
  warnings: string[];
}

const CALLBACK_FIELDS = ['billno', 'payitem', 'providetype', 'token'];

/** True when the parameters look like a Midas delivery callback (billno, payitem, token…). */
export function looksLikeCallback(params: MidasParams): boolean {
  return CALLBACK_FIELDS.filter((f) => f in params).length >= 2;
}

/**
 * Verifies a received signature trying the callback rule and the plain OpenAPI rule (constant-time
 * comparison), says which matched, and checks `ts` against `now` (both directions).
 */
export function midasVerify(input: MidasVerifyInput): MidasVerifyResult {
  // Stryker disable next-line MethodExpression: equivalent: midasSign upper-cases the method it signs
  const method = (input.method ?? 'GET').toUpperCase();
  const maxSkew = input.maxSkew ?? 900;
  const rules = input.rules ?? ['callback', 'openapi'];
  const problems: string[] = [];
  const warnings: string[] = [];
  const tried: MidasVerifyResult['tried'] = [];
  // Stryker disable next-line StringLiteral: equivalent: a missing sig is reported as such, and no rule's sig is either value
  const given = input.sig ?? '';
  let matched: MidasRule | null = null;
  // Stryker disable next-line StringLiteral: equivalent: read only once a rule matched, which sets it
  let matchedSource = '';
  for (const rule of rules) {
    const s = midasSign({ method, path: input.path, params: input.params, appkey: input.appkey, rule });
    const ok = safeEqual(s.sig, given);
    tried.push({ rule, source_string: s.source_string, sig: s.sig, matched: ok });
    if (ok && !matched) {
      matched = rule;
      matchedSource = s.source_string;
    }
  }
  // A sender on PHP ≥ 5.3 without the SDK's ~ → %7E fix signs "~" unencoded: recognise it.
  if (!matched && rules.includes('openapi') && Object.entries(input.params).some(([k, v]) => k.includes('~') || v.includes('~'))) {
    // Stryker disable next-line StringLiteral: equivalent: any rule but 'callback' signs the OpenAPI way, and only the query string is used here
    const s = midasSign({ method, path: input.path, params: input.params, appkey: input.appkey, rule: 'openapi' });
    const source = `${s.method}&${s.encoded_path}&${rawurlencode(s.query_string)}`;
    const sig = createHmac('sha1', midasKey(input.appkey)).update(source, 'utf8').digest('base64');
    const ok = safeEqual(sig, given);
    tried.push({ rule: 'openapi', variant: 'tilde-kept', source_string: source, sig, matched: ok });
    if (ok) {
      matched = 'openapi';
      matchedSource = source;
      warnings.push('matched only with "~" left unencoded: Tencent encodes it as %7E (PHP ≥ 5.3 rawurlencode without the SDK\'s str_replace)');
    }
  }
  if (input.sig === undefined || input.sig === '') problems.push('no sig parameter');
  else if (!matched) problems.push('sig matches neither the callback rule nor the OpenAPI rule (wrong appkey, path, method, or a changed parameter?)');
  if (matched === 'openapi' && looksLikeCallback(input.params)) {
    warnings.push('this looks like a delivery callback but only the plain OpenAPI rule matched: the sender skipped the callback value encoding (a sender bug; Tencent signs callbacks with the callback rule)');
  }
  let skew: number | null = null;
  const ts = input.params.ts;
  if (ts === undefined) warnings.push('no ts parameter: freshness not checked');
  else if (!/^\d{1,12}$/.test(ts)) problems.push(`ts "${ts.slice(0, 20)}" is not unix seconds`);
  else {
    skew = Number(ts) - input.now;
    // Stryker disable next-line EqualityOperator: equivalent: a skew of 0 is never beyond maxSkew
    if (Math.abs(skew) > maxSkew) {
      problems.push(`ts is ${Math.abs(skew)} s ${skew < 0 ? 'old' : 'in the future'} (more than ${maxSkew} s from now)${skew < 0 ? `; for a recorded or historical callback pass --now ${ts} to check it as of its own time` : ''}`);
    }
  }
  return {
    valid: matched !== null && problems.length === 0,
    rule: matched,
    signature_ok: matched !== null,
    source_string: matched ? matchedSource : tried[0]?.source_string ?? '',
    tried,
    skew_seconds: skew,
    problems,
    warnings,
  };
}
