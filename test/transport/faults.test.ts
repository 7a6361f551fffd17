import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { httpRequest } from '../../src/transport/http.js';
import { FbpayError, NetworkError } from '../../src/core/errors.js';
import { freePort } from '../helpers/php.js';

/** Transport faults against real loopback servers the test controls (issue 7). */
let http: Server;
let base: string;
let raw: NetServer;
let rawBase: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  http = createServer((req, res) => {
    if (req.url === '/ok') return res.end('fine');
    if (req.url === '/hang') return; // accepts, never answers
    if (req.url === '/drip') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const iv = setInterval(() => {
        if (res.destroyed || n++ > 30) return clearInterval(iv);
        res.write('x');
      }, 1000);
      res.on('close', () => clearInterval(iv));
      return;
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'https://example.com/elsewhere' });
      return res.end();
    }
    if (req.url === '/big') {
      res.writeHead(200);
      return res.end(Buffer.alloc(6 * 1024 * 1024, 97));
    }
    res.writeHead(404).end();
  });
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  // A server that resets the connection after sending half a response.
  raw = createNetServer((s) => {
    sockets.add(s);
    s.once('data', () => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf');
      setTimeout(() => s.resetAndDestroy(), 20);
    });
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
  rawBase = `http://127.0.0.1:${(raw.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => http.close(r));
  await new Promise((r) => raw.close(r));
});

async function failure(p: Promise<unknown>): Promise<FbpayError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FbpayError);
    return e as FbpayError;
  }
  throw new Error('expected a failure');
}

describe('httpRequest faults', () => {
  it('connection refused → NetworkError exit 3 with a one-line reason', async () => {
    const port = await freePort();
    const e = await failure(httpRequest({ method: 'GET', url: `http://127.0.0.1:${port}/` }));
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.exitCode).toBe(3);
    expect(e.code).toBe('connection_refused');
    expect(e.message).not.toContain('\n');
  });

  it('a server that never answers times out at --timeout (a timeout error, not a hang)', async () => {
    const e = await failure(httpRequest({ method: 'GET', url: `${base}/hang`, timeoutMs: 300 }));
    expect(e.code).toBe('timeout');
    expect(e.exitCode).toBe(3);
    expect(e.message).toMatch(/did not answer within 300 ms/);
  });

  it('a server dripping one byte a second is cut at the whole-request timeout', async () => {
    // No gap between bytes reaches 1.5 s, so only the whole-request timeout can end it before the
    // drip stops after ~31 s: a bound the mechanism sets, not the machine's speed.
    const t0 = Date.now();
    const e = await failure(httpRequest({ method: 'GET', url: `${base}/drip`, timeoutMs: 1500 }));
    expect(e.exitCode).toBe(3);
    expect(e.code).toBe('timeout');
    expect(e.message).toMatch(/within 1500 ms/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  }, 120_000);

  it('a connection reset mid-response is a NetworkError', async () => {
    const e = await failure(httpRequest({ method: 'GET', url: `${rawBase}/`, timeoutMs: 3000 }));
    expect(e.exitCode).toBe(3);
    expect(e.message).not.toContain('\n');
  });

  it('redirects are returned, never followed (a redirect to a remote host goes nowhere)', async () => {
    const r = await httpRequest({ method: 'GET', url: `${base}/redirect` });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('https://example.com/elsewhere');
  });

  it('bodies over the limit are truncated, not buffered whole', async () => {
    const r = await httpRequest({ method: 'GET', url: `${base}/big`, maxResponseBytes: 1024 });
    expect(r.body.length).toBe(1024);
    expect(r.truncated).toBe(true);
  });

  it('a user abort (Ctrl-C) wins over the timeout and is not reported as a network error', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop')), 100);
    await expect(httpRequest({ method: 'GET', url: `${base}/hang`, timeoutMs: 5000, signal: ac.signal })).rejects.toThrow('stop');
  });

  it('an invalid URL is a usage error (exit 2)', async () => {
    const e = await failure(httpRequest({ method: 'GET', url: 'http://' }));
    expect(e.exitCode).toBe(2);
  });
});
