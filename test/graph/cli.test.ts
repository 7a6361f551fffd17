import { describe, expect, it } from 'vitest';
import { runCli, startBin } from '../helpers/cli.js';

describe('fbpay explain', () => {
  it('a known code: meaning, cause, fix', async () => {
    const r = await runCli(['explain', '1383001']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1383001 Unknown/);
    expect(r.stdout).toMatch(/unconsumed/);
    expect(r.stdout).toMatch(/fbpay consume/);
  });
  it('--json shape', async () => {
    const r = await runCli(['--json', 'explain', '(#190)']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ known: true, code: '190', family: 'graph', name: expect.any(String), meaning: expect.any(String), cause: expect.any(String), fix: expect.any(String) });
    const m = JSON.parse((await runCli(['--json', 'explain', 'midas:4'])).stdout);
    expect(m.fix).toMatch(/callback/);
    expect(JSON.parse((await runCli(['--json', 'explain', 'paypal:simulator-webhook-id'])).stdout).fix).toMatch(/WEBHOOK_ID/);
  });
  it('an unknown code exits 1 with the nearest known ones', async () => {
    const r = await runCli(['explain', '1383999']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unknown code: 1383999/);
    expect(r.stderr).toMatch(/nearest known: .*1383146/);
    const j = await runCli(['--json', 'explain', '12345']);
    expect(j.code).toBe(1);
    const doc = JSON.parse(j.stdout);
    expect(doc.known).toBe(false);
    expect(doc.nearest.length).toBeGreaterThan(0);
  });
  it('without a code lists every code', async () => {
    const r = await runCli(['--json', 'explain']);
    expect(JSON.parse(r.stdout).codes.length).toBeGreaterThan(40);
  });
});

describe('usage errors', () => {
  it('consume without a token in CI → exit 2 naming FB_ACCESS_TOKEN', async () => {
    const r = await runCli(['consume', '123', '--graph-url', 'http://127.0.0.1:9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FB_ACCESS_TOKEN/);
  });
  it('payment get without credentials in CI → exit 2 naming FB_APP_ID', async () => {
    const r = await runCli(['payment', 'get', '1', '--graph-url', 'http://127.0.0.1:9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FB_APP_ID/);
  });
  it('a bad --graph-url → exit 2', async () => {
    expect((await runCli(['payment', 'get', '1', '--graph-url', 'nope', '--app-id', '1', '--secret', 's'])).code).toBe(2);
  });
  it('mock graph refuses a non-loopback --webhook-url without --allow-remote (before listening)', async () => {
    const r = await runCli(['mock', 'graph', '--webhook-url', 'http://example.com/hook']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a loopback address/);
    expect(r.stdout).toBe('');
  });
  it('dispute needs a valid --reason', async () => {
    expect((await runCli(['payment', 'dispute', '1', '--yes', '--app-id', '1', '--secret', 's'])).code).toBe(2);
    expect((await runCli(['payment', 'dispute', '1', '--reason', 'WHATEVER', '--yes'])).code).toBe(2);
  });
});

describe('fbpay mock graph (the binary)', () => {
  // Runs dist/: `npm test` builds first (or `npm run build:fast`).
  it('prints its URL, serves Graph, and stops cleanly on SIGINT', async () => {
    const bin = startBin(['mock', 'graph', '--port', '0', '--app-id', '555', '--app-secret', 'bin-secret-value-123']);
    const m = await bin.waitFor(/Graph emulator listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const url = m[1];
    await bin.waitFor(/app id 555/); // stderr may arrive after stdout
    expect(bin.stdout + bin.stderr).not.toContain('bin-secret-value-123');
    const user = (await (await fetch(url + '/_fbpay/users', { method: 'POST', body: '{}' })).json()) as { access_token: string };
    const r = await runCli(['--json', 'purchases', '--graph-url', url, '--access-token', user.access_token]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ purchases: [] });
    const code = await bin.stop('SIGINT');
    expect(code).toBe(130);
    expect(bin.stderr).toMatch(/stopped/);
  });
  it('SIGTERM stops it too; --json prints NDJSON lines', async () => {
    const bin = startBin(['--json', 'mock', 'graph']);
    await bin.waitFor(/"type":"listening"/);
    const first = JSON.parse(bin.stdout.split('\n')[0]);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await bin.stop('SIGTERM')).toBe(130);
    expect(bin.stdout).toMatch(/"type":"stopped"/);
  });
  it('a port in use → exit 2', async () => {
    const a = startBin(['mock', 'graph']);
    const url = (await a.waitFor(/listening on (http:\S+)/))[1];
    const port = new URL(url).port;
    const b = startBin(['mock', 'graph', '--port', port]);
    const code = await new Promise<number>((r) => b.child.on('close', (c) => r(c ?? -1)));
    expect(code).toBe(2);
    expect(b.stderr).toMatch(/already in use/);
    await a.stop();
  });
});
