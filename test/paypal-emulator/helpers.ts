import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CLIENT_ID = 'fbpay-emulator-client-id';
export const CLIENT_SECRET = 'fbpay-emulator-client-secret';

export interface Hit {
  body: Buffer;
  headers: IncomingHttpHeaders;
}

/** A receiver on 127.0.0.1 that records every request and answers with the next status of `plan` (then 200). */
export async function recorder(plan: number[] = []): Promise<{ url: string; hits: Hit[]; close(): Promise<void> }> {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ body: Buffer.concat(chunks), headers: req.headers });
      const status = plan[hits.length - 1] ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export async function token(base: string, id = CLIENT_ID, secret = CLIENT_SECRET): Promise<string> {
  const res = await fetch(`${base}/v1/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`token: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** One authenticated API call: status and parsed JSON (undefined for an empty body). */
export async function api(base: string, tok: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export async function trigger(base: string, event: string, params: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${base}/_fbpay/trigger/${event}`, { method: 'POST', body: JSON.stringify(params) });
  return { status: res.status, ...((await res.json()) as object) };
}

/** The PAYPAL-* headers of a recorded hit, lower-cased, as a plain object. */
export function paypalHeaders(h: Hit): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h.headers)) if (k.startsWith('paypal-') && typeof v === 'string') out[k] = v;
  return out;
}
