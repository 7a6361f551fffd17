import { junitXml } from '../../../core/junit.js';
import type { CheckReport } from './types.js';

/** The `--json` document: `{"provider","target","passed","failed","skipped","checks":[…]}`, keys snake_case. */
export function reportToJson(r: CheckReport) {
  return {
    provider: r.provider,
    ...(r.kind ? { kind: r.kind } : {}),
    target: r.target,
    passed: r.passed,
    failed: r.failed,
    required_failed: r.requiredFailed,
    inconclusive: r.inconclusive,
    required_inconclusive: r.requiredInconclusive,
    skipped: r.skipped,
    cause: r.cause ?? null,
    ...(r.note ? { note: r.note } : {}),
    elapsed_ms: Math.round(r.elapsedMs),
    checks: r.checks.map((c) => ({
      id: c.id,
      title: c.title,
      required: c.required,
      // A skipped or inconclusive check neither passed nor failed.
      ok: c.skipped || c.inconclusive ? null : c.ok,
      result: c.skipped ? 'skipped' : c.inconclusive ? 'inconclusive' : c.ok ? 'pass' : 'fail',
      skipped: Boolean(c.skipped),
      inconclusive: Boolean(c.inconclusive),
      status: c.status ?? null,
      detail: c.detail,
      latency_ms: c.latencyMs === undefined ? null : Math.round(c.latencyMs * 10) / 10,
    })),
  };
}

/** JUnit XML: one suite per run, one testcase per check (failure for failed and for inconclusive, which fails a run too; skipped for skipped). */
export function reportToJunit(r: CheckReport, timestamp = new Date()): string {
  return junitXml([
    {
      name: `fbpay webhook check ${r.provider}${r.kind ? ` ${r.kind}` : ''}`,
      // Stryker disable next-line Regex: toISOString() always ends with .sssZ, so the anchor cannot change what is replaced
      timestamp: timestamp.toISOString().replace(/\.\d{3}Z$/, ''),
      timeMs: r.elapsedMs,
      properties: { provider: r.provider, ...(r.kind ? { kind: r.kind } : {}), target: r.target },
      cases: r.checks.map((c) => ({
        name: `${c.id}: ${c.title}`,
        classname: `fbpay.webhook-check.${r.provider}${r.kind ? `.${r.kind}` : ''}${c.required ? '' : '.advisory'}`,
        timeMs: c.latencyMs,
        ...(c.skipped ? { skipped: c.detail } : {}),
        ...(!c.skipped && !c.ok
          ? { failure: { message: c.detail, type: c.inconclusive ? 'inconclusive' : c.required ? 'required' : 'advisory', body: `${c.detail}\nwhy it matters: ${c.why}${c.inconclusive && r.cause ? `\nlikely cause: ${r.cause}` : ''}` } }
          : {}),
      })),
    },
  ]);
}
