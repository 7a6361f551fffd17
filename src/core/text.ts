/**
 * `text` cut to at most `max` characters, the cut marked with "…" (one of them). Characters are
 * code points: a cut never splits a surrogate pair (half an emoji printed as �). For terminal
 * columns (CJK characters are two wide) see renderTable in src/ui/table.ts.
 */
export function ellipsize(text: string, max: number): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast path only: without it the loop below returns `text` whole whenever it has at most `max` code points
  if (text.length <= max) return text;
  let kept = '';
  let n = 0;
  for (const ch of text) {
    if (++n > max) return `${kept}…`;
    if (n < max) kept += ch;
  }
  return text;
}
