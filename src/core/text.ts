import stringWidth from 'string-width';

/** Terminal columns a string takes: ANSI colour codes count nothing, East Asian wide characters two. */
export const displayWidth = (text: string): number => stringWidth(text);

let graphemes: Intl.Segmenter | undefined;

/**
 * `text` cut to at most `columns` terminal columns, the cut marked with "…" (which takes one of
 * them). It cuts between whole characters as a reader sees them (grapheme clusters: an emoji, a
 * letter with its accent, a CJK character counted two wide), never through a surrogate pair.
 */
export function ellipsize(text: string, columns: number): string {
  if (text.length <= columns / 2 || stringWidth(text) <= columns) return text;
  let out = '';
  let width = 0;
  for (const { segment } of (graphemes ??= new Intl.Segmenter()).segment(text)) {
    const w = stringWidth(segment);
    if (width + w > columns - 1) break;
    out += segment;
    width += w;
  }
  return `${out}…`;
}
