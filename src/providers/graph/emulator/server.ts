import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';
import { FbpayError, UsageError } from '../../../core/errors.js';
import { hubSignatureHeaders } from '../../../core/facebook/hub-signature.js';
import { httpRequest, isLoopbackUrl } from '../../../transport/http.js';
import { EmulatorState, GraphFault, type Caller } from './state.js';
import { discardThenClose, readBody } from '../../http-body.js';

/** The payment fields GET /{payment-id} knows (others 100 "nonexisting field", unless the object has them). */
const DEFAULT_PAYMENT_FIELDS = [
  'id', 'user', 'request_id', 'application', 'actions', 'refundable_amount', 'items', 'country', 'tax', 'tax_country', 'created_time',
  'payout_foreign_exchange_rate', 'disputes', 'is_from_ad', 'is_from_page_post', 'test',
] as const;
const KNOWN_PAYMENT_FIELDS = new Set([
  'id', 'user', 'request_id', 'application', 'actions', 'items', 'country', 'created_time', 'tax', 'tax_country', 'disputes',
  'test', 'refundable_amount', 'payout_foreign_exchange_rate', 'fraud_status', 'is_from_ad', 'is_from_page_post',
]);

const MAX_BODY = 1024 * 1024;

export interface GraphEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  appId?: string;
  appSecret?: string;
  /** Every payment change is also sent here, signed with the app secret. */
  webhookUrl?: string;
  /** A fixture file or folder: every event fixture with a `payment` is seeded at start. */
  seedDir?: string;
  /** Allow subscription callback URLs that are not loopback. */
  allowRemote?: boolean;
  /** One line per request (for `mock graph --verbose`). */
  log?: (line: string) => void;
  now?: () => number;
}

