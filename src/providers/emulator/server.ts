import { createServer as createHttpsServer } from 'node:https';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FbpayError, UsageError } from '../../core/errors.js';
import { discardThenClose, readBody } from '../http-body.js';
import { WebhookDispatcher, type WebhookAttempt, type WebhookDelivery } from './dispatcher.js';
import pkg from '../../../package.json' with { type: 'json' };

/**
 * The one emulator skeleton (`mock graph|paypal|midas`): the HTTP server, routing of fbpay's own
 * `/_fbpay/*` routes, the body reader with its size limit, the request log, and the webhook
 * dispatcher with retries and its delivery log. A provider adds only its routes, state and signing
 * (an `EmulatorProvider`).
 *
 * Routes every emulator has:
 * - `GET /_fbpay/info` → `{"provider","version","url","trigger_events",…provider.info()}`
 * - `GET /_fbpay/deliveries` → `{"data":[delivery…]}` every webhook delivery with each attempt
 * - `POST /_fbpay/trigger/{event}` (JSON object or form body of string params) → the state change
 *   the provider makes, once every webhook it caused is final:
 *   `{"event","ids":{…},"deliveries":[{"event_type","url","status","ok","attempts","reason"}],…}`.
 *   Errors on these routes use fbpay's envelope `{"error":{"code","message","hint"}}`.
 */

export type ProviderName = 'facebook' | 'paypal' | 'midas';

export interface EmulatorRequest {
  method: string;
  url: URL;
  /** url.pathname, undecoded. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw bytes received (at most maxBodyBytes; larger bodies got 413 before the provider ran). */
  body: Buffer;
}

export interface EmulatorReply {
  status: number;
  headers?: Record<string, string>;
  /** A Buffer or string is sent as is; anything else as JSON. Omitted: no body. */
  body?: unknown;
}

/** Thrown by a provider to answer with a specific reply (its own error envelope). */
export class EmulatorReplyError extends Error {
  constructor(readonly reply: EmulatorReply) {
    super(`HTTP ${reply.status}`);
  }
}

/** What a provider's trigger did: the ids involved, and the deliveries it started (awaited by the skeleton). */
export interface TriggerOutcome {
  ids: Record<string, unknown>;
  deliveries: Array<Promise<WebhookDelivery>>;
  /** Anything else worth returning (a signed_request, a token, …). */
  extra?: Record<string, unknown>;
}

export interface EmulatorHost {
  /** http://127.0.0.1:PORT, no trailing slash. */
  readonly url: string;
  readonly webhooks: WebhookDispatcher;
  /** A diagnostic line (shown with the request log). */
  log(line: string): void;
}

export interface EmulatorProvider {
  readonly provider: ProviderName;
  /** Credentials and ids the emulator accepts (in the listening line and /_fbpay/info). */
  info(): Record<string, unknown>;
  /** The provider's own routes (and its own /_fbpay/* admin routes). undefined → 404. */
  handle(req: EmulatorRequest, host: EmulatorHost): Promise<EmulatorReply | undefined>;
  /** The provider's error envelope for a status and a message (404, 413, 400, 500 from the skeleton). */
  error(status: number, message: string): EmulatorReply;
  /** Delays (ms) between webhook attempts: the provider's schedule, scaled down (overridable with --retry-schedule). */
  readonly defaultRetrySchedule: readonly number[];
  /** Event names `trigger` accepts (`fb-refund`, `paypal-subscription-create`, …). */
  readonly triggerEvents: readonly string[];
  /** Makes the state change an event names; throws UsageError for bad params (→ 400). */
  trigger(event: string, params: Record<string, string>, host: EmulatorHost): Promise<TriggerOutcome>;
  /** Counts for the summary and /_fbpay/info. */
  stats?(): Record<string, unknown>;
  /** Called once the server listens (e.g. a `--webhook-url` subscription made at start). */
  started?(host: EmulatorHost): Promise<void>;
}

export interface RequestLogEntry {
  type: 'request';
  method: string;
  path: string;
  status: number;
  ms: number;
}

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Request bodies over this get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Delays between webhook attempts (ms); the provider's default schedule otherwise. */
  retrySchedule: number[];
  onRequest?: (entry: RequestLogEntry) => void;
  onWebhook?: (d: WebhookDelivery, a: WebhookAttempt) => void;
  log?: (line: string) => void;
  /** Serve https with this key and certificate (PEM) instead of http. */
  tls?: { key: string; cert: string };
}

