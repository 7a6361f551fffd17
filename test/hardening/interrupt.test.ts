/**
 * Issue 7 — Ctrl-C: SIGINT to the real binary stops each long command within a second, with exit 130
 * (mock graph too) and a
 * summary of what was done. Time from SIGINT to exit is asserted < 1.5 s.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startBin } from '../helpers/cli.js';
import { delivery, send, startGraph, startListen } from './helpers/servers.js';

const SECRET = 'interrupt-app-secret-31d';
const servers: Server[] = [];
const children: Array<ReturnType<typeof startBin>> = [];

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** A loopback endpoint that answers every request after `delayMs` (200 OK, "OK"); counts requests. */
async function slowServer(delayMs: number) {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    const t = setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
    }, delayMs);
    res.on('close', () => clearTimeout(t));
  });
  server.keepAliveTimeout = 1;
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, hits: () => hits, server };
}

/** Sends SIGINT, resolves with the exit code and the milliseconds it took to exit. */
function interrupt(p: ReturnType<typeof startBin>): Promise<{ code: number | null; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    p.child.once('close', (code, sig) => resolve({ code: code ?? (sig ? -1 : null), ms: performance.now() - t0 }));
    p.child.kill('SIGINT');
  });
}

function noStack(p: ReturnType<typeof startBin>) {
  expect(p.stdout + p.stderr).not.toMatch(/\n\s+at /);
}

