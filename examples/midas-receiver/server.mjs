// A reference Tencent Midas delivery receiver (发货回调): plain Node (>= 20), no dependencies. Copy it,
// then replace the in-memory Ledger with your database and grant() with your game's inventory call.
//
//   MIDAS_APPKEY=… MIDAS_APPID=… node server.mjs
//
// Routes
//   GET /midas/deliver?…&sig=…   the delivery callback Midas sends once an order is paid (or a gift is given)
//   GET /ledger                  what this receiver granted (demo and tests; remove or protect it in production)
//
// Rules it follows (each one is a real, common bug when missing):
//   - the sig is checked with the CALLBACK rule, not the plain OpenAPI one: every received value
//     (except sig) is first re-encoded byte by byte, keeping only 0-9 a-z A-Z ! * ( ) and writing
//     every other byte as %XX; then the OpenAPI v3 source GET&path&params and HMAC-SHA1 with the key
//     strtr(appkey, '-_', '+/') + '&' — as Tencent's SnsSigCheck::verifySig does;
//   - values are verified over the bytes as received (a GBK value verifies too), every received
//     parameter takes part (unknown ones included), and the comparison is constant-time;
//   - ts may be at most 15 minutes from now (older callbacks are replays);
//   - the reply is exactly {"ret":0,"msg":"OK"} (no spaces, no newline), fast: Midas waits 2 s and
//     retries anything else; a bad callback gets {"ret":4,"msg":"请求参数错误：(param)"};
//   - a billno is granted once: Midas retries, so the same callback can arrive again (answered OK);
//   - providetype 1 and 2 are gifts (campaign, task market): granted with nothing paid (amt 0).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

export const OK_REPLY = '{"ret":0,"msg":"OK"}';
const MAX_SKEW_SECONDS = 15 * 60;
const MAX_QUERY_BYTES = 64 * 1024;

/**
 * Starts the receiver. Resolves once it listens.
 * @param {{port?: number, host?: string, appkey: string, appid?: string, path?: string,
 *          now?: () => number, log?: (line: string) => void}} options
 * @returns {Promise<{url: string, close: () => Promise<void>, ledger: Ledger}>}
 */
