// A reference PayPal webhook receiver: plain Node (>= 20.15, for zlib.crc32), no dependencies. Copy
// it, then replace the in-memory ledger with your database and grant()/revoke() with your own calls.
//
//   PAYPAL_WEBHOOK_ID=… node server.mjs                                   # offline verification
//   PAYPAL_VERIFY=online PAYPAL_WEBHOOK_ID=… PAYPAL_CLIENT_ID=… PAYPAL_CLIENT_SECRET=… node server.mjs
//
// Against `fbpay mock paypal` or `fbpay webhook check --https-ca <dir>` (test only): PAYPAL_CERT_HOSTS=127.0.0.1
// PAYPAL_CA=<the test CA's PEM>; the certificate must still chain to that CA (there is no mode that skips
// the chain). Or online with PAYPAL_API_URL=http://127.0.0.1:4100.
//
// Routes
//   POST /paypal/webhook   PayPal's deliveries (also POST /paypal) (PAYPAL-TRANSMISSION-ID/-TIME/-SIG, PAYPAL-CERT-URL, PAYPAL-AUTH-ALGO)
//   GET  /ledger           what this receiver decided (demo and tests; remove or protect it in production)
//
// Rules it follows (each one is a real, common bug when missing):
//   - the signature is checked over the RAW body bytes: crc32 of exactly what arrived, never of a
//     re-serialized object (JSON.stringify changes the bytes, and the CRC with them);
//   - the signed string is transmission_id|transmission_time|YOUR webhook id|crc32 (unsigned decimal);
//   - PAYPAL-CERT-URL is fetched only from PayPal's hosts (a forged delivery names its own
//     certificate), over https, and cached by URL; its chain is always checked up to a trusted root;
//   - or online: the raw body is spliced verbatim into verify-webhook-signature's webhook_event;
//   - every event is applied once (PayPal redelivers the same event id), and answered quickly;
//   - a sale belongs to a subscription through resource.billing_agreement_id (= the I-… id).
import { createVerify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { rootCertificates } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';

const MAX_BODY_BYTES = 1024 * 1024;
const PAYPAL_CERT_HOSTS = ['api.paypal.com', 'api.sandbox.paypal.com', 'api-m.paypal.com', 'api-m.sandbox.paypal.com'];
const PAYPAL_CERT_NAME = /^messageverificationcerts\.([a-z0-9-]+\.)*paypal\.com$/i;
const HEADERS = ['paypal-transmission-id', 'paypal-transmission-time', 'paypal-transmission-sig', 'paypal-cert-url', 'paypal-auth-algo'];
/** Older transmissions are refused (PayPal retries for 3 days, each retry newly signed). */
const MAX_AGE_SECONDS = 86_400;
const FUTURE_SKEW_SECONDS = 300;

/**
 * Starts the receiver. Resolves once it listens.
 * The certificate must chain to `caPem` (PAYPAL_CA) when given, else to what Node trusts: its
 * roots and the file in NODE_EXTRA_CA_CERTS. `caPem` is also trusted for the https fetch from a
 * `certHosts` host (a test CA's server certificate), never for PayPal's hosts.
 * @param {{port?: number, host?: string, webhookId: string, verify?: 'offline'|'online',
 *          certHosts?: string[], caPem?: string, apiUrl?: string, clientId?: string, clientSecret?: string,
 *          paths?: string[], log?: (line: string) => void}} options
 */
export async function startReceiver(options) {
  const config = {
    webhookId: String(options.webhookId ?? ''),
    verify: options.verify ?? 'offline',
    certHosts: (options.certHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean),
    caPems: options.caPem ? [...nodeTrustPems(), ...splitPem(options.caPem)] : undefined,
    anchors: (options.caPem ? splitPem(options.caPem) : nodeTrustPems()).map((p) => new X509Certificate(p)),
    apiUrl: String(options.apiUrl ?? 'https://api-m.sandbox.paypal.com').replace(/\/+$/, ''),
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    paths: options.paths ?? ['/paypal/webhook', '/paypal'],
    log: options.log ?? (() => {}),
  };
  if (!config.webhookId) throw new Error('startReceiver: webhookId is required (PAYPAL_WEBHOOK_ID)');
  if (config.verify === 'online' && (!config.clientId || !config.clientSecret)) throw new Error('online verification needs clientId and clientSecret');
  const ledger = new Ledger();
  const certs = new CertCache(config);
  const online = new OnlineVerifier(config);
  const server = createServer((req, res) => {
    handle(req, res, config, ledger, certs, online).catch((err) => {
      config.log(`error: ${err && err.message}`);
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    ledger,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}

async function handle(req, res, config, ledger, certs, online) {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/ledger') return reply(res, 200, ledger.toJSON());
  if (!config.paths.includes(path)) return reply(res, 404, { error: 'not found' });
  if (req.method !== 'POST') return reply(res, 405, { error: 'POST only' });
  const body = await readBody(req);
  if (body === undefined) return reply(res, 413, { error: 'body too large' });
  const headers = {};
  for (const h of HEADERS) headers[h] = typeof req.headers[h] === 'string' ? req.headers[h] : undefined;

  let verdict;
  try {
    verdict = config.verify === 'online' ? await online.verify(body, headers) : await verifyOffline(body, headers, config, certs);
  } catch (err) {
    // Could not decide (certificate or PayPal API unreachable): 503, so PayPal retries later.
    config.log(`cannot verify now: ${err.message}`);
    return reply(res, 503, { error: 'cannot verify now, retry later' });
  }
  if (!verdict.ok) {
    ledger.rejected++;
    config.log(`rejected: ${verdict.reason}`);
    return reply(res, 400, { error: 'not a genuine PayPal delivery', reason: verdict.reason });
  }
  let event;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    return reply(res, 400, { error: 'body is not JSON' });
  }
  const applied = ledger.apply(event);
  return reply(res, 200, { ok: true, event_id: event.id, duplicate: !applied });
}

/** The offline check: headers, time, certificate URL policy, certificate (cached) and chain, RSA-SHA256. */
export async function verifyOffline(body, h, config, certs) {
  const absent = HEADERS.filter((k) => !h[k]);
  if (absent.length) return { ok: false, reason: `missing ${absent.join(', ')}` };
  if (!/^sha256withrsa$/i.test(h['paypal-auth-algo'])) return { ok: false, reason: `unsupported algorithm ${h['paypal-auth-algo']}` };
  const at = Date.parse(h['paypal-transmission-time']);
  const age = (Date.now() - at) / 1000;
  if (!Number.isFinite(at) || age > MAX_AGE_SECONDS || age < -FUTURE_SKEW_SECONDS) return { ok: false, reason: 'transmission time missing, too old or in the future' };
  const policy = certUrlAllowed(h['paypal-cert-url'], config.certHosts);
  if (!policy.ok) return { ok: false, reason: policy.reason };
  const cert = await certs.get(h['paypal-cert-url'], policy.paypal);
  if (!cert.ok) return { ok: false, reason: cert.reason };
  const signed = `${h['paypal-transmission-id']}|${h['paypal-transmission-time']}|${config.webhookId}|${crc32(body) >>> 0}`;
  const v = createVerify('sha256');
  v.update(signed);
  let good = false;
  try {
    good = v.verify(cert.leaf.publicKey, Buffer.from(h['paypal-transmission-sig'], 'base64'));
  } catch {
    good = false;
  }
  return good ? { ok: true } : { ok: false, reason: 'signature does not verify (wrong webhook id, or the body was changed)' };
}

/** https on PayPal's certificate hosts; or a host the operator allowed for tests (http only on loopback). */
export function certUrlAllowed(raw, extraHosts) {
  let u;
  try {
    u = new URL(raw);
  } catch {
    return { ok: false, reason: 'PAYPAL-CERT-URL is not a URL' };
  }
  if (u.username || u.password) return { ok: false, reason: 'PAYPAL-CERT-URL carries credentials' };
  const host = u.hostname.toLowerCase();
  if (PAYPAL_CERT_HOSTS.includes(host) && u.protocol === 'https:' && u.port === '') return { ok: true, paypal: true };
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host);
  if (extraHosts.includes(host) && (u.protocol === 'https:' || (u.protocol === 'http:' && loopback))) return { ok: true, paypal: false };
  return { ok: false, reason: `certificate host ${u.host} is not allowed` };
}

/** Certificates by URL, fetched once; each is checked (validity, subject, chain) when fetched and on use. */
class CertCache {
  constructor(config) {
    this.config = config;
    this.byUrl = new Map();
    this.fetches = 0;
  }

  async get(url, paypalHost) {
    let entry = this.byUrl.get(url);
    if (!entry) {
      this.fetches++;
      const pems = splitPem(await getText(url, paypalHost ? undefined : this.config.caPems));
      if (!pems.length) throw new Error('certificate fetch: no PEM certificate');
      entry = pems.map((p) => new X509Certificate(p));
      this.byUrl.set(url, entry);
    }
    const [leaf, ...rest] = entry;
    const now = Date.now();
    if (now < Date.parse(leaf.validFrom) || now > Date.parse(leaf.validTo)) return { ok: false, reason: 'certificate not valid now' };
    if (paypalHost) {
      const names = [leaf.subject.match(/CN=([^\n]*)/)?.[1], ...(leaf.subjectAltName ?? '').split(/,\s*/).map((s) => s.replace(/^DNS:/, ''))];
      if (!names.some((n) => n && PAYPAL_CERT_NAME.test(n))) return { ok: false, reason: 'certificate is not PayPal\u2019s' };
    }
    // The chain, always: to the operator's CA (PAYPAL_CA) when given, else to what Node trusts. A host
    // allowed for tests gets no exemption: its certificate must chain to the test CA the operator trusts.
    if (!chains(leaf, rest, this.config.anchors, now)) return { ok: false, reason: 'certificate does not chain to a trusted CA' };
    return { ok: true, leaf };
  }
}

/** What Node trusts for TLS: its bundled roots and the PEM file named by NODE_EXTRA_CA_CERTS. */
function nodeTrustPems() {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  let extraPems = [];
  if (extra) {
    try {
      extraPems = splitPem(readFileSync(extra, 'utf8'));
    } catch {
      extraPems = []; // Node itself only warns about an unreadable file: so do we (nothing added)
    }
  }
  return [...rootCertificates, ...extraPems];
}

/** GET a small text document, no redirects, 5 s; `ca` (PEMs) are the CAs an https fetch trusts (default: Node's). */
function getText(url, ca) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const get = u.protocol === 'https:' ? httpsGet : httpGet;
    const req = get(u, { timeout: 5000, ...(ca && u.protocol === 'https:' ? { ca } : {}) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`certificate fetch: HTTP ${res.statusCode}`));
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        text += c;
        if (text.length > 65536) req.destroy(new Error('certificate fetch: too large'));
      });
      res.on('end', () => resolve(text));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('certificate fetch: timed out')));
    req.on('error', (e) => reject(new Error(`certificate fetch: ${e.message}`)));
  });
}

