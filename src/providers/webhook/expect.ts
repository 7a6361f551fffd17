import { UsageError } from '../../core/errors.js';
import type { ExpectSpec, ReplyVerdict } from './adapter.js';

/**
 * `--expect` values: a status class (`2xx`…`5xx`), an exact status (`204`), or a Midas ret code
 * (`ret=4`). Pure: the engine and `webhook check` share it.
 */
export function parseExpect(value: string): ExpectSpec {
  const v = value.trim().toLowerCase();
  const cls = /^([2-5])xx$/.exec(v);
  if (cls) return { kind: 'class', cls: Number(cls[1]) as 2 | 3 | 4 | 5 };
  if (/^[1-5]\d\d$/.test(v)) return { kind: 'status', status: Number(v) };
  const ret = /^ret=(-?\d{1,9})$/.exec(v);
  if (ret) return { kind: 'ret', ret: Number(ret[1]) };
  throw new UsageError('bad_expect', `--expect must be 2xx|3xx|4xx|5xx, a status code or ret=<n>, got "${value.slice(0, 40)}"`, {
    hint: 'e.g. --expect 2xx, --expect 403, --expect ret=4 (midas)',
  });
}

export function describeExpect(spec: ExpectSpec): string {
  if (spec.kind === 'class') return `${spec.cls}xx`;
  if (spec.kind === 'status') return String(spec.status);
  return `ret=${spec.ret}`;
}

/**
 * The default verdict when the provider's adapter has no opinion: the status against the class or
 * code; for `ret=<n>` a 200 whose JSON body has that `ret`.
 */
export function checkExpect(status: number, body: Buffer, spec: ExpectSpec): ReplyVerdict {
  if (spec.kind === 'class') {
    return Math.floor(status / 100) === spec.cls ? { ok: true } : { ok: false, reason: `status ${status}, expected ${spec.cls}xx` };
  }
  if (spec.kind === 'status') return status === spec.status ? { ok: true } : { ok: false, reason: `status ${status}, expected ${spec.status}` };
  if (status !== 200) return { ok: false, reason: `status ${status}, expected 200 with ret=${spec.ret}` };
  let ret: unknown;
  try {
    ret = (JSON.parse(body.toString('utf8')) as { ret?: unknown })?.ret;
  } catch {
    return { ok: false, reason: `reply is not JSON, expected ret=${spec.ret}` };
  }
  return ret === spec.ret ? { ok: true } : { ok: false, reason: `ret ${JSON.stringify(ret) ?? 'missing'}, expected ret=${spec.ret}` };
}
