import { FbpayError, UsageError } from '../../../core/errors.js';
import { hubSignatureHeaders } from '../../../core/facebook/hub-signature.js';
import { maskSecret } from '../../../core/mask.js';
import { startEmulator, type EmulatorHost, type EmulatorProvider, type EmulatorReply, type EmulatorRequest, type RequestLogEntry, type TriggerOutcome } from '../../emulator/server.js';
import type { WebhookAttempt, WebhookDelivery, WebhookDispatcher } from '../../emulator/dispatcher.js';
import { EmulatorState, GraphFault, type Caller, type EmulatorSubscription } from './state.js';
import { parseSubscriptionRequest, verifyCallback } from './subscriptions.js';
import { GRAPH_TRIGGER_EVENTS, runGraphTrigger } from './trigger.js';

/** The payment fields GET /{payment-id} knows (others 100 "nonexisting field", unless the object has them). */
const DEFAULT_PAYMENT_FIELDS = [
  'id', 'user', 'request_id', 'application', 'actions', 'refundable_amount', 'items', 'country', 'tax', 'tax_country', 'created_time',
  'payout_foreign_exchange_rate', 'disputes', 'is_from_ad', 'is_from_page_post', 'test',
] as const;
const KNOWN_PAYMENT_FIELDS = new Set([
  'id', 'user', 'request_id', 'application', 'actions', 'items', 'country', 'created_time', 'tax', 'tax_country', 'disputes',
  'test', 'refundable_amount', 'payout_foreign_exchange_rate', 'fraud_status', 'is_from_ad', 'is_from_page_post',
]);

/**
 * Facebook retries a failed update immediately, then a few more times with decreasing frequency
 * over the next 36 hours (sources and scaling in fixtures/README.md, section Facebook). Scaled
 * down: 36 h ≈ 2 s.
 */
export const GRAPH_RETRY_SCHEDULE: readonly number[] = [10, 100, 500, 1500];

/** Graph's default page size for edges such as /app/purchases. */
export const GRAPH_PAGE_SIZE = 25;

export interface GraphProviderOptions {
  appId?: string;
  appSecret?: string;
  /** Saved at start as the payments subscription, without the handshake (as if made earlier in the App Dashboard). */
  webhookUrl?: string;
  /** Subscribed at start through the real handshake (`mock graph --webhook-url`): start fails as POST /subscriptions would. */
  subscribe?: { callbackUrl: string; verifyToken?: string; fields?: string[] };
  /** Allow subscription callback URLs that are not loopback. */
  allowRemote?: boolean;
  now?: () => number;
}

export interface GraphEmulatorOptions extends GraphProviderOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** A fixture file or folder: every event fixture with a `payment` is seeded at start. */
  seedDir?: string;
  /** Delays (ms) between webhook attempts; Facebook's schedule scaled down otherwise (GRAPH_RETRY_SCHEDULE). */
  retrySchedule?: number[];
  /** One line per request and per webhook attempt (for `mock graph --verbose`). */
  log?: (line: string) => void;
  onRequest?: (entry: RequestLogEntry) => void;
  onWebhook?: (d: WebhookDelivery, a: WebhookAttempt) => void;
}

