import { ellipsize } from '../core/text.js';

/** Columns a string takes, colour codes excluded (code points: enough for fbpay's own sentences). */
const visible = (s: string) => [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;

/**
 * Prose wrapped between words to a terminal `width` (undefined: piped output, left whole), later
 * lines indented. A word longer than a line (a URL, a `quoted command`) is kept whole on its own
 * line: it is something a user copies. Runs of spaces become one.
 */
export function wrapWords(text: string, width: number | undefined, indent = '  '): string {
  if (width === undefined || visible(text) <= width) return text;
  const lines: string[] = [];
  let current = '';
  // A `quoted command` is one word: a command broken across lines no longer pastes.
  for (const word of text.match(/(?:`[^`]*`|\S)+/g) ?? []) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && visible(candidate) > width) {
      lines.push(current);
      current = indent + word;
    } else current = candidate;
  }
  lines.push(current);
  return lines.join('\n');
}

/**
 * A label and a value on one line: free `text` before the value is shortened with "…" so the line
 * fits `width`; the value (an id, a timestamp, an amount) never is.
 */
export function fitLabelled(label: string, text: string, value: string, width: number | undefined): string {
  const room = width === undefined ? Infinity : width - [...label].length - [...value].length;
  const shown = [...text].length <= room ? text : ellipsize(text, Math.max(4, room));
  return `${label}${shown}${value}`;
}

/**
 * Parts joined with `sep`, starting a new (indented) line before a part that would not fit
 * `width`; no part is ever split. Undefined width (piped output): one line.
 */
export function joinToWidth(parts: string[], width: number | undefined, sep = ' · ', indent = '  '): string {
  if (width === undefined) return parts.join(sep);
  const lines: string[] = [];
  let current = '';
  for (const part of parts) {
    if (current && visible(current) + visible(sep) + visible(part) > width) {
      lines.push(current);
      current = indent + part;
    } else current = current ? current + sep + part : part;
  }
  lines.push(current);
  return lines.join('\n');
}
