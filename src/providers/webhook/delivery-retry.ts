import { FbpayError, NetworkError } from '../../core/errors.js';
import { backoffMs, type HttpResponse } from '../../transport/http.js';

/**
 * Retrying one webhook delivery, shared by `webhook replay` and the emulators' sender: attempt,
 * ask the policy how long to wait before the next attempt (or whether to stop), wait, again.
 */
export interface RetryPolicy<T> {
  /** ms to wait before another attempt after `attempts` so far ended in `last`; undefined stops. */
  delay(last: T, attempts: number): number | undefined;
  /** Waits `ms`; resolves false when no further attempt should be made (the sender was stopped). May reject (Ctrl-C). */
  wait(ms: number): Promise<boolean>;
}

export interface RetryOutcome<T> {
  last: T;
  attempts: number;
  /** True when wait() cut the retries short. */
  stopped: boolean;
}

/** Calls `attempt(n)` (n from 1) until the policy says stop. */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy<T>): Promise<RetryOutcome<T>> {
  for (let n = 1; ; n++) {
    const last = await attempt(n);
    const ms = policy.delay(last, n);
    if (ms === undefined) return { last, attempts: n, stopped: false };
    if (!(await policy.wait(ms))) return { last, attempts: n, stopped: true };
  }
}

/** One attempt of a replayed delivery: the reply, or why none came. */
export type ReplayAttempt = { res: HttpResponse; error?: undefined } | { res?: undefined; error: FbpayError };

/** Any throw from the transport as a FbpayError; a non-fbpay error counts as a network failure. */
export function attemptError(e: unknown): FbpayError {
  return e instanceof FbpayError ? e : new NetworkError('network', String((e as Error)?.message ?? e).slice(0, 300));
}

/**
 * `webhook replay --retries N`: retry a 5xx reply (honouring Retry-After) or a network error, up to
 * `retries` more times, with exponential backoff; a 4xx or a missed expectation is final.
 */
export function serverErrorRetries(
  retries: number,
  backoff: (attempt: number, retryAfter?: string) => number = backoffMs,
  stopped: () => boolean = () => false,
): RetryPolicy<ReplayAttempt>['delay'] {
  return (last, attempts) => {
    if (attempts > retries || stopped()) return undefined;
    if (last.res) return last.res.status >= 500 ? backoff(attempts - 1, last.res.headers['retry-after']) : undefined;
    return last.error instanceof NetworkError ? backoff(attempts - 1) : undefined;
  };
}

/** The emulators' rule: a fixed schedule of delays, [1000, 5000] meaning up to 3 attempts; an accepted attempt is final. */
export function scheduledRetries(schedule: readonly number[]): RetryPolicy<{ ok: boolean }>['delay'] {
  return (last, attempts) => (last.ok || attempts > schedule.length ? undefined : schedule[attempts - 1]);
}
