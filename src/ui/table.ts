import { displayWidth, ellipsize } from '../core/text.js';

export interface TableOptions {
  /** The terminal's width (Ctx.columns): the last column is cut with "…" to fit it. Undefined: nothing is cut. */
  width?: number;
}

/** The last column is never cut narrower than this: below it the line wraps instead. */
const MIN_LAST_COLUMN = 16;
const SGR_PREFIX = /^(?:\x1b\[[0-9;]*m)+/;
const SGR_SUFFIX = /(?:\x1b\[[0-9;]*m)+$/;
const SGR = /\x1b\[[0-9;]*m/g;

/**
 * A plain text table: columns padded to the widest cell, measured in terminal columns — ANSI colour
 * codes count for nothing and East Asian wide characters (Midas's 系统繁忙, a product title) for two.
 * On a terminal narrower than the table, the last column (the prose: a description, "why it
 * matters") is shortened rather than wrapped; piped output keeps every word.
 */
export function renderTable(header: string[], rows: string[][], opts: TableOptions = {}): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const last = widths.length - 1;
  const before = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  const room = opts.width === undefined ? Infinity : Math.max(MIN_LAST_COLUMN, opts.width - before);
  const fit = (cell: string) => (displayWidth(cell) <= room ? cell : cutStyled(cell, room));
  const line = (cells: string[]) => cells.map((c, i) => (i === last ? fit(c) : c + ' '.repeat(Math.max(0, widths[i] - displayWidth(c))))).join('  ');
  return [line(header), line(widths.map((w, i) => '─'.repeat(i === last ? Math.min(w, room) : w))), ...rows.map(line)].join('\n');
}

/** Cuts a cell that may be wrapped in colour codes (chalk.dim(text)), keeping the wrapping intact. */
function cutStyled(cell: string, columns: number): string {
  const prefix = SGR_PREFIX.exec(cell)?.[0] ?? '';
  const suffix = prefix ? (SGR_SUFFIX.exec(cell)?.[0] ?? '') : '';
  return `${prefix}${ellipsize(cell.replace(SGR, ''), columns)}${suffix}`;
}
