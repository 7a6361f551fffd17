import type { Dispatcher } from 'undici';
import { NetworkError, UsageError, InterruptedError } from '../core/errors.js';

/**
 * The one HTTP client (undici). Every outgoing request in fbpay goes through `httpRequest`, which
 * returns the raw body bytes and maps failures to NetworkError (exit 3) with a one-line reason.
 * undici is imported lazily so commands without network start fast.
 */
export interface HttpRequest {
  method: string;
  url: string | URL;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Whole-request timeout (headers and body), ms. Default 10 000. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** Largest response body kept, bytes (the rest is discarded, `truncated` set). Default 4 MiB. */
  maxResponseBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
  latencyMs: number;
}

export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const { request } = await import('undici');
  const timeoutMs = req.timeoutMs ?? 10_000;
  const url = typeof req.url === 'string' ? req.url : req.url.toString();
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  const max = req.maxResponseBytes ?? 4 * 1024 * 1024;
  const started = performance.now();
  try {
    const res = await request(url, {
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body,
      dispatcher: req.dispatcher,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      maxRedirections: 0,
    } as Parameters<typeof request>[1]);
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of res.body) {
      const b = chunk as Buffer;
      if (size + b.length > max) {
        truncated = true;
        if (size < max) chunks.push(b.subarray(0, max - size));
        size = max;
        continue;
      }
      size += b.length;
      chunks.push(b);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.statusCode, headers, body: Buffer.concat(chunks), truncated, latencyMs: performance.now() - started };
  } catch (e) {
    throw networkError(timeout.aborted ? Object.assign(new Error('timeout'), { code: 'TimeoutError' }) : e, url, timeoutMs, req.signal);
  }
}

/** Maps undici/Node errors to a NetworkError with a one-line reason. */
export function networkError(e: unknown, url: string, timeoutMs: number, userSignal?: AbortSignal): Error {
  if (userSignal?.aborted) return userSignal.reason instanceof Error ? userSignal.reason : new InterruptedError();
  const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = [err?.code, err?.cause?.code, err?.name].find((c) => typeof c === 'string');
  const where = safeOrigin(url);
  switch (code) {
    case 'ECONNREFUSED':
      return new NetworkError('connection_refused', `connection refused by ${where}`, { hint: 'is the server running on that port?' });
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return new NetworkError('connection_reset', `connection to ${where} was reset`, { hint: 'the server closed the connection mid-request' });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetworkError('dns_failed', `cannot resolve ${where}`, { hint: 'check the host name' });
    case 'TimeoutError':
    case 'AbortError':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new NetworkError('timeout', `${where} did not answer within ${timeoutMs} ms`, { hint: 'raise --timeout, or check the server is not hanging' });
    case 'UND_ERR_INVALID_ARG':
    case 'ERR_INVALID_URL':
      return new UsageError('bad_url', `invalid URL ${url.slice(0, 200)}`, { hint: 'use http://host:port/path' });
    default:
      return new NetworkError('network', `request to ${where} failed: ${err?.message ?? String(e)}`.slice(0, 300), { hint: 'check the URL and that the server is reachable' });
  }
}

function safeOrigin(url: string): string {
  try {
    const u = new URL(url);
    return u.origin;
  } catch {
    return url.slice(0, 100);
  }
}

/** True for 127.0.0.0/8, ::1 and localhost: decided from the URL alone, before any DNS lookup. */
export function isLoopbackUrl(url: string | URL): boolean {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return false;
  }
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Refuses a non-loopback target (exit 2, before any DNS lookup) unless the user allowed remote targets. */
export function assertTargetAllowed(url: string, allowRemote: boolean, flag = '--allow-remote'): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError('bad_url', `invalid URL "${url.slice(0, 200)}"`, { hint: 'use http://127.0.0.1:PORT/path' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError('bad_url', `unsupported protocol ${u.protocol} in ${u.origin}`, { hint: 'use http:// or https://' });
  if (!allowRemote && !isLoopbackUrl(u)) {
    throw new UsageError('remote_target', `refusing to send to ${u.host}: not a loopback address`, {
      hint: `fbpay sends test traffic to 127.0.0.1/localhost only; pass ${flag} if you really mean it`,
    });
  }
  return u;
}

/** Exponential backoff with jitter: 200 ms, 400 ms, 800 ms … capped at 5 s; a Retry-After header (seconds or date) wins. */
export function backoffMs(attempt: number, retryAfter?: string, now = Date.now()): number {
  if (retryAfter) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, 30_000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.min(Math.max(0, at - now), 30_000);
  }
  const base = Math.min(200 * 2 ** attempt, 5_000);
  return base / 2 + Math.random() * (base / 2);
}

