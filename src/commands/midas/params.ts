import { UsageError } from '../../core/errors.js';
import { parseMidasQuery, type MidasParams } from '../../core/midas/signature.js';

/** The parameters of `midas sign|verify`: `k=v` words or a raw `--query` (not both). */
export function readParams(words: string[], query: string | undefined, formEncoded: boolean): { params: MidasParams; sig?: string; duplicates: string[] } {
  if (query !== undefined && words.length > 0) throw new UsageError('midas_params_twice', 'pass parameters either as k=v words or with --query, not both', { hint: 'e.g. --query "openid=1&ts=2"' });
  if (query !== undefined) return parseMidasQuery(query, { formEncoded });
  const params: MidasParams = {};
  const duplicates: string[] = [];
  let sig: string | undefined;
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError('midas_bad_param', `expected key=value, got "${w.slice(0, 60)}"`, { hint: 'e.g. openid=123 amt=80 (values are taken literally, not percent-decoded)' });
    const k = w.slice(0, eq);
    if (k === 'sig') {
      sig = w.slice(eq + 1);
      continue;
    }
    if (k in params) duplicates.push(k);
    params[k] = w.slice(eq + 1);
  }
  return { params, sig, duplicates };
}

export function normalizeMethod(m: string | undefined): string {
  return (m ?? 'GET').toUpperCase();
}