export interface RunningEmulator extends EmulatorHost {
  readonly provider: EmulatorProvider;
  /** Requests served (every route). */
  readonly requests: number;
  /** Resolves when every webhook started so far is final. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

export async function startEmulator(provider: EmulatorProvider, opts: EmulatorOptions): Promise<RunningEmulator> {
  const webhooks = new WebhookDispatcher({ schedule: opts.retrySchedule, onAttempt: opts.onWebhook });
  let requests = 0;
  const hostObj = {
    url: '',
    webhooks,
    log: (line: string) => opts.log?.(line),
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    requests++;
    const started = performance.now();
    handle(provider, hostObj, opts.maxBodyBytes ?? DEFAULT_MAX_BODY, req, res)
      .catch((e) => {
        opts.log?.(`internal error: ${(e as Error).message}`);
        if (!res.headersSent) send(res, provider.error(500, 'emulator failure'));
      })
      .finally(() => {
        const path = (req.url ?? '/').split('?')[0];
        opts.onRequest?.({ type: 'request', method: req.method ?? 'GET', path, status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 });
      });
  };
  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, onRequest) : createServer(onRequest);
  server.keepAliveTimeout = 1000;
  await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  const addr = server.address() as AddressInfo;
  hostObj.url = `${opts.tls ? 'https' : 'http'}://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  const running: RunningEmulator = {
    provider,
    get url() {
      return hostObj.url;
    },
    webhooks,
    log: hostObj.log,
    get requests() {
      return requests;
    },
    idle: () => webhooks.idle(),
    async close() {
      webhooks.close();
      await Promise.race([webhooks.idle(), new Promise((r) => setTimeout(r, 3000).unref())]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  if (provider.started) {
    try {
      await provider.started(running);
    } catch (e) {
      await running.close();
      throw e;
    }
  }
  return running;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new UsageError('port_in_use', `port ${port} on ${host} is already in use`, { hint: 'pick another --port, or --port 0 for a free one' })
          : new UsageError('listen_failed', `cannot listen on ${host}:${port}: ${e.code ?? e.message}`, { hint: 'check --host and --port' }),
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function handle(provider: EmulatorProvider, host: EmulatorHost, maxBody: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://emulator');
  } catch {
    return send(res, provider.error(400, 'malformed request URL'));
  }
  const body = await readBody(req, maxBody);
  if (body === 'too_large') {
    send(res, provider.error(413, `request body over ${maxBody} bytes`), { connection: 'close' });
    discardThenClose(req);
    return;
  }
  if (body === 'aborted') return;
  const r: EmulatorRequest = { method: req.method ?? 'GET', url, path: url.pathname, headers: req.headers, body };
  try {
    const own = await fbpayRoute(provider, host, r);
    if (own) return send(res, own);
    const reply = await provider.handle(r, host);
    send(res, reply ?? provider.error(404, `no route for ${r.method} ${r.path}`));
  } catch (e) {
    if (e instanceof EmulatorReplyError) return send(res, e.reply);
    if (e instanceof FbpayError) return send(res, provider.error(400, e.message));
    throw e;
  }
}

/** The skeleton's own routes; undefined for everything else. */
async function fbpayRoute(provider: EmulatorProvider, host: EmulatorHost, r: EmulatorRequest): Promise<EmulatorReply | undefined> {
  if (!r.path.startsWith('/_fbpay/')) return undefined;
  if (r.path === '/_fbpay/info' && r.method === 'GET') {
    return {
      status: 200,
      body: {
        provider: provider.provider,
        version: pkg.version,
        url: host.url,
        trigger_events: provider.triggerEvents,
        ...provider.info(),
        stats: { ...(provider.stats?.() ?? {}), webhooks_sent: host.webhooks.sent, webhook_attempts: host.webhooks.attempts },
      },
    };
  }
  if (r.path === '/_fbpay/deliveries' && r.method === 'GET') return { status: 200, body: { data: host.webhooks.log } };
  const m = /^\/_fbpay\/trigger\/([^/]+)$/.exec(r.path);
  if (!m) return undefined;
  if (r.method !== 'POST') return fbpayError(405, 'method_not_allowed', `use POST ${r.path}`);
  const event = decodeURIComponent(m[1]);
  if (!provider.triggerEvents.includes(event)) {
    return fbpayError(400, 'unknown_event', `the ${provider.provider} emulator has no event "${event}"`, `events: ${provider.triggerEvents.join(', ')}`);
  }
  let params: Record<string, string>;
  try {
    params = triggerParams(r);
  } catch (e) {
    return fbpayError(400, 'bad_params', (e as Error).message, 'send a JSON object of string values, or a form body');
  }
  try {
    const outcome = await provider.trigger(event, params, host);
    const deliveries = await Promise.all(outcome.deliveries);
    return {
      status: 200,
      body: {
        event,
        ids: outcome.ids,
        ...(outcome.extra ?? {}),
        deliveries: deliveries.map((d) => ({
          event_type: d.event_type,
          url: d.url,
          status: d.status ?? null,
          ok: d.ok,
          attempts: d.attempts.length,
          reason: d.reason ?? null,
          ...(d.attempts.at(-1)?.reply !== undefined ? { reply: d.attempts.at(-1)!.reply } : {}),
        })),
      },
    };
  } catch (e) {
    if (e instanceof FbpayError) return fbpayError(e.exitCode === 2 ? 400 : 409, e.code, e.message, e.hint);
    throw e;
  }
}

function triggerParams(r: EmulatorRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of r.url.searchParams) out[k] = v;
  if (!r.body.length) return out;
  const text = r.body.toString('utf8');
  if (/^\s*\{/.test(text)) {
    const doc = JSON.parse(text) as unknown;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the body must be a JSON object');
    for (const [k, v] of Object.entries(doc)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    return out;
  }
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}

function fbpayError(status: number, code: string, message: string, hint?: string): EmulatorReply {
  return { status, body: { error: { code, message, ...(hint ? { hint } : {}) } } };
}

function send(res: ServerResponse, reply: EmulatorReply, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) return;
  let payload: Buffer | undefined;
  const headers: Record<string, string> = { ...(reply.headers ?? {}), ...extraHeaders };
  if (reply.body === undefined) payload = undefined;
  else if (Buffer.isBuffer(reply.body)) payload = reply.body;
  else if (typeof reply.body === 'string') payload = Buffer.from(reply.body);
  else {
    payload = Buffer.from(JSON.stringify(reply.body));
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json; charset=UTF-8';
  }
  headers['content-length'] = String(payload?.length ?? 0);
  res.writeHead(reply.status, headers);
  res.end(payload);
}
