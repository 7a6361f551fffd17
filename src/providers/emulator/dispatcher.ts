import { randomUUID } from 'node:crypto';
import { httpRequest, type HttpResponse } from '../../transport/http.js';
import { ellipsize } from '../../core/text.js';
import { scheduledRetries, withRetries } from '../webhook/delivery-retry.js';

/**
 * The webhook sender every emulator shares: one delivery = up to 1 + schedule.length attempts,
 * each judged by the provider's own rule (2xx for Facebook and PayPal, the exact Midas reply), a
 * failed attempt retried after the schedule's next delay, every attempt recorded.
 */

export interface WebhookAttempt {
  /** 1-based. */
  n: number;
  /** ISO time the attempt was sent. */
  at: string;
  /** HTTP status, absent when no reply came (refused, timed out). */
  status?: number;
  ok: boolean;
  /** Why the attempt was not accepted (or a note on an accepted one). */
  reason?: string;
  latency_ms: number;
  /** The start of the receiver's reply body, for humans. */
  reply?: string;
}

export interface WebhookDelivery {
  id: string;
  event_type: string;
  url: string;
  method: string;
  /** The last attempt's status. */
  status?: number;
  /** True once an attempt was accepted. */
  ok: boolean;
  /** True when no further attempt will be made (accepted, or the schedule ran out). */
  final: boolean;
  /** The last attempt's reason. */
  reason?: string;
  attempts: WebhookAttempt[];
  /** Provider details (event id, payment id, …), shown in the delivery log. */
  meta?: Record<string, unknown>;
}

export interface WebhookSpec {
  event_type: string;
  url: string;
  method?: 'POST' | 'GET';
  headers?: Record<string, string>;
  /** The exact bytes sent, the same on every attempt. */
  body?: Buffer;
  /** Per attempt; a reply later than this is a failed attempt. Default 5000. */
  timeoutMs?: number;
  /** Judges a reply; the default accepts any 2xx. */
  accept?: (res: HttpResponse) => { ok: boolean; reason?: string };
  meta?: Record<string, unknown>;
}

export interface DispatcherOptions {
  /** Delays (ms) before each retry: [1000, 5000] means up to 3 attempts. */
  schedule: number[];
  /** Called after every attempt (the emulator's log line). */
  onAttempt?: (d: WebhookDelivery, a: WebhookAttempt) => void;
  /** Oldest records are dropped past this many deliveries (counts stay exact). Default 100 000. */
  maxLog?: number;
}

export function acceptAny2xx(res: HttpResponse): { ok: boolean; reason?: string } {
  return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, reason: `HTTP ${res.status}` };
}

/** Parses `--retry-schedule 100,500,2000` (ms). An empty string means no retries. */
export function parseRetrySchedule(text: string): number[] | undefined {
  if (text.trim() === '') return [];
  const parts = text.split(',').map((s) => s.trim());
  const ms = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || ms.some((n) => n > 3_600_000) || ms.length > 50) return undefined;
  return ms;
}

export class WebhookDispatcher {
  readonly log: WebhookDelivery[] = [];
  /** Deliveries ever made, and attempts ever sent (exact even when the log drops old records). */
  sent = 0;
  attempts = 0;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private closed = false;

  constructor(private readonly opts: DispatcherOptions) {}

  get schedule(): readonly number[] {
    return this.opts.schedule;
  }

  /** Starts a delivery; `done` settles (never rejects) when it is accepted or given up. */
  send(spec: WebhookSpec): { delivery: WebhookDelivery; done: Promise<WebhookDelivery> } {
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      event_type: spec.event_type,
      url: spec.url,
      method: spec.method ?? 'POST',
      ok: false,
      final: false,
      attempts: [],
      ...(spec.meta ? { meta: spec.meta } : {}),
    };
    this.sent++;
    this.log.push(delivery);
    if (this.log.length > (this.opts.maxLog ?? 100_000)) this.log.shift();
    const done = this.run(spec, delivery);
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
    return { delivery, done };
  }

  /** Resolves when every delivery started so far is final. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Stops waiting retries: their deliveries end with reason "emulator stopped". */
  close(): void {
    this.closed = true;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
  }

  private async run(spec: WebhookSpec, d: WebhookDelivery): Promise<WebhookDelivery> {
    const accept = spec.accept ?? acceptAny2xx;
    const record = async (n: number): Promise<WebhookAttempt> => {
      const attempt = await this.attempt(spec, accept, n);
      this.attempts++;
      d.attempts.push(attempt);
      d.status = attempt.status;
      d.reason = attempt.reason;
      d.ok = attempt.ok;
      this.opts.onAttempt?.(d, attempt);
      return attempt;
    };
    const { attempts, stopped } = await withRetries(record, { delay: scheduledRetries(this.opts.schedule), wait: (ms) => this.wait(ms).then(() => !this.closed) });
    if (stopped) d.reason = `${d.reason ?? 'failed'}; emulator stopped before retry ${attempts + 1}`;
    d.final = true;
    return d;
  }

  private async attempt(spec: WebhookSpec, accept: NonNullable<WebhookSpec['accept']>, n: number): Promise<WebhookAttempt> {
    const at = new Date().toISOString();
    const started = performance.now();
    try {
      const res = await httpRequest({
        method: spec.method ?? 'POST',
        url: spec.url,
        headers: spec.headers,
        body: spec.body,
        timeoutMs: spec.timeoutMs ?? 5000,
        maxResponseBytes: 64 * 1024,
      });
      const verdict = accept(res);
      const reply = res.body.length ? ellipsize(res.body.toString('utf8').replace(/\s+/g, ' '), 120) : undefined;
      return { n, at, status: res.status, ok: verdict.ok, ...(verdict.reason ? { reason: verdict.reason } : {}), latency_ms: round(res.latencyMs), ...(reply ? { reply } : {}) };
    } catch (e) {
      return { n, at, ok: false, reason: (e as Error).message, latency_ms: round(performance.now() - started) };
    }
  }

  private wait(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
