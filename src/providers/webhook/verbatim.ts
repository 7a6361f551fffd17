import { UsageError } from '../../core/errors.js';
import type { BuildContext, CapturedDelivery, OutgoingDelivery, Provider, ReplayAdapter } from './adapter.js';

export interface VerbatimOptions {
  /** Judges replies when there is no `inner` adapter (Midas' reply rules need no appkey). */
  judge?: ReplayAdapter['judge'];
  /** Told once per capture line that was recorded with masks. */
  onRedacted?: (c: CapturedDelivery) => void;
}

/** Connection-level headers the transport sets itself; everything else goes out as recorded. */
const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'expect', 'te', 'upgrade']);

/**
 * A recorded delivery as it was received: method, path and query, headers (signature headers
 * included) and body bytes, unchanged. Sent to `--to`'s origin; a `--to` path other than `/`
 * replaces the recorded path (the query stays the recorded one). No secret is involved.
 *
 * `--tamper body` changes one body byte (or, for a GET, one query value) and `--tamper signature`
 * flips the recorded signature, so a receiver can be checked against a real capture; `--tamper stale`
 * needs a fresh signature (`--resign`).
 */
export function buildVerbatim(c: CapturedDelivery, ctx: BuildContext): OutgoingDelivery {
  if (ctx.tamper === 'stale') {
    throw new UsageError('bad_option', '--tamper stale on a recorded delivery needs --resign', { hint: 'a stale time must be signed afresh: add --resign (and the secret)' });
  }
  const q = c.path.indexOf('?');
  const recordedPath = q < 0 ? c.path : c.path.slice(0, q);
  let query = q < 0 ? '' : c.path.slice(q + 1);
  const path = ctx.target.pathname && ctx.target.pathname !== '/' ? ctx.target.pathname : recordedPath;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.headers)) if (!HOP_BY_HOP.has(k.toLowerCase())) headers[k] = v;
  let body = c.body.length > 0 || c.method !== 'GET' ? c.body : undefined;
  const flipped: string[] = [];
  if (ctx.tamper === 'signature') {
    for (const name of ['x-hub-signature-256', 'x-hub-signature', 'paypal-transmission-sig']) {
      const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
      if (key) {
        headers[key] = flipSignature(headers[key]);
        flipped.push(name);
      }
    }
    const m = /(^|&)sig=([^&]*)/.exec(query);
    if (m) {
      query = query.replace(/(^|&)sig=([^&]*)/, (_all, p: string, s: string) => `${p}sig=${encodeURIComponent(flipSignature(safeDecode(s)))}`);
      flipped.push('sig');
    }
    if (!flipped.length) throw new UsageError('bad_option', `${c.label}: no recorded signature to tamper with`, { hint: 'record with `webhook listen --record`, or drop --tamper' });
  }
  if (ctx.tamper === 'body') {
    if (body && body.length) body = changeOneByte(body);
    else query = query.replace(/(^|&)(?!sig=)([^=&]+)=([^&]*)/, (_all, p: string, k: string, v: string) => `${p}${k}=${v}x`);
  }
  return {
    label: c.label,
    method: c.method as OutgoingDelivery['method'],
    url: `${ctx.target.origin}${path}${query ? `?${query}` : ''}`,
    headers,
    body,
    meta: { captured: true, verbatim: true, ...(c.verified !== undefined ? { recorded_verified: c.verified } : {}), ...(ctx.tamper ? { tamper: ctx.tamper } : {}) },
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Changes the first digit (else appends a space): the signed bytes no longer match. */
function changeOneByte(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  const i = out.findIndex((b) => b >= 0x30 && b <= 0x39);
  if (i < 0) return Buffer.concat([out, Buffer.from(' ')]);
  out[i] = out[i] === 0x39 ? 0x30 : out[i] + 1;
  return out;
}

/** Changes the middle character of a hex or base64 signature (never a padding bit), keeping any "sha256=" prefix. */
function flipSignature(sig: string): string {
  const eq = /^(sha1|sha256)=/.exec(sig)?.[0] ?? '';
  const v = sig.slice(eq.length);
  if (v.length === 0) return sig + '0';
  const i = v.length >> 1;
  const c = v[i];
  return eq + v.slice(0, i) + (c === '0' ? '1' : c === 'A' ? 'B' : /[0-9a-f]/.test(c) ? '0' : 'A') + v.slice(i + 1);
}

/**
 * Wraps a provider adapter so recorded deliveries go out verbatim (the default for captures) while
 * fixtures are still signed by `inner`. `inner` may be absent when every input is a capture: nothing
 * then needs a secret.
 */
export function verbatimCaptures(provider: Provider | undefined, inner: ReplayAdapter | undefined, opts: VerbatimOptions = {}): ReplayAdapter {
  const { onRedacted } = opts;
  const judge = inner?.judge ?? opts.judge;
  const warned = new Set<string>();
  return {
    provider: (provider ?? inner?.provider ?? 'facebook') as Provider,
    open: inner?.open ? (signal) => inner.open!(signal) : undefined,
    close: inner?.close ? () => inner.close!() : undefined,
    build(input, ctx) {
      if ('captured' in input && input.captured === true) {
        if (input.redacted?.length && onRedacted && !warned.has(input.label)) {
          warned.add(input.label);
          onRedacted(input);
        }
        return buildVerbatim(input, ctx);
      }
      if (!inner) throw new UsageError('internal', 'a fixture reached the capture-only replay');
      return inner.build(input, ctx);
    },
    judge: judge ? (res, d, e) => judge(res, d, e) : undefined,
  };
}
