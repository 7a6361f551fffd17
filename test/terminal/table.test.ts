/**
 * Issue 13 §3 — tables fit the terminal without wrapping a row: the flex (free-text) columns give way
 * in their stated order down to their floor, then droppable ones are left out (and named), and only
 * when the columns that are never cut do not fit does each row become a block. Headers never split;
 * values in other columns (ids, timestamps, amounts) are never cut; piped output keeps every word.
 */
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/ui/table.js';

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const HEADER = ['check', 'kind', 'result', 'what came back', 'why it matters'];
const ROWS = [
  ['handshake', 'required', '✗ FAIL', '200 "OK": expected 200 with exactly "4458555679"', '\x1b[2mFacebook only subscribes an endpoint that answers the GET with exactly the challenge\x1b[22m'],
  ['action-types', 'required', '✓ pass', 'charge 200, refund 200, chargeback 200, chargeback_reversal 200, decline 200', '\x1b[2mrefunds, chargebacks and declines must be handled, not just charges\x1b[22m'],
  ['handshake-wrong-token', 'advisory', '✓ pass', '200 (not echoed)', '\x1b[2mechoing any challenge lets anyone subscribe your endpoint\x1b[22m'],
];
const CHECK = { flex: [4, 3], droppable: [4] };

describe('renderTable on a terminal', () => {
  it('flex columns give way in the stated order: the first down to its floor before the second loses a column', async () => {
    const natural = (await renderTable(HEADER, ROWS)).split('\n').map(plain);
    const full = Math.max(...natural.map((l) => stringWidth(l)));
    // 20 columns too many: all of them come out of "why it matters".
    const a = (await renderTable(HEADER, ROWS, { width: full - 20, ...CHECK })).split('\n').map(plain);
    expect(a[3]).toContain(ROWS[1][3]); // what came back: whole
    expect(a[1].split('  ').at(-1)).toHaveLength(ROWS[0][4].length - 20 - '\x1b[2m\x1b[22m'.length);
    // At 120, "why" is at its floor (16, wider than its header) and "what came back" gives the rest.
    const b = (await renderTable(HEADER, ROWS, { width: 120, ...CHECK })).split('\n').map(plain);
    expect(b[0]).toMatch(/what came back +why it matters$/);
    expect(b[2].endsWith('Facebook only s…')).toBe(true);
    expect(b[3]).toMatch(/charge 200, refund 200, .*…  refunds, charge…$/);
    for (const l of b) expect(stringWidth(l)).toBeLessThanOrEqual(120);
  });

  it('at 60 columns the droppable "why it matters" is left out and named; "what came back" is cut; nothing wraps', async () => {
    const out = (await renderTable(HEADER, ROWS, { width: 60, ...CHECK })).split('\n').map(plain);
    expect(out[0]).toBe('check                  kind      result  what came back');
    for (const l of out) expect(stringWidth(l)).toBeLessThanOrEqual(60);
    expect(out.join('\n')).not.toContain('Facebook only');
    expect(out.at(-1)).toBe('(why it matters: left out at this width)');
    expect(out[2]).toMatch(/^handshake +required +✗ FAIL +200 "OK": expected…$/);
  });

  it('property: at any width from 30 to 200 no line is wider, headers never split, never-cut cells are whole, and piped output is whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 30, max: 200 }), async (width) => {
        const text = await renderTable(HEADER, ROWS, { width, ...CHECK });
        const lines = text.split('\n').map(plain);
        for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(width);
        const flat = lines.join('\n');
        for (const row of ROWS) for (const i of [0, 1, 2]) expect(flat).toContain(row[i]);
        if (!lines[1].startsWith('─')) return; // rows became blocks: each header is the label of its value
        for (const h of HEADER.slice(0, 4)) expect(lines[0]).toContain(h);
      }),
      { numRuns: 60 },
    );
    const piped = plain(await renderTable(HEADER, ROWS, CHECK));
    for (const row of ROWS) for (const cell of row) expect(piped).toContain(plain(cell));
    expect(piped).not.toContain('…');
  });

  it('when the never-cut columns alone are too wide (payment actions at 60 columns), each row is a block of whole values', async () => {
    const out = await renderTable(
      ['type', 'status', 'amount', 'currency', 'updated'],
      [
        ['charge', 'completed', '4.99', 'USD', '2024-03-05T10:11:13+0000'],
        ['chargeback_reversal', 'completed', '4.99', 'USD', '2024-03-09T08:00:01+0000'],
      ],
      { width: 60, flex: [] },
    );
    expect(out).toBe(
      [
        'type charge · status completed · amount 4.99 · currency USD',
        '  updated 2024-03-05T10:11:13+0000',
        '',
        'type chargeback_reversal · status completed · amount 4.99',
        '  currency USD · updated 2024-03-09T08:00:01+0000',
      ].join('\n'),
    );
  });
});

describe('prose on a terminal', () => {
  it('wrapWords keeps every word, each line within the width unless one word is wider', async () => {
    const { wrapWords } = await import('../../src/ui/wrap.js');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { minLength: 1, maxLength: 30 }), fc.integer({ min: 10, max: 80 }), async (words, width) => {
        const text = words.join(' ');
        const out = wrapWords(text, width);
        expect(out.split('\n').map((l) => l.trim()).join(' ')).toBe(text);
        for (const l of out.split('\n')) if (l.trim().includes(' ')) expect([...l].length).toBeLessThanOrEqual(width);
      }),
    );
    expect(wrapWords('respond with `fbpay payment dispute 1621702554627001 --reason …`', 30)).toBe('respond with\n  `fbpay payment dispute 1621702554627001 --reason …`');
    expect(wrapWords('a b c', undefined)).toBe('a b c');
  });

  it('joinToWidth breaks between parts only', async () => {
    const { joinToWidth } = await import('../../src/ui/wrap.js');
    expect(joinToWidth(['sent 300', 'ok 299', 'failed 1', 'errors 0', 'status 200×299 500×1'], 40)).toBe('sent 300 · ok 299 · failed 1 · errors 0\n  status 200×299 500×1');
    expect(joinToWidth(['a', 'b'], undefined)).toBe('a · b');
  });
});
