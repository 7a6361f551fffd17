import type { Dispatcher } from 'undici';
import { build as buildHistogram } from 'hdr-histogram-js';
import type { RenderedFixture } from '../../core/fixtures/schema.js';
import { FbpayError, InterruptedError, NetworkError } from '../../core/errors.js';
import { backoffMs, dispatchRequest, httpRequest, sleep, type HttpResponse } from '../../transport/http.js';
import type { CapturedDelivery, ExpectSpec, OutgoingDelivery, ReplayAdapter, TamperMode } from './adapter.js';
import { checkExpect } from './expect.js';

/**
 * The provider-neutral delivery engine behind `webhook replay`: pulls deliveries from a (possibly
 * endless) source, has the provider adapter turn each into exact bytes, sends them over one
 * keep-alive undici pool with bounded concurrency, judges each reply and streams a result per
 * delivery. The summary is computed from counters and an HDR histogram, so memory stays flat
 * however many deliveries are sent.
 */
export type ReplayInput = RenderedFixture | CapturedDelivery;

export interface ReplayOptions {
  /** The --to URL, already checked against --allow-remote. */
  target: URL;
  /** Requests in flight at once; 1 (the default) keeps the source's order. */
  concurrency?: number;
  /** Per attempt, ms. Default 10 000. */
  timeoutMs?: number;
  /** Extra attempts on network errors and 5xx replies, with exponential backoff. Default 0. */
  retries?: number;
  /** Default 2xx. The adapter's judge() overrides it. */
  expect?: ExpectSpec;
  /** Send each built delivery twice, same bytes. */
  duplicate?: boolean;
  /** --header k:v, applied over the adapter's headers. */
  extraHeaders?: Record<string, string>;
  tamper?: TamperMode;
  /** Ctrl-C: stop sending, abandon what is in flight, return the summary with interrupted=true. */
  signal?: AbortSignal;
  /** Unix seconds, for the adapter (stale tamper, timestamps). */
  now?: () => number;
  /** Called once per send, in completion order (source order when concurrency is 1). */
  onResult?: (r: DeliveryResult) => void;
  /** An undici dispatcher to use instead of the engine's own keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Largest reply kept for judging, bytes. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Backoff between retries (tests shorten it). Default transport backoffMs. */
  backoff?: (attempt: number, retryAfter?: string) => number;
}

export interface DeliveryResult {
  /** 1-based send number. */
  seq: number;
  /** Fixture name, scenario step or capture line. */
  label: string;
  method: string;
  url: string;
  /** Absent when no reply came (network error, timeout). */
  status?: number;
  ok: boolean;
  latencyMs: number;
  attempts: number;
  /** The reply as text, first 4 KiB. */
  response?: string;
  /** Why it did not meet the expectation, one line. */
  reason?: string;
  /** Set when no reply came at all. */
  error?: FbpayError;
  /** The second send of a --duplicate pair. */
  duplicate?: boolean;
  meta?: Record<string, unknown>;
}

export interface ReplaySummary {
  sent: number;
  ok: number;
  /** Replies that missed the expectation. */
  failed: number;
  /** Deliveries that got no reply (connection errors, timeouts), after retries. */
  errors: number;
  rps: number;
  latency_ms: { p50: number; p95: number; p99: number; max: number };
  status_counts: Record<string, number>;
  elapsed_ms: number;
  interrupted: boolean;
  /** The first network error, when there was one: the one-line reason behind exit 3. */
  first_error?: FbpayError;
}

const RESPONSE_PREVIEW = 4096;

/** Repeats a source `count` times (`--count N`); each round is produced afresh (new ids per round). */
export async function* repeatRounds<T>(count: number, round: (i: number) => AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  for (let i = 0; i < count; i++) yield* round(i);
}

/** The synchronous form, for sources that need no I/O (fixtures): no promise per delivery. */
export function* repeatRoundsSync<T>(count: number, round: (i: number) => Iterable<T>): Generator<T> {
  for (let i = 0; i < count; i++) yield* round(i);
}

