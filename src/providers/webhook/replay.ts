import type { Dispatcher } from 'undici';
import type { RenderedFixture } from '../../core/fixtures/schema.js';
import type { FbpayError } from '../../core/errors.js';
import { dispatchRequest, httpRequest, sleep } from '../../transport/http.js';
import type { CapturedDelivery, ExpectSpec, OutgoingDelivery, ReplayAdapter, TamperMode } from './adapter.js';
import { checkExpect } from './expect.js';
import { openDeliveryPool } from './delivery-pool.js';
import { attemptError, serverErrorRetries, withRetries, type ReplayAttempt, type RetryPolicy } from './delivery-retry.js';
import { DeliveryStats, type DeliveryStatsSummary } from './delivery-stats.js';

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

export interface ReplaySummary extends DeliveryStatsSummary {
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
  const expect: ExpectSpec = opts.expect ?? { kind: 'class', cls: 2 };
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const signal = opts.signal;
  const maxResponseBytes = opts.maxResponseBytes ?? 1024 * 1024;
  const extra = opts.extraHeaders && Object.keys(opts.extraHeaders).length ? opts.extraHeaders : undefined;
  const aborted = () => signal?.aborted === true;
  const retry: RetryPolicy<ReplayAttempt> = {
    delay: serverErrorRetries(Math.max(0, opts.retries ?? 0), opts.backoff, aborted),
    wait: (ms) => sleep(ms, signal).then(() => true),
  };

  // The run owns its connections, unless the caller passed a dispatcher (then each request carries the signal).
  const pool = opts.dispatcher ? undefined : await openDeliveryPool(opts.target, concurrency, signal);
  const stats = new DeliveryStats();
  let seq = 0;
  let firstError: FbpayError | undefined;
  let sourceError: unknown;

  const pull = sourcePuller(source, () => aborted() || !!sourceError, (e) => (sourceError ??= e));

  const sendOnce = async (d: OutgoingDelivery, duplicate: boolean, worker: number): Promise<void> => {
    const mySeq = ++seq;
    const req = { method: d.method, url: d.url, headers: d.headers, body: d.body, timeoutMs, dispatcher: pool ? pool.dispatcherFor(worker, d.url) : opts.dispatcher!, maxResponseBytes };
    const attempt = async (): Promise<ReplayAttempt> => {
      try {
        return { res: await (pool ? dispatchRequest(req) : httpRequest({ ...req, signal })) };
      } catch (e) {
        return { error: attemptError(e) };
      }
    };
    const { last, attempts } = await withRetries(attempt, retry);
    if (aborted()) return;
    const result: DeliveryResult = { seq: mySeq, label: d.label, method: d.method, url: d.url, ok: false, latencyMs: 0, attempts, duplicate: duplicate || undefined, meta: d.meta };
    if (last.res) {
      const res = last.res;
      result.status = res.status;
      result.latencyMs = res.latencyMs;
      result.response = res.body.toString('utf8', 0, RESPONSE_PREVIEW);
      const verdict = adapter.judge?.(res, d, expect) ?? checkExpect(res.status, res.body, expect);
      result.ok = verdict.ok;
      if (!verdict.ok) result.reason = verdict.reason ?? `status ${res.status}`;
      stats.reply(res.status, res.latencyMs, verdict.ok);
    } else {
      firstError ??= last.error;
      stats.noReply();
      result.error = last.error;
      result.reason = last.error.message;
    }
    opts.onResult?.(result);
  };

  const worker = async (_: unknown, w: number): Promise<void> => {
    for (;;) {
      const input = pull.sync ? pull.nextSync() : await pull.next();
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
    await pull.close();
    await adapter.close?.().catch(() => undefined);
    await pool?.close();
  }
  if (sourceError && !aborted()) throw sourceError;

  const summary: ReplaySummary = { ...stats.summary(started ? performance.now() - started : 0), interrupted: aborted(), first_error: firstError };
  stats.destroy();
  return summary;
}

/**
 * Pulls deliveries from the source for the workers, until it ends, throws (`onError`) or `stop()`.
 * A synchronous source (fixtures only) is pulled with nextSync(), without a promise per item.
 */
function sourcePuller<T>(source: AsyncIterable<T> | Iterable<T>, stop: () => boolean, onError: (e: unknown) => void) {
  const sync = !(Symbol.asyncIterator in source);
  const iterator: AsyncIterator<T> | Iterator<T> = sync ? (source as Iterable<T>)[Symbol.iterator]() : (source as AsyncIterable<T>)[Symbol.asyncIterator]();
  let exhausted = false;
  const failed = (e: unknown): undefined => {
    onError(e);
    exhausted = true;
    return undefined;
  };
  return {
    sync,
    async next(): Promise<T | undefined> {
      if (exhausted || stop()) return undefined;
      try {
        const r = await iterator.next();
        if (r.done) exhausted = true;
        return r.done ? undefined : r.value;
      } catch (e) {
        return failed(e);
      }
    },
    nextSync(): T | undefined {
      if (exhausted || stop()) return undefined;
      try {
        const r = (iterator as Iterator<T>).next();
        if (r.done) exhausted = true;
        return r.done ? undefined : r.value;
      } catch (e) {
        return failed(e);
      }
    },
    /** Lets the source clean up (a capture file's handle); its own failure there changes nothing. */
    async close(): Promise<void> {
      try {
        await iterator.return?.();
      } catch {
        /* nothing more to do */
      }
    },
  };
}
