import { createHash, createHmac, timingSafeEqual, verify as rsaVerify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

/**
 * Test receivers for `webhook check`, written independently of fbpay's own verifiers (node:crypto
 * only), each the way a real endpoint would be written — correctly, or with one typical mistake.
 */
export interface Req {
  method: string;
  url: URL;
  rawQuery: string;
  headers: Record<string, string>;
  body: Buffer;
}
export interface Reply {
  status: number;
  body: string;
  delayMs?: number;
  headers?: Record<string, string>;
}
export interface Running {
  url: string;
  requests: Req[];
  close(): Promise<void>;
}

export async function startReceiver(handler: (r: Req) => Reply | Promise<Reply>): Promise<Running> {
  const requests: Req[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const r: Req = { method: req.method ?? 'GET', url: new URL(raw, 'http://127.0.0.1'), rawQuery: q < 0 ? '' : raw.slice(q + 1), headers, body: Buffer.concat(chunks) };
      requests.push(r);
      const reply = await handler(r);
      if (reply.delayMs) await new Promise((ok) => setTimeout(ok, reply.delayMs));
      if (res.destroyed) return;
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...(reply.headers ?? {}) });
      res.end(reply.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

const same = (a: string, b: string) => {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
};

export type FacebookMode = 'correct' | 'careless' | 'dup500' | 'echo-any-token' | 'slow' | 'accept202' | 'accept204' | 'careless202' | 'echo500';

/** A mistyped path, a server that is not the receiver: the same status (and body) for every request. */
export function fixedHandler(status: number, body = status === 404 ? 'Cannot POST /webhok' : '') {
  return (): Reply => ({ status, body });
}

/**
 * A Facebook payments webhook receiver. `correct`: handshake only with the right token, X-Hub-Signature-256
 * (or sha1 when only that is sent) over the raw body, 403 otherwise. The others keep that and add one flaw:
 * `accept202`/`accept204` verify correctly but answer a good update with 202/204 (Facebook wants 200);
 * `careless202` answers 202 to every POST; `echo500` echoes any challenge, with HTTP 500.
 */
export function facebookHandler(mode: FacebookMode, o: { secret: string; verifyToken: string; delayMs?: number }) {
  const seen = new Set<string>();
  return (r: Req): Reply => {
    const delayMs = mode === 'slow' ? (o.delayMs ?? 300) : 0;
    if (r.method === 'GET') {
      const mode_ = r.url.searchParams.get('hub.mode');
      const token = r.url.searchParams.get('hub.verify_token') ?? '';
      const challenge = r.url.searchParams.get('hub.challenge') ?? '';
      if (mode === 'careless' || mode === 'echo-any-token') return { status: 200, body: challenge, delayMs };
      if (mode === 'echo500') return { status: 500, body: challenge };
      if (mode_ === 'subscribe' && same(token, o.verifyToken)) return { status: 200, body: challenge, delayMs };
      return { status: 403, body: 'verify token mismatch', delayMs };
    }
    if (mode === 'careless') return { status: 200, body: 'EVENT_RECEIVED' };
    if (mode === 'careless202') return { status: 202, body: '' };
    const s256 = r.headers['x-hub-signature-256'];
    const s1 = r.headers['x-hub-signature'];
    let ok = false;
    if (s256) ok = same(s256, 'sha256=' + createHmac('sha256', o.secret).update(r.body).digest('hex'));
    else if (s1) ok = same(s1, 'sha1=' + createHmac('sha1', o.secret).update(r.body).digest('hex'));
    if (!ok) return { status: 403, body: 'bad signature', delayMs };
    try {
      const doc = JSON.parse(r.body.toString('utf8'));
      if (doc.object !== 'payments') return { status: 400, body: 'not a payments update', delayMs };
    } catch {
      return { status: 400, body: 'not JSON', delayMs };
    }
    if (mode === 'dup500') {
      const key = createHash('sha256').update(r.body).digest('hex');
      if (seen.has(key)) return { status: 500, body: 'duplicate key value violates unique constraint "payments_pkey"' };
      seen.add(key);
    }
    if (mode === 'accept202') return { status: 202, body: 'queued' };
    if (mode === 'accept204') return { status: 204, body: '' };
    return { status: 200, body: 'EVENT_RECEIVED', delayMs };
  };
}

/** Everything but 0-9 a-z A-Z ! * ( ) becomes %XX (uppercase), per UTF-8 byte: the Midas callback value rule. */
function callbackEncode(v: string): string {
  let out = '';
  for (const b of Buffer.from(v, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[0-9a-zA-Z!*()]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
/** PHP rawurlencode: everything but A-Z a-z 0-9 - _ . ~ as %XX. */
function rawurlencode(v: string): string {
  return encodeURIComponent(v).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export type MidasMode = 'correct' | 'spaced' | 'drops-unknown' | 'ret1' | 'careless' | 'http500' | 'sdk-no-ts';
const KNOWN = new Set(['openid', 'appid', 'ts', 'payitem', 'token', 'billno', 'version', 'zoneid', 'providetype', 'amt', 'payamt_coins', 'pubacct_payamt_coins', 'appmeta', 'channel_id', 'clientver', 'ebazinga', 'cftid']);

/**
 * A Midas delivery-callback receiver from the documented rule: callback-encode each value, then
 * `GET&rawurlencode(path)&rawurlencode(sorted k=v joined by &)`, HMAC-SHA1 with `appkey&`, base64;
 * ts within 15 minutes; reply exactly {"ret":0,"msg":"OK"} or ret 4 naming the parameter.
 * `http500` decides the same but sends every reply with HTTP status 500 (a framework error page
 * wrapper around the right JSON): Midas counts none of them as delivered.
 */
export function midasHandler(mode: MidasMode, appkey: string) {
  return (r: Req): Reply => {
    const json = (ret: number, msg: string): Reply => {
      const body = JSON.stringify({ ret, msg });
      return { status: mode === 'http500' ? 500 : 200, body: mode === 'spaced' ? body.replace(/([:,])/g, '$1 ') : body, headers: { 'content-type': 'application/json' } };
    };
    if (mode === 'careless') return json(0, 'OK');
    const params: Record<string, string> = {};
    for (const part of r.rawQuery.split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      params[decodeURIComponent(eq < 0 ? part : part.slice(0, eq))] = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    }
    const sig = params.sig ?? '';
    delete params.sig;
    const signed = Object.keys(params)
      .filter((k) => mode !== 'drops-unknown' || KNOWN.has(k))
      .sort()
      .map((k) => `${k}=${callbackEncode(params[k])}`)
      .join('&');
    const source = `GET&${rawurlencode(r.url.pathname)}&${rawurlencode(signed)}`;
    const expected = createHmac('sha1', appkey + '&').update(source).digest('base64');
    if (!same(sig, expected)) return mode === 'ret1' ? json(1, '系统繁忙') : json(4, '请求参数错误：(sig)');
    // `sdk-no-ts`: written exactly on Tencent's SnsSigCheck::verifySig, which checks sig only.
    if (mode !== 'sdk-no-ts' && Math.abs(Date.now() / 1000 - Number(params.ts)) > 900) return json(4, '请求参数错误：(ts)');
    return json(0, 'OK');
  };
}

/**
 * A PayPal receiver that verifies properly (crc32 of the raw body, SHA256withRSA against the
 * certificate) but, like the published samples, fetches whatever PAYPAL-CERT-URL names. `careless`
 * accepts everything.
 */
export function paypalHandler(mode: 'blind-fetch' | 'careless', webhookId: string) {
  return async (r: Req): Promise<Reply> => {
    if (mode === 'careless') return { status: 200, body: 'ok' };
    const h = r.headers;
    const signed = `${h['paypal-transmission-id']}|${h['paypal-transmission-time']}|${webhookId}|${crc32(r.body) >>> 0}`;
    try {
      const pem = await (await fetch(h['paypal-cert-url'])).text();
      const ok = rsaVerify('sha256', Buffer.from(signed), pem, Buffer.from(h['paypal-transmission-sig'] ?? '', 'base64'));
      return ok ? { status: 200, body: 'ok' } : { status: 400, body: 'bad signature' };
    } catch (e) {
      return { status: 500, body: `verification error: ${(e as Error).message}` };
    }
  };
}