export interface GraphEmulator {
  /** http://127.0.0.1:PORT (no trailing slash, no version). */
  url: string;
  appId: string;
  /** APP_ID|APP_SECRET */
  appToken: string;
  state: EmulatorState;
  /** Every webhook delivery with its attempts (what GET /_fbpay/deliveries serves). */
  webhooks: WebhookDispatcher;
  /** Resolves when every webhook sent so far is final (accepted, or its retries ran out). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_EMULATOR_APP_ID = '1000000000000001';
export const DEFAULT_EMULATOR_APP_SECRET = 'fbpay-emulator-secret';

/**
 * Starts the offline Graph API emulator on loopback: payments, refunds, disputes, Payments Lite
 * purchases and consume, products, webhook subscriptions, with Graph's error envelopes, plus the
 * `/_fbpay/*` admin routes and `POST /_fbpay/trigger/{event}` tests and CI scripts use to mint
 * users, make purchases, seed and change payments (each change sends a signed payments update to
 * the subscribed callback, retried like Facebook does) and inject faults. Built on the emulator
 * skeleton (`startEmulator`).
 */
export async function startGraphEmulator(opts: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const provider = createGraphEmulatorProvider(opts);
  if (opts.seedDir) await provider.seed(opts.seedDir);
  const log = opts.log;
  const running = await startEmulator(provider, {
    port: opts.port,
    host: opts.host,
    retrySchedule: opts.retrySchedule ?? [...GRAPH_RETRY_SCHEDULE],
    log,
    onRequest: (e) => {
      opts.onRequest?.(e);
      log?.(`${e.method} ${e.path} → ${e.status}`);
    },
    onWebhook: (d, a) => {
      opts.onWebhook?.(d, a);
      log?.(`webhook ${d.event_type} → ${d.url} ${a.status ?? a.reason ?? ''} (attempt ${a.n})`);
    },
  });
  return {
    url: running.url,
    appId: provider.state.appId,
    appToken: provider.state.appToken,
    state: provider.state,
    webhooks: running.webhooks,
    idle: () => running.idle(),
    close: () => running.close(),
  };
}

export interface GraphEmulatorProvider extends EmulatorProvider {
  readonly state: EmulatorState;
  /** Loads every event fixture with a `payment` from a fixture file or folder. Returns the seeded payment ids. */
  seed(path: string): Promise<string[]>;
}

/** The Graph emulator as an EmulatorProvider: its routes, state, signing and trigger events. */
export function createGraphEmulatorProvider(opts: GraphProviderOptions = {}): GraphEmulatorProvider {
  const appId = opts.appId ?? DEFAULT_EMULATOR_APP_ID;
  const appSecret = opts.appSecret ?? DEFAULT_EMULATOR_APP_SECRET;
  if (appId.includes('|') || appSecret.includes('|')) throw new UsageError('bad_option', 'the app id and secret must not contain "|"', { hint: 'the app token is APP_ID|APP_SECRET' });
  const state = new EmulatorState({ appId, appSecret, now: opts.now });
  if (opts.webhookUrl) state.subscriptions.push({ object: 'payments', callback_url: opts.webhookUrl, fields: ['actions', 'disputes'], active: true });
  const routes = new GraphRoutes(state, opts);
  const seeded: string[] = [];
  return {
    provider: 'facebook',
    state,
    defaultRetrySchedule: GRAPH_RETRY_SCHEDULE,
    triggerEvents: GRAPH_TRIGGER_EVENTS,
    info: () => ({ app_id: appId, app_token: `${appId}|${maskSecret(appSecret)}`, graph_version: 'v21.0', payments: state.payments.size, ...(seeded.length ? { seeded_payment_ids: seeded } : {}), subscriptions: state.subscriptions.map((s) => ({ object: s.object, callback_url: s.callback_url, fields: s.fields })) }),
    error: (status, message) => ({ status, body: new GraphFault(status, status >= 500 ? 1 : 100, message, status === 404 ? 'GraphMethodException' : 'OAuthException').envelope() }),
    handle: (req, host) => routes.handle(req, host),
    trigger: (event, params, host): Promise<TriggerOutcome> => runGraphTrigger(event, params, { state, host, notify: (id, changed) => routes.notify(host, id, changed) }),
    stats: () => ({ graph_requests: state.requests.graph, admin_requests: state.requests.admin, users: state.users.size, payments: state.payments.size, purchases: state.purchases.size, subscriptions: state.subscriptions.length }),
    async started() {
      if (!opts.subscribe) return;
      const { callbackUrl, verifyToken, fields } = opts.subscribe;
      try {
        await routes.subscribe({ object: 'payments', callback_url: callbackUrl, verify_token: verifyToken, fields: (fields ?? ['actions', 'disputes']).join(',') });
      } catch (e) {
        if (!(e instanceof GraphFault)) throw e;
        throw new UsageError('subscription_refused', `the webhook subscription for ${callbackUrl} was refused: ${e.message}`, {
          hint: 'the callback must answer GET ?hub.mode=subscribe&hub.challenge=N&hub.verify_token=T with 200 and exactly N (fbpay webhook listen does); pass its token with --verify-token',
        });
      }
    },
    async seed(path) {
      const ids = await seedFixtures(state, path);
      seeded.push(...ids);
      return ids;
    },
  };
}

async function seedFixtures(state: EmulatorState, path: string): Promise<string[]> {
  const { FixtureLibrary } = await import('../../fixtures.js');
  const lib = new FixtureLibrary([]);
  const ids: string[] = [];
  for (const fx of lib.addPath(path)) {
    if (fx.kind === 'scenario') continue;
    for (const r of lib.render(fx.name, { now: state.now })) if (r.payment !== undefined) ids.push(state.seedPayment(r.payment));
  }
  return ids;
}

interface Req {
  method: string;
  /** Path without the /vNN.N prefix. */
  path: string;
  parts: string[];
  params: Record<string, unknown>;
  token?: string;
  proof?: string;
  url: URL;
}

type Out = { status?: number; body: unknown };

class GraphRoutes {
  constructor(
    private readonly state: EmulatorState,
    private readonly opts: GraphProviderOptions,
  ) {}