/** Delivers everything `source` yields and resolves to the summary. Never throws for delivery failures. */
export async function replay(source: AsyncIterable<ReplayInput> | Iterable<ReplayInput>, adapter: ReplayAdapter, opts: ReplayOptions): Promise<ReplaySummary> {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const retries = Math.max(0, opts.retries ?? 0);
  const expect: ExpectSpec = opts.expect ?? { kind: 'class', cls: 2 };
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const backoff = opts.backoff ?? ((attempt: number, retryAfter?: string) => backoffMs(attempt, retryAfter));
  const signal = opts.signal;
  const maxResponseBytes = opts.maxResponseBytes ?? 1024 * 1024;
  const extra = opts.extraHeaders && Object.keys(opts.extraHeaders).length ? opts.extraHeaders : undefined;

  // Keep-alive connections sized to the concurrency, owned by the run: each worker has one request
  // in flight at a time, so it gets its own undici Client (one connection, no pipelining) for the
  // target's origin — no pool to search per request. A delivery to another origin (a fixture path
  // that is a whole URL) goes through a keep-alive Agent made when first needed. Ctrl-C destroys
  // them all, which fails whatever is in flight at once (cheaper than a combined signal per request).
  const undici = opts.dispatcher ? undefined : await import('undici');
  const own = !opts.dispatcher;
  const clients: Dispatcher[] = [];
  let elsewhere: Dispatcher | undefined;
  const originPrefix = `${opts.target.origin}/`;
  let lastUrl = '';
  let lastSame = false;
  const dispatcherFor = (worker: number, url: string): Dispatcher => {
    if (opts.dispatcher) return opts.dispatcher;
    if (url !== lastUrl) {
      lastUrl = url;
      lastSame = url.startsWith(originPrefix);
    }
    if (lastSame) return (clients[worker] ??= new undici!.Client(opts.target.origin, { pipelining: 1, keepAliveTimeout: 10_000 }));
    return (elsewhere ??= new undici!.Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 }));
  };
  const owned = (): Dispatcher[] => (elsewhere ? [...clients.filter(Boolean), elsewhere] : clients.filter(Boolean));
  let destroyed = false;
  const onAbort = () => {
    destroyed = true;
    for (const d of owned()) d.destroy(new InterruptedError()).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const hist = buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  const statusCounts = new Map<number, number>();
  let sent = 0;
  let ok = 0;
  let failed = 0;
  let errors = 0;
  let seq = 0;
  let firstError: FbpayError | undefined;
  let sourceError: unknown;
  const aborted = () => signal?.aborted === true;

  // A synchronous source (fixtures only) is pulled without a promise per item (nextSync below).
  const iterator: AsyncIterator<ReplayInput> | Iterator<ReplayInput> = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<ReplayInput>)[Symbol.iterator]();
  let exhausted = false;
  const next = async (): Promise<ReplayInput | undefined> => {
    if (exhausted || aborted() || sourceError) return undefined;
    try {
      const r = await iterator.next();
      if (r.done) {
        exhausted = true;
        return undefined;
      }
      return r.value;
    } catch (e) {
      sourceError ??= e;
      exhausted = true;
      return undefined;
    }
  };

  const sendOnce = async (d: OutgoingDelivery, duplicate: boolean, worker: number): Promise<void> => {
    const mySeq = ++seq;
    const dispatcher = dispatcherFor(worker, d.url);
    let attempts = 0;
    let last: { res?: HttpResponse; error?: FbpayError } = {};
    for (;;) {
      attempts++;
      try {
        const req = { method: d.method, url: d.url, headers: d.headers, body: d.body, timeoutMs, dispatcher, maxResponseBytes };
        const res = await (own ? dispatchRequest(req) : httpRequest({ ...req, signal }));
        last = { res };
        if (res.status >= 500 && attempts <= retries && !aborted()) {
          await sleep(backoff(attempts - 1, res.headers['retry-after']), signal);
          continue;
        }
      } catch (e) {
        if (aborted()) return;
        const err = e instanceof FbpayError ? e : new NetworkError('network', String((e as Error)?.message ?? e).slice(0, 300));
        last = { error: err };
        if (err instanceof NetworkError && attempts <= retries) {
          await sleep(backoff(attempts - 1), signal);
          continue;
        }
      }
      break;
    }
    if (aborted()) return;
    sent++;
    const result: DeliveryResult = { seq: mySeq, label: d.label, method: d.method, url: d.url, ok: false, latencyMs: 0, attempts, duplicate: duplicate || undefined, meta: d.meta };
    if (last.res) {
      const res = last.res;
      result.status = res.status;
      result.latencyMs = res.latencyMs;
      result.response = res.body.toString('utf8', 0, RESPONSE_PREVIEW);
      statusCounts.set(res.status, (statusCounts.get(res.status) ?? 0) + 1);
      hist.recordValue(Math.max(1, Math.round(res.latencyMs * 1000)));
      const verdict = adapter.judge?.(res, d, expect) ?? checkExpect(res.status, res.body, expect);
      result.ok = verdict.ok;
      if (!verdict.ok) result.reason = verdict.reason ?? `status ${res.status}`;
      if (verdict.ok) ok++;
      else failed++;
    } else {
      const err = last.error!;
      firstError ??= err;
      errors++;
      result.error = err;
      result.reason = err.message;
    }
    opts.onResult?.(result);
  };

  const isSync = !(Symbol.asyncIterator in source);
  const nextSync = (): ReplayInput | undefined => {
    if (exhausted || aborted() || sourceError) return undefined;
    try {
      const r = (iterator as Iterator<ReplayInput>).next();
      if (r.done) exhausted = true;
      return r.done ? undefined : r.value;
    } catch (e) {
      sourceError ??= e;
      exhausted = true;
      return undefined;
    }
  };

  const worker = async (_: unknown, w: number): Promise<void> => {
    for (;;) {
      const input = isSync ? nextSync() : await next();
      if (input === undefined) return;
      let d: OutgoingDelivery;
      try {
        const built = adapter.build(input, { target: opts.target, now, tamper: opts.tamper });
        d = built instanceof Promise ? await built : built;
      } catch (e) {
        sourceError ??= e;
        return;
      }
      if (extra) d = { ...d, headers: { ...d.headers, ...extra } };
      try {
        await sendOnce(d, false, w);
        if (opts.duplicate && !aborted()) await sendOnce(d, true, w);
      } catch (e) {
        // sleep() rejects on Ctrl-C: stop quietly; anything else is a bug worth surfacing.
        if (!aborted()) {
          sourceError ??= e;
          return;
        }
      }
      if (aborted()) return;
    }
  };

  let started = 0;
  try {
    await adapter.open?.(signal ?? new AbortController().signal);
    started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    try {
      await iterator.return?.();
    } catch {
      /* the source's own cleanup failed: nothing more to do */
    }
    await adapter.close?.().catch(() => undefined);
    if (own && !destroyed) await Promise.all(owned().map((d) => d.close().catch(() => undefined)));
  }
  if (sourceError && !aborted()) throw sourceError;

  const elapsedMs = started ? performance.now() - started : 0;
  const ms = (us: number) => Math.round(us / 10) / 100;
  const total = hist.totalCount;
  const summary: ReplaySummary = {
    sent,
    ok,
    failed,
    errors,
    rps: elapsedMs > 0 ? Math.round((sent / elapsedMs) * 1000 * 10) / 10 : 0,
    // A percentile is reported as its bucket's upper edge, which can pass the exact max: clamp.
    latency_ms: total
      ? {
          p50: ms(Math.min(hist.getValueAtPercentile(50), hist.maxValue)),
          p95: ms(Math.min(hist.getValueAtPercentile(95), hist.maxValue)),
          p99: ms(Math.min(hist.getValueAtPercentile(99), hist.maxValue)),
          max: ms(hist.maxValue),
        }
      : { p50: 0, p95: 0, p99: 0, max: 0 },
    status_counts: Object.fromEntries([...statusCounts.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
    elapsed_ms: Math.round(elapsedMs),
    interrupted: aborted(),
    first_error: firstError,
  };
  hist.destroy();
  return summary;
}
