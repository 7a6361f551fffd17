import type { Dispatcher } from 'undici';
import { NetworkError } from '../../core/errors.js';
import { appsecretProof } from '../../core/facebook/appsecret-proof.js';
import { backoffMs, httpRequest, sleep, type HttpResponse } from '../../transport/http.js';
import { THROTTLING_CODES, graphError, parseGraphError, type GraphCallContext } from './errors.js';

export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';

export interface GraphClientOptions {
  /** https://graph.facebook.com, or the emulator's URL. */
  baseUrl?: string;
  /** "v21.0"; empty or "none" for unversioned paths. */
  version?: string;
  accessToken?: string;
  /** With `proof`, adds appsecret_proof = HMAC-SHA256(token, appSecret). */
  appSecret?: string;
  proof?: boolean;
  /** Per attempt, ms. Default 10 000. */
  timeoutMs?: number;
  /** Extra attempts after the first for 5xx and throttling codes. Default 3. */
  retries?: number;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  /** How the token is sent on GET: an Authorization header (default). POSTs carry it in the form body. */
  authHeader?: 'OAuth' | 'Bearer';
  /** Called before each retry (for `--verbose`). */
  onRetry?: (info: { attempt: number; waitMs: number; reason: string }) => void;
  /**
   * Called after each attempt (for `--verbose`): the request line without secrets (the token travels
   * in a header or the form body, never in the URL; form values of access_token are masked) and what came back.
   */
  onExchange?: (info: { method: string; url: string; form?: string; status?: number; body?: string; error?: string; latencyMs?: number }) => void;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface GraphCallOptions extends GraphCallContext {
  /** Query parameters (GET) or form fields (POST). Never the access token: the client adds that. */
  params?: Record<string, string | number | boolean | undefined>;
}

/**
 * A small Graph API client over the one transport: the token goes in an Authorization header (GET)
 * or the form body (POST), never into the URL; appsecret_proof on request; timeouts; retries with
 * backoff for 5xx and throttling codes 4, 17, 32, 613 (Retry-After honoured), none for other 4xx.
 * Graph error envelopes become NetworkErrors (exit 3) with code, fbtrace_id and a hint.
 */
export class GraphClient {
  readonly baseUrl: string;
  readonly version: string;
  private readonly opts: GraphClientOptions;

