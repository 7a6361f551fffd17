import { UsageError, NetworkError } from '../../core/errors.js';
import type { RenderedFixture } from '../../core/fixtures/schema.js';
import { hubSignature, verifyHubSignature, HUB_HEADER, type HubAlgorithm } from '../../core/facebook/hub-signature.js';
import { base64UrlEncode, decodeSignedRequest, parseSignedRequest, signSignedRequest } from '../../core/facebook/signed-request.js';
import { validateCreditsReplyText, CREDITS_METHODS, type CreditsMethod } from '../../core/facebook/credits.js';
import { validateDataDeletionReply } from '../../core/facebook/app-callbacks.js';
import { safeEqual } from '../../core/safe-equal.js';
import { httpRequest, type HttpResponse } from '../../transport/http.js';
import type {
  AdapterOptions,
  BuildContext,
  CapturedDelivery,
  ExpectSpec,
  IncomingDelivery,
  OutgoingDelivery,
  ReceiveResult,
  Receiver,
  ReplayAdapter,
  ReplyVerdict,
  TamperMode,
} from '../webhook/adapter.js';

/**
 * The Facebook webhook provider.
 *
 * Payments updates (`kind: payments-update`) are JSON POSTs signed with X-Hub-Signature (sha1) and
 * X-Hub-Signature-256 (sha256) over the exact body bytes. Fixtures whose `meta.signed_request_fields`
 * names body fields (Payments Lite and Pay Dialog purchases posted by a game client, legacy Credits
 * callbacks) hold a signed_request PAYLOAD object in each such field; the adapter signs it with the
 * app secret at build time and sends no X-Hub header, because the signed_request is what a server
 * verifies there.
 *
 * Tamper modes: `body` changes one byte after signing (a digit, so JSON still parses), `signature`
 * flips the signature, `stale` moves `entry[].time` (or the signed_request's `issued_at`) two days
 * into the past and signs correctly.
 */
export const STALE_SECONDS = 2 * 24 * 3600;

const SIGNED_REQUEST_KINDS = new Set(['lite-purchase', 'pay-dialog-purchase', 'credits-callback', 'deauthorize-callback', 'data-deletion-callback']);
const HOP_HEADERS = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'x-hub-signature', 'x-hub-signature-256', 'expect', 'te', 'upgrade']);

function requireSecret(opts: AdapterOptions): string {
  if (!opts.secret) throw new UsageError('missing_setting', 'missing app secret (facebook webhooks are signed with it)', { hint: 'pass --secret or set FB_APP_SECRET' });
  return opts.secret;
}

