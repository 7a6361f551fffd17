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
  /** The status of every reply, premises included: what the likely cause is read from. */
  const statuses: number[] = [];
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
        // Stryker disable next-line UpdateOperator: only whether any reply came matters (replies === 0); a decrement leaves it non-zero just the same
        replies++;
        statuses.push(res.status);
        return res;
      } catch (e) {
        if (e && typeof e === 'object') fromSend.add(e);
        throw e;
      }
    },
  };

  const started = performance.now();
  const outcomes: CheckOutcome[] = [];
  /** Results of the checks others rest on, reported or run only as a premise. */
  const premises = new Map<string, CheckResult>();
  const runOne = async (check: Check): Promise<CheckResult> => {
    try {
      return await check.run(opts.target, deps);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      if (!(e instanceof NetworkError) || !fromSend.has(e)) throw e;
      if (replies === 0 && UNREACHABLE.has(e.code)) {
        throw new NetworkError(e.code, `${e.message}: the endpoint cannot be reached, nothing was checked`, { hint: e.hint ?? 'is the endpoint running?' });
      }
      return { ok: false, detail: `no reply: ${e.message}` };
    }
  };
  const premiseOf = async (id: string): Promise<CheckResult> => {
    let r = premises.get(id);
    if (!r) {
      const check = battery.checks.find((c) => c.id === id);
      if (!check) throw new Error(`check ${id}: unknown premise`);
      r = await runOne(check);
      premises.set(id, r);
    }
    return r;
  };
  let premiseFailed: { id: string; result: CheckResult } | undefined;
  await battery.open?.(opts.signal);
  try {
    for (const check of checks) {
      if (opts.signal?.aborted) throw opts.signal.reason instanceof FbpayError ? opts.signal.reason : new InterruptedError();
      let result = await runOne(check);
      // Stryker disable next-line ConditionalExpression: a stored skipped premise reads as skipped, as re-running it does
      if (!result.skipped) premises.set(check.id, result);
      if (check.premise && result.ok && !result.skipped && !result.inconclusive) {
        const p = await premiseOf(check.premise);
        if (p.skipped || !(p.accepted ?? p.ok)) {
          premiseFailed ??= { id: check.premise, result: p };
          result = { ...result, ok: false, inconclusive: true, detail: `${result.detail} proves nothing: ${check.premise} ${p.skipped ? 'was skipped' : `was not accepted (${p.detail})`}` };
        }
      }
      // Stryker disable next-line ArrayDeclaration: with no secrets given there is nothing to mask; a placeholder secret masks nothing either
      const outcome: CheckOutcome = { id: check.id, title: check.title, required: check.required, why: check.why, ...result, detail: redact(result.detail, opts.secrets ?? []) };
      outcomes.push(outcome);
      opts.onResult?.(outcome);
    }
  } catch (e) {
    // Ctrl-C: say what was done before stopping (exit stays 130).
    if (opts.signal?.aborted && e instanceof FbpayError && e.exitCode === 130) {
      const ran = outcomes.filter((o) => !o.skipped && !o.inconclusive);
      const mark = (o: CheckOutcome) => (o.skipped ? 'skipped' : o.inconclusive ? 'inconclusive' : o.ok ? 'ok' : 'FAIL');
      throw new InterruptedError(
        `interrupted after ${outcomes.length} of ${checks.length} check(s): ${ran.filter((o) => o.ok).length} passed, ${ran.filter((o) => !o.ok).length} failed${outcomes.length ? ` (${outcomes.map((o) => `${o.id} ${mark(o)}`).join(', ')})` : ''}`,
      );
    }
    throw e;
  } finally {
    await battery.close?.();
  }
  const failedOnes = outcomes.filter((o) => !o.skipped && !o.ok && !o.inconclusive);
  const inconclusive = outcomes.filter((o) => o.inconclusive);
  return {
    provider: battery.provider,
    ...(battery.kind ? { kind: battery.kind } : {}),
    target: opts.target.toString(),
    passed: outcomes.filter((o) => !o.skipped && !o.inconclusive && o.ok).length,
    failed: failedOnes.length,
    requiredFailed: failedOnes.filter((o) => o.required).length,
    inconclusive: inconclusive.length,
    requiredInconclusive: inconclusive.filter((o) => o.required).length,
    ...(premiseFailed ? { cause: likelyCause(premiseFailed.id, premiseFailed.result, statuses) } : {}),
    ...(premiseFailed && battery.premiseNote ? { note: battery.premiseNote } : {}),
    skipped: outcomes.filter((o) => o.skipped).length,
    elapsedMs: performance.now() - started,
    checks: outcomes,
  };
}

/** What the replies had in common, said as what it observed plus the question it raises. */
export function likelyCause(premise: string, result: CheckResult, statuses: number[]): string {
  const same = statuses.length > 1 && statuses.every((s) => s === statuses[0]) ? statuses[0] : undefined;
  if (same !== undefined) {
    const question =
      same === 404 ? 'is the path right?'
      : same === 405 ? 'does the endpoint take this method at this path?'
      : same === 401 || same === 403 ? 'is the receiver set up with the same secret, webhook id or appkey as fbpay?'
      : same >= 500 ? 'the receiver\u2019s log should say why'
      : same >= 300 && same < 400 ? 'is the URL the one the redirect points to?'
      : 'is this the webhook endpoint?';
    return `every request got ${same}: ${question}`;
  }
  if (result.skipped) return `${premise} was skipped, so the checks resting on it prove nothing`;
  return `${premise} was not accepted (${result.detail}): the refusal checks prove nothing until it is`;
}
