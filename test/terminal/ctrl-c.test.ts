/**
 * Issue 13 §2 — Ctrl-C on a real terminal. Each command runs on a pseudo-terminal (pty-relay.py) and
 * the test types the Ctrl-C byte, as a person does; the earlier interrupt tests sent SIGINT to a
 * child without a terminal and so never saw ora put the terminal in raw mode, where Ctrl-C is a
 * byte and not a signal. The remote is a loopback server that never answers, and every command is
 * given its own timeout of 60 s: it must end with exit 130, say it was interrupted (with its
 * summary where it has one) and do so well before that timeout. No tighter clock is asserted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_PYTHON, screenText, silentServer, startPty, type PtyRun } from './pty.js';

const OWN_TIMEOUT_MS = 60_000;
let silent: Awaited<ReturnType<typeof silentServer>>;
let graph: Server;
let graphUrl: string;

beforeAll(async () => {
  silent = await silentServer();
  // GET answers with a refundable payment, so `payment refund` reaches its confirmation; POST never answers.
  graph = createServer((req, res) => {
    req.resume();
    if (req.method !== 'GET') return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: '990001', refundable_amount: { amount: '4.99', currency: 'USD' }, actions: [{ type: 'charge', status: 'completed', amount: '4.99', currency: 'USD' }] }));
  });
  await new Promise<void>((r) => graph.listen(0, '127.0.0.1', r));
  graphUrl = `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await silent?.close();
  graph?.closeAllConnections();
  await new Promise((r) => graph?.close(r));
});

/** Waits for `shown`, types Ctrl-C, and returns the exit code, the screen and the seconds from Ctrl-C to exit. */
async function ctrlC(run: PtyRun, shown: RegExp) {
  try {
    await run.waitFor(shown);
    await new Promise((r) => setTimeout(r, 300)); // the spinner's first frames are drawn; the request is in flight
    const t0 = performance.now();
    run.type('\x03');
    const { code, at } = await run.exit;
    const screen = screenText(run.raw);
    expect(screen).not.toMatch(/\n\s+at /); // no stack trace
    return { code, screen, seconds: (at - t0) / 1000 };
  } finally {
    run.kill();
  }
}

const SPINNERS: Array<[string, () => string[], RegExp]> = [
  ['payment get', () => ['payment', 'get', '990001', '--graph-url', silent.url, '--app-id', '1', '--secret', 's', '--retries', '0', '--timeout', String(OWN_TIMEOUT_MS)], /GET \/990001/],
  ['purchases', () => ['purchases', '--graph-url', silent.url, '--access-token', 'EAAuser', '--retries', '0', '--timeout', String(OWN_TIMEOUT_MS)], /GET \/app\/purchases/],
  ['consume', () => ['consume', 'tok-1', '--graph-url', silent.url, '--access-token', 'EAAuser', '--retries', '0', '--timeout', String(OWN_TIMEOUT_MS)], /consume/],
  ['webhook challenge', () => ['webhook', 'challenge', '--to', `${silent.url}/webhook`, '--verify-token', 'vt', '--timeout', String(OWN_TIMEOUT_MS)], /handshake with/],
  ['payment refund (after the confirmation)', () => ['payment', 'refund', '990001', '--amount', '1', '--currency', 'USD', '--yes', '--graph-url', graphUrl, '--app-id', '1', '--secret', 's', '--retries', '0', '--timeout', String(OWN_TIMEOUT_MS)], /POST \/990001\/refunds/],
];