  async handle(raw: EmulatorRequest, host: EmulatorHost): Promise<EmulatorReply> {
    const path = raw.path.replace(/^\/v\d+\.\d+(?=\/|$)/, '') || '/';
    const admin = path.startsWith('/_fbpay/');
    if (admin) this.state.requests.admin++;
    else this.state.requests.graph++;
    try {
      const params: Record<string, unknown> = Object.fromEntries(raw.url.searchParams);
      Object.assign(params, parseBody(raw.body, String(raw.headers['content-type'] ?? ''), admin));
      const auth = String(raw.headers.authorization ?? '');
      const m = /^(?:OAuth|Bearer)\s+(.+)$/i.exec(auth.trim());
      const token = m ? m[1].trim() : typeof params.access_token === 'string' ? params.access_token : undefined;
      const proof = typeof params.appsecret_proof === 'string' ? params.appsecret_proof : undefined;
      let parts: string[];
      try {
        parts = path.split('/').filter(Boolean).map(decodeURIComponent);
      } catch {
        throw new GraphFault(400, 100, 'malformed path', 'GraphMethodException');
      }
      const r: Req = { method: raw.method, path, parts, params, token, proof, url: raw.url };
      if (!admin) {
        const fault = this.state.takeFault(path);
        if (fault) {
          if (fault.delay_ms) await new Promise((resolve) => setTimeout(resolve, fault.delay_ms));
          const code = fault.graph_code ?? (fault.status >= 500 ? 2 : 1);
          const f = new GraphFault(fault.status, code, fault.message ?? (code === 4 ? '(#4) Application request limit reached' : code === 2 ? 'Service temporarily unavailable' : `(#${code}) injected fault`));
          return { status: fault.status, body: f.envelope(), ...(fault.retry_after ? { headers: { 'retry-after': fault.retry_after } } : {}) };
        }
      }
      const out = admin ? await this.admin(r, host) : await this.graph(r, host);
      return { status: out.status ?? 200, body: out.body };
    } catch (e) {
      const f =
        e instanceof GraphFault
          ? e
          : e instanceof FbpayError
            ? new GraphFault(400, 100, e.message, 'GraphMethodException')
            : new GraphFault(500, 1, 'An unknown error occurred', 'OAuthException');
      if (!(e instanceof GraphFault) && !(e instanceof FbpayError)) host.log(`internal error: ${(e as Error).message}`);
      return { status: f.status, body: f.envelope() };
    }
  }

  private caller(r: Req): Caller {
    return this.state.authenticate(r.token, r.proof);
  }

