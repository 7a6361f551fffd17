/**
 * `text` cut to at most `max` characters, the cut marked with "…" (one of them). Characters are
 * code points: a cut never splits a surrogate pair (half an emoji printed as �). For terminal
 * columns (CJK characters are two wide) see renderTable in src/ui/table.ts.
 */
export function ellipsize(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (++n > max) return `${trimPartial(out)}…`;
    out += ch;
  }
  return text;
}

/** Drops the last code point so the "…" fits; what remains is whole code points. */
function trimPartial(s: string): string {
  const last = s.codePointAt(s.length - 1);
  const isLowSurrogate = last !== undefined && last >= 0xdc00 && last <= 0xdfff && s.length >= 2;
  return s.slice(0, isLowSurrogate ? -2 : -1);
}
