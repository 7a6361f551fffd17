import { randomBytes } from 'node:crypto';
import { FbpayError, InterruptedError, NetworkError, UsageError } from '../../../core/errors.js';
import { redact } from '../../../core/mask.js';
import { httpRequest, type HttpResponse } from '../../../transport/http.js';
import type { OutgoingDelivery } from '../adapter.js';
import type { Battery, Check, CheckDeps, CheckOutcome, CheckReport, CheckResult } from './types.js';

export interface RunOptions {
  target: URL;
  /** Check ids to run (default: all). */
  only?: string[];
  /** Check ids to leave out. */
  skip?: string[];
  /** Default 2000. */
  budgetMs?: number;
  /** Per request; default max(5000, 2 × budget). */
  timeoutMs?: number;
  signal?: AbortSignal;
  now?: () => number;
  /** Called as each check finishes (progress output). */
  onResult?: (r: CheckOutcome) => void;
  /** Masked wherever they appear in a check's detail (a receiver may echo them back). */
  secrets?: Array<string | undefined>;
  /** Replaces the transport (tests of the runner itself). */
  send?: (d: OutgoingDelivery, timeoutMs: number, signal?: AbortSignal) => Promise<HttpResponse>;
}

/** Connection-level failures: nothing is listening there, so no check can say anything. */
const UNREACHABLE = new Set(['connection_refused', 'dns_failed']);

/** Picks the checks `--only` / `--skip` name; an unknown id is a usage error listing the known ones. */
export function selectChecks(checks: Check[], only: string[] = [], skip: string[] = []): Check[] {
  const known = new Set(checks.map((c) => c.id));
  for (const id of [...only, ...skip]) {
    if (!known.has(id)) {
      throw new UsageError('unknown_check', `no check named "${id}"`, { hint: `checks: ${[...known].join(', ')}` });
    }
  }
  const picked = checks.filter((c) => (only.length === 0 || only.includes(c.id)) && !skip.includes(c.id));
  if (picked.length === 0) throw new UsageError('no_checks', '--only/--skip left no check to run', { hint: `checks: ${[...known].join(', ')}` });
  return picked;
}

/**
 * Runs a battery against the target, in order. Failures of the endpoint are results, not errors;
 * the run only throws when it cannot say anything: the endpoint refuses connections before it has
 * answered once (NetworkError, exit 3), bad options (UsageError), or a broken dependency such as a
 * Graph emulator that cannot be seeded.
 */
export async function runBattery(battery: Battery, opts: RunOptions): Promise<CheckReport> {
  const checks = selectChecks(battery.checks, opts.only, opts.skip);
  const budgetMs = opts.budgetMs ?? 2000;
  const timeoutMs = opts.timeoutMs ?? Math.max(5000, 2 * budgetMs);
  const fromSend = new WeakSet<object>();
  let replies = 0;
  const transport = opts.send ?? ((d: OutgoingDelivery, t: number, signal?: AbortSignal) => httpRequest({ method: d.method, url: d.url, headers: d.headers, body: d.body, timeoutMs: t, signal, maxResponseBytes: 64 * 1024 }));
  const deps: CheckDeps = {
    budgetMs,
    timeoutMs,
    signal: opts.signal,
    now: opts.now ?? (() => Math.floor(Date.now() / 1000)),
    random: () => randomBytes(12).toString('hex'),
    async send(d) {
      try {
        const res = await transport(d, timeoutMs, opts.signal);
        replies++;
        return res;
      } catch (e) {
        if (e && typeof e === 'object') fromSend.add(e);
        throw e;
      }
    },
  };

  const started = performance.now();
  const outcomes: CheckOutcome[] = [];
  await battery.open?.(opts.signal);
  try {
    for (const check of checks) {
      if (opts.signal?.aborted) throw opts.signal.reason instanceof FbpayError ? opts.signal.reason : new InterruptedError();
      let result: CheckResult;
      try {
        result = await check.run(opts.target, deps);
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        if (!(e instanceof NetworkError) || !fromSend.has(e)) throw e;
        if (replies === 0 && UNREACHABLE.has(e.code)) {
          throw new NetworkError(e.code, `${e.message}: the endpoint cannot be reached, nothing was checked`, { hint: e.hint ?? 'is the endpoint running?' });
        }
        result = { ok: false, detail: `no reply: ${e.message}` };
      }
      const outcome: CheckOutcome = { id: check.id, title: check.title, required: check.required, why: check.why, ...result, detail: redact(result.detail, opts.secrets ?? []) };
      outcomes.push(outcome);
      opts.onResult?.(outcome);
    }
  } catch (e) {
    // Ctrl-C: say what was done before stopping (exit stays 130).
    if (opts.signal?.aborted && e instanceof FbpayError && e.exitCode === 130) {
      const ran = outcomes.filter((o) => !o.skipped);
      throw new InterruptedError(
        `interrupted after ${outcomes.length} of ${checks.length} check(s): ${ran.filter((o) => o.ok).length} passed, ${ran.filter((o) => !o.ok).length} failed${outcomes.length ? ` (${outcomes.map((o) => `${o.id} ${o.skipped ? 'skipped' : o.ok ? 'ok' : 'FAIL'}`).join(', ')})` : ''}`,
      );
    }
    throw e;
  } finally {
    await battery.close?.();
  }
  const failedOnes = outcomes.filter((o) => !o.skipped && !o.ok);
  return {
    provider: battery.provider,
    target: opts.target.toString(),
    passed: outcomes.filter((o) => !o.skipped && o.ok).length,
    failed: failedOnes.length,
    requiredFailed: failedOnes.filter((o) => o.required).length,
    skipped: outcomes.filter((o) => o.skipped).length,
    elapsedMs: performance.now() - started,
    checks: outcomes,
  };
}