export function createReplayAdapter(opts: AdapterOptions): ReplayAdapter {
  const secret = requireSecret(opts);
  const which = opts.signatureHeader ?? 'both';
  if (!['sha1', 'sha256', 'both'].includes(which)) throw new UsageError('bad_option', `--signature-header must be sha1, sha256 or both, got "${String(which)}"`);
  const algorithms: HubAlgorithm[] = which === 'both' ? ['sha1', 'sha256'] : [which];
  const seeded = new Set<string>();

  const signers = algorithms.map((a) => [HUB_HEADER[a], (body: Buffer) => hubSignature(body, secret, a)] as const);
  const signHeaders = (body: Buffer, tamper?: TamperMode): Record<string, string> => {
    const h: Record<string, string> = {};
    for (const [header, sign] of signers) h[header] = tamper === 'signature' ? flipHex(sign(body)) : sign(body);
    return h;
  };

  async function seed(payment: unknown, signal?: AbortSignal): Promise<void> {
    if (!opts.graphUrl || !payment || typeof payment !== 'object') return;
    const json = JSON.stringify(payment);
    if (seeded.has(json)) return;
    const url = opts.graphUrl.replace(/\/+$/, '') + '/_fbpay/payments';
    const res = await httpRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: json, timeoutMs: 5000, signal });
    if (res.status < 200 || res.status > 299) {
      throw new NetworkError('graph_seed_failed', `seeding the Graph emulator at ${new URL(url).origin} failed: status ${res.status} ${res.body.toString('utf8').split('\n')[0].slice(0, 120)}`, {
        hint: 'is --graph-url a running `fbpay mock graph`?',
      });
    }
    if (seeded.size > 10_000) seeded.clear();
    seeded.add(json);
  }

  return {
    provider: 'facebook',
    // Synchronous unless a payment is seeded first: no promise per delivery at high --count.
    build(input, ctx: BuildContext): OutgoingDelivery | Promise<OutgoingDelivery> {
      if ('captured' in input && input.captured) return buildCaptured(input, ctx, signHeaders);
      const fx = input as RenderedFixture;
      if (fx.provider !== 'facebook') throw new UsageError('wrong_provider', `fixture ${fx.name} is a ${fx.provider} fixture, not facebook`, { hint: `use --provider ${fx.provider}` });
      if (opts.graphUrl && fx.payment) return seed(fx.payment).then(() => buildFixture(fx, ctx, secret, signHeaders));
      return buildFixture(fx, ctx, secret, signHeaders);
    },
    judge(res: HttpResponse, delivery: OutgoingDelivery, expect: ExpectSpec): ReplyVerdict | undefined {
      if (delivery.meta?.kind === 'data-deletion-callback') return judgeDataDeletionReply(res, delivery, expect);
      const method = delivery.meta?.credits_method as CreditsMethod | undefined;
      if (!method || delivery.meta?.tamper) return undefined;
      const wants2xx = (expect.kind === 'class' && expect.cls === 2) || (expect.kind === 'status' && expect.status >= 200 && expect.status < 300);
      if (!wants2xx || res.status < 200 || res.status > 299) return undefined;
      if (expect.kind === 'status' && res.status !== expect.status) return undefined;
      const v = validateCreditsReplyText(method, res.body.toString('utf8'), { orderId: delivery.meta?.order_id as string | undefined });
      return v.ok ? { ok: true } : { ok: false, reason: `credits reply: ${v.reason}` };
    },
  };
}

/** A Data Deletion Request callback's 2xx reply must be {"url","confirmation_code"}: a reply without either fails, naming it. */
function judgeDataDeletionReply(res: HttpResponse, delivery: OutgoingDelivery, expect: ExpectSpec): ReplyVerdict | undefined {
  if (delivery.meta?.tamper) return undefined;
  const wants2xx = (expect.kind === 'class' && expect.cls === 2) || (expect.kind === 'status' && expect.status >= 200 && expect.status < 300);
  if (!wants2xx || res.status < 200 || res.status > 299) return undefined;
  if (expect.kind === 'status' && res.status !== expect.status) return undefined;
  const v = validateDataDeletionReply(res.body.toString('utf8'));
  return v.ok ? { ok: true } : { ok: false, reason: `data-deletion reply: ${v.reason}` };
}

