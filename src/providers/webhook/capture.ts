import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../../core/errors.js';
import { maskSecret, redact } from '../../core/mask.js';
import type { CapturedDelivery, IncomingDelivery, Provider } from './adapter.js';

/**
 * The capture format `webhook listen --record` writes and `webhook replay` reads back: one NDJSON
 * line per delivery, `{"received_at","method","path","headers","body_b64","verified"}`. `path`
 * keeps the raw query string; the body is base64 of the exact bytes received. Secrets never reach
 * the file unless the user asked (`--record-secrets`).
 */
export interface CaptureLine {
  received_at: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body_b64: string;
  verified: boolean;
  /** Present when something was masked, naming what. */
  redacted?: string[];
}

/** Headers whose values are credentials, never signatures: dropped from recordings. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-auth-token']);
/** Query parameters that carry a secret (the handshake's verify token, tokens, proofs). */
const SECRET_QUERY = /^(hub\.verify_token|access_token|appsecret_proof|client_secret|verify_token|openkey|pay_token|session_key)$/i;

export interface CaptureOptions {
  /** Keep everything as received (`--record-secrets`). */
  keepSecrets?: boolean;
  /** Known secrets (app secret, verify token, appkey): any occurrence is masked. */
  secrets?: ReadonlyArray<string | undefined>;
}

/** One capture line for a received delivery. */
export function toCaptureLine(d: IncomingDelivery, verified: boolean, opts: CaptureOptions = {}): CaptureLine {
  const headers: Record<string, string> = {};
  let path = d.rawQuery ? `${d.path}?${d.rawQuery}` : d.path;
  let body = d.body;
  const redacted: string[] = [];
  if (opts.keepSecrets) Object.assign(headers, d.headers);
  else {
    const secrets = opts.secrets ?? [];
    for (const [k, v] of Object.entries(d.headers)) {
      if (SECRET_HEADERS.has(k.toLowerCase())) {
        redacted.push(`header ${k}`);
        continue;
      }
      const r = redact(v, secrets);
      if (r !== v) redacted.push(`header ${k}`);
      headers[k] = r;
    }
    if (d.rawQuery) {
      const masked = maskQuery(d.rawQuery, secrets);
      if (masked.names.length) {
        redacted.push(...masked.names.map((n) => `query ${n}`));
        path = `${d.path}?${masked.query}`;
      }
    }
    const maskedPath = redact(path, secrets);
    if (maskedPath !== path) {
      redacted.push('path');
      path = maskedPath;
    }
    for (const s of secrets) {
      if (s && s.length >= 4 && body.includes(s)) {
        body = replaceBytes(body, Buffer.from(s), Buffer.from(maskSecret(s)));
        redacted.push('body');
      }
    }
  }
  const line: CaptureLine = { received_at: d.receivedAt.toISOString(), method: d.method, path, headers, body_b64: body.toString('base64'), verified };
  if (redacted.length) line.redacted = [...new Set(redacted)];
  return line;
}

function replaceBytes(buf: Buffer, find: Buffer, by: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = buf.indexOf(find); i >= 0; i = buf.indexOf(find, from)) {
    parts.push(buf.subarray(from, i), by);
    from = i + find.length;
  }
  parts.push(buf.subarray(from));
  return Buffer.concat(parts);
}

function maskQuery(rawQuery: string, secrets: ReadonlyArray<string | undefined>): { query: string; names: string[] } {
  const names: string[] = [];
  const parts = rawQuery.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    const rawName = part.slice(0, eq);
    const rawValue = part.slice(eq + 1);
    let name = rawName;
    let value = rawValue;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      /* keep the raw text */
    }
    const secret = SECRET_QUERY.test(name) || secrets.some((s) => s && s.length >= 4 && value.includes(s));
    if (!secret || value === '') return part;
    names.push(name);
    return `${rawName}=${encodeURIComponent(maskSecret(value))}`;
  });
  return { query: parts.join('&'), names };
}

export function formatCaptureLine(line: CaptureLine): string {
  return JSON.stringify(line) + '\n';
}

