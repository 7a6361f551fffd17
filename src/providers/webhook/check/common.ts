import { UsageError } from '../../../core/errors.js';
import type { RenderedFixture } from '../../../core/fixtures/schema.js';
import type { HttpResponse } from '../../../transport/http.js';
import type { OutgoingDelivery } from '../adapter.js';
import type { CheckDeps, CheckResult } from './types.js';
import { ellipsize } from '../../../core/text.js';

/** The reply's first line, printable and short: what `webhook check` shows under "what came back". */
export function replySnippet(body: Buffer, max = 60): string {
  // Stryker disable next-line LogicalOperator,StringLiteral: split() always returns at least one element, the fallback cannot be reached
  const line = body.toString('utf8').split(/\r?\n/)[0] ?? '';
  const cut = ellipsize(line, max + 1);
  return cut.replace(/[^\x20-\x7e\u00a0-\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function describeReply(res: HttpResponse): string {
  const text = replySnippet(res.body);
  return text ? `${res.status} ${JSON.stringify(text)}` : String(res.status);
}

// Stryker disable next-line ConditionalExpression: no final HTTP reply has a status below 200 (1xx are interim and never reach a check)
export const is2xx = (status: number) => status >= 200 && status <= 299;

/** Sends a delivery that must be accepted: exactly 200 when `exact200`, any 2xx otherwise. */
export async function expectAccepted(deps: CheckDeps, d: OutgoingDelivery, { exact200 = false } = {}): Promise<CheckResult> {
  const res = await deps.send(d);
  const ok = exact200 ? res.status === 200 : is2xx(res.status);
  return {
    ok,
    accepted: is2xx(res.status),
    status: res.status,
    latencyMs: res.latencyMs,
    detail: ok ? `${res.status} (accepted)` : `${describeReply(res)}: expected ${exact200 ? '200' : '2xx'}`,
  };
}

/** Sends a delivery that must be refused with a non-2xx status. */
export async function expectRejected(deps: CheckDeps, d: OutgoingDelivery, what: string): Promise<CheckResult> {
  const res = await deps.send(d);
  const ok = !is2xx(res.status);
  return { ok, status: res.status, latencyMs: res.latencyMs, detail: ok ? `${res.status} (rejected)` : `${describeReply(res)}: accepted ${what}` };
}

/**
 * Sends the same bytes twice; both must be accepted (providers redeliver). Only the two replies are
 * observed: whether the receiver granted twice is invisible from here, and the detail never claims it.
 */
export async function expectAcceptedTwice(deps: CheckDeps, d: OutgoingDelivery, { exact200 = false } = {}): Promise<CheckResult> {
  const accepted = (s: number) => (exact200 ? s === 200 : is2xx(s));
  const first = await deps.send(d);
  if (!accepted(first.status)) return { ok: false, status: first.status, latencyMs: first.latencyMs, detail: `first delivery got ${describeReply(first)}` };
  const second = await deps.send(d);
  if (!accepted(second.status)) return { ok: false, status: second.status, latencyMs: second.latencyMs, detail: `${first.status}, then ${describeReply(second)} on the same delivery again` };
  return { ok: true, status: second.status, latencyMs: Math.max(first.latencyMs, second.latencyMs), detail: `${first.status}, then ${second.status} on the same delivery again` };
}

/** Sends a valid delivery and compares its latency with the budget: only an accepted reply's latency counts. */
export async function expectWithinBudget(deps: CheckDeps, d: OutgoingDelivery): Promise<CheckResult> {
  const res = await deps.send(d);
  const ms = Math.round(res.latencyMs);
  if (!is2xx(res.status)) {
    return { ok: false, inconclusive: true, status: res.status, latencyMs: res.latencyMs, detail: `${ms} ms for ${describeReply(res)}: the time to refuse a valid delivery says nothing about the budget` };
  }
  const ok = res.latencyMs <= deps.budgetMs;
  return { ok, status: res.status, latencyMs: res.latencyMs, detail: `${againstBudget(res.latencyMs, deps.budgetMs)} ms ${ok ? '≤' : '>'} ${deps.budgetMs} ms budget (status ${res.status})` };
}

/** A latency in whole ms, or with as many decimals (up to 3) as it takes not to read as the budget it differs from: "250.4 ms > 250 ms". */
function againstBudget(latencyMs: number, budgetMs: number): string {
  if (latencyMs === budgetMs) return String(budgetMs);
  for (const digits of [0, 1, 2]) {
    const shown = latencyMs.toFixed(digits);
    if (Number(shown) !== budgetMs) return shown;
  }
  return latencyMs.toFixed(3);
}

/** A copy of the delivery without the headers whose lowercased names match. */
export function withoutHeaders(d: OutgoingDelivery, drop: (lowerName: string) => boolean): OutgoingDelivery {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.headers)) if (!drop(k.toLowerCase())) headers[k] = v;
  return { ...d, headers };
}

/** Renders a shipped fixture (one event) with fresh ids and the current time. */
export async function fixtureRenderer(opts: { now?: () => number; env?: Record<string, string | undefined> }): Promise<(name: string, sets?: string[]) => RenderedFixture> {
  const { FixtureLibrary } = await import('../../fixtures.js');
  const lib = new FixtureLibrary();
  return (name, sets) => {
    const out = lib.render(name, { now: opts.now, env: opts.env ?? {}, sets });
    // Stryker disable next-line ConditionalExpression,StringLiteral: the batteries render only single-event fixtures; a guard against a library change
    if (out.length !== 1) throw new UsageError('bad_fixture', `fixture ${name} is not a single event`);
    return out[0];
  };
}