describe('Ctrl-C stops long commands within a second', () => {
  it('webhook replay --count 100000 against a slow server: exit 130, summary of what was sent', async () => {
    const slow = await slowServer(300);
    const p = startBin(['webhook', 'replay', 'fb-payment-charge', '--to', slow.url, '--secret', SECRET, '--count', '100000', '--concurrency', '4']);
    children.push(p);
    await p.waitFor(/✓ 200 .*#2 /, 15_000); // a few delivered, many more to go
    expect(slow.hits()).toBeGreaterThan(0);
    const { code, ms } = await interrupt(p);
    expect(code, p.stderr).toBe(130);
    expect(ms).toBeLessThan(1500);
    // A summary of what was sent: "sent N · ok N …" and "interrupted: stopped after N deliveries".
    const out = p.stdout + p.stderr;
    const m = /interrupted: stopped after (\d+) deliver/.exec(out);
    expect(m, out).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![1])).toBeLessThan(100_000);
    expect(out).toMatch(new RegExp(`sent ${m![1]} `));
    noStack(p);
  }, 20_000);

  it('webhook replay against a server that never answers: exit 130 well before --timeout', async () => {
    const slow = await slowServer(60_000);
    const p = startBin(['webhook', 'replay', 'fb-payment-charge', '--to', slow.url, '--secret', SECRET, '--count', '10', '--timeout', '30000']);
    children.push(p);
    await new Promise((r) => setTimeout(r, 1200));
    const { code, ms } = await interrupt(p);
    expect(code).toBe(130);
    expect(ms).toBeLessThan(1500);
    noStack(p);
  }, 20_000);

  it('webhook listen: exit 130 with "stopped: N deliveries (V verified, …)"', async () => {
    const { p, url } = await startListen(SECRET);
    children.push(p);
    for (const valid of [true, true, false]) {
      const d = delivery(SECRET, valid);
      await send(url, { body: d.body, headers: d.headers });
    }
    const { code, ms } = await interrupt(p);
    expect(code).toBe(130);
    expect(ms).toBeLessThan(1500);
    expect(p.stdout + p.stderr).toMatch(/stopped: 3 deliveries \(2 verified, 1 not\)/);
    noStack(p);
  }, 20_000);

  it('webhook listen with a client mid-request (stalled keep-alive) still stops within a second', async () => {
    const { p, url } = await startListen(SECRET);
    children.push(p);
    const { port } = new URL(url);
    const net = await import('node:net');
    const s = net.connect(Number(port), '127.0.0.1', () => s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{'));
    s.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 300));
    const { code, ms } = await interrupt(p);
    s.destroy();
    expect(code).toBe(130);
    expect(ms).toBeLessThan(1500);
  }, 20_000);

  it('mock graph: exit 130 like every interrupted command, with "stopped (N Graph request(s), …)"', async () => {
    const { p, url } = await startGraph();
    children.push(p);
    await send(`${url}/_fbpay/stats`, { method: 'GET' });
    const { code, ms } = await interrupt(p);
    expect(code).toBe(130);
    expect(ms).toBeLessThan(1500);
    expect(p.stdout + p.stderr).toMatch(/stopped \(\d+ Graph request\(s\)/);
    noStack(p);
  }, 20_000);

  it('webhook check against a slow endpoint: exit 130 with what ran so far', async () => {
    const slow = await slowServer(1500);
    const p = startBin(['webhook', 'check', '--to', slow.url, '--secret', SECRET, '--timeout', '10000', '--budget-ms', '5000']);
    children.push(p);
    await new Promise((r) => setTimeout(r, 2200));
    const { code, ms } = await interrupt(p);
    expect(code, p.stdout + p.stderr).toBe(130);
    expect(ms).toBeLessThan(1500);
    // What ran before the signal: "interrupted after N of M check(s): P passed, F failed (…)".
    expect(p.stdout + p.stderr).toMatch(/interrupted after [1-9]\d* of \d+ check\(s\): \d+ passed, \d+ failed \(/);
    noStack(p);
  }, 20_000);

  it('payment get against a Graph that never answers: exit 130 well before --timeout', async () => {
    const silent = await slowServer(60_000);
    const p = startBin(['payment', 'get', '1234567890', '--graph-url', new URL(silent.url).origin, '--app-id', '1', '--secret', 'interrupt-secret-1', '--timeout', '30000']);
    children.push(p);
    for (let i = 0; i < 100 && silent.hits() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(silent.hits()).toBe(1);
    const { code, ms } = await interrupt(p);
    expect(code, p.stderr).toBe(130);
    expect(ms).toBeLessThan(1500);
    noStack(p);
  }, 20_000);

  it('decode --batch waiting on an open stdin: exit 130 with the count so far', async () => {
    const { signSignedRequest } = await import('../../src/core/facebook/signed-request.js');
    const p = startBin(['decode', '--batch', '--secret', SECRET]);
    children.push(p);
    const sr = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: Math.floor(Date.now() / 1000) }, SECRET);
    p.child.stdin.write(`${sr}\n${sr}\nnot-a-signed-request\n`);
    await p.waitFor(/not-a-signed-request|malformed/i, 10_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const { code, ms } = await interrupt(p);
    expect(code, p.stdout + p.stderr).toBe(130);
    expect(ms).toBeLessThan(1500);
    expect(p.stdout.trim().split('\n').length, p.stdout).toBe(3); // every line read was answered
    noStack(p);
  }, 20_000);

  it('demo: exit 130, and the servers it started are gone', async () => {
    const p = startBin(['demo']);
    children.push(p);
    // Interrupt while it is running (after the emulator and the receiver are up).
    await p.waitFor(/sample receiver\s+http:\/\/127\.0\.0\.1:\d+/, 15_000);
    const urls = [...(p.stdout + p.stderr).matchAll(/http:\/\/127\.0\.0\.1:\d+/g)].map((m) => m[0]);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    const { code, ms } = await interrupt(p);
    expect(code, p.stdout + p.stderr).toBe(130);
    expect(ms).toBeLessThan(1500);
    expect(p.stdout + p.stderr).toMatch(/interrupted after \d+ of \d+ section\(s\) \(\d+ ok\)/);
    noStack(p);
    for (const u of new Set(urls)) await expect(send(u, { method: 'GET', timeoutMs: 1000 })).rejects.toThrow();
  }, 30_000);
});
