import { EXPLAIN_ENTRIES, type ExplainEntry } from './codes.js';

export { EXPLAIN_ENTRIES, type ExplainEntry, type ExplainFamily } from './codes.js';

const BY_CODE = new Map(EXPLAIN_ENTRIES.map((e) => [e.code, e]));

/** Accepts "1383001", "#100", "(#190)", "OAuthException 190", "paypal:crc-mismatch", "PAYPAL crc_mismatch", "midas 4". */
export function normalizeCode(input: string): string {
  const s = input.trim().toLowerCase();
  const family = /^(paypal|midas)[\s:/_-]+(.+)$/.exec(s);
  // Stryker disable next-line MethodExpression: equivalent: `s` is trimmed and the separator class takes the spaces before the name
  if (family) return `${family[1]}:${family[2].trim().replace(/[\s_]+/g, '-')}`;
  // The number at the end, after the start or a space: "190", "(#190)", "# 190", "OAuthException (#190)".
  const num = /(?:^|\s)\(?#?(\d+)\)?$/.exec(s);
  if (num) return String(Number(num[1]));
  return s;
}

export type ExplainResult = { found: true; entry: ExplainEntry } | { found: false; code: string; nearest: ExplainEntry[] };

/** Looks a code up; an unknown one comes back with the nearest known codes of the same kind. */
export function explainCode(input: string): ExplainResult {
  const code = normalizeCode(input);
  // Graph documents 200–299 as one family of permission errors.
  const hit = BY_CODE.get(code) ?? (/^2\d\d$/.test(code) ? BY_CODE.get('200') : undefined);
  if (hit) return { found: true, entry: hit };
  return { found: false, code, nearest: nearestCodes(code) };
}

function nearestCodes(code: string, n = 3): ExplainEntry[] {
  if (/^\d+$/.test(code)) {
    const v = Number(code);
    // Pay Dialog codes have 7 digits, Graph codes fewer: an unknown code is compared with its own kind.
    // Stryker disable next-line EqualityOperator: `c < 1_000_000` inverts the rule for both sides of the === below, so the pools stay the same (the `c > 1_000_000` mutant ignored with it is caught by the 1000000 test)
    const payDialog = (c: number) => c >= 1_000_000;
    // Stryker disable next-line Regex: equivalent for this table: no code starts with a digit unless all digits, and midas:N (NaN distance) never sorts ahead of a real one
    const pool = EXPLAIN_ENTRIES.filter((e) => /^\d+$/.test(e.code) && payDialog(v) === payDialog(Number(e.code)));
    // Stryker disable next-line ConditionalExpression,MethodExpression,ArrowFunction,Regex: unreachable: the table has numeric codes of both kinds, so the pool is never empty
    const candidates = pool.length ? pool : EXPLAIN_ENTRIES.filter((e) => /^\d+$/.test(e.code));
    return [...candidates]
      .sort(
        (a, b) =>
          Math.abs(Number(a.code) - v) - Math.abs(Number(b.code) - v) ||
          // Stryker disable next-line ArithmeticOperator: equivalent: the table lists codes in ascending order and the sort is stable, so ties stay smaller-first
          Number(a.code) - Number(b.code),
      )
      .slice(0, n);
  }
  const family = code.split(':')[0];
  const pool = EXPLAIN_ENTRIES.filter((e) => e.code.startsWith(family + ':'));
  return [...(pool.length ? pool : EXPLAIN_ENTRIES.filter((e) => e.code.includes(':')))]
    .sort((a, b) => rank(a.code, code) - rank(b.code, code))
    .slice(0, n);
}

/** Codes that start with (or contain) what was typed come first, then by edit distance. */
function rank(known: string, typed: string): number {
  const bonus = known.startsWith(typed) ? -1000 : known.includes(typed.split(':').pop() ?? typed) ? -500 : 0;
  return bonus + distance(known, typed);
}

/** Levenshtein distance (small strings only). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The table entry for a Graph error code (for error hints), if fbpay knows it. */
export function graphCodeEntry(code: number): ExplainEntry | undefined {
  return BY_CODE.get(String(code));
}