/** Parses one line; `where` is "file:line" for messages. */
export function parseCaptureLine(text: string, where: string): CapturedDelivery {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError('bad_capture', `${where}: not a JSON line (${(e as Error).message})`, { hint: 'a capture file holds one JSON object per line, as `webhook listen --record` writes' });
  }
  const o = raw as Partial<CaptureLine> | null;
  const bad = (field: string) =>
    new UsageError('bad_capture', `${where}: "${field}" is missing or invalid`, { hint: 'each line needs received_at, method, path, headers, body_b64' });
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw bad('(line)');
  if (typeof o.method !== 'string' || !/^[A-Z]+$/.test(o.method)) throw bad('method');
  if (typeof o.path !== 'string' || !o.path.startsWith('/')) throw bad('path');
  if (typeof o.body_b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(o.body_b64) || o.body_b64.length % 4 !== 0) throw bad('body_b64');
  if (!o.headers || typeof o.headers !== 'object' || Array.isArray(o.headers)) throw bad('headers');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.headers)) {
    if (typeof v !== 'string') throw bad(`headers.${k}`);
    headers[k.toLowerCase()] = v;
  }
  if (o.received_at !== undefined && typeof o.received_at !== 'string') throw bad('received_at');
  if (o.verified !== undefined && typeof o.verified !== 'boolean') throw bad('verified');
  return {
    captured: true,
    received_at: o.received_at ?? '',
    method: o.method,
    path: o.path,
    headers,
    body: Buffer.from(o.body_b64, 'base64'),
    verified: o.verified,
    ...(Array.isArray(o.redacted) && o.redacted.every((x) => typeof x === 'string') && o.redacted.length ? { redacted: o.redacted } : {}),
    label: where,
  };
}

/** Streams a capture file, one delivery per non-blank line (memory stays flat for big files). */
export async function* readCapture(file: string, display = file): AsyncGenerator<CapturedDelivery> {
  const stream = createReadStream(file);
  const failed = new Promise<never>((_r, reject) =>
    stream.once('error', (e: NodeJS.ErrnoException) =>
      reject(new UsageError('capture_unreadable', `cannot read capture ${display}: ${e.code === 'ENOENT' ? 'no such file' : e.code ?? e.message}`)),
    ),
  );
  failed.catch(() => undefined);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    const it = rl[Symbol.asyncIterator]();
    for (;;) {
      const r = await Promise.race([it.next(), failed]);
      if (r.done) break;
      n++;
      if (r.value.trim() === '') continue;
      yield parseCaptureLine(r.value, `${display}:${n}`);
    }
  } finally {
    rl.close();
    stream.destroy();
  }
}

/** True when the file looks like a capture: *.ndjson / *.jsonl, or a first line with body_b64. */
export function isCaptureFile(path: string): boolean {
  if (/\.(ndjson|jsonl)$/i.test(path)) return true;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString('utf8').split('\n')[0];
    return /^\s*\{.*"body_b64"\s*:/.test(first);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Which provider sent a captured delivery, from its headers (and, for Midas, its signed GET query). */
export function inferCaptureProvider(d: Pick<CapturedDelivery, 'method' | 'path' | 'headers'>): Provider | undefined {
  const h = d.headers;
  if ('x-hub-signature' in h || 'x-hub-signature-256' in h) return 'facebook';
  if ('paypal-transmission-id' in h) return 'paypal';
  const q = d.path.indexOf('?');
  if (d.method === 'GET' && q >= 0 && new URLSearchParams(d.path.slice(q + 1)).has('sig')) return 'midas';
  return undefined;
}

/**
 * One recorded delivery named on the command line (`--delivery`): an NDJSON line given inline, or
 * `file:N` (line N, from 1), or a file (its first line). Relative files resolve against `cwd`.
 */
export async function readCaptureSpec(spec: string, cwd: string): Promise<CapturedDelivery & { file?: string; line?: number }> {
  if (spec.trim().startsWith('{')) return parseCaptureLine(spec.trim(), '--delivery');
  const m = /^(.*):(\d+)$/.exec(spec);
  const file = m ? m[1] : spec;
  const n = m ? Number(m[2]) : 1;
  const { readFile } = await import('node:fs/promises');
  const { resolve } = await import('node:path');
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new UsageError('input_not_found', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'pass an NDJSON line, or capture.ndjson:LINE' });
  }
  const lines = text.split('\n');
  if (n < 1 || n > lines.length || !lines[n - 1].trim()) throw new UsageError('bad_delivery', `${file} has no delivery on line ${n}`, { hint: `it has ${lines.filter((l) => l.trim()).length} line(s)` });
  return { ...parseCaptureLine(lines[n - 1], `${file}:${n}`), file, line: n };
}

/** The command that verifies a recorded delivery of this provider (what `webhook verify` points to). */
export const VERIFY_COMMAND: Record<Provider, string> = { facebook: 'fbpay webhook verify', paypal: 'fbpay paypal verify', midas: 'fbpay midas verify' };
