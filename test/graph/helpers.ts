import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGraphEmulator, type GraphEmulatorOptions } from '../../src/providers/graph/emulator/server.js';

export const APP_ID = '1000000000000001';
export const APP_SECRET = 'test-app-secret-0123456789';
export const APP_TOKEN = `${APP_ID}|${APP_SECRET}`;

export function startEmu(opts: GraphEmulatorOptions = {}) {
  return startGraphEmulator({ appId: APP_ID, appSecret: APP_SECRET, ...opts });
}

/** POST JSON to an admin route; returns status and parsed JSON. */
export async function admin(base: string, path: string, body: unknown = {}, method = 'POST'): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

export async function graphGet(base: string, path: string, token?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, { headers: token ? { authorization: `OAuth ${token}` } : {} });
  return { status: res.status, json: await res.json() };
}

export async function graphPost(base: string, path: string, form: Record<string, string>): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { status: res.status, json: await res.json() };
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A loopback receiver that records requests and answers the hub.challenge handshake. */
export async function startReceiver(opts: { verifyToken?: string; challengeReply?: (c: string) => string } = {}) {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      waiters.splice(0).forEach((w) => w());
      const u = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && u.searchParams.get('hub.mode') === 'subscribe') {
        if (opts.verifyToken !== undefined && u.searchParams.get('hub.verify_token') !== opts.verifyToken) {
          res.writeHead(403).end('bad verify token');
          return;
        }
        const c = u.searchParams.get('hub.challenge') ?? '';
        res.writeHead(200, { 'content-type': 'text/plain' }).end(opts.challengeReply ? opts.challengeReply(c) : c);
        return;
      }
      res.writeHead(200).end('EVENT_RECEIVED');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    /** Resolves once at least n requests have arrived. */
    async waitFor(n: number, timeoutMs = 5000): Promise<Received[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`receiver got ${received.length} of ${n} requests`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return received;
    },
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
