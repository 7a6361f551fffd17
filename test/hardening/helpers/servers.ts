/** Shared by the hardening tests: start `webhook listen` / `mock graph` binaries, send raw requests, read RSS. */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { hubSignature } from '../../../src/core/facebook/hub-signature.js';
import { startBin } from '../../helpers/cli.js';

export type Running = ReturnType<typeof startBin>;

export async function startListen(secret: string, extra: string[] = [], env: Record<string, string> = {}) {
  const p = startBin(['webhook', 'listen', '--port', '0', '--secret', secret, ...extra], { env });
  const [, url] = await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { p, url };
}

export async function startGraph(extra: string[] = [], env: Record<string, string> = {}) {
  const p = startBin(['mock', 'graph', '--port', '0', ...extra], { env });
  const [, url] = await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { p, url };
}

export interface Reply {
  status: number;
  body: string;
}

/** One HTTP request on a fresh connection (agent: false), so stalled sockets elsewhere cannot starve it. */
export function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'POST', headers: opts.headers, agent: false, timeout: opts.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

let seq = 0;
/** A Facebook payments delivery: body bytes plus X-Hub headers; `valid: false` signs with another secret. */
export function delivery(secret: string, valid = true) {
  const id = `${Date.now()}${++seq}`;
  const body = Buffer.from(JSON.stringify({ object: 'payments', entry: [{ id, time: Math.floor(Date.now() / 1000), changed_fields: ['actions'] }] }));
  const key = valid ? secret : `${secret}-wrong`;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': hubSignature(body, key, 'sha1'),
      'x-hub-signature-256': hubSignature(body, key, 'sha256'),
    },
  };
}

/** VmRSS of a process in KiB (Linux /proc). */
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/** Parses the "stopped: N deliveries (V verified, X not), R rejected" summary of webhook listen. */
export function listenSummary(text: string) {
  const m = /stopped: (\d+) deliver(?:y|ies) \((\d+) verified, (\d+) not\), (\d+) rejected/.exec(text);
  return m ? { deliveries: +m[1], verified: +m[2], not: +m[3], rejected: +m[4] } : undefined;
}
