// A reference Facebook Payments receiver: plain Node (>= 20), no dependencies. Copy it, then replace
// the in-memory ledger with your database and grant()/revoke() with your game's inventory calls.
//
//   FB_APP_ID=… FB_APP_SECRET=… FB_VERIFY_TOKEN=… node server.mjs
//
// Routes
//   GET  /webhook?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…   the subscription handshake
//   POST /webhook    payments updates, signed with X-Hub-Signature-256 (or X-Hub-Signature)
//   POST /purchase   a Payments Lite purchase posted by your game client: {signed_request, access_token}
//   GET  /ledger     what this receiver decided (demo and tests; remove or protect it in production)
//
// Rules it follows (each one is a real, common bug when missing):
//   - the signature is checked over the RAW body bytes, before any JSON parsing, in constant time;
//   - the webhook body only says "payment X changed": the truth comes from Graph (GET /{payment-id}
//     with the APP token in the Authorization header, never in a URL that could be logged);
//   - every decision is applied once: Facebook retries, so the same update arrives more than once;
//   - a Payments Lite purchase is consumed with the buyer's USER access token (an app token gets
//     Graph error 100), otherwise the next purchase of that product fails with 1383001;
//   - it answers quickly (Facebook gives up after ~20 s and retries; fbpay's check budget is 2 s).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const MAX_BODY_BYTES = 1024 * 1024;
const PAYMENT_FIELDS = 'id,user,request_id,application,actions,items,disputes,refundable_amount,test';
/** How long a Graph call may take before we answer 503 (Facebook then retries the update). */
const GRAPH_TIMEOUT_MS = 1500;
/** A signed_request issued further in the future than this is refused (clock skew allowance). */
const FUTURE_SKEW_SECONDS = 300;

/**
 * Starts the receiver. Resolves once it listens.
 * @param {{port?: number, host?: string, appId?: string, appSecret: string, verifyToken?: string,
 *          graphUrl?: string, graphVersion?: string, appsecretProof?: boolean,
 *          log?: (line: string) => void}} options
 * @returns {Promise<{url: string, close: () => Promise<void>, ledger: Ledger}>}
 */