  constructor(opts: GraphClientOptions = {}) {
    this.opts = opts;
    this.baseUrl = (opts.baseUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
    this.version = !opts.version || opts.version === 'none' ? '' : opts.version.replace(/^\/+|\/+$/g, '');
  }

  /** The URL for a path: base + version + path (a path that already names a version keeps it). */
  url(path: string): URL {
    const clean = path.replace(/^\/+/, '');
    const versioned = /^v\d+\.\d+(\/|$)/.test(clean) || !this.version ? clean : `${this.version}/${clean}`;
    return new URL(`${this.baseUrl}/${versioned}`);
  }

  get<T = unknown>(path: string, call: GraphCallOptions = {}): Promise<T> {
    return this.call<T>('GET', path, call);
  }

  post<T = unknown>(path: string, call: GraphCallOptions = {}): Promise<T> {
    return this.call<T>('POST', path, call);
  }

  /** DELETE: parameters in the query string, the token in the Authorization header (as on GET). */
  delete<T = unknown>(path: string, call: GraphCallOptions = {}): Promise<T> {
    return this.call<T>('DELETE', path, call);
  }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, call: GraphCallOptions): Promise<T> {
    const { accessToken, appSecret } = this.opts;
    const url = this.url(path);
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(call.params ?? {})) if (v !== undefined) params.set(k, String(v));
    const proof = this.opts.proof && accessToken && appSecret ? appsecretProof(accessToken, appSecret) : undefined;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'fbpay' };
    let body: string | undefined;
    if (method !== 'POST') {
      if (proof) params.set('appsecret_proof', proof);
      for (const [k, v] of params) url.searchParams.set(k, v);
      if (accessToken) headers.authorization = `${this.opts.authHeader ?? 'OAuth'} ${accessToken}`;
    } else {
      if (accessToken) params.set('access_token', accessToken);
      if (proof) params.set('appsecret_proof', proof);
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = params.toString();
    }
    const ctx: GraphCallContext = { ...call, tokenKind: accessToken ? (isAppToken(accessToken) ? 'app' : 'user') : call.tokenKind, secrets: [accessToken, appSecret, ...(call.secrets ?? [])] };
    const retries = this.opts.retries ?? 3;
    const wait = this.opts.sleep ?? sleep;
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      const shown = { method, url: url.toString(), form: body === undefined ? undefined : maskForm(body) };
      try {
        res = await httpRequest({ method, url, headers, body, timeoutMs: this.opts.timeoutMs ?? 10_000, signal: this.opts.signal, dispatcher: this.opts.dispatcher });
        this.opts.onExchange?.({ ...shown, status: res.status, body: res.body.toString('utf8').slice(0, 2000), latencyMs: res.latencyMs });
      } catch (e) {
        this.opts.onExchange?.({ ...shown, error: (e as Error).message });
        if (e instanceof NetworkError && e.code === 'dns_failed' && url.hostname.endsWith('facebook.com')) throw offline(e, url);
        if (e instanceof NetworkError && e.code === 'connection_reset' && attempt < retries) {
          await this.pause(attempt, undefined, 'connection reset', wait);
          continue;
        }
        throw e;
      }
      const envelope = parseGraphError(res.body);
      const throttled = envelope?.code !== undefined && THROTTLING_CODES.has(envelope.code);
      if ((res.status >= 500 || throttled) && attempt < retries) {
        await this.pause(attempt, res.headers['retry-after'], envelope ? `Graph error ${envelope.code} (HTTP ${res.status})` : `HTTP ${res.status}`, wait);
        continue;
      }
      if (envelope) throw graphError(envelope, res.status, ctx);
      if (res.status < 200 || res.status >= 300) {
        throw new NetworkError('graph_http', `Graph answered HTTP ${res.status} without an error envelope from ${url.origin}`, {
          hint: res.status === 404 ? 'check --graph-url and --graph-version (the path was not found)' : 'is --graph-url a Graph API endpoint?',
        });
      }
      try {
        return JSON.parse(res.body.toString('utf8')) as T;
      } catch {
        throw new NetworkError('graph_bad_response', `Graph answered HTTP ${res.status} with a body that is not JSON (${res.body.length} bytes)`, {
          hint: 'is --graph-url a Graph API endpoint?',
        });
      }
    }
  }

  private async pause(attempt: number, retryAfter: string | undefined, reason: string, wait: NonNullable<GraphClientOptions['sleep']>) {
    const waitMs = backoffMs(attempt, retryAfter);
    this.opts.onRetry?.({ attempt: attempt + 1, waitMs, reason });
    await wait(waitMs, this.opts.signal);
  }
}

/** A form body for --verbose: access_token and appsecret_proof values masked. */
function maskForm(body: string): string {
  const p = new URLSearchParams(body);
  for (const k of ['access_token', 'appsecret_proof']) if (p.has(k)) p.set(k, '***');
  return p.toString();
}

/** A DNS failure for graph.facebook.com: say the network is unreachable and how to work offline. */
function offline(e: NetworkError, url: URL): NetworkError {
  return new NetworkError('dns_failed', `cannot resolve ${url.hostname}: the network is unreachable (no DNS answer), so Graph cannot be reached`, {
    hint: 'check the connection; to work offline, start the emulator (`fbpay mock graph --port 4000`) and pass --graph-url http://127.0.0.1:4000 (or set FB_GRAPH_URL)',
    cause: e,
  });
}

/** True for an app access token (`APP_ID|APP_SECRET` or `APP_ID|client-token`): it contains a `|`. */
export function isAppToken(token: string): boolean {
  return token.includes('|');
}
