import { verify as cryptoVerify, type KeyObject, type X509Certificate } from 'node:crypto';
import { FbpayError, UsageError } from '../errors.js';
import { readTransmission, REQUIRED_PAYPAL_HEADERS, PAYPAL_HEADERS, type PaypalTransmission } from './headers.js';
import { paypalCrc32, paypalSignedString } from './signed-string.js';
import { certNames, certTime, checkCertUrl, isoSeconds, PAYPAL_CERT_NAME, parseCertificates } from './cert-policy.js';
import { paypalEventInfo, type PaypalEventInfo } from './subscription.js';
import { paypalTrustAnchors } from './ca/paypal-ca.js';

/** One line of the verdict: `{check, ok, detail}`; `warning` marks an ok check the user should read. */
export interface PaypalCheck {
  check: 'headers' | 'auth_algo' | 'transmission_time' | 'cert_url' | 'certificate' | 'cert_subject' | 'cert_validity' | 'cert_chain' | 'signature';
  ok: boolean;
  detail: string;
  warning?: boolean;
}

/** A near miss: a plausible mistake under which the signature does verify. */
export interface PaypalNearMiss {
  cause: 'simulator_webhook_id' | 'event_id_as_webhook_id' | 'webhook_id_whitespace' | 'body_reserialized' | 'crc_signed' | 'crc_hex' | 'transmission_time_altered';
  /** True when the signature verifies under this variant; false for a suspicion that could not be confirmed. */
  matches: boolean;
  detail: string;
}

export interface PaypalVerifyOptions {
  /** Your webhook's id (developer dashboard), or `WEBHOOK_ID` for simulator deliveries. */
  webhookId: string;
  /** Unix seconds, or a clock. Default: the current time. Historical deliveries need it pinned. */
  now?: number | (() => number);
  /** A certificate the caller trusts explicitly (`--cert`): used instead of fetching PAYPAL-CERT-URL. */
  certPem?: string;
  /** Fetches the PEM at an already-allowed certificate URL (the verifier never calls it for a refused URL). */
  loadCert?: (url: string) => Promise<string>;
  /** Intermediate CA certificate(s) (PEM) the leaf must chain to. */
  caPem?: string;
  /** Hosts allowed besides PayPal's (`--allow-cert-host`). */
  allowCertHosts?: readonly string[];
  /** A certificate the user vouched for (--cert, --allow-cert-host) must still chain to a CA: no "accepted because you passed it". */
  strictChain?: boolean;
  /**
   * The CA certificates a PayPal certificate must chain to (intermediates and roots alike are anchors).
   * Default: the ones fbpay ships, those PayPal's SDKs trust (`src/core/paypal/ca/README.md`). Called
   * only when a chain is checked.
   */
  anchors?: () => readonly X509Certificate[];
  /** Oldest accepted transmission time, seconds (default 345 600, four days: PayPal retries for three; 0 disables). */
  maxAgeSeconds?: number;
  /** Largest accepted clock skew into the future, seconds (default 300). */
  futureSkewSeconds?: number;
  /** Try the near misses when the signature fails (default true). */
  diagnose?: boolean;
}

/**
 * Why the certificate is trusted: it chains to PayPal's CA (`paypal-ca`), or only because the user
 * said so (`--cert`, `--ca`, `--allow-cert-host`). Undefined when nothing was trusted.
 */
export type PaypalTrust = 'paypal-ca' | '--cert' | '--ca' | '--allow-cert-host';

export interface PaypalVerifyResult {
  valid: boolean;
  /** What the verdict's trust in the certificate rests on (see PaypalTrust); set when valid. */
  trust?: PaypalTrust;
  /** Headers given more than once under names that differ only in case: which value was used. */
  duplicateHeaders: Array<{ header: string; names: string[]; used: string }>;
  checks: PaypalCheck[];
  webhookId: string;
  crc: number;
  /** The string that should have been signed (when the headers were there to build it). */
  signedString?: string;
  transmission: PaypalTransmission;
  certificate?: { source: 'explicit' | 'fetched'; subject: string; issuer: string; validFrom: string; validTo: string; url?: string };
  nearMisses: PaypalNearMiss[];
  event: PaypalEventInfo;
}