describe.runIf(HAS_PYTHON)('Ctrl-C typed on a terminal stops a command while its spinner shows', () => {
  for (const [name, argv, shown] of SPINNERS) {
    it(`${name}: exit 130, "interrupted", well before its own ${OWN_TIMEOUT_MS / 1000} s timeout`, async () => {
      const { code, screen, seconds } = await ctrlC(startPty(argv()), shown);
      expect(code, screen).toBe(130);
      expect(screen).toMatch(/error: interrupted/);
      expect(seconds).toBeLessThan(OWN_TIMEOUT_MS / 2000);
    });
  }

  it('webhook check: exit 130 with its summary (how many checks ran) before its own timeout', async () => {
    const run = startPty(['webhook', 'check', '--to', `${silent.url}/webhook`, '--secret', 's', '--verify-token', 'vt', '--timeout', String(OWN_TIMEOUT_MS), '--budget-ms', '1000']);
    const { code, screen, seconds } = await ctrlC(run, /checking http/);
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/interrupted after \d+ of \d+ check/);
    expect(seconds).toBeLessThan(OWN_TIMEOUT_MS / 2000);
  });
});

describe.runIf(HAS_PYTHON)('Ctrl-C typed at a prompt', () => {
  it('a missing setting asked for (payment get without --app-id): exit 130, no stack trace', async () => {
    const run = startPty(['payment', 'get', '990001', '--graph-url', silent.url], { env: { FB_APP_ID: undefined, FB_APP_SECRET: undefined } });
    const { code, screen } = await ctrlC(run, /app id:/);
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/error: interrupted/);
  });

  it('the confirmation of payment refund: exit 130 and nothing is sent', async () => {
    let posts = 0;
    graph.on('request', (req) => void (req.method === 'POST' && posts++));
    const run = startPty(['payment', 'refund', '990001', '--amount', '1', '--currency', 'USD', '--graph-url', graphUrl, '--app-id', '1', '--secret', 's', '--retries', '0']);
    const { code, screen } = await ctrlC(run, /Refund 1 USD on payment 990001\?/);
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/error: interrupted/);
    expect(posts).toBe(0);
  });

  it('answered "y", then Ctrl-C while the refund is sent: the prompt left the terminal able to interrupt', async () => {
    const run = startPty(['payment', 'refund', '990001', '--amount', '1', '--currency', 'USD', '--graph-url', graphUrl, '--app-id', '1', '--secret', 's', '--retries', '0', '--timeout', String(OWN_TIMEOUT_MS)]);
    await run.waitFor(/Refund 1 USD on payment 990001\?/).catch((e) => (run.kill(), Promise.reject(e)));
    run.type('y\r');
    const { code, screen, seconds } = await ctrlC(run, /POST \/990001\/refunds/);
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/error: interrupted/);
    expect(seconds).toBeLessThan(OWN_TIMEOUT_MS / 2000);
  });
});

describe.runIf(HAS_PYTHON)('Ctrl-C typed at long-running commands without a spinner', () => {
  it('webhook replay to a silent server: exit 130 with its summary', async () => {
    const before = silent.hits();
    const run = startPty(['webhook', 'replay', 'fb-payment-charge', '--to', `${silent.url}/webhook`, '--secret', 's', '--count', '1000', '--timeout', String(OWN_TIMEOUT_MS)]);
    // Nothing is printed until a delivery completes, and none will: wait until the request has arrived.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => silent.hits() > before && (clearInterval(poll), resolve()), 50);
    });
    const { code, screen, seconds } = await ctrlC(run, /$/);
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/sent 0 · ok 0 · failed 0/);
    expect(screen).toMatch(/interrupted: stopped after 0 deliveries/);
    expect(seconds).toBeLessThan(OWN_TIMEOUT_MS / 2000);
  });

  it('webhook listen: exit 130 with its count of deliveries', async () => {
    const { code, screen } = await ctrlC(startPty(['webhook', 'listen', '--port', '0', '--secret', 's']), /Ctrl-C to stop/);
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/stopped: 0 deliveries/);
  });

  it('mock graph: exit 130 with its count of requests', async () => {
    const { code, screen } = await ctrlC(startPty(['mock', 'graph', '--port', '0']), /Ctrl-C stops/);
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/stopped/); // the summary's wording belongs to the emulator
  });
});
