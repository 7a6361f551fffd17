import { displayWidth } from '../core/text.js';

/**
 * A plain text table: columns padded to the widest cell, measured in terminal columns — ANSI colour
 * codes count for nothing and East Asian wide characters (Midas's 系统繁忙, a product title) for two.
 */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(Math.max(0, widths[i] - displayWidth(c))))).join('  ');
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