export async function startReceiver(options) {
  const config = {
    appId: options.appId ? String(options.appId) : undefined,
    appSecret: String(options.appSecret ?? ''),
    verifyToken: options.verifyToken ? String(options.verifyToken) : undefined,
    graphUrl: String(options.graphUrl ?? 'https://graph.facebook.com').replace(/\/+$/, ''),
    graphVersion: options.graphVersion ? String(options.graphVersion).replace(/^\/+|\/+$/g, '') : '',
    appsecretProof: Boolean(options.appsecretProof),
    log: options.log ?? (() => {}),
  };
  if (!config.appSecret) throw new Error('startReceiver: appSecret is required (FB_APP_SECRET)');
  const ledger = new Ledger();
  const server = createServer((req, res) => {
    handle(req, res, config, ledger).catch((err) => {
      config.log(`error: ${err && err.message}`);
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    ledger,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * What the receiver decided, keyed so that applying the same decision twice changes nothing:
 * a decision is keyed by payment id + the action that caused it ("123:charge:completed#1"), whether it
 * came from a payments update or a Payments Lite purchase. Replace with a table with a unique index on `key`.
 */
export class Ledger {
  constructor() {
    /** @type {Map<string, object>} */
    this.decisions = new Map();
    /** @type {Map<string, object>} purchase_token → purchase */
    this.purchases = new Map();
    this.duplicates = 0;
    /** @type {Map<string, {user_id: string, at: number}>} user_id → when they removed the app */
    this.deauthorized = new Map();
    /** @type {Map<string, {user_id: string, confirmation_code: string}>} user_id → their deletion request */
    this.deletions = new Map();
  }

  /** Applies a decision once. Returns false (and changes nothing else) when it was already applied. */
  apply(key, decision) {
    if (this.decisions.has(key)) {
      this.duplicates++;
      return false;
    }
    this.decisions.set(key, { key, ...decision, applied_at: new Date().toISOString() });
    return true;
  }

  /** Items a payment currently grants: fulfil/restore grant, revoke takes back (latest decision wins). */
  granted(paymentId) {
    let g = false;
    for (const d of this.decisions.values()) {
      if (d.payment_id !== paymentId) continue;
      if (d.verdict === 'fulfil' || d.verdict === 'restore') g = true;
      else if (d.verdict === 'revoke') g = false;
    }
    return g;
  }

  toJSON() {
    return { decisions: [...this.decisions.values()], purchases: [...this.purchases.values()], duplicates: this.duplicates, deauthorized: [...this.deauthorized.values()], deletions: [...this.deletions.values()] };
  }
}

async function handle(req, res, config, ledger) {
  const url = new URL(req.url ?? '/', 'http://receiver.local');
  if (req.method === 'GET' && url.pathname === '/ledger') return reply(res, 200, ledger.toJSON());
  if (req.method === 'GET' && url.searchParams.has('hub.mode')) return handshake(url, res, config);
  if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/health')) return reply(res, 200, { ok: true });
  if (req.method === 'GET' && url.pathname === '/deletion') {
    const found = [...ledger.deletions.values()].some((d) => d.confirmation_code === url.searchParams.get('code'));
    return reply(res, found ? 200 : 404, found ? { confirmation_code: url.searchParams.get('code'), status: 'your data is being deleted' } : { error: 'unknown confirmation code' });
  }
  if (req.method !== 'POST') return reply(res, 405, { error: 'method not allowed' });
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return reply(res, 413, { error: 'body too large' }, { connection: 'close' });
  const body = await readBody(req);
  if (body === null) return reply(res, 413, { error: 'body too large' }, { connection: 'close' });
  if (url.pathname === '/purchase') return litePurchase(req, body, res, config, ledger);
  if (url.pathname === '/deauthorize' || url.pathname === '/data-deletion') return appCallback(url.pathname.slice(1), req, body, res, config, ledger);
  if (url.pathname === '/webhook' || url.pathname === '/') return update(req, body, res, config, ledger);
  return reply(res, 404, { error: 'not found' });
}

// ---------------------------------------------------------------------------------------------------
// The handshake: echo hub.challenge only when the verify token is ours.

function handshake(url, res, config) {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token') ?? '';
  const challenge = url.searchParams.get('hub.challenge') ?? '';
  if (mode !== 'subscribe' || !config.verifyToken || !constantTimeEqual(token, config.verifyToken)) {
    config.log('handshake refused: wrong verify token');
    return reply(res, 403, { error: 'verify token mismatch' });
  }
  config.log('handshake ok');
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(challenge);
}

// ---------------------------------------------------------------------------------------------------
// Payments updates: verify, look the payment up, decide, apply once.

async function update(req, body, res, config, ledger) {
  const sig = checkHubSignature(req.headers, body, config.appSecret);
  if (!sig.ok) {
    config.log(`update refused: ${sig.reason}`);
    return reply(res, 403, { error: sig.reason });
  }
  let doc;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return reply(res, 400, { error: 'body is not JSON' });
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.entry)) return reply(res, 400, { error: 'no "entry" array' });
  if (doc.object !== 'payments') return reply(res, 200, { ignored: `object ${JSON.stringify(doc.object)}` });

  const results = [];
  for (const entry of doc.entry) {
    const paymentId = entry && (typeof entry.id === 'string' || typeof entry.id === 'number') ? String(entry.id) : '';
    if (!/^\d{1,32}$/.test(paymentId)) {
      results.push({ payment_id: paymentId, verdict: 'none', reason: 'entry without a payment id' });
      continue;
    }
    const lookup = await lookupPayment(paymentId, config);
    if (lookup.retry) {
      // Graph is down or slow: answer non-2xx so Facebook delivers the update again later.
      config.log(`payment ${paymentId}: Graph lookup failed (${lookup.reason}); asking Facebook to retry`);
      return reply(res, 503, { error: `Graph lookup failed: ${lookup.reason}` });
    }
    if (!lookup.payment) {
      // Graph does not know this payment (e.g. another app's id): nothing to apply, and retrying will not help.
      results.push({ payment_id: paymentId, verdict: 'none', reason: lookup.reason });
      continue;
    }
    const v = verdict(lookup.payment);
    const key = `${paymentId}:${v.cause}`;
    const applied = ledger.apply(key, { payment_id: paymentId, verdict: v.verdict, reason: v.reason, source: 'webhook', dispute_pending: v.disputePending });
    if (v.disputePending) {
      const n = lookup.payment.disputes.filter((d) => d && d.status === 'pending').length;
      ledger.apply(`${paymentId}:dispute:pending#${n}`, { payment_id: paymentId, verdict: 'dispute', reason: 'a dispute is pending: answer it with POST /{payment-id}/dispute', source: 'webhook' });
    }
    config.log(`payment ${paymentId}: ${v.verdict}${applied ? '' : ' (duplicate: already applied)'} - ${v.reason}`);
    results.push({ payment_id: paymentId, verdict: v.verdict, applied, reason: v.reason });
  }
  reply(res, 200, { ok: true, results });
}

// ---------------------------------------------------------------------------------------------------
// App callbacks (App Dashboard → Settings): Facebook form-POSTs a signed_request naming the user_id.
// Deauthorize: the user removed the app; answer 2xx. Data Deletion Request: start deleting and reply
// {"url","confirmation_code"} so the user can follow the request (one code per user: a repeat gets the same).

function appCallback(kind, req, body, res, config, ledger) {
  const fields = readFields(req, body);
  const check = verifySignedRequest(fields && typeof fields.signed_request === 'string' ? fields.signed_request : '', config.appSecret);
  if (!check.ok) {
    config.log(`${kind} refused: ${check.reason}`);
    return reply(res, 403, { error: check.reason });
  }
  const userId = String(check.payload.user_id ?? '');
  if (!/^\d{1,32}$/.test(userId)) return reply(res, 400, { error: 'the signed_request has no user_id' });
  if (kind === 'deauthorize') {
    if (!ledger.deauthorized.has(userId)) ledger.deauthorized.set(userId, { user_id: userId, at: Number(check.payload.issued_at ?? 0) });
    config.log(`user ${userId} removed the app`);
    return reply(res, 200, { ok: true });
  }
  let request = ledger.deletions.get(userId);
  if (!request) {
    request = { user_id: userId, confirmation_code: randomBytes(8).toString('hex') };
    ledger.deletions.set(userId, request);
  }
  config.log(`data deletion requested for user ${userId}: ${request.confirmation_code}`);
  const base = config.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
  return reply(res, 200, { url: `${base}/deletion?code=${request.confirmation_code}`, confirmation_code: request.confirmation_code });
}

/** X-Hub-Signature-256 (sha256=hex) when present, else X-Hub-Signature (sha1=hex); HMAC of the raw body. */
export function checkHubSignature(headers, body, secret) {
  const sha256 = headerValue(headers['x-hub-signature-256']);
  const sha1 = headerValue(headers['x-hub-signature']);
  // Never fall back to sha1 when a sha256 signature is present but wrong.
  const [algorithm, value, hexLength] = sha256 !== undefined ? ['sha256', sha256, 64] : sha1 !== undefined ? ['sha1', sha1, 40] : [];
  if (!algorithm) return { ok: false, reason: 'missing X-Hub-Signature-256 / X-Hub-Signature' };
  const m = /^(sha1|sha256)=([0-9a-fA-F]+)$/.exec(value.trim());
  if (!m || m[1].toLowerCase() !== algorithm || m[2].length !== hexLength) return { ok: false, reason: `malformed ${algorithm} signature header` };
  const expected = createHmac(algorithm, secret).update(body).digest();
  const received = Buffer.from(m[2], 'hex');
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return { ok: false, reason: `${algorithm} signature mismatch` };
  return { ok: true, algorithm };
}

/** GET {graph}/{id} with the app token in the Authorization header. */
async function lookupPayment(paymentId, config) {
  const appToken = `${config.appId ?? ''}|${config.appSecret}`;
  const url = new URL(`${config.graphUrl}/${config.graphVersion ? config.graphVersion + '/' : ''}${encodeURIComponent(paymentId)}`);
  url.searchParams.set('fields', PAYMENT_FIELDS);
  if (config.appsecretProof) url.searchParams.set('appsecret_proof', createHmac('sha256', config.appSecret).update(appToken).digest('hex'));
  let res;
  try {
    res = await fetch(url, { headers: { authorization: `OAuth ${appToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(GRAPH_TIMEOUT_MS) });
  } catch (err) {
    return { retry: true, reason: err && err.name === 'TimeoutError' ? `no answer within ${GRAPH_TIMEOUT_MS} ms` : `cannot reach Graph (${err && err.cause ? err.cause.code ?? err.cause.message : err})` };
  }
  const text = await res.text().catch(() => '');
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    return { retry: true, reason: `Graph answered ${res.status} with non-JSON` };
  }
  if (res.ok && doc && typeof doc === 'object' && String(doc.id) === paymentId) return { payment: doc };
  const err = doc && doc.error ? doc.error : {};
  // 5xx and Graph's throttling codes are temporary; anything else (100: unknown id) is final.
  if (res.status >= 500 || [1, 2, 4, 17, 32, 613].includes(err.code)) return { retry: true, reason: `Graph error ${err.code ?? res.status}: ${err.message ?? ''}`.trim() };
  return { payment: null, reason: `Graph does not return this payment (error ${err.code ?? res.status}: ${err.message ?? 'no message'})` };
}

/**
 * The decision, from the latest action (the most recently updated; array order breaks ties):
 * charge completed → fulfil; a full refund, chargeback or decline completed → revoke; a refund that
 * leaves part of the payment refundable → partial_refund (the items stay: decide by your own policy);
 * chargeback_reversal completed → restore; initiated → wait; failed (or anything else) → none.
 */
export function verdict(payment) {
  const actions = Array.isArray(payment.actions) ? payment.actions : [];
  let latest;
  let latestIndex = -1;
  let latestTime = -Infinity;
  actions.forEach((a, i) => {
    const t = Date.parse(String(a && (a.time_updated ?? a.time_created)));
    const time = Number.isFinite(t) ? t : latestTime;
    if (!latest || time >= latestTime) [latest, latestIndex, latestTime] = [a, i, time];
  });
  const disputePending = (Array.isArray(payment.disputes) ? payment.disputes : []).some((d) => d && d.status === 'pending');
  if (!latest) return { verdict: 'none', reason: 'the payment has no actions', cause: 'no-action', disputePending };
  const what = `${latest.type} ${latest.status}`;
  // "charge:completed#1": the same action delivered again maps to the same key; a second chargeback after a reversal does not.
  const nth = actions.slice(0, latestIndex + 1).filter((a) => a && a.type === latest.type && a.status === latest.status).length;
  const cause = `${latest.type}:${latest.status}#${nth}`;
  let v = 'none';
  if (latest.status === 'initiated') v = 'wait';
  else if (latest.status === 'completed') {
    if (latest.type === 'charge') v = 'fulfil';
    else if (latest.type === 'refund' && Number(payment.refundable_amount?.amount) > 0) v = 'partial_refund';
    else if (latest.type === 'refund' || latest.type === 'chargeback' || latest.type === 'decline') v = 'revoke';
    else if (latest.type === 'chargeback_reversal') v = 'restore';
  }
  const why = {
    fulfil: 'deliver the items',
    revoke: 'take the items back',
    partial_refund: `part of the payment was refunded (${payment.refundable_amount?.amount} ${payment.refundable_amount?.currency ?? ''} still paid): the items stay unless your policy says otherwise`.replace(' )', ')'),
    restore: 'give the items back',
    wait: 'wait for the update that completes it',
    none: 'nothing to do',
  }[v];
  return { verdict: v, reason: `latest action: ${what}; ${why}${disputePending ? '; a dispute is pending: respond to it' : ''}`, cause, disputePending };
}

// ---------------------------------------------------------------------------------------------------
// Payments Lite: the client posts the purchase it got from FB.ui({method: 'pay', action: 'purchaseiap'})
// together with its user access token (FB.getLoginStatus → authResponse.accessToken).

async function litePurchase(req, body, res, config, ledger) {
  const fields = readFields(req, body);
  if (!fields) return reply(res, 400, { error: 'send JSON or a form with signed_request and access_token' });
  const signedRequest = typeof fields.signed_request === 'string' ? fields.signed_request : '';
  const bearer = /^Bearer\s+(.+)$/i.exec(headerValue(req.headers.authorization) ?? '');
  const userToken = typeof fields.access_token === 'string' && fields.access_token ? fields.access_token : bearer ? bearer[1].trim() : '';

  const check = verifySignedRequest(signedRequest, config.appSecret);
  if (!check.ok) {
    config.log(`purchase refused: ${check.reason}`);
    return reply(res, 403, { error: check.reason });
  }
  const p = check.payload;
  if (config.appId && p.app_id !== undefined && String(p.app_id) !== config.appId) return reply(res, 403, { error: 'the purchase is for another app' });
  if (p.status !== undefined && p.status !== 'completed') return reply(res, 200, { granted: false, reason: `purchase status is ${JSON.stringify(p.status)}` });
  const paymentId = String(p.payment_id ?? '');
  const purchaseToken = String(p.purchase_token ?? '');
  if (!paymentId || !purchaseToken) return reply(res, 400, { error: 'the signed_request has no payment_id or purchase_token' });
  if (!userToken) return reply(res, 400, { error: 'no user access token: send the buyer\'s access token (FB.getLoginStatus → authResponse.accessToken) so the purchase can be consumed' });
  if (userToken.includes('|')) {
    // APP_ID|APP_SECRET is an app token: Graph refuses it for consume (error 100), and it must never leave the server.
    return reply(res, 400, { error: 'that is an app token (APP_ID|APP_SECRET): consuming needs the buyer\'s USER access token' });
  }

  // Same key as the payments webhook's charge decision: the update Facebook also sends for this payment grants nothing twice.
  const applied = ledger.apply(`${paymentId}:charge:completed#1`, { payment_id: paymentId, verdict: 'fulfil', reason: `Payments Lite purchase of ${p.product_id} (quantity ${p.quantity ?? 1})`, source: 'payments-lite' });
  let purchase = ledger.purchases.get(purchaseToken);
  if (!purchase) {
    purchase = { purchase_token: purchaseToken, payment_id: paymentId, product_id: p.product_id ?? null, consumed: false };
    ledger.purchases.set(purchaseToken, purchase);
  }
  if (!purchase.consumed) {
    const c = await consume(purchaseToken, userToken, config);
    if (!c.ok) {
      config.log(`purchase ${paymentId}: granted, consume failed (${c.reason})`);
      // Granted already (and idempotently): the client may simply post again to retry the consume.
      return reply(res, 502, { granted: true, duplicate: !applied, consumed: false, error: c.reason });
    }
    purchase.consumed = true;
    purchase.consumed_at = new Date().toISOString();
  }
  config.log(`purchase ${paymentId}: ${applied ? 'granted' : 'already granted'}, consumed`);
  reply(res, 200, { granted: true, duplicate: !applied, consumed: true, payment_id: paymentId, product_id: p.product_id ?? null });
}

/** Verifies `base64url(HMAC-SHA256(payload, secret)).payload` in constant time. */
export function verifySignedRequest(signedRequest, secret) {
  const parts = String(signedRequest).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'signed_request is not <signature>.<payload>' };
  const [sig, segment] = parts;
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(sig) || !/^[A-Za-z0-9_-]+={0,2}$/.test(segment)) return { ok: false, reason: 'signed_request is not base64url' };
  const expected = createHmac('sha256', secret).update(segment).digest();
  const received = Buffer.from(sig, 'base64url');
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return { ok: false, reason: 'signed_request signature mismatch' };
  let payload;
  try {
    payload = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'signed_request payload is not JSON' };
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { ok: false, reason: 'signed_request payload is not an object' };
  if (payload.algorithm !== 'HMAC-SHA256') return { ok: false, reason: 'signed_request algorithm is not HMAC-SHA256' };
  if (typeof payload.issued_at === 'number' && payload.issued_at > Date.now() / 1000 + FUTURE_SKEW_SECONDS) return { ok: false, reason: 'signed_request issued in the future' };
  return { ok: true, payload };
}

/** POST {graph}/{purchase_token}/consume with the USER token in the form body. */
async function consume(purchaseToken, userToken, config) {
  const url = `${config.graphUrl}/${config.graphVersion ? config.graphVersion + '/' : ''}${encodeURIComponent(purchaseToken)}/consume`;
  const form = new URLSearchParams({ access_token: userToken });
  if (config.appsecretProof) form.set('appsecret_proof', createHmac('sha256', config.appSecret).update(userToken).digest('hex'));
  try {
    const res = await fetch(url, { method: 'POST', body: form, headers: { accept: 'application/json' }, signal: AbortSignal.timeout(GRAPH_TIMEOUT_MS) });
    const doc = await res.json().catch(() => null);
    if (res.ok && doc && doc.success === true) return { ok: true };
    const err = doc && doc.error ? doc.error : {};
    return { ok: false, reason: `Graph error ${err.code ?? res.status}: ${err.message ?? 'consume not confirmed'}` };
  } catch (err) {
    return { ok: false, reason: `cannot reach Graph (${err && err.name === 'TimeoutError' ? 'timeout' : err && err.message})` };
  }
}

// ---------------------------------------------------------------------------------------------------

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        // Chunked upload past the limit: stop buffering, answer 413 and close the connection.
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function readFields(req, body) {
  const type = String(req.headers['content-type'] ?? '');
  const text = body.toString('utf8');
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const doc = JSON.parse(text);
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? doc : null;
  } catch {
    return null;
  }
}

function headerValue(v) {
  return Array.isArray(v) ? v[0] : v;
}

/** Equal-length digests, so timingSafeEqual never throws and the length leaks nothing. */
function constantTimeEqual(a, b) {
  const ha = createHmac('sha256', 'verify-token').update(String(a)).digest();
  const hb = createHmac('sha256', 'verify-token').update(String(b)).digest();
  return timingSafeEqual(ha, hb);
}

function reply(res, status, doc, extraHeaders = {}) {
  const text = JSON.stringify(doc);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

// Run standalone: node examples/facebook-receiver/server.mjs
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  if (!env.FB_APP_SECRET) {
    console.error('error: set FB_APP_SECRET (and FB_APP_ID, FB_VERIFY_TOKEN; FB_GRAPH_URL for the emulator)');
    process.exit(2);
  }
  const r = await startReceiver({
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    appId: env.FB_APP_ID,
    appSecret: env.FB_APP_SECRET,
    verifyToken: env.FB_VERIFY_TOKEN,
    graphUrl: env.FB_GRAPH_URL,
    graphVersion: env.FB_GRAPH_VERSION,
    appsecretProof: env.FB_APPSECRET_PROOF === '1',
    log: (line) => console.log(`[receiver] ${line}`),
  });
  console.log(`receiver listening on ${r.url} (webhook: ${r.url}/webhook, purchases: ${r.url}/purchase, ledger: ${r.url}/ledger)`);
  const stop = () => r.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