export interface GraphEmulator {
  /** http://127.0.0.1:PORT (no trailing slash, no version). */
  url: string;
  appId: string;
  /** APP_ID|APP_SECRET */
  appToken: string;
  state: EmulatorState;
  /** Resolves when every webhook sent so far has been answered (or failed). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_EMULATOR_APP_ID = '1000000000000001';
export const DEFAULT_EMULATOR_APP_SECRET = 'fbpay-emulator-secret';

/**
 * Starts the offline Graph API emulator on loopback: payments, refunds, disputes, Payments Lite
 * purchases and consume, products, webhook subscriptions, with Graph's error envelopes, plus the
 * `/_fbpay/*` admin routes tests and CI scripts use to mint users, make purchases, seed payments,
 * change them (each change sends a signed payments webhook) and inject faults.
 */
export async function startGraphEmulator(opts: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const appId = opts.appId ?? DEFAULT_EMULATOR_APP_ID;
  const appSecret = opts.appSecret ?? DEFAULT_EMULATOR_APP_SECRET;
  if (appId.includes('|') || appSecret.includes('|')) throw new UsageError('bad_option', 'the app id and secret must not contain "|"', { hint: 'the app token is APP_ID|APP_SECRET' });
  const state = new EmulatorState({ appId, appSecret, now: opts.now });
  const pending = new Set<Promise<void>>();
  const emu = new Emulator(state, opts, pending);
  if (opts.seedDir) await emu.seed(opts.seedDir);

  const server: Server = createServer((req, res) => {
    emu.handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, { error: { message: 'emulator failure', type: 'FbpayEmulator', code: 1 } });
      opts.log?.(`internal error: ${(e as Error).message}`);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new UsageError('port_in_use', `port ${opts.port} on ${opts.host ?? '127.0.0.1'} is already in use`, { hint: 'pick another --port, or --port 0 for a free one' })
          : new UsageError('listen_failed', `cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port ?? 0}: ${e.code ?? e.message}`, { hint: 'check --host and --port' }),
      );
    server.once('error', onError);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const idle = async () => {
    while (pending.size) await Promise.allSettled([...pending]);
  };
  return {
    url: `http://${host}:${addr.port}`,
    appId,
    appToken: state.appToken,
    state,
    idle,
    async close() {
      await Promise.race([idle(), new Promise((r) => setTimeout(r, 3000).unref())]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

interface Req {
  method: string;
  /** Path without the /vNN.N prefix. */
  path: string;
  parts: string[];
  params: Record<string, unknown>;
  token?: string;
  proof?: string;
}

class Emulator {
  constructor(
    private readonly state: EmulatorState,
    private readonly opts: GraphEmulatorOptions,
    private readonly pending: Set<Promise<void>>,
  ) {}

  async seed(path: string): Promise<void> {
    const { FixtureLibrary } = await import('../../fixtures.js');
    const lib = new FixtureLibrary([]);
    for (const fx of lib.addPath(path)) {
      if (fx.kind === 'scenario') continue;
      for (const r of lib.render(fx.name, { now: this.state.now })) if (r.payment !== undefined) this.state.seedPayment(r.payment);
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.replace(/^\/v\d+\.\d+(?=\/|$)/, '') || '/';
    const admin = path.startsWith('/_fbpay/');
    if (admin) this.state.requests.admin++;
    else this.state.requests.graph++;
    let status = 200;
    try {
      const body = await readGraphBody(req);
      const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
      Object.assign(params, parseBody(body, String(req.headers['content-type'] ?? ''), admin));
      const auth = String(req.headers.authorization ?? '');
      const m = /^(?:OAuth|Bearer)\s+(.+)$/i.exec(auth.trim());
      const token = m ? m[1].trim() : typeof params.access_token === 'string' ? params.access_token : undefined;
      const proof = typeof params.appsecret_proof === 'string' ? params.appsecret_proof : undefined;
      const r: Req = { method: req.method ?? 'GET', path, parts: path.split('/').filter(Boolean).map(decodeURIComponent), params, token, proof };
      if (!admin) {
        const fault = this.state.takeFault(path);
        if (fault) {
          if (fault.delay_ms) await new Promise((resolve) => setTimeout(resolve, fault.delay_ms));
          const code = fault.graph_code ?? (fault.status >= 500 ? 2 : 1);
          const f = new GraphFault(fault.status, code, fault.message ?? (code === 4 ? '(#4) Application request limit reached' : code === 2 ? 'Service temporarily unavailable' : `(#${code}) injected fault`));
          status = fault.status;
          return send(res, fault.status, f.envelope(), fault.retry_after ? { 'retry-after': fault.retry_after } : {});
        }
      }
      const out = admin ? await this.admin(r) : await this.graph(r);
      status = out.status ?? 200;
      send(res, status, out.body);
    } catch (e) {
      const f =
        e instanceof GraphFault
          ? e
          : e instanceof FbpayError
            ? new GraphFault(400, 100, e.message, 'GraphMethodException')
            : new GraphFault(500, 1, 'An unknown error occurred', 'OAuthException');
      status = f.status;
      send(res, f.status, f.envelope());
    } finally {
      this.opts.log?.(`${req.method} ${url.pathname} → ${status}`);
    }
  }

  private caller(r: Req): Caller {
    return this.state.authenticate(r.token, r.proof);
  }

  private async graph(r: Req): Promise<{ status?: number; body: unknown }> {
    const s = this.state;
    const [a, b] = r.parts;
    if (r.parts.length === 2 && a === 'app' && b === 'purchases' && r.method === 'GET') {
      const user = s.requireUser(this.caller(r), 'GET /app/purchases');
      return { body: { data: s.listPurchases(user) } };
    }
    if (r.parts.length === 2 && b === 'consume' && r.method === 'POST') {
      const user = s.requireUser(this.caller(r), 'POST /{purchase_token}/consume');
      s.consume(user, a);
      return { body: { success: true } };
    }
    if (r.parts.length === 2 && (a === s.appId || a === 'app') && b === 'products' && r.method === 'GET') {
      this.caller(r);
      return { body: { data: [...s.products.values()] } };
    }
    if (r.parts.length === 2 && (a === s.appId || a === 'app') && b === 'subscriptions') {
      s.requireApp(this.caller(r), 'subscriptions');
      return this.subscriptions(r);
    }
    if (r.parts.length === 2 && b === 'refunds' && r.method === 'POST') {
      s.requireApp(this.caller(r), 'POST /{payment-id}/refunds');
      const p = s.refund(a, r.params);
      this.notify(String(p.id), ['actions']);
      return { body: { success: true } };
    }
    if (r.parts.length === 2 && b === 'dispute' && r.method === 'POST') {
      s.requireApp(this.caller(r), 'POST /{payment-id}/dispute');
      const p = s.settleDispute(a, r.params.reason);
      this.notify(String(p.id), ['disputes']);
      return { body: { success: true } };
    }
    if (r.parts.length === 1 && r.method === 'GET') {
      const p = s.visiblePayment(a, this.caller(r));
      return { body: pickFields(p, r.params.fields) };
    }
    if (r.parts.length === 0) throw new GraphFault(400, 100, 'Unsupported get request. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api', 'GraphMethodException');
    throw new GraphFault(400, 2500, `Unknown path components: /${r.parts.slice(1).join('/')}`, 'OAuthException');
  }

  private async subscriptions(r: Req): Promise<{ status?: number; body: unknown }> {
    const s = this.state;
    if (r.method === 'GET') {
      return {
        body: { data: s.subscriptions.map((x) => ({ object: x.object, callback_url: x.callback_url, active: x.active, fields: x.fields.map((name) => ({ name, version: 'v21.0' })) })) },
      };
    }
    if (r.method === 'DELETE') {
      const object = r.params.object === undefined ? undefined : String(r.params.object);
      for (let i = s.subscriptions.length - 1; i >= 0; i--) if (!object || s.subscriptions[i].object === object) s.subscriptions.splice(i, 1);
      return { body: { success: true } };
    }
    if (r.method !== 'POST') throw new GraphFault(400, 100, `Unsupported ${r.method} request`, 'GraphMethodException');
    const object = String(r.params.object ?? '');
    const callbackUrl = String(r.params.callback_url ?? '');
    const verifyToken = r.params.verify_token === undefined ? undefined : String(r.params.verify_token);
    const fields = String(r.params.fields ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (!object) throw new GraphFault(400, 100, '(#100) The parameter object is required', 'OAuthException');
    let cb: URL;
    try {
      cb = new URL(callbackUrl);
    } catch {
      throw new GraphFault(400, 100, '(#100) The parameter callback_url is required and must be a valid URL', 'OAuthException');
    }
    if (!this.opts.allowRemote && !isLoopbackUrl(cb)) throw new GraphFault(400, 100, '(#100) callback_url must be a loopback URL in the emulator (start it with --allow-remote)', 'OAuthException');
    if (object === 'payments' && fields.some((f) => f !== 'actions' && f !== 'disputes')) {
      throw new GraphFault(400, 100, '(#100) payments subscriptions support the fields actions and disputes', 'OAuthException');
    }
    // Like Facebook: the callback must answer the hub.challenge handshake before the subscription is saved.
    const challenge = String(randomInt(100_000_000, 2_000_000_000));
    cb.searchParams.set('hub.mode', 'subscribe');
    cb.searchParams.set('hub.challenge', challenge);
    if (verifyToken !== undefined) cb.searchParams.set('hub.verify_token', verifyToken);
    let reply: string;
    let status: number;
    try {
      const res = await httpRequest({ method: 'GET', url: cb, timeoutMs: 5000 });
      reply = res.body.toString('utf8');
      status = res.status;
    } catch (e) {
      throw new GraphFault(400, 2200, `(#2200) callback verification failed: ${(e as Error).message}`, 'OAuthException');
    }
    if (status !== 200 || reply.trim() !== challenge) {
      throw new GraphFault(
        400,
        2200,
        `(#2200) callback verification failed: the callback answered HTTP ${status} with ${JSON.stringify(reply.slice(0, 60))}, expected the challenge ${challenge}`,
        'OAuthException',
      );
    }
    const existing = s.subscriptions.find((x) => x.object === object);
    const sub = { object, callback_url: callbackUrl, fields: fields.length ? fields : ['actions', 'disputes'], verify_token: verifyToken, active: true };
    if (existing) Object.assign(existing, sub);
    else s.subscriptions.push(sub);
    return { body: { success: true } };
  }

  private async admin(r: Req): Promise<{ status?: number; body: unknown }> {
    const s = this.state;
    const [, what, id, sub] = r.parts;
    const post = r.method === 'POST';
    if (what === 'users' && post && r.parts.length === 2) {
      const u = s.createUser(typeof r.params.name === 'string' ? r.params.name : undefined);
      return { body: { id: u.id, name: u.name, access_token: u.access_token } };
    }
    if (what === 'purchases' && post && r.parts.length === 2) {
      const user = s.userByToken(r.params.access_token);
      const productId = r.params.product_id;
      if (typeof productId !== 'string' || !productId) throw new GraphFault(400, 100, 'product_id is required', 'GraphMethodException');
      const quantity = r.params.quantity === undefined ? 1 : Number(r.params.quantity);
      if (!Number.isInteger(quantity) || quantity < 1) throw new GraphFault(400, 100, 'quantity must be a whole number ≥ 1', 'GraphMethodException');
      const { purchase } = s.purchase(user, {
        product_id: productId,
        quantity,
        developer_payload: r.params.developer_payload === undefined ? undefined : String(r.params.developer_payload),
      });
      this.notify(purchase.payment_id, ['actions']);
      return {
        body: {
          payment_id: purchase.payment_id,
          purchase_token: purchase.purchase_token,
          product_id: purchase.product_id,
          purchase_time: purchase.purchase_time,
          quantity: String(purchase.quantity),
          amount: purchase.amount,
          currency: purchase.currency,
          developer_payload: purchase.developer_payload,
          status: 'completed',
          signed_request: purchase.signed_request,
        },
      };
    }
    if (what === 'payments' && post && r.parts.length === 2) {
      if (typeof r.params.fixture === 'string') {
        const { FixtureLibrary } = await import('../../fixtures.js');
        const lib = new FixtureLibrary();
        const rendered = lib.render(r.params.fixture, { now: s.now, sets: Array.isArray(r.params.set) ? r.params.set.map(String) : undefined });
        const withPayment = rendered.filter((x) => x.payment !== undefined);
        if (!withPayment.length) throw new GraphFault(400, 100, `fixture ${r.params.fixture} has no "payment" object`, 'GraphMethodException');
        const ids = withPayment.map((x) => s.seedPayment(x.payment));
        return { body: { id: ids[ids.length - 1], ...(ids.length > 1 ? { ids } : {}) } };
      }
      return { body: { id: s.seedPayment(r.params) } };
    }
    if (what === 'payments' && post && r.parts.length === 4 && sub === 'actions') {
      const p = s.addAction(id, r.params);
      this.notify(id, ['actions']);
      return { body: p };
    }
    if (what === 'payments' && post && r.parts.length === 4 && sub === 'disputes') {
      const p = s.addDispute(id, r.params);
      this.notify(id, ['disputes']);
      return { body: p };
    }
    if (what === 'payments' && r.method === 'GET' && r.parts.length === 3) return { body: s.payment(id) };
    if (what === 'faults' && post && r.parts.length === 2) return { body: { fault: s.addFault(r.params), pending: s.faults.length } };
    if (what === 'faults' && r.method === 'DELETE' && r.parts.length === 2) {
      s.faults.length = 0;
      return { body: { success: true } };
    }
    if (what === 'stats' && r.method === 'GET') {
      return { body: { requests: { ...s.requests }, faults: s.faults.length, webhooks: s.webhooks, users: s.users.size, payments: s.payments.size, purchases: s.purchases.size } };
    }
    throw new GraphFault(404, 100, `unknown admin route ${r.method} ${r.path}`, 'FbpayEmulator');
  }

  /** Sends the signed payments webhook for a change, to --webhook-url and/or the subscribed callback. */
  notify(paymentId: string, changed: string[]): void {
    const targets = new Set<string>();
    if (this.opts.webhookUrl) targets.add(this.opts.webhookUrl);
    for (const sub of this.state.subscriptions) if (sub.object === 'payments' && sub.active && changed.some((f) => sub.fields.includes(f))) targets.add(sub.callback_url);
    if (!targets.size) return;
    const body = Buffer.from(JSON.stringify({ object: 'payments', entry: [{ id: paymentId, time: this.state.now(), changed_fields: changed }] }));
    const headers = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', ...hubSignatureHeaders(body, this.state.appSecret) };
    for (const url of targets) {
      const entry: { url: string; payment_id: string; changed_fields: string[]; status?: number; error?: string } = { url, payment_id: paymentId, changed_fields: changed };
      this.state.webhooks.push(entry);
      const p = httpRequest({ method: 'POST', url, headers, body, timeoutMs: 5000 })
        .then((res) => {
          entry.status = res.status;
          this.opts.log?.(`webhook ${changed.join(',')} for payment ${paymentId} → ${url} ${res.status}`);
        })
        .catch((e: Error) => {
          entry.error = e.message;
          this.opts.log?.(`webhook ${changed.join(',')} for payment ${paymentId} → ${url} failed: ${e.message}`);
        })
        .finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readGraphBody(req: IncomingMessage): Promise<Buffer> {
  const body = await readBody(req, MAX_BODY);
  if (body === 'too_large') {
    discardThenClose(req);
    throw new GraphFault(413, 100, 'request body too large', 'GraphMethodException');
  }
  if (body === 'aborted') throw new GraphFault(400, 100, 'request body was not received completely', 'GraphMethodException');
  return body;
}

function parseBody(body: Buffer, contentType: string, admin: boolean): Record<string, unknown> {
  if (!body.length) return {};
  const text = body.toString('utf8');
  if (contentType.includes('json') || (admin && /^\s*[{[]/.test(text))) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new GraphFault(400, 100, 'the request body is not valid JSON', 'GraphMethodException');
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new GraphFault(400, 100, 'the request body must be a JSON object', 'GraphMethodException');
    return doc as Record<string, unknown>;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** `fields=id,actions{type,amount},refundable_amount`: top-level names honoured, sub-selections ignored. */
function pickFields(p: Record<string, unknown>, fields: unknown): Record<string, unknown> {
  if (typeof fields !== 'string' || !fields.trim()) {
    // Graph's default field set for a payment (as real default answers show it): tax fields and
    // payout_foreign_exchange_rate included; `disputes` only once the payment was disputed (undefined keys are not written).
    const out: Record<string, unknown> = {};
    for (const k of DEFAULT_PAYMENT_FIELDS) if (p[k] !== undefined) out[k] = p[k];
    return out;
  }
  const names = splitTopLevel(fields);
  const out: Record<string, unknown> = { id: p.id };
  for (const n of names) {
    if (!(n in p) && !KNOWN_PAYMENT_FIELDS.has(n)) throw new GraphFault(400, 100, `(#100) Tried accessing nonexisting field (${n}) on node type (Payment)`, 'OAuthException');
    if (n in p) out[n] = p[n];
  }
  return out;
}

function splitTopLevel(fields: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of fields) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      if (cur.trim()) names.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) names.push(cur.trim());
  return names.map((n) => n.replace(/[{.].*$/s, '').trim()).filter(Boolean);
}