/** leaf → (intermediates from the bundle)* → an anchor, each signature and validity checked. */
function chains(leaf, intermediates, anchors, now) {
  let cur = leaf;
  for (let depth = 0; depth < 5; depth++) {
    const valid = (c) => now >= Date.parse(c.validFrom) && now <= Date.parse(c.validTo);
    if (anchors.some((a) => valid(a) && cur.checkIssued(a) && cur.verify(a.publicKey))) return true;
    const next = intermediates.find((i) => i.ca && valid(i) && cur.checkIssued(i) && cur.verify(i.publicKey));
    if (!next) return false;
    cur = next;
  }
  return false;
}

/** Online: POST verify-webhook-signature with the raw body spliced in verbatim, token cached until it expires. */
class OnlineVerifier {
  constructor(config) {
    this.config = config;
    this.token = undefined;
  }

  async accessToken(force) {
    if (!force && this.token && this.token.expires > Date.now()) return this.token.value;
    const res = await fetch(`${this.config.apiUrl}/v1/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(5000),
    });
    if (res.status !== 200) throw new Error(`token request: HTTP ${res.status}`);
    const doc = await res.json();
    this.token = { value: doc.access_token, expires: Date.now() + Math.max(0, Number(doc.expires_in) - 60) * 1000 };
    return this.token.value;
  }

  async verify(body, h) {
    const absent = HEADERS.filter((k) => !h[k]);
    if (absent.length) return { ok: false, reason: `missing ${absent.join(', ')}` };
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      return { ok: false, reason: 'body is not JSON' };
    }
    const fields = { auth_algo: h['paypal-auth-algo'], cert_url: h['paypal-cert-url'], transmission_id: h['paypal-transmission-id'], transmission_sig: h['paypal-transmission-sig'], transmission_time: h['paypal-transmission-time'], webhook_id: this.config.webhookId };
    const head = Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');
    const payload = Buffer.concat([Buffer.from(`{${head},"webhook_event":`), body, Buffer.from('}')]);
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.config.apiUrl}/v1/notifications/verify-webhook-signature`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await this.accessToken(attempt > 0)}`, 'content-type': 'application/json' },
        body: payload,
        signal: AbortSignal.timeout(5000),
      });
      if (res.status === 401 && attempt === 0) continue; // the token expired early: one fresh token, once
      if (res.status !== 200) throw new Error(`verify-webhook-signature: HTTP ${res.status}`);
      const { verification_status: status } = await res.json();
      return status === 'SUCCESS' ? { ok: true } : { ok: false, reason: `PayPal says ${status}` };
    }
  }
}

/**
 * What the receiver decided, in memory. Subscriptions by id (I-…); sales linked to them by
 * billing_agreement_id; each event id applied once.
 */
export class Ledger {
  constructor() {
    this.events = new Set();
    this.subscriptions = new Map();
    this.sales = new Map();
    this.disputes = new Map();
    this.grants = [];
    this.duplicates = 0;
    this.rejected = 0;
  }

  subscription(id) {
    let s = this.subscriptions.get(id);
    if (!s) {
      s = { id, status: 'UNKNOWN', custom_id: null, entitled: false, sales: [], failed_payments: 0 };
      this.subscriptions.set(id, s);
    }
    return s;
  }

  grant(s, why) {
    if (s.entitled) return;
    s.entitled = true;
    this.grants.push({ subscription: s.id, custom_id: s.custom_id, action: 'grant', why });
  }

  revoke(s, why) {
    if (!s.entitled) return;
    s.entitled = false;
    this.grants.push({ subscription: s.id, custom_id: s.custom_id, action: 'revoke', why });
  }

  /** Applies an event once; false when its id was seen before. */
  apply(event) {
    if (this.events.has(event.id)) {
      this.duplicates++;
      return false;
    }
    this.events.add(event.id);
    const r = event.resource ?? {};
    const type = String(event.event_type ?? '');
    if (type.startsWith('BILLING.SUBSCRIPTION.')) {
      const s = this.subscription(r.id);
      if (r.custom_id) s.custom_id = r.custom_id;
      if (r.status) s.status = r.status;
      if (type === 'BILLING.SUBSCRIPTION.ACTIVATED' || type === 'BILLING.SUBSCRIPTION.RE-ACTIVATED') this.grant(s, type);
      else if (['BILLING.SUBSCRIPTION.SUSPENDED', 'BILLING.SUBSCRIPTION.CANCELLED', 'BILLING.SUBSCRIPTION.EXPIRED'].includes(type)) this.revoke(s, type);
      else if (type === 'BILLING.SUBSCRIPTION.PAYMENT.FAILED') s.failed_payments++;
    } else if (type === 'PAYMENT.SALE.COMPLETED') {
      const sale = { id: r.id, state: 'completed', amount: r.amount?.total, currency: r.amount?.currency, subscription: r.billing_agreement_id ?? null };
      this.sales.set(r.id, sale);
      if (sale.subscription) {
        const s = this.subscription(sale.subscription);
        s.sales.push(r.id);
        if (r.custom && !s.custom_id) s.custom_id = r.custom;
        // A completed sale of a subscription that is not stopped: paid, so entitled.
        if (!['SUSPENDED', 'CANCELLED', 'EXPIRED'].includes(s.status)) this.grant(s, type);
      }
    } else if (type === 'PAYMENT.SALE.REFUNDED' || type === 'PAYMENT.SALE.REVERSED') {
      const saleId = type === 'PAYMENT.SALE.REFUNDED' ? r.sale_id : r.id;
      const sale = this.sales.get(saleId) ?? { id: saleId, subscription: r.billing_agreement_id ?? null };
      sale.state = type === 'PAYMENT.SALE.REFUNDED' ? 'refunded' : 'reversed';
      this.sales.set(saleId, sale);
      // A reversal (chargeback) takes the money back: stop the access it paid for.
      if (type === 'PAYMENT.SALE.REVERSED' && sale.subscription) this.revoke(this.subscription(sale.subscription), type);
    } else if (type.startsWith('CUSTOMER.DISPUTE.')) {
      const saleId = r.disputed_transactions?.[0]?.seller_transaction_id ?? null;
      this.disputes.set(r.dispute_id, { id: r.dispute_id, sale: saleId, status: r.status, outcome: r.dispute_outcome?.outcome_code ?? null });
      const sub = this.sales.get(saleId)?.subscription;
      if (type === 'CUSTOMER.DISPUTE.RESOLVED' && r.dispute_outcome?.outcome_code === 'RESOLVED_BUYER_FAVOUR' && sub) this.revoke(this.subscription(sub), type);
    }
    return true;
  }

  toJSON() {
    return {
      events: this.events.size,
      duplicates: this.duplicates,
      rejected: this.rejected,
      subscriptions: [...this.subscriptions.values()],
      sales: [...this.sales.values()],
      disputes: [...this.disputes.values()],
      grants: this.grants,
    };
  }
}

function splitPem(text) {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res, status, doc) {
  const body = JSON.stringify(doc);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  const rx = await startReceiver({
    port: Number(env.PORT ?? 3000),
    webhookId: env.PAYPAL_WEBHOOK_ID,
    verify: env.PAYPAL_VERIFY === 'online' ? 'online' : 'offline',
    certHosts: (env.PAYPAL_CERT_HOSTS ?? '').split(','),
    caPem: env.PAYPAL_CA ? readFileSync(env.PAYPAL_CA, 'utf8') : undefined,
    apiUrl: env.PAYPAL_API_URL,
    clientId: env.PAYPAL_CLIENT_ID,
    clientSecret: env.PAYPAL_CLIENT_SECRET,
    log: (line) => console.error(line),
  });
  console.log(`PayPal receiver listening on ${rx.url}/paypal/webhook`);
}
