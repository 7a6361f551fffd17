export interface TableOptions {
  /** The terminal's width (Ctx.columns): the last column is cut with "…" to fit it. Undefined: nothing is cut. */
  width?: number;
}

/** The last column is never cut narrower than this: below it the line wraps instead. */
const MIN_LAST_COLUMN = 16;
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
 * On a terminal narrower than the table, the last column (the prose: a description, "why it
 * matters") is shortened rather than wrapped; piped output keeps every word.
 */
export async function renderTable(header: string[], rows: string[][], opts: TableOptions = {}): Promise<string> {
  const plain = (s: string) => s.replace(SGR, '');
  const m = [header, ...rows].every((r) => r.every((c) => PRINTABLE_ASCII.test(plain(c)))) ? ASCII : await unicodeMeasure();
  const width = (s: string) => m.width(plain(s));
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const last = widths.length - 1;
  const before = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  const room = opts.width === undefined ? Infinity : Math.max(MIN_LAST_COLUMN, opts.width - before);
  // A cell wrapped in colour codes (chalk.dim(text)) keeps its wrapping when cut.
  const fit = (cell: string) => {
    if (width(cell) <= room) return cell;
    const prefix = SGR_PREFIX.exec(cell)?.[0] ?? '';
    const suffix = prefix ? (SGR_SUFFIX.exec(cell)?.[0] ?? '') : '';
    return `${prefix}${m.cut(plain(cell), room)}${suffix}`;
  };
  const line = (cells: string[]) => cells.map((c, i) => (i === last ? fit(c) : c + ' '.repeat(Math.max(0, widths[i] - width(c))))).join('  ');
  return [line(header), line(widths.map((w, i) => '─'.repeat(i === last ? Math.min(w, room) : w))), ...rows.map(line)].join('\n');
}
