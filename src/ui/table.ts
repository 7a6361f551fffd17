export interface TableOptions {
  /** The terminal's width (Ctx.columns). Undefined (piped or captured output): nothing is cut. */
  width?: number;
  /**
   * The columns (indexes) that may be shortened with "…" to fit `width`, in the order they give
   * way: list the widest, least essential free text first. Each gives way down to its floor (its
   * header's width, at least 16 columns) before the next one starts. Default: the last column.
   * Any other column is never cut: ids, timestamps and amounts are copied by users.
   */
  flex?: number[];
  /**
   * Flex columns that are left out, in this order, when the table does not fit even with every
   * flex column at its floor; a line under the table names them. Default: none.
   */
  droppable?: number[];
}

/** A flex column is never cut narrower than this (nor than its header: a header never splits). */
const MIN_FLEX = 16;
const GAP = 2;
const SGR = /\x1b\[[0-9;]*m/g;
const SGR_PREFIX = /^(?:\x1b\[[0-9;]*m)+/;
const SGR_SUFFIX = /(?:\x1b\[[0-9;]*m)+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Terminal columns of a cell and how to cut one to a width; colour codes are stripped before either. */
interface Measure {
  width(plain: string): number;
  cut(plain: string, columns: number): string;
}

/** Printable ASCII: one column a character. */
const ASCII: Measure = {
  width: (plain) => plain.length,
  cut: (plain, columns) => `${plain.slice(0, columns - 1)}…`,
};

/**
 * Anything else is measured with string-width (East Asian wide characters count two, emoji
 * sequences and combining marks as a terminal shows them) and cut between grapheme clusters. Loaded
 * only for such tables: it costs ~40 ms of start-up.
 */
async function unicodeMeasure(): Promise<Measure> {
  const { default: stringWidth } = await import('string-width');
  const graphemes = new Intl.Segmenter();
  return {
    width: stringWidth,
    cut(plain, columns) {
      let out = '';
      let used = 0;
      for (const { segment } of graphemes.segment(plain)) {
        const w = stringWidth(segment);
        if (used + w > columns - 1) break;
        out += segment;
        used += w;
      }
      return `${out}…`;
    },
  };
}

/**
 * A plain text table: columns padded to the widest cell, measured in terminal columns — ANSI colour
 * codes count for nothing and East Asian wide characters (Midas's 系统繁忙, a product title) for two.
 *
 * On a terminal narrower than the table no row wraps:
 * 1. the `flex` columns give way in their stated order, each down to its floor, cut with "…";
 * 2. if that is not enough, the `droppable` columns are left out (in order) and named under the table;
 * 3. if the columns that are never cut are still too wide, each row becomes a short block of
 *    "header value" pairs filled to the width (a value wider than the whole terminal is the only
 *    thing that wraps: it is never cut unless its column is flex).
 * Piped output (no width) keeps every word.
 */
export async function renderTable(header: string[], rows: string[][], opts: TableOptions = {}): Promise<string> {
  const plain = (s: string) => s.replace(SGR, '');
  const m = [header, ...rows].every((r) => r.every((c) => PRINTABLE_ASCII.test(plain(c)))) ? ASCII : await unicodeMeasure();
  const width = (s: string) => m.width(plain(s));
  // A cell wrapped in colour codes (chalk.dim(text)) keeps its wrapping when cut.
  const fit = (cell: string, room: number) => {
    if (width(cell) <= room) return cell;
    const prefix = SGR_PREFIX.exec(cell)?.[0] ?? '';
    const suffix = prefix ? (SGR_SUFFIX.exec(cell)?.[0] ?? '') : '';
    return `${prefix}${m.cut(plain(cell), room)}${suffix}`;
  };
  const natural = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const flex = opts.flex ?? [header.length - 1];
  const floor = (i: number) => Math.min(natural[i], Math.max(width(header[i]), MIN_FLEX));
  const total = (cols: number[], w: (i: number) => number) => cols.reduce((sum, i) => sum + w(i), 0) + GAP * (cols.length - 1);

  let columns = header.map((_, i) => i);
  const dropped: number[] = [];
  const limit = opts.width ?? Infinity;
  const atFloor = (i: number) => (flex.includes(i) ? floor(i) : natural[i]);
  for (const d of opts.droppable ?? []) {
    if (total(columns, atFloor) <= limit) break;
    if (columns.length > 1 && columns.includes(d)) {
      columns = columns.filter((i) => i !== d);
      dropped.push(d);
    }
  }
  if (total(columns, atFloor) > limit) return stacked(header, rows, { width: limit, flex, measure: width, fit });

  const widths = [...natural];
  let excess = total(columns, (i) => widths[i]) - limit;
  for (const i of flex) {
    if (excess <= 0) break;
    if (!columns.includes(i)) continue;
    const give = Math.min(excess, widths[i] - floor(i));
    widths[i] -= give;
    excess -= give;
  }
  const last = columns.at(-1)!;
  const line = (cells: string[]) =>
    columns
      .map((i) => {
        const cell = fit(cells[i] ?? '', widths[i]);
        return i === last ? cell : cell + ' '.repeat(Math.max(0, widths[i] - width(cell)));
      })
      .join(' '.repeat(GAP));
  const out = [line(header), line(header.map((_, i) => '─'.repeat(widths[i]))), ...rows.map(line)];
  if (dropped.length) out.push(fit(`(${dropped.map((i) => header[i]).join(', ')}: left out at this width)`, limit));
  return out.join('\n');
}

/**
 * The layout of last resort, for a terminal narrower than the columns that are never cut: each row
 * is a block of "header value" pairs filled to the width, continuation lines indented, blocks
 * separated by a blank line.
 */
function stacked(
  header: string[],
  rows: string[][],
  o: { width: number; flex: number[]; measure: (s: string) => number; fit: (cell: string, room: number) => string },
): string {
  const INDENT = '  ';
  const blocks = rows.map((row) => {
    const lines: string[] = [];
    let current = '';
    header.forEach((h, i) => {
      const value = row[i] ?? '';
      if (value === '') return;
      const room = o.width - INDENT.length - o.measure(h) - 1;
      const pair = `${h} ${o.flex.includes(i) ? o.fit(value, Math.max(1, room)) : value}`;
      if (current && o.measure(current) + 3 + o.measure(pair) <= o.width) current += ` · ${pair}`;
      else {
        if (current) lines.push(current);
        current = lines.length ? INDENT + pair : pair;
      }
    });
    if (current) lines.push(current);
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}
