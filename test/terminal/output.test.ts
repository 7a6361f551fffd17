/**
 * Issue 13 §3 — output fits the terminal; piped output keeps every word. Each command runs on a
 * real pseudo-terminal of 120 or 60 columns (pty-relay.py sets the window size as `stty cols` does,
 * and COLUMNS too); the piped cases redirect stdout to a file from a shell on that same terminal,
 * so only stdout is not a terminal, as in `fbpay fixtures list > out.txt`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runBin } from '../helpers/cli.js';
import { HAS_PYTHON, columnsOf, screenLines, startPty } from './pty.js';

const servers: Server[] = [];
const dir = mkdtempSync(join(tmpdir(), 'fbpay-terminal-'));
let acceptAll: string;
let chatty: string;
let graph: string;
let posts = 0;

const REPLY = '{"received":true,"message":"thanks, this delivery was recorded and will be processed by the fulfilment worker shortly"}';
const PAYMENT = {
  id: '1621702554627001',
  user: { name: 'Margaret Hamilton-Lovelace of the Northern Kingdoms', id: '100012345678901' },
  application: { name: 'Castle Siege: Legends of the Northern Kingdoms', id: '1000000000000001' },
  created_time: '2024-03-05T10:11:12+0000',
  request_id: 'order-2024-03-05-0001',
  refundable_amount: { amount: '4.99', currency: 'USD' },
  actions: [
    { type: 'charge', status: 'completed', amount: '4.99', currency: 'USD', time_created: '2024-03-05T10:11:12+0000', time_updated: '2024-03-05T10:11:13+0000' },
    { type: 'chargeback_reversal', status: 'completed', amount: '4.99', currency: 'USD', time_updated: '2024-03-09T08:00:01+0000' },
  ],
  items: [{ type: 'IN_APP_PURCHASE', product: 'https://castle.example/og/gold-1000.html', quantity: 1 }],
  disputes: [{ status: 'pending', reason: 'BANNED_USER', time_created: '2024-03-06T09:00:00+0000', user_comment: 'I was banned right after buying the gold pack and never got to use it' }],
};

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  // Accepts everything with 200 "OK": the check battery has passes and failures to show.
  acceptAll = await listen((req, res) => req.resume().on('end', () => res.end('OK')));
  chatty = await listen((req, res) => req.resume().on('end', () => res.end(REPLY)));
  graph = await listen((req, res) => {
    req.resume();
    if (req.method === 'POST') posts++;
    res.setHeader('content-type', 'application/json');
    res.end(req.method === 'GET' ? JSON.stringify(PAYMENT) : '{"success":true}');
  });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(servers.map((s) => (s.closeAllConnections(), new Promise((r) => s.close(r)))));
});

/** Runs on a pty of `columns` and resolves with the exit code and the lines left on screen. */
async function onTerminal(argv: string[], columns: number, opts: { env?: Record<string, string | undefined>; shell?: boolean } = {}) {
  const run = startPty(argv, { columns, ...opts });
  const { code } = await run.exit;
  return { code, lines: screenLines(run.raw), raw: run.raw };
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const fbpay = (args: string[]) => [process.execPath, BIN, ...args].map(sh).join(' ');

/** A follow-up command on a line of its own is a value the user copies: kept whole, like an id. */
const WHOLE_COMMAND = /^\s*`fbpay [^`]*`$/;

function expectFits(lines: string[], columns: number) {
  for (const l of lines) if (!WHOLE_COMMAND.test(l)) expect(columnsOf(l), `wider than ${columns} columns:\n${l}`).toBeLessThanOrEqual(columns);
}

describe.runIf(HAS_PYTHON)('webhook check on a terminal', () => {
  it('at 120 columns no row wraps and the header is whole', async () => {
    const { code, lines } = await onTerminal(['webhook', 'check', '--to', `${acceptAll}/webhook`, '--secret', 's', '--verify-token', 'vt'], 120);
    expect(code).toBe(1); // the receiver accepts unsigned deliveries
    const table = lines.slice(lines.findIndex((l) => /^check +kind +result +what came back/.test(l)));
    expect(table.length, lines.join('\n')).toBeGreaterThan(10);
    const rows = table.slice(0, table.findIndex((l) => l === ''));
    expectFits(lines, 120); // the table, and the summary under it, wrapped between words
    expect(rows[0]).toMatch(/what came back +why it matters$/);
    for (const l of rows.slice(2)) expect(l).toMatch(/^[a-z0-9-]+ +(required|advisory) +(✓ pass|✗ FAIL|✗ warn|– skip|\? inconclusive) /);
  });

  it('at 60 columns the rows that cannot fit become blocks: nothing wraps, every check keeps its id, kind and result', async () => {
    const { code, lines } = await onTerminal(['webhook', 'check', '--to', `${acceptAll}/webhook`, '--secret', 's', '--verify-token', 'vt'], 60);
    expect(code).toBe(1);
    expectFits(lines, 60);
    // check + kind + "? inconclusive" + the 16-column floor of "what came back" need 65 columns: blocks, one per check.
    const heads = lines.filter((l) => l.startsWith('check '));
    for (const id of ['handshake', 'handshake-wrong-token', 'valid-update', 'missing-signature', 'tampered-body']) {
      expect(heads.some((h) => h.startsWith(`check ${id} · kind `)), lines.join('\n')).toBe(true);
    }
    expect(lines.some((l) => /result \? inconclusive/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('  what came back ')).length).toBe(heads.length);
  });

  it('piped to a file from the same terminal: every "why it matters" whole, nothing cut', async () => {
    const out = join(dir, 'check.txt');
    const { code } = await onTerminal([`${fbpay(['webhook', 'check', '--to', `${acceptAll}/webhook`, '--secret', 's', '--verify-token', 'vt'])} > ${sh(out)}`], 60, { shell: true });
    expect(code).toBe(1);
    const text = readFileSync(out, 'utf8');
    const list = JSON.parse((await runBin(['--json', 'webhook', 'check', '--list'])).stdout) as { checks: Array<{ id: string; why: string }> };
    for (const c of list.checks) expect(text).toContain(c.why);
    expect(text).not.toContain('…');
  });
});

describe.runIf(HAS_PYTHON)('payment get on a terminal', () => {
  it('at 60 columns: text is shortened, ids, timestamps and amounts are whole, no line wraps', async () => {
    const { code, lines } = await onTerminal(['payment', 'get', PAYMENT.id, '--graph-url', graph, '--app-id', '1', '--secret', 's'], 60);
    expect(code, lines.join('\n')).toBe(0);
    const shown = lines.slice(lines.findIndex((l) => l.startsWith('payment ')));
    expectFits(shown, 60);
    const text = shown.join('\n');
    for (const value of ['1621702554627001', '100012345678901', '1000000000000001', '2024-03-05T10:11:13+0000', '2024-03-09T08:00:01+0000', '2024-03-06T09:00:00+0000', '4.99', PAYMENT.items[0].product, 'order-2024-03-05-0001']) {
      expect(text).toContain(value);
    }
    expect(text).toMatch(/^application Castle Siege: [^…]*… \(1000000000000001\)$/m);
    expect(text).toMatch(/`fbpay payment dispute 1621702554627001 --reason GRANTED_REPLACEMENT_ITEM --graph-url http:\/\/127\.0\.0\.1:\d+`/); // whole, on its own line: it runs as printed // a command is never broken across lines
  });

  it('at 120 columns the tables are whole', async () => {
    const { lines } = await onTerminal(['payment', 'get', PAYMENT.id, '--graph-url', graph, '--app-id', '1', '--secret', 's'], 120);
    expectFits(lines, 120);
    expect(lines).toContain('chargeback_reversal  completed  4.99    USD       2024-03-09T08:00:01+0000');
    expect(lines.join('\n')).toContain(PAYMENT.disputes[0].user_comment);
  });
});

describe.runIf(HAS_PYTHON)('fixtures list', () => {
  it('> out.txt keeps every word of every description (no "…", no cut at ";")', async () => {
    const out = join(dir, 'fixtures.txt');
    const { code } = await onTerminal([`${fbpay(['fixtures', 'list'])} > ${sh(out)}`], 60, { shell: true });
    expect(code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const all = JSON.parse((await runBin(['--json', 'fixtures', 'list'])).stdout) as Array<{ description: string }>;
    expect(all.some((f) => f.description.length > 90 || /; /.test(f.description))).toBe(true); // the premise: some were cut before
    for (const f of all) expect(text).toContain(f.description);
    expect(text).not.toMatch(/…$/m); // some descriptions hold a "…" of their own ("(I-…)"), none ends a line
  });

  it('on a 60-column terminal every line fits', async () => {
    const { code, lines } = await onTerminal(['fixtures', 'list'], 60);
    expect(code).toBe(0);
    expectFits(lines, 60);
    expect(lines.some((l) => l.endsWith('…'))).toBe(true);
  });
});

describe.runIf(HAS_PYTHON)('webhook replay lines', () => {
  it('at 60 columns each line fits and a cut reply ends with "…"', async () => {
    const { code, lines } = await onTerminal(['webhook', 'replay', 'fb-payment-charge', '--to', `${chatty}/webhook`, '--secret', 's', '--count', '3'], 60);
    expect(code).toBe(0);
    expectFits(lines, 60);
    const deliveries = lines.filter((l) => /^✓ 200 /.test(l));
    expect(deliveries).toHaveLength(3);
    for (const l of deliveries) expect(l).toMatch(/ \{"received":true,.*…$/);
  });

  it('piped: the reply is kept whole (up to 200 characters)', async () => {
    const r = await runBin(['webhook', 'replay', 'fb-payment-charge', '--to', `${chatty}/webhook`, '--secret', 's']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(REPLY);
  });

  it('a long replay on a terminal shows a live progress line (count, ok, failures, rate) after the first 100', async () => {
    const { code, lines, raw } = await onTerminal(['webhook', 'replay', 'fb-payment-charge', '--to', `${chatty}/webhook`, '--secret', 's', '--count', '400', '--concurrency', '8'], 80);
    expect(code).toBe(0);
    const run = lines.join('\n');
    expect(run).toMatch(/after 100 deliveries: a progress line/);
    // Drawn in place on stderr and cleared before the summary: it is in what the terminal received.
    expect(raw).toMatch(/… \d+ sent · \d+ ok · 0 failed · \d+ req\/s/);
    expect(run).toMatch(/sent 400 · ok 400/);
    expectFits(lines, 80);
  });
});