/** Turns a rendered Facebook fixture into exact bytes and headers. Exported for tests and `webhook check`. */
export function buildFixture(fx: RenderedFixture, ctx: BuildContext, secret: string, signHeaders: (b: Buffer, t?: TamperMode) => Record<string, string>): OutgoingDelivery {
  const srFields = signedRequestFields(fx);
  const tamper = ctx.tamper;
  let body = fx.body;
  const meta: Record<string, unknown> = { kind: fx.kind, ...(tamper ? { tamper } : {}) };
  const url = targetUrl(ctx.target, fx.delivery.path);

  if (srFields.length) {
    if (!isObject(body)) throw new UsageError('bad_fixture', `fixture ${fx.name}: body must be an object to carry a signed_request`);
    const b: Record<string, unknown> = { ...body };
    for (const field of srFields) {
      const payload = b[field];
      if (!isObject(payload)) throw new UsageError('bad_fixture', `fixture ${fx.name}: body.${field} must be the signed_request payload object`, { hint: 'see meta.signing in a built-in fixture' });
      const p = tamper === 'stale' ? { ...payload, issued_at: ctx.now() - STALE_SECONDS } : payload;
      let sr = signSignedRequest(p, secret);
      if (tamper === 'signature') sr = flipBase64Url(sr);
      if (tamper === 'body') sr = tamperSignedRequestPayload(sr);
      b[field] = sr;
      Object.assign(meta, describeSignedRequestPayload(fx.kind, p));
    }
    if (fx.kind === 'credits-callback' && typeof b.method === 'string' && (CREDITS_METHODS as readonly string[]).includes(b.method)) {
      meta.credits_method = b.method;
      const credits = (b as Record<string, any>).order_id ?? (srFields.map((f) => (fx.body as any)[f]?.credits?.order_id).find((x) => x !== undefined));
      if (credits !== undefined) meta.order_id = String(credits);
    }
    body = b;
  } else if (isObject(body) && Array.isArray(body.entry)) {
    // Payment ids and distinct changed fields, in order (one pass; holes skipped as map/flatMap would).
    const ids: unknown[] = [];
    const fields: unknown[] = [];
    const entries: unknown[] = body.entry;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (!(i in entries) || !isObject(e)) continue;
      if (e.id !== undefined) ids.push(e.id);
      const cf = e.changed_fields;
      if (Array.isArray(cf)) for (let j = 0; j < cf.length; j++) if (j in cf && !fields.includes(cf[j])) fields.push(cf[j] === 0 ? 0 : cf[j]); // -0 becomes 0, as in a Set
    }
    meta.payment_ids = ids;
    meta.changed_fields = fields;
    if (tamper === 'stale') body = { ...body, entry: body.entry.map((e: any) => (isObject(e) ? { ...e, time: ctx.now() - STALE_SECONDS } : e)) };
  }

  const method = fx.delivery.method;
  if (method === 'GET' || fx.delivery.encoding === 'query') {
    const u = new URL(url);
    for (const [k, v] of Object.entries(isObject(body) ? body : {})) u.searchParams.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    return { label: fx.step ?? fx.name, method: 'GET', url: u.toString(), headers: {}, meta };
  }
  let bytes: Buffer;
  let contentType: string;
  if (fx.delivery.encoding === 'form') {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(isObject(body) ? body : {})) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    bytes = Buffer.from(form.toString(), 'utf8');
    contentType = 'application/x-www-form-urlencoded';
  } else {
    bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
    contentType = 'application/json';
  }
  const headers: Record<string, string> = { 'Content-Type': fx.delivery.contentType ?? contentType };
  if (!srFields.length) {
    Object.assign(headers, signHeaders(bytes, tamper === 'signature' ? 'signature' : undefined));
    if (tamper === 'body') bytes = tamperByte(bytes);
  }
  return { label: fx.step ?? fx.name, method: 'POST', url, headers, body: bytes, meta };
}

function buildCaptured(cap: CapturedDelivery, ctx: BuildContext, signHeaders: (b: Buffer, t?: TamperMode) => Record<string, string>): OutgoingDelivery {
  let bytes = cap.body;
  if (ctx.tamper === 'stale') {
    const stale = ctx.now() - STALE_SECONDS;
    bytes = Buffer.from(bytes.toString('latin1').replace(/("time"\s*:\s*)\d+/g, `$1${stale}`), 'latin1');
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(cap.headers)) if (!HOP_HEADERS.has(k.toLowerCase())) headers[k] = v;
  const hadHub = Object.keys(cap.headers).some((k) => k.toLowerCase().startsWith('x-hub-signature'));
  if (hadHub || cap.method.toUpperCase() === 'POST') Object.assign(headers, signHeaders(bytes, ctx.tamper === 'signature' ? 'signature' : undefined));
  if (ctx.tamper === 'body') bytes = tamperByte(bytes);
  const target = ctx.target;
  const url = target.pathname && target.pathname !== '/' ? target.toString() : new URL(cap.path || '/', target).toString();
  const method = cap.method.toUpperCase() === 'GET' ? 'GET' : 'POST';
  return {
    label: cap.label,
    method,
    url,
    headers,
    body: method === 'POST' ? bytes : undefined,
    meta: { captured: true, ...summarizeBody(bytes), ...(ctx.tamper ? { tamper: ctx.tamper } : {}) },
  };
}

