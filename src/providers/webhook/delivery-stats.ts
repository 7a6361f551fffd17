import { build as buildHistogram, type Histogram } from 'hdr-histogram-js';

/** What a run of deliveries came to: counts, throughput and reply latency. */
export interface DeliveryStatsSummary {
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
}

/**
 * Counters and an HDR histogram of reply latencies (µs, 3 significant digits), so memory stays flat
 * however many deliveries are recorded. Call destroy() when done.
 */
export class DeliveryStats {
  sent = 0;
  ok = 0;
  failed = 0;
  errors = 0;
  private readonly statusCounts = new Map<number, number>();
  private readonly hist: Histogram = buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });

  /** A delivery that got a reply, judged `ok` or not. */
  reply(status: number, latencyMs: number, ok: boolean): void {
    this.sent++;
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
    this.hist.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
    if (ok) this.ok++;
    else this.failed++;
  }

  /** A delivery that got no reply. */
  noReply(): void {
    this.sent++;
    this.errors++;
  }

  summary(elapsedMs: number): DeliveryStatsSummary {
    const hist = this.hist;
    const ms = (us: number) => Math.round(us / 10) / 100;
    return {
      sent: this.sent,
      ok: this.ok,
      failed: this.failed,
      errors: this.errors,
      rps: elapsedMs > 0 ? Math.round((this.sent / elapsedMs) * 1000 * 10) / 10 : 0,
      // A percentile is reported as its bucket's upper edge, which can pass the exact max: clamp.
      latency_ms: hist.totalCount
        ? {
            p50: ms(Math.min(hist.getValueAtPercentile(50), hist.maxValue)),
            p95: ms(Math.min(hist.getValueAtPercentile(95), hist.maxValue)),
            p99: ms(Math.min(hist.getValueAtPercentile(99), hist.maxValue)),
            max: ms(hist.maxValue),
          }
        : { p50: 0, p95: 0, p99: 0, max: 0 },
      status_counts: Object.fromEntries([...this.statusCounts.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
      elapsed_ms: Math.round(elapsedMs),
    };
  }

  destroy(): void {
    this.hist.destroy();
  }
}
