import { UsageError } from './errors.js';

/** `--now` values: unix seconds (`1700000000`), unix ms (13 digits) or an ISO date. Returns unix seconds. */
export function parseNow(value: string, flag = '--now'): number {
  const v = value.trim();
  if (/^\d{1,11}$/.test(v)) return Number(v);
  if (/^\d{12,14}$/.test(v)) return Math.floor(Number(v) / 1000);
  const t = Date.parse(v);
  if (Number.isFinite(t)) return Math.floor(t / 1000);
  throw new UsageError('bad_time', `${flag} must be unix seconds or an ISO date, got "${v.slice(0, 40)}"`, { hint: `e.g. ${flag} 1565186944 or ${flag} 2024-06-01T00:00:00Z` });
}

/** Sizes like `1mb`, `512kb`, `100` (bytes). */
export function parseBytes(value: string, flag = '--max-body'): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$/i.exec(value.trim());
  if (!m) throw new UsageError('bad_size', `${flag} must be a size like 1mb or 512kb, got "${value.slice(0, 40)}"`, { hint: `e.g. ${flag} 1mb` });
  const mult: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };
  return Math.floor(Number(m[1]) * mult[(m[2] ?? 'b').toLowerCase()]);
}