  private async graph(r: Req, host: EmulatorHost): Promise<Out> {
    const s = this.state;
    const [a, b] = r.parts;
    // GET /{application-id}/purchases ("purchases associated with this user-app pair" in the Graph reference) is the same list.
    if (r.parts.length === 2 && (a === 'app' || a === s.appId) && b === 'purchases' && r.method === 'GET') {
      const user = s.requireUser(this.caller(r), `GET /${a}/purchases`);
      return { body: page(s.listPurchases(user), r, host.url) };
    }
    if (r.parts.length === 2 && b === 'consume' && r.method === 'POST') {
      const user = s.requireUser(this.caller(r), 'POST /{purchase_token}/consume');
      s.consume(user, a);
      return { body: { success: true } };
    }
    if (r.parts.length === 2 && (a === s.appId || a === 'app') && b === 'products' && r.method === 'GET') {
      this.caller(r);
      return { body: page([...s.products.values()], r, host.url) };
    }
    if (r.parts.length === 2 && (a === s.appId || a === 'app') && b === 'products' && r.method === 'POST') {
      s.requireApp(this.caller(r), 'POST /{app-id}/products');
      return { body: createProduct(s, r.params) };
    }
    if (r.parts.length === 2 && (a === s.appId || a === 'app') && b === 'subscriptions') {
      s.requireApp(this.caller(r), 'subscriptions');
      return this.subscriptions(r);
    }
    if (r.parts.length === 2 && b === 'refunds' && r.method === 'POST') {
      s.requireApp(this.caller(r), 'POST /{payment-id}/refunds');
      const p = s.refund(a, r.params);
      this.notify(host, String(p.id), ['actions']);
      return { body: { success: true } };
    }
    if (r.parts.length === 2 && b === 'dispute' && r.method === 'POST') {
      s.requireApp(this.caller(r), 'POST /{payment-id}/dispute');
      const p = s.settleDispute(a, r.params.reason);
      this.notify(host, String(p.id), ['disputes']);
      return { body: { success: true } };
    }
    if (r.parts.length === 1 && r.method === 'GET') {
      const p = s.visiblePayment(a, this.caller(r));
      return { body: pickFields(p, r.params.fields) };
    }
    if (r.parts.length === 0) throw new GraphFault(400, 100, 'Unsupported get request. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api', 'GraphMethodException');
    throw new GraphFault(400, 2500, `Unknown path components: /${r.parts.slice(1).join('/')}`, 'OAuthException');
  }

  private async subscriptions(r: Req): Promise<Out> {
    const s = this.state;
    if (r.method === 'GET') {
      return {
        body: { data: s.subscriptions.map((x) => ({ object: x.object, callback_url: x.callback_url, active: x.active, fields: x.fields.map((name) => ({ name, version: 'v21.0' })) })) },
      };
    }
    if (r.method === 'DELETE') {
      const object = r.params.object === undefined ? undefined : String(r.params.object);
      const fields = r.params.fields === undefined ? [] : String(r.params.fields).split(',').map((f) => f.trim()).filter(Boolean);
      for (let i = s.subscriptions.length - 1; i >= 0; i--) {
        const sub = s.subscriptions[i];
        if (object && sub.object !== object) continue;
        // Like Graph: with fields, only those fields are removed; the subscription goes when none is left.
        if (fields.length) sub.fields = sub.fields.filter((f) => !fields.includes(f));
        if (!fields.length || !sub.fields.length) s.subscriptions.splice(i, 1);
      }
      return { body: { success: true } };
    }
    if (r.method !== 'POST') throw new GraphFault(400, 100, `Unsupported ${r.method} request`, 'GraphMethodException');
    return { body: await this.subscribe(r.params) };
  }

  /** POST /{app-id}/subscriptions: checks, the verification request, then one subscription per object (replaced). */
  async subscribe(params: Record<string, unknown>): Promise<{ success: true }> {
    const req = parseSubscriptionRequest(params, Boolean(this.opts.allowRemote));
    await verifyCallback(req.url, req.verifyToken);
    const s = this.state;
    const sub: EmulatorSubscription = { object: req.object, callback_url: req.callbackUrl, fields: req.fields, verify_token: req.verifyToken, active: true };
    const existing = s.subscriptions.find((x) => x.object === req.object);
    if (existing) Object.assign(existing, sub);
    else s.subscriptions.push(sub);
    return { success: true };
  }