export async function startReceiver(options) {
  if (!options.appkey) throw new Error('startReceiver: appkey is required');
  const config = {
    appkey: String(options.appkey),
    appid: options.appid ? String(options.appid) : undefined,
    path: options.path ?? '/midas/deliver',
    now: options.now ?? (() => Math.floor(Date.now() / 1000)),
    log: options.log ?? (() => {}),
  };
  const ledger = new Ledger();
  const server = createServer((req, res) => {
    try {
      handle(req, res, config, ledger);
    } catch (e) {
      config.log(`error: ${e.message}`);
      if (!res.headersSent) send(res, 200, JSON.stringify({ ret: 1, msg: '系统繁忙' }));
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const addr = server.address();
  return {
    url: `http://${addr.address}:${addr.port}`,
    ledger,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What was granted, once per billno. */
export class Ledger {
  constructor() {
    /** @type {Map<string, {billno: string, openid: string, zoneid: string, payitem: string, providetype: string, amt: string, token: string, granted_at: string}>} */
    this.grants = new Map();
    /** openid → item id → count */
    this.inventory = new Map();
    this.duplicates = 0;
    this.refused = 0;
  }

  /** Grants the callback's items unless its billno was granted before. Returns false for a repeat. */
  grant(p) {
    if (this.grants.has(p.billno)) {
      this.duplicates++;
      return false;
    }
    this.grants.set(p.billno, { billno: p.billno, openid: p.openid, zoneid: p.zoneid, payitem: p.payitem, providetype: p.providetype, amt: p.amt, token: p.token, granted_at: new Date().toISOString() });
    const inv = this.inventory.get(p.openid) ?? new Map();
    for (const part of p.payitem.split(';')) {
      const [id, , num] = part.split('*');
      inv.set(id, (inv.get(id) ?? 0) + Number(num || 1));
    }
    this.inventory.set(p.openid, inv);
    return true;
  }

  toJSON() {
    return {
      grants: [...this.grants.values()],
      inventory: Object.fromEntries([...this.inventory].map(([openid, inv]) => [openid, Object.fromEntries(inv)])),
      duplicates: this.duplicates,
      refused: this.refused,
    };
  }
}

function handle(req, res, config, ledger) {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if (path === '/ledger' && req.method === 'GET') return send(res, 200, JSON.stringify(ledger));
  if (path !== config.path) return send(res, 404, JSON.stringify({ ret: 4, msg: `请求参数错误：(path) no route ${path.slice(0, 60)}` }));
  if (req.method !== 'GET') return send(res, 405, JSON.stringify({ ret: 4, msg: '请求参数错误：(method) Midas calls GET' }));
  const raw = q < 0 ? '' : target.slice(q + 1);
  if (raw.length > MAX_QUERY_BYTES) return refuse(res, ledger, 'query', 'too long');
  // Midas rawurlencodes, so '+' never appears; a server that reads $_GET turns a '+' into a space:
  // try the bytes as sent first, then that reading.
  let params = parseQuery(raw, false);
  let ok = params.sig !== undefined && verifyCallback('GET', path, params, config.appkey);
  if (!ok && raw.includes('+')) {
    const alt = parseQuery(raw, true);
    if (alt.sig !== undefined && verifyCallback('GET', path, alt, config.appkey)) {
      params = alt;
      ok = true;
    }
  }
  if (!ok) return refuse(res, ledger, 'sig', params.sig === undefined ? 'no sig' : 'sig does not match (callback rule)');
  const text = (k) => (params.values.has(k) ? params.values.get(k).toString('utf8') : undefined);
  const ts = text('ts');
  if (!ts || !/^\d{1,12}$/.test(ts) || Math.abs(config.now() - Number(ts)) > MAX_SKEW_SECONDS) return refuse(res, ledger, 'ts', `ts ${ts ?? '(none)'} is more than 15 minutes from now`);
  if (config.appid && text('appid') !== config.appid) return refuse(res, ledger, 'appid', `appid ${text('appid')} is not ${config.appid}`);
  for (const k of ['openid', 'billno', 'payitem', 'zoneid']) if (!text(k)) return refuse(res, ledger, k, `missing ${k}`);
  const providetype = text('providetype') ?? '0';
  if (!['0', '1', '2'].includes(providetype)) return refuse(res, ledger, 'providetype', `unknown providetype ${providetype}`);
  const p = { billno: text('billno'), openid: text('openid'), zoneid: text('zoneid'), payitem: text('payitem'), providetype, amt: text('amt') ?? '0', token: text('token') ?? '' };
  const fresh = ledger.grant(p);
  config.log(`${fresh ? 'granted' : 'already granted'} ${p.payitem} to ${p.openid} (billno ${p.billno}, providetype ${providetype}${providetype === '0' ? `, amt ${p.amt}` : ', gift'})`);
  send(res, 200, OK_REPLY);
}

function refuse(res, ledger, param, why) {
  ledger.refused++;
  send(res, 200, JSON.stringify({ ret: 4, msg: `请求参数错误：(${param}) ${why}` }));
}

/**
 * Splits a raw query into byte values, percent-decoded once (PHP's urldecode: a malformed escape
 * stays literal; '+' is a space only when asked). Keys are compared as latin1 strings of their bytes.
 */
export function parseQuery(raw, plusIsSpace) {
  const values = new Map();
  let sig;
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = decode(eq < 0 ? piece : piece.slice(0, eq), plusIsSpace).toString('latin1');
    const value = decode(eq < 0 ? '' : piece.slice(eq + 1), plusIsSpace);
    if (key === 'sig') sig = value.toString('latin1');
    else values.set(key, value);
  }
  return { values, sig };
}

function decode(text, plusIsSpace) {
  const src = Buffer.from(text, 'latin1');
  const out = Buffer.alloc(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === 0x25 && i + 2 < src.length && isHex(src[i + 1]) && isHex(src[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(src[i + 1], src[i + 2]), 16);
      i += 2;
    } else out[n++] = b === 0x2b && plusIsSpace ? 0x20 : b;
  }
  return out.subarray(0, n);
}

const isHex = (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
const isAlnum = (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const HEX = '0123456789ABCDEF';

/** Percent-encodes bytes, keeping those `keep` accepts. */
function encode(bytes, keep) {
  let out = '';
  for (const b of bytes) out += keep(b) ? String.fromCharCode(b) : '%' + HEX[b >> 4] + HEX[b & 15];
  return out;
}

/** SnsSigCheck::verifySig: callback-encode each value, then the OpenAPI v3 sig; constant-time compare. */
export function verifyCallback(method, path, params, appkey) {
  const keys = [...params.values.keys()].sort((a, b) => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1')));
  const query = keys.map((k) => `${k}=${encode(params.values.get(k), (b) => isAlnum(b) || b === 0x21 || b === 0x2a || b === 0x28 || b === 0x29)}`).join('&');
  // rawurlencode (RFC 3986) with '~' as %7E, as the SDK's str_replace does
  const rawurlencode = (s) => encode(Buffer.from(s, 'latin1'), (b) => isAlnum(b) || b === 0x2d || b === 0x5f || b === 0x2e);
  const source = `${method.toUpperCase()}&${rawurlencode(path)}&${rawurlencode(query)}`;
  const key = appkey.replace(/-/g, '+').replace(/_/g, '/') + '&';
  const expected = Buffer.from(createHmac('sha1', key).update(source, 'latin1').digest('base64'));
  const given = Buffer.from(params.sig ?? '', 'latin1');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// Run standalone: node examples/midas-receiver/server.mjs
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  if (!env.MIDAS_APPKEY) {
    console.error('error: set MIDAS_APPKEY (and MIDAS_APPID to refuse other apps; MIDAS_PATH, default /midas/deliver)');
    process.exit(2);
  }
  const r = await startReceiver({
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    appkey: env.MIDAS_APPKEY,
    appid: env.MIDAS_APPID,
    path: env.MIDAS_PATH,
    log: (line) => console.log(`[receiver] ${line}`),
  });
  console.log(`receiver listening on ${r.url} (delivery: ${r.url}${env.MIDAS_PATH ?? '/midas/deliver'}, ledger: ${r.url}/ledger)`);
  const stop = () => r.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