/**
 * PayPal retries a failed delivery for up to three days, and nothing PayPal publishes says a retry gets
 * a fresh PAYPAL-TRANSMISSION-TIME; PayPal's own SDKs do not check the time at all. Four days never
 * refuses a genuine retry and still refuses a replay from last week.
 */
export const DEFAULT_MAX_AGE_SECONDS = 4 * 86_400;
export const DEFAULT_FUTURE_SKEW_SECONDS = 300;
/** The webhook id PayPal's simulator signs with. */
export const SIMULATOR_WEBHOOK_ID = 'WEBHOOK_ID';

/**
 * Verifies a PayPal webhook delivery offline, check by check: required headers, algorithm,
 * transmission time, certificate URL (refused before any fetch unless PayPal's or allowed),
 * certificate subject, validity at `now`, chain to the intermediate CA, and the RSA-SHA256 signature
 * over `transmission_id|transmission_time|webhook_id|crc32(body)`. Never throws for a bad delivery:
 * every problem is a failed check. Throws UsageError for bad caller input (an unreadable `certPem` or
 * `caPem`), and whatever `loadCert` throws (NetworkError when the fetch failed).
 */
export async function verifyPaypalWebhook(
  body: Uint8Array | string,
  headers: Record<string, string | undefined>,
  opts: PaypalVerifyOptions,
): Promise<PaypalVerifyResult> {
  const raw =
    // Stryker disable next-line ConditionalExpression,StringLiteral: Buffer.from(a Uint8Array, any encoding) copies the view's bytes, and '' decodes as utf8
    typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const now = typeof opts.now === 'function' ? opts.now() : (opts.now ?? Math.floor(Date.now() / 1000));
  const webhookId = opts.webhookId;
  if (typeof webhookId !== 'string' || webhookId === '') throw new UsageError('missing_webhook_id', 'a webhook id is needed to verify', { hint: 'pass --webhook-id or set PAYPAL_WEBHOOK_ID (simulator deliveries: WEBHOOK_ID)' });
  const t = readTransmission(headers);
  const checks: PaypalCheck[] = [];
  const duplicateHeaders = findDuplicateHeaders(headers);
  // Stryker disable next-line BooleanLiteral: finish() always sets valid before the result is returned
  const result: PaypalVerifyResult = { valid: false, checks, webhookId, crc: paypalCrc32(raw), transmission: t, nearMisses: [], event: paypalEventInfo(raw), duplicateHeaders };
  const explicitCerts = opts.certPem !== undefined ? parseCertificates(opts.certPem, '--cert') : undefined;
  const caCerts = opts.caPem !== undefined && opts.caPem.trim() !== '' ? parseCertificates(opts.caPem, '--ca') : [];

  // With an explicit certificate PAYPAL-CERT-URL is not needed (a warning); everything else is.
  const absent = REQUIRED_PAYPAL_HEADERS.filter((h) => !headerValue(t, h));
  const missing = explicitCerts ? absent.filter((h) => h !== PAYPAL_HEADERS.certUrl) : absent;
  if (missing.length) checks.push({ check: 'headers', ok: false, detail: `missing ${missing.map((h) => h.toUpperCase()).join(', ')}` });
  else if (absent.length) checks.push({ check: 'headers', ok: true, warning: true, detail: 'PAYPAL-CERT-URL missing (not needed: using --cert); PayPal always sends it' });
  else checks.push({ check: 'headers', ok: true, detail: 'all PAYPAL-* headers present' });
  if (duplicateHeaders.length && checks[0].ok) {
    checks[0] = {
      ...checks[0],
      warning: true,
      detail: `${checks[0].detail}; ${duplicateHeaders.map((d) => `${d.header.toUpperCase()} given ${d.names.length} times (${d.names.map((n) => JSON.stringify(n)).join(', ')}): used ${JSON.stringify(d.used)}`).join('; ')}`,
    };
  }
  if (t.transmissionId && t.transmissionTime) {
    result.signedString = paypalSignedString({ transmissionId: t.transmissionId, transmissionTime: t.transmissionTime, webhookId, body: raw }).signedString;
  }
  if (missing.length) return finish(result);

  const algoOk = /^sha256withrsa$/i.test(t.authAlgo!.trim());
  checks.push(algoOk ? { check: 'auth_algo', ok: true, detail: t.authAlgo! } : { check: 'auth_algo', ok: false, detail: `unsupported PAYPAL-AUTH-ALGO "${t.authAlgo!.slice(0, 40)}" (PayPal signs SHA256withRSA)` });

  checks.push(timeCheck(t.transmissionTime!, now, opts));

  // The certificate: the caller's, or fetched — but only from an allowed URL, decided before any request.
  let certs: X509Certificate[];
  let userTrust: '--cert' | '--allow-cert-host' | undefined;
  if (explicitCerts) {
    const v = t.certUrl ? checkCertUrl(t.certUrl, opts.allowCertHosts) : undefined;
    checks.push({ check: 'cert_url', ok: true, detail: `not fetched: using --cert${v && !v.ok ? ` (the header's URL would be refused: ${v.detail})` : ''}`, warning: v ? !v.ok : undefined });
    certs = explicitCerts;
    userTrust = '--cert';
    const c = certs[0];
    result.certificate = { source: 'explicit', subject: oneLine(c.subject), issuer: oneLine(c.issuer), validFrom: isoSeconds(certTime(c.validFrom)), validTo: isoSeconds(certTime(c.validTo)) };
  } else {
    const v = checkCertUrl(t.certUrl, opts.allowCertHosts);
    checks.push({ check: 'cert_url', ok: v.ok, detail: v.detail, warning: v.userAllowed || undefined });
    if (!v.ok) return finish(result);
    if (!opts.loadCert) {
      checks.push({ check: 'certificate', ok: false, detail: 'no certificate: pass --cert, or let fbpay fetch PAYPAL-CERT-URL' });
      return finish(result);
    }
    const pem = await opts.loadCert(t.certUrl!);
    try {
      certs = parseCertificates(pem, `the certificate at ${t.certUrl}`);
    } catch (e) {
      // Stryker disable next-line ConditionalExpression: parseCertificates throws only UsageError, so nothing else can reach this line
      if (!(e instanceof FbpayError)) throw e;
      checks.push({ check: 'certificate', ok: false, detail: e.message });
      return finish(result);
    }
    userTrust = v.userAllowed ? '--allow-cert-host' : undefined;
    const c = certs[0];
    result.certificate = { source: 'fetched', url: t.certUrl, subject: oneLine(c.subject), issuer: oneLine(c.issuer), validFrom: isoSeconds(certTime(c.validFrom)), validTo: isoSeconds(certTime(c.validTo)) };
  }
  const leaf = certs[0];

  const names = certNames(leaf);
  const paypalName = [names.cn, ...names.dns].find((n) => n && PAYPAL_CERT_NAME.test(n));
  if (paypalName) checks.push({ check: 'cert_subject', ok: true, detail: `CN=${names.cn ?? '(none)'}` });
  else if (userTrust)
    checks.push({ check: 'cert_subject', ok: true, warning: true, detail: `CN=${names.cn ?? '(none)'} is not a PayPal certificate; accepted because you passed ${userTrust}` });
  else checks.push({ check: 'cert_subject', ok: false, detail: `CN=${names.cn ?? '(none)'} is not messageverificationcerts…paypal.com` });

  const from = certTime(leaf.validFrom);
  const to = certTime(leaf.validTo);
  if (now < from) checks.push({ check: 'cert_validity', ok: false, detail: `not valid before ${isoSeconds(from)} (now ${isoSeconds(now)})` });
  else if (now > to)
    checks.push({ check: 'cert_validity', ok: false, detail: `expired ${isoSeconds(to)} (now ${isoSeconds(now)}); a historical delivery needs --now <its transmission time>` });
  else checks.push({ check: 'cert_validity', ok: true, detail: `valid ${isoSeconds(from)} → ${isoSeconds(to)}` });

  const anchors = opts.anchors ?? paypalTrustAnchors;
  const chain = chainCheck(leaf, certs.slice(1), caCerts, now, anchors, opts.strictChain ? undefined : userTrust);
  checks.push(chain.check);
  const trust: PaypalTrust | undefined =
    chain.trust === 'paypal-ca' && paypalName
      ? 'paypal-ca'
      : (userTrust ??
        // Stryker disable next-line ConditionalExpression: without a user flag chain.trust is '--ca' or undefined, and undefined means the chain check failed (invalid verdict, trust dropped)
        (chain.trust === '--ca' ? '--ca' : undefined));

  const sig = decodeSignature(t.transmissionSig!);
  const publicKey = leaf.publicKey;
  if (!sig) checks.push({ check: 'signature', ok: false, detail: 'PAYPAL-TRANSMISSION-SIG is not base64' });
  else if (!algoOk) checks.push({ check: 'signature', ok: false, detail: 'not checked: unsupported algorithm' });
  else if (rsaVerify(result.signedString!, sig, publicKey)) {
    checks.push({ check: 'signature', ok: true, detail: `RSA-SHA256 over ${result.signedString}` });
    result.trust = trust;
  }
  else {
    if (opts.diagnose !== false) result.nearMisses = diagnose(raw, t, webhookId, sig, publicKey, result.event);
    const hit = result.nearMisses.find((m) => m.matches);
    checks.push({ check: 'signature', ok: false, detail: hit ? `does not verify as given — ${hit.detail}` : `does not verify over ${result.signedString}` });
  }
  return finish(result);
}

function finish(r: PaypalVerifyResult): PaypalVerifyResult {
  r.valid =
    // Stryker disable next-line ConditionalExpression,EqualityOperator: defence in depth; the headers check is always pushed first, so checks is never empty
    r.checks.length > 0 &&
    r.checks.every((c) => c.ok) &&
    // Stryker disable next-line ConditionalExpression,EqualityOperator,MethodExpression: defence in depth; trust is set only when the signature check passed, and every early return pushed a failed check
    r.checks.some((c) => c.check === 'signature') &&
    // Stryker disable next-line ConditionalExpression: defence in depth; with every check ok (subject, chain, signature) trust is always set (paypal-ca, --ca or the user's flag)
    r.trust !== undefined;
  if (!r.valid) delete r.trust;
  return r;
}

/** Header names that differ only in case (a pasted dump, a JSON object): the value used is the last, as readTransmission reads them. */
function findDuplicateHeaders(headers: Record<string, string | undefined>): PaypalVerifyResult['duplicateHeaders'] {
  const by = new Map<string, string[]>();
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) by.set(k.toLowerCase(), [...(by.get(k.toLowerCase()) ?? []), k]);
  const out: PaypalVerifyResult['duplicateHeaders'] = [];
  for (const [header, names] of by) if (names.length > 1 && header.startsWith('paypal-')) out.push({ header, names, used: names[names.length - 1] });
  return out;
}

function headerValue(t: PaypalTransmission, header: string): string | undefined {
  const key = (Object.keys(PAYPAL_HEADERS) as Array<keyof typeof PAYPAL_HEADERS>).find((k) => PAYPAL_HEADERS[k] === header)!;
  const v = t[key];
  return v && v.trim() !== '' ? v : undefined;
}

const oneLine = (dn: string) => dn.split('\n').join(', ');

function timeCheck(time: string, now: number, opts: PaypalVerifyOptions): PaypalCheck {
  const at = Date.parse(time);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(time) || !Number.isFinite(at)) return { check: 'transmission_time', ok: false, detail: `PAYPAL-TRANSMISSION-TIME is not an ISO time: "${time.slice(0, 40)}"` };
  const secs = Math.floor(at / 1000);
  const skew = opts.futureSkewSeconds ?? DEFAULT_FUTURE_SKEW_SECONDS;
  const maxAge = opts.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (secs - now > skew) return { check: 'transmission_time', ok: false, detail: `${time} is ${secs - now} s in the future (now ${isoSeconds(now)})` };
  if (maxAge > 0 && now - secs > maxAge)
    return { check: 'transmission_time', ok: false, detail: `${time} is ${humanAge(now - secs)} old (limit ${humanAge(maxAge)}); a replay, or a historical delivery that needs --now` };
  return { check: 'transmission_time', ok: true, detail: `${time} (${humanAge(Math.abs(now - secs))} ${now >= secs ? 'ago' : 'ahead'})` };
}

function humanAge(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

/**
 * Builds the chain leaf → (an intermediate from --ca or sent with the certificate) → an anchor.
 * Anchored: trusted as PayPal's CA. Ending at a --ca certificate: trusted because the user passed it.
 * Otherwise a failure, unless the user vouched for the certificate itself (`userTrust`), which
 * passes with a warning that says so.
 */
function chainCheck(
  leaf: X509Certificate,
  bundled: X509Certificate[],
  given: X509Certificate[],
  now: number,
  anchors: () => readonly X509Certificate[],
  userTrust: '--cert' | '--allow-cert-host' | undefined,
): { check: PaypalCheck; trust?: PaypalTrust } {
  const validAt = (c: X509Certificate) => now >= certTime(c.validFrom) && now <= certTime(c.validTo);
  const name = (c: X509Certificate) => certNames(c).cn ?? oneLine(c.subject);
  const anchorOf = (c: X509Certificate) => anchors().find((a) => c.checkIssued(a) && c.verify(a.publicKey) && validAt(a));
  const vouched = (detail: string) =>
    userTrust
      ? { check: { check: 'cert_chain' as const, ok: true, warning: true, detail: `${detail}; accepted because you passed ${userTrust}` }, trust: userTrust }
      : { check: { check: 'cert_chain' as const, ok: false, detail } };

  const direct = anchorOf(leaf);
  if (direct) return { check: { check: 'cert_chain', ok: true, detail: `issued by ${name(direct)} (PayPal\u2019s CA, shipped with fbpay)` }, trust: 'paypal-ca' };

  const issuers = [...given.map((c) => ({ c, from: '--ca' as const })), ...bundled.map((c) => ({ c, from: 'bundle' as const }))];
  const hit = issuers.find((x) => leaf.checkIssued(x.c));
  if (!hit) {
    const more = issuers.length ? ` nor any of the ${issuers.length} CA certificate(s) given` : '';
    return vouched(`issued by "${oneLine(leaf.issuer)}", which is not PayPal\u2019s CA${more}`);
  }
  const issuer = hit.c;
  const issuerCn = name(issuer);
  if (!leaf.verify(issuer.publicKey)) return { check: { check: 'cert_chain', ok: false, detail: `the signature on ${certNames(leaf).cn ?? 'the certificate'} does not verify with the key of ${issuerCn}` } };
  if (!issuer.ca) return { check: { check: 'cert_chain', ok: false, detail: `"${issuerCn}" is not a CA certificate` } };
  if (!validAt(issuer)) {
    return { check: { check: 'cert_chain', ok: false, detail: `the CA "${issuerCn}" is not valid at ${isoSeconds(now)} (${isoSeconds(certTime(issuer.validFrom))} → ${isoSeconds(certTime(issuer.validTo))})` } };
  }
  const sent = hit.from === 'bundle' ? ' (sent with the certificate)' : '';
  const root = anchorOf(issuer);
  if (root) return { check: { check: 'cert_chain', ok: true, detail: `issued by ${issuerCn}${sent} → ${name(root)} (PayPal\u2019s CA, shipped with fbpay)` }, trust: 'paypal-ca' };
  if (hit.from === '--ca') return { check: { check: 'cert_chain', ok: true, warning: true, detail: `issued by ${issuerCn}, which you passed with --ca; it does not chain to PayPal\u2019s CA` }, trust: '--ca' };
  // The intermediate came with the certificate itself: only an anchor makes it mean anything.
  return vouched(`issued by ${issuerCn}, which came with the certificate itself and does not chain to PayPal\u2019s CA; pass the real intermediate with --ca`);
}

function decodeSignature(sig: string): Buffer | undefined {
  const s = sig.trim();
  if (
    // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty or blank PAYPAL-TRANSMISSION-SIG is already a missing header, so s is never empty here
    s.length === 0 ||
    s.length > 4096 ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(s) ||
    s.length % 4 === 1
  )
    return undefined;
  return Buffer.from(s, 'base64');
}

function rsaVerify(signedString: string, sig: Buffer, key: KeyObject): boolean {
  try {
    // Stryker disable next-line StringLiteral: Buffer.from(string, '') decodes as utf8, the default
    return cryptoVerify('sha256', Buffer.from(signedString, 'utf8'), key, sig);
  } catch {
    return false;
  }
}

/** Tries the usual mistakes and reports which of them makes the signature verify. */
function diagnose(body: Buffer, t: PaypalTransmission, webhookId: string, sig: Buffer, key: KeyObject, event: PaypalEventInfo): PaypalNearMiss[] {
  const id = t.transmissionId!;
  const time = t.transmissionTime!;
  const crc = paypalCrc32(body);
  const ok = (s: string) => rsaVerify(s, sig, key);
  const out: PaypalNearMiss[] = [];
  const tried = new Set<string>();
  const attempt = (cause: PaypalNearMiss['cause'], signed: string, detail: string) => {
    if (tried.has(signed)) return false;
    tried.add(signed);
    if (!ok(signed)) return false;
    out.push({ cause, matches: true, detail });
    // Stryker disable next-line BooleanLiteral: only stops a loop of variants early; a signature verifies one message, so no later variant could match
    return true;
  };

  // Stryker disable next-line ConditionalExpression: with webhook id WEBHOOK_ID this variant is the signed string that already failed, so it cannot match
  if (webhookId !== SIMULATOR_WEBHOOK_ID) {
    attempt(
      'simulator_webhook_id',
      `${id}|${time}|${SIMULATOR_WEBHOOK_ID}|${crc}`,
      'a simulator delivery: it verifies with webhook id WEBHOOK_ID (simulator events are signed with that literal, and PayPal\'s verify API rejects them)',
    );
  }
  // Only a fact it checked: the given id IS the body's "id". Every event id starts with WH-, and so
  // may a made-up webhook id (`--webhook-id WH-123`): the prefix alone proves nothing.
  if (
    // Stryker disable next-line ConditionalExpression: a trimmed string never equals undefined, the guard only states the intent
    event.eventId !== undefined &&
    webhookId.trim() === event.eventId
  ) {
    out.push({
      cause: 'event_id_as_webhook_id',
      matches: false,
      detail: `"${webhookId.trim()}" is this delivery's event id (the body's "id"), not your webhook's id: use the webhook id from the developer dashboard (or WEBHOOK_ID for the simulator)`,
    });
  }
  // Stryker disable next-line ConditionalExpression: an id without whitespace gives the signed string that already failed, so the attempt cannot match
  if (webhookId.trim() !== webhookId) attempt('webhook_id_whitespace', `${id}|${time}|${webhookId.trim()}|${crc}`, 'the webhook id has surrounding whitespace: it verifies once trimmed');

  // "Re-serialized" is said only when a re-serialized variant was tried and matched; a body that
  // merely looks unlike PayPal's is not a diagnosis.
  for (const [label, variant] of bodyVariants(body)) {
    if (attempt('body_reserialized', `${id}|${time}|${webhookId}|${paypalCrc32(variant)}`, `the body was changed after PayPal signed it: it verifies with ${label}; verify the raw request bytes, not a re-serialized body`)) break;
  }

  // Java/PHP-on-32-bit senders print crc32 as a negative int32 when the top bit is set.
  const int32Crc = crc | 0;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: for crc < 2^31 the int32 form is the unsigned decimal already tried, so the attempt cannot match
  if (int32Crc < 0) attempt('crc_signed', `${id}|${time}|${webhookId}|${int32Crc}`, `the sender wrote crc32 as a signed integer (${int32Crc}); PayPal uses the unsigned decimal ${crc}`);
  for (const hex of [crc.toString(16), crc.toString(16).padStart(8, '0'), crc.toString(16).toUpperCase(), crc.toString(16).padStart(8, '0').toUpperCase()]) {
    if (attempt('crc_hex', `${id}|${time}|${webhookId}|${hex}`, `the sender wrote crc32 in hex (${hex}); PayPal uses the unsigned decimal ${crc}`)) break;
  }

  for (const [label, variant] of timeVariants(time, body)) {
    if (attempt('transmission_time_altered', `${id}|${variant}|${webhookId}|${crc}`, `the transmission time was altered: it verifies with "${variant}" (${label}) instead of "${time}"; pass the header exactly as received`)) break;
  }
  return out;
}

function* bodyVariants(body: Buffer): Generator<[string, Buffer]> {
  const text = body.toString('utf8');
  const trimmedEnd = text.replace(/\s+$/, '');
  // Stryker disable next-line ConditionalExpression: an unchanged body gives the signed string that already failed, so the variant cannot match
  if (trimmedEnd !== text) yield ['the trailing whitespace/newline removed', Buffer.from(trimmedEnd)];
  // Stryker disable next-line ConditionalExpression,StringLiteral: without CRLF the variant is the unchanged body, whose signed string already failed
  if (text.includes('\r\n')) yield ['CRLF line ends turned into LF', Buffer.from(text.replace(/\r\n/g, '\n'))];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  const compact = JSON.stringify(parsed);
  yield ['the compact JSON PayPal sends (your copy was re-serialized: whitespace)', Buffer.from(compact)];
  yield ['"/" escaped as "\\/" (PHP json_encode style)', Buffer.from(compact.replace(/\//g, '\\/'))];
  yield ['"\\/" unescaped', Buffer.from(text.replace(/\\\//g, '/'))];
  yield ['non-ASCII escaped as \\uXXXX', Buffer.from(compact.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')))];
}

function* timeVariants(time: string, body: Buffer): Generator<[string, string]> {
  const at = Date.parse(time);
  if (Number.isFinite(at)) {
    const iso = new Date(at).toISOString();
    yield ['milliseconds added by a date library', iso];
    // Stryker disable next-line Regex: toISOString() always ends with .sssZ, so the $ anchor changes nothing
    yield ['seconds precision, Z', iso.replace(/\.\d{3}Z$/, 'Z')];
    // Stryker disable next-line Regex: toISOString() always ends with .sssZ, so the $ anchor changes nothing
    yield ['+00:00 instead of Z', iso.replace(/\.\d{3}Z$/, '+00:00')];
    yield ['unix seconds', String(Math.floor(at / 1000))];
  }
  try {
    const ct = (JSON.parse(body.toString('utf8')) as { create_time?: unknown }).create_time;
    if (typeof ct === 'string') yield ["the event's create_time", ct];
  } catch {
    /* not JSON: no create_time to try */
  }
}