export function createReceiver(opts: AdapterOptions): Receiver {
  const secret = requireSecret(opts);
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    provider: 'facebook',
    handshake(d: IncomingDelivery) {
      if (d.method.toUpperCase() !== 'GET') return undefined;
      const q = new URLSearchParams(d.rawQuery);
      if (q.get('hub.mode') === null && q.get('hub.challenge') === null) return undefined;
      const token = q.get('hub.verify_token') ?? '';
      if (q.get('hub.mode') !== 'subscribe') return { status: 400, body: 'hub.mode must be subscribe' };
      if (!opts.verifyToken) return { status: 403, body: 'no verify token configured (pass --verify-token)' };
      if (!safeEqual(token, opts.verifyToken)) return { status: 403, body: 'verify token mismatch' };
      return { status: 200, body: q.get('hub.challenge') ?? '' };
    },
    receive(d: IncomingDelivery): ReceiveResult {
      return receiveDelivery(d, secret, now);
    },
  };
}

/** Verifies one POST the way a Facebook-facing server should, and summarizes it. */
export function receiveDelivery(d: IncomingDelivery, secret: string, now: () => number = () => Math.floor(Date.now() / 1000)): ReceiveResult {
  const header = (name: string) => {
    for (const [k, v] of Object.entries(d.headers)) if (k.toLowerCase() === name) return v;
    return undefined;
  };
  const s256 = header('x-hub-signature-256');
  const s1 = header('x-hub-signature');
  const summary = summarizeBody(d.body, now);
  const line = String(summary.summary);
  if (s256 !== undefined || s1 !== undefined) {
    const r = verifyHubSignature(d.body, (s256 ?? s1)!, secret);
    if (!r.valid) return { verified: false, reason: r.reason, summary: line };
    if (summary.unparsable) return { verified: true, summary: line, reason: 'body is not JSON', reply: { status: 400, body: 'body is not JSON' } };
    return { verified: true, summary: line };
  }
  const sr = summary.signed_request as string | undefined;
  if (sr !== undefined) {
    const r = verifySignedRequestString(sr, secret, now());
    if (!r.valid) return { verified: false, reason: `signed_request: ${r.reason}`, summary: line };
    const issued = Number((r.payload as Record<string, unknown>)?.issued_at);
    if (Number.isFinite(issued) && Math.abs(now() - issued) > 24 * 3600) {
      return { verified: false, reason: `signed_request issued_at is ${Math.round((now() - issued) / 3600)} h old (stale)`, summary: line };
    }
    return { verified: true, summary: line };
  }
  return { verified: false, reason: 'no X-Hub-Signature-256 or X-Hub-Signature header (and no signed_request in the body)', summary: line };
}

/** The signed_request check of `fbpay decode` (constant-time, over the payload segment as sent), as a verdict. Never throws. */
export function verifySignedRequestString(sr: string, secret: string, now?: number): { valid: boolean; reason?: string; payload?: unknown } {
  try {
    const r = decodeSignedRequest(sr, secret, { now });
    return r.valid ? { valid: true, payload: r.payload } : { valid: false, reason: r.error?.message ?? 'not valid', payload: r.payload };
  } catch (e) {
    return { valid: false, reason: (e as Error).message };
  }
}

