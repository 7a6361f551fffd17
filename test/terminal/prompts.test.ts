/**
 * Issue 13 §3 — prompts on a real terminal: CI=true says that CI mode turned prompts off (there is a
 * terminal), "No" to a confirmation sends nothing and exits 1 (not the usage code 2), and every
 * subcommand's --help lists the global options.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runBin } from '../helpers/cli.js';
import { HAS_PYTHON, screenText, startPty } from './pty.js';

let server: Server;
let graph: string;
let posts = 0;
/** How long GET waits before answering: the type-ahead test types while the spinner shows. */
let getDelayMs = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.method === 'POST') posts++;
    res.setHeader('content-type', 'application/json');
    const body = req.method === 'GET' ? JSON.stringify({ id: '990001', refundable_amount: { amount: '4.99', currency: 'USD' }, actions: [{ type: 'charge', status: 'completed', amount: '4.99', currency: 'USD' }] }) : '{"success":true}';
    setTimeout(() => res.end(body), req.method === 'GET' ? getDelayMs : 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  graph = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const refund = () => ['payment', 'refund', '990001', '--amount', '1', '--currency', 'USD', '--graph-url', graph, '--app-id', '1', '--secret', 's', '--retries', '0'];

describe.runIf(HAS_PYTHON)('confirmations on a terminal', () => {
  it('CI=true on a real terminal: exit 2 saying CI mode turned prompts off, nothing sent', async () => {
    const before = posts;
    const run = startPty(refund(), { env: { CI: 'true' } });
    const { code } = await run.exit;
    const screen = screenText(run.raw);
    expect(code, screen).toBe(2);
    expect(screen).toContain('error: refunding 1 USD on payment 990001 is destructive and needs a confirmation, but CI mode (CI=true) turned prompts off');
    expect(screen).toContain('hint: pass --yes to confirm non-interactively');
    expect(screen).not.toContain('no terminal');
    expect(posts).toBe(before);
  });

  it('stdin not a terminal (< /dev/null): says there is no terminal to ask on', async () => {
    const cmd = [process.execPath, BIN, ...refund()].map((a) => `'${a}'`).join(' ');
    const run = startPty([`${cmd} < /dev/null`], { shell: true });
    const { code } = await run.exit;
    expect(code).toBe(2);
    expect(screenText(run.raw)).toContain('but there is no terminal to ask on');
  });

  it('answering "No": exit 1, "nothing was sent", and nothing was', async () => {
    const before = posts;
    const run = startPty(refund());
    try {
      await run.waitFor(/Refund 1 USD on payment 990001\?/);
      run.type('n\r');
      const { code } = await run.exit;
      const screen = screenText(run.raw);
      expect(code, screen).toBe(1);
      expect(screen).toContain('not confirmed: nothing was sent');
      expect(screen).not.toMatch(/\n\s+at /);
      expect(posts).toBe(before);
    } finally {
      run.kill();
    }
  });

  it('"y⏎" typed while the payment is fetched does not answer the confirmation that follows', async () => {
    const before = posts;
    getDelayMs = 1500;
    const run = startPty(refund());
    try {
      await run.waitFor(/GET \/990001/);
      run.type('y\r');
      await run.waitFor(/Refund 1 USD on payment 990001\?/);
      await new Promise((r) => setTimeout(r, 300));
      expect(posts).toBe(before); // still asking
      run.type('n\r');
      const { code } = await run.exit;
      expect(code, screenText(run.raw)).toBe(1);
      expect(posts).toBe(before);
    } finally {
      getDelayMs = 0;
      run.kill();
    }
  });

  it('answering "Yes" sends the refund: exit 0', async () => {
    const before = posts;
    const run = startPty(refund());
    try {
      await run.waitFor(/Refund 1 USD on payment 990001\?/);
      run.type('y\r');
      const { code } = await run.exit;
      expect(code, screenText(run.raw)).toBe(0);
      expect(screenText(run.raw)).toContain('refunded 1 USD on payment 990001');
      expect(posts).toBe(before + 1);
    } finally {
      run.kill();
    }
  });
});

describe('subcommand --help lists the global options', () => {
  for (const argv of [['payment', 'get'], ['webhook', 'replay'], ['decode'], ['mock', 'graph'], ['fixtures', 'list']]) {
    it(`fbpay ${argv.join(' ')} --help`, async () => {
      const r = await runBin([...argv, '--help']);
      expect(r.code).toBe(0);
      const global = r.stdout.slice(r.stdout.indexOf('Global Options:'));
      expect(r.stdout).toContain('Global Options:');
      for (const flag of ['--json', '--no-color', '-q, --quiet', '-v, --verbose', '--config <file>', '--profile <name>']) expect(global).toContain(flag);
    });
  }
});

describe.runIf(HAS_PYTHON)('a missing setting on a terminal with CI=true', () => {
  it('is exit 2 naming the env variable, and says CI mode turned the question off', async () => {
    const run = startPty(['payment', 'get', '990001', '--graph-url', graph, '--app-id', '1'], { env: { CI: 'true', FB_APP_SECRET: undefined } });
    const { code } = await run.exit;
    const screen = screenText(run.raw);
    expect(code, screen).toBe(2);
    expect(screen).toContain('error: missing app secret (CI mode (CI=true) turned prompts off)');
    expect(screen).toContain('FB_APP_SECRET');
  });
});