  private async admin(r: Req, host: EmulatorHost): Promise<Out> {
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
      this.notify(host, purchase.payment_id, ['actions']);
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
      this.notify(host, id, ['actions']);
      return { body: p };
    }
    if (what === 'payments' && post && r.parts.length === 4 && sub === 'disputes') {
      const p = s.addDispute(id, r.params);
      this.notify(host, id, ['disputes']);
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

  /**
   * Sends the signed payments update for a change to each subscribed callback whose fields include
   * a changed field (only those fields are listed), through the skeleton's dispatcher (retries,
   * delivery log). Returns the deliveries' final outcomes.
   */
  notify(host: EmulatorHost, paymentId: string, changed: string[]): Array<Promise<WebhookDelivery>> {
    const out: Array<Promise<WebhookDelivery>> = [];
    for (const sub of this.state.subscriptions) {
      if (sub.object !== 'payments' || !sub.active) continue;
      const fields = changed.filter((f) => sub.fields.includes(f));
      if (!fields.length) continue;
      const body = Buffer.from(JSON.stringify({ object: 'payments', entry: [{ id: paymentId, time: this.state.now(), changed_fields: fields }] }));
      const headers = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', ...hubSignatureHeaders(body, this.state.appSecret) };
      const entry: { url: string; payment_id: string; changed_fields: string[]; status?: number; error?: string } = { url: sub.callback_url, payment_id: paymentId, changed_fields: fields };
      this.state.webhooks.push(entry);
      const { done } = host.webhooks.send({ event_type: `payments.${fields.join(',')}`, url: sub.callback_url, headers, body, meta: { payment_id: paymentId, changed_fields: fields } });
      out.push(
        done.then((d) => {
          entry.status = d.status;
          if (!d.ok) entry.error = d.reason ?? 'not accepted';
          return d;
        }),
      );
    }
    return out;
  }
}

/**
 * Graph's cursor paging: `limit` (default 25), `after`/`before` cursors (opaque, base64 of the
 * position here), `paging.cursors` on every page with data and `paging.next` only when more follow.
 */
function page<T>(items: T[], r: Req, base: string): { data: T[]; paging?: Record<string, unknown> } {
  const limit = r.params.limit === undefined ? GRAPH_PAGE_SIZE : Number(r.params.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new GraphFault(400, 100, '(#100) Param limit must be a positive integer', 'OAuthException');
  const size = Math.min(limit, 100);
  const cursor = (i: number) => Buffer.from(`fbpay:${i}`).toString('base64url');
  const position = (c: unknown, name: string): number => {
    const m = /^fbpay:(\d+)$/.exec(Buffer.from(String(c), 'base64url').toString('utf8'));
    if (!m) throw new GraphFault(400, 100, `(#100) Invalid ${name} cursor`, 'OAuthException');
    return Number(m[1]);
  };
  let start = 0;
  if (r.params.after !== undefined) start = position(r.params.after, 'after') + 1;
  else if (r.params.before !== undefined) start = Math.max(0, position(r.params.before, 'before') - size);
  const data = items.slice(start, start + size);
  if (!data.length) return { data };
  const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + data.length - 1) } };
  if (start + data.length < items.length) {
    const next = new URL(`${base}${r.url.pathname}`);
    for (const [k, v] of r.url.searchParams) if (k !== 'after' && k !== 'before') next.searchParams.set(k, v);
    // Graph's next URLs carry the access token, so following one needs nothing else.
    if (r.token && !next.searchParams.has('access_token')) next.searchParams.set('access_token', r.token);
    next.searchParams.set('limit', String(size));
    next.searchParams.set('after', cursor(start + data.length - 1));
    paging.next = next.toString();
  }
  if (start > 0) {
    const previous = new URL(`${base}${r.url.pathname}`);
    for (const [k, v] of r.url.searchParams) if (k !== 'after' && k !== 'before') previous.searchParams.set(k, v);
    if (r.token && !previous.searchParams.has('access_token')) previous.searchParams.set('access_token', r.token);
    previous.searchParams.set('limit', String(size));
    previous.searchParams.set('before', cursor(start));
    paging.previous = previous.toString();
  }
  return { data, paging };
}

/** POST /{app-id}/products (emulator): product_id, title, price (decimal), currency. */
function createProduct(s: EmulatorState, params: Record<string, unknown>): Record<string, unknown> {
  const id = typeof params.product_id === 'string' ? params.product_id.trim() : '';
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(id)) throw new GraphFault(400, 100, '(#100) The parameter product_id is required (letters, digits, _ . -)', 'OAuthException');
  const price = String(params.price ?? '');
  if (!/^\d+(\.\d{1,2})?$/.test(price)) throw new GraphFault(400, 100, '(#100) The parameter price is required, a decimal amount such as 0.99', 'OAuthException');
  const currency = String(params.currency ?? 'USD').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new GraphFault(400, 100, '(#100) Param currency must be an ISO 4217 code', 'OAuthException');
  const title = typeof params.title === 'string' && params.title.trim() ? params.title.trim() : id;
  const product = { product_id: id, title, description: typeof params.description === 'string' ? params.description : title, price: `${currency === 'USD' ? '$' : `${currency} `}${price}`, price_amount: Number(price), price_currency_code: currency };
  s.products.set(id, product);
  return product;
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