/** Payment id(s) and changed fields, or what a signed_request post stands for: the one line `listen` prints. */
export function summarizeBody(body: Buffer, now?: () => number): Record<string, unknown> & { summary: string; unparsable?: boolean } {
  const text = body.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    if (/^[\w.%-]+=/.test(text)) doc = Object.fromEntries(new URLSearchParams(text));
  }
  if (!isObject(doc)) return { summary: `unparsable body (${body.length} bytes)`, unparsable: true };
  if (doc.object === 'payments' && Array.isArray(doc.entry)) {
    const ids = doc.entry.map((e: any) => e?.id).filter((x: unknown) => x !== undefined);
    const fields = [...new Set(doc.entry.flatMap((e: any) => (Array.isArray(e?.changed_fields) ? e.changed_fields : [])))];
    const times = doc.entry.map((e: any) => Number(e?.time)).filter((t: number) => Number.isFinite(t));
    const age = now && times.length ? now() - Math.min(...times) : 0;
    const stale = age > 24 * 3600 ? ` · entry time ${Math.round(age / 3600)} h old` : '';
    return { summary: `payment ${ids.join(',') || '?'} [${fields.join(',')}]${stale}`, payment_ids: ids, changed_fields: fields };
  }
  if (typeof doc.signed_request === 'string') {
    let p: any;
    try {
      p = parseSignedRequest(doc.signed_request).payload;
    } catch {
      p = undefined;
    }
    const method = typeof doc.method === 'string' ? doc.method : undefined;
    let summary: string;
    if (method) summary = `credits ${method} order ${p?.credits?.order_id ?? doc.order_id ?? '?'}`;
    else if (p?.purchase_token ?? doc.purchase_token) summary = `lite purchase ${p?.purchase_token ?? doc.purchase_token}`;
    else summary = `pay dialog payment ${p?.payment_id ?? doc.payment_id ?? '?'}`;
    return { summary, signed_request: doc.signed_request };
  }
  return { summary: `JSON ${Object.keys(doc).slice(0, 4).join(',')}` };
}

function describeSignedRequestPayload(kind: string, p: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'lite-purchase') return { purchase_token: p.purchase_token, payment_id: p.payment_id };
  if (kind === 'pay-dialog-purchase') return { payment_id: p.payment_id };
  if (kind === 'deauthorize-callback' || kind === 'data-deletion-callback') return { user_id: p.user_id };
  const credits = isObject(p.credits) ? p.credits : {};
  return { order_id: credits.order_id };
}

function signedRequestFields(fx: RenderedFixture): string[] {
  const f = fx.meta?.signed_request_fields;
  if (Array.isArray(f)) return f.filter((x): x is string => typeof x === 'string');
  if (SIGNED_REQUEST_KINDS.has(fx.kind) && isObject(fx.body) && isObject(fx.body.signed_request)) return ['signed_request'];
  return [];
}

function targetUrl(target: URL, path?: string): string {
  if (path && (target.pathname === '/' || target.pathname === '')) return new URL(path, target).toString() + target.search;
  return target.toString();
}

/** Changes one byte after signing: the last digit becomes another digit (JSON still parses), else the last byte is flipped. */
export function tamperByte(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] >= 0x30 && out[i] <= 0x39) {
      out[i] = out[i] === 0x39 ? 0x38 : out[i] + 1;
      return out;
    }
  }
  if (out.length === 0) return Buffer.from(' ');
  out[out.length - 1] ^= 0x01;
  return out;
}

function flipHex(headerValue: string): string {
  const last = headerValue.at(-1)!;
  return headerValue.slice(0, -1) + (last === '0' ? '1' : '0');
}

function flipBase64Url(sr: string): string {
  const dot = sr.indexOf('.');
  const c = sr[0];
  return (c === 'A' ? 'B' : 'A') + sr.slice(1, dot) + sr.slice(dot);
}

/** Keeps the signature, alters the payload after signing (the amount or issued_at), re-encodes it. */
function tamperSignedRequestPayload(sr: string): string {
  const { signature: sig, payload: p } = parseSignedRequest(sr);
  if (typeof p.amount === 'string') p.amount = p.amount === '0.01' ? '0.02' : '0.01';
  else p.issued_at = Number(p.issued_at ?? 0) + 1;
  return `${sig}.${base64UrlEncode(JSON.stringify(p))}`;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
