import { UsageError } from '../errors.js';
import { midasVerify, parseMidasQuery, type MidasVerifyResult } from './signature.js';

/**
 * `midas verify` on what users actually paste: a whole callback URL or just its query, a query read
 * by a PHP server (where `+` means a space), an appkey with its `&` already appended. Each reading
 * that is not the plain one is tried only after the plain one fails, and a match says which reading
 * it took. Pure.
 */
export interface ReceivedCallback {
  /** The raw query string as received, or the whole callback URL (path taken from it when `path` is absent). */
  query: string;
  path?: string;
  method?: string;
  appkey: string;
  now: number;
  maxSkew?: number;
  /** `+` in the query means a space from the start (x-www-form-urlencoded). */
  formEncoded?: boolean;
}

export interface ReceivedCallbackResult extends MidasVerifyResult {
  /** The path verified against (given, or taken from the URL). */
  path: string;
  /** Keys that appeared more than once (the last value was used). */
  duplicates: string[];
  /** The received sig (as read). */
  sig?: string;
  /** How the input was read, when it was not the plain reading: one line each. */
  notes: string[];
}

/** Splits a pasted callback URL into path and query; a bare query string is returned as is. */
export function splitCallbackUrl(input: string): { path?: string; query: string } {
  const text = input.trim();
  if (/^https?:\/\//i.test(text)) {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      throw new UsageError('midas_bad_query', `--query looks like a URL but does not parse: "${text.slice(0, 80)}"`, { hint: 'pass the whole callback URL, or only its query string' });
    }
    // The query is what lies between the first "?" and the fragment; a "?" inside the fragment is not one.
    const hash = text.indexOf('#');
    const beforeHash = hash === -1 ? text : text.slice(0, hash);
    const q = beforeHash.indexOf('?');
    return { path: u.pathname, query: q === -1 ? '' : beforeHash.slice(q + 1) };
  }
  if (text.startsWith('/') && text.includes('?')) {
    const q = text.indexOf('?');
    return { path: text.slice(0, q), query: text.slice(q + 1) };
  }
  return { query: text };
}

export function verifyReceivedCallback(input: ReceivedCallback): ReceivedCallbackResult {
  const notes: string[] = [];
  const split = splitCallbackUrl(input.query);
  const path = input.path ?? split.path;
  if (path === undefined) {
    throw new UsageError('midas_missing_path', 'missing --path: the URL path the sender signed', { hint: 'pass --path /your/callback/path, or the whole callback URL as --query' });
  }
  // Without --path the path came from the URL (else it threw above).
  if (input.path === undefined) notes.push(`path ${path} taken from the URL`);
  else if (split.path !== undefined && split.path !== input.path) {
    notes.push(`--path ${input.path} is used; the URL's path is ${split.path}`);
  }
  const base = { method: input.method, path, now: input.now, maxSkew: input.maxSkew };
  const run = (formEncoded: boolean, appkey: string) => {
    const q = parseMidasQuery(split.query, { formEncoded });
    return { r: midasVerify({ ...base, params: q.params, sig: q.sig, appkey }), duplicates: q.duplicates, sig: q.sig };
  };
  const appkeys = [input.appkey];
  if (input.appkey.endsWith('&') && input.appkey.length > 1) {
    appkeys.push(input.appkey.slice(0, -1));
    notes.push('the appkey was given with a trailing "&": fbpay appends the "&" itself (the HMAC key is appkey + "&")');
  }
  const readings = [Boolean(input.formEncoded)];
  if (!input.formEncoded && split.query.includes('+')) readings.push(true);
  let first: ReturnType<typeof run> | undefined;
  for (const appkey of appkeys) {
    for (const plus of readings) {
      const attempt = run(plus, appkey);
      first ??= attempt;
      if (!attempt.r.signature_ok) continue;
      if (plus && !input.formEncoded) notes.push('matched only with "+" read as a space (as a PHP server reads a query string): the sender signed the decoded value; pass --form-encoded to read it that way');
      if (appkey !== input.appkey) notes.push('matched with the trailing "&" removed from the appkey: pass the appkey alone');
      return { ...attempt.r, path, duplicates: attempt.duplicates, sig: attempt.sig, notes };
    }
  }
  if (readings.length > 1) notes.push('also tried "+" as a space: no match either');
  if (appkeys.length > 1) notes.push('also tried the appkey without its trailing "&": no match either');
  return { ...first!.r, path, duplicates: first!.duplicates, sig: first!.sig, notes };
}
