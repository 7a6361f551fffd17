import { describe, expect, it } from 'vitest';
import { NetworkError, UsageError } from '../../src/core/errors.js';
import type { HttpResponse } from '../../src/transport/http.js';
import { attemptError, scheduledRetries, serverErrorRetries, withRetries, type ReplayAttempt } from '../../src/providers/webhook/delivery-retry.js';
import { DeliveryStats } from '../../src/providers/webhook/delivery-stats.js';

const reply = (status: number, headers: Record<string, string> = {}): ReplayAttempt => ({ res: { status, headers, body: Buffer.alloc(0), latencyMs: 1 } as unknown as HttpResponse });

describe('withRetries', () => {
  it('attempts until the policy says stop, waiting the delays it names', async () => {
    const waits: number[] = [];
    const out = await withRetries(async (n) => ({ ok: n === 3 }), { delay: scheduledRetries([10, 20, 30]), wait: async (ms) => (waits.push(ms), true) });
    expect(out).toEqual({ last: { ok: true }, attempts: 3, stopped: false });
    expect(waits).toEqual([10, 20]);
  });

  it('gives up when the schedule runs out, and reports a wait that was cut short', async () => {
    expect(await withRetries(async () => ({ ok: false }), { delay: scheduledRetries([5]), wait: async () => true })).toMatchObject({ attempts: 2, stopped: false });
    expect(await withRetries(async () => ({ ok: false }), { delay: scheduledRetries([5, 5]), wait: async () => false })).toMatchObject({ attempts: 1, stopped: true });
  });
});

describe('serverErrorRetries (webhook replay --retries)', () => {
  const delay = serverErrorRetries(2, (attempt, retryAfter) => (retryAfter ? Number(retryAfter) * 1000 : 100 + attempt));
  it('retries 5xx (honouring Retry-After) and network errors, up to the limit', () => {
    expect(delay(reply(503), 1)).toBe(100);
    expect(delay(reply(503, { 'retry-after': '2' }), 2)).toBe(2000);
    expect(delay(reply(503), 3)).toBeUndefined();
    expect(delay({ error: new NetworkError('network', 'refused') }, 2)).toBe(101);
  });
  it('never retries a 2xx, a 4xx, a non-network error, or after Ctrl-C', () => {
    expect(delay(reply(200), 1)).toBeUndefined();
    expect(delay(reply(404), 1)).toBeUndefined();
    expect(delay({ error: new UsageError('bad', 'x') }, 1)).toBeUndefined();
    expect(serverErrorRetries(2, () => 1, () => true)(reply(503), 1)).toBeUndefined();
  });
  it('wraps a foreign throw as a network error', () => {
    expect(attemptError(new Error('socket hang up'))).toBeInstanceOf(NetworkError);
  });
});

describe('DeliveryStats', () => {
  it('counts replies and non-replies, and summarises latency percentiles and status counts', () => {
    const s = new DeliveryStats();
    for (let i = 1; i <= 100; i++) s.reply(i <= 90 ? 200 : 500, i, i <= 90);
    s.noReply();
    const sum = s.summary(1000);
    s.destroy();
    expect(sum).toMatchObject({ sent: 101, ok: 90, failed: 10, errors: 1, rps: 101, status_counts: { '200': 90, '500': 10 }, elapsed_ms: 1000 });
    expect(sum.latency_ms.p50).toBeCloseTo(50, 0);
    expect(sum.latency_ms.p99).toBeCloseTo(99, 0);
    expect(sum.latency_ms.max).toBeCloseTo(100, 0);
  });
  it('an empty run has zero latencies and no rate', () => {
    const s = new DeliveryStats();
    expect(s.summary(0)).toEqual({ sent: 0, ok: 0, failed: 0, errors: 0, rps: 0, latency_ms: { p50: 0, p95: 0, p99: 0, max: 0 }, status_counts: {}, elapsed_ms: 0 });
    s.destroy();
  });
});