/** Sleeps, waking early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A replay sends the same URL thousands of times: parse it (and read its parts) once. */
interface ParsedUrl {
  raw: string | URL;
  href: string;
  origin: string;
  path: string;
}
let lastUrl: ParsedUrl | undefined;

function parsedUrl(raw: string | URL): ParsedUrl {
  if (lastUrl?.raw === raw) return lastUrl;
  const u = typeof raw === 'string' ? new URL(raw) : raw;
  return (lastUrl = { raw, href: u.href, origin: u.origin, path: u.pathname + u.search });
}

/**
 * The lean form of `httpRequest` for high-volume senders (`webhook replay --count`): the same
 * request and response shapes and the same error mapping, but straight on `dispatcher.dispatch`,
 * without a per-request body stream or abort signal. The whole-request timeout is one native
 * timer, cleared on completion (undici's own long timers outlive the request and would pile up as
 * old-generation garbage at high counts). To abort everything in flight, destroy the dispatcher.
 */
export function dispatchRequest(req: Omit<HttpRequest, 'signal' | 'dispatcher'> & { dispatcher: Dispatcher }): Promise<HttpResponse> {
  const timeoutMs = req.timeoutMs ?? 10_000;
  const max = req.maxResponseBytes ?? 4 * 1024 * 1024;
  let u: ParsedUrl;
  try {
    u = parsedUrl(req.url);
  } catch (e) {
    return Promise.reject(networkError(Object.assign(new Error(String(e)), { code: 'ERR_INVALID_URL' }), String(req.url), timeoutMs));
  }
  const started = performance.now();
  return new Promise<HttpResponse>((resolve, reject) => {
    let status = 0;
    let rawHeaders: Buffer[] = [];
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let abort: ((reason?: Error) => void) | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort?.(Object.assign(new Error('timeout'), { code: 'TimeoutError' }));
    }, timeoutMs);
    const fail = (e: unknown) => {
      clearTimeout(timer);
      reject(networkError(timedOut ? Object.assign(new Error('timeout'), { code: 'TimeoutError' }) : e, u.href, timeoutMs));
    };
    try {
      req.dispatcher.dispatch(
        { origin: u.origin, path: u.path, method: req.method as Dispatcher.HttpMethod, headers: req.headers, body: req.body, headersTimeout: 0, bodyTimeout: 0 },
        {
          onConnect(abortRequest: (reason?: Error) => void) {
            abort = abortRequest;
            if (timedOut) abortRequest(Object.assign(new Error('timeout'), { code: 'TimeoutError' }));
          },
          onHeaders(statusCode: number, headers: Buffer[]) {
            status = statusCode;
            rawHeaders = headers;
            return true;
          },
          onData(chunk: Buffer) {
            if (size + chunk.length > max) {
              truncated = true;
              if (size < max) chunks.push(chunk.subarray(0, max - size));
              size = max;
            } else {
              size += chunk.length;
              chunks.push(chunk);
            }
            return true;
          },
          onComplete() {
            clearTimeout(timer);
            resolve({ status, headers: decodeRawHeaders(rawHeaders), body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), truncated, latencyMs: performance.now() - started });
          },
          onError: fail,
        } as unknown as Dispatcher.DispatchHandler,
      );
    } catch (e) {
      fail(e);
    }
  });
}

/** undici's raw [name, value, …] header buffers as a record: lower-case names, repeats joined with ", ". */
function decodeRawHeaders(raw: Buffer[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i].toString('latin1').toLowerCase();
    const v = raw[i + 1].toString('latin1');
    headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  }
  return headers;
}
