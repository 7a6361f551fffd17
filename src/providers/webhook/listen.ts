import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { FbpayError, UsageError } from '../../core/errors.js';
import { httpRequest } from '../../transport/http.js';
import type { IncomingDelivery, Receiver } from './adapter.js';
import { formatCaptureLine, toCaptureLine, type CaptureOptions } from './capture.js';
import { discardThenClose, readBody } from '../http-body.js';

/**
 * The `webhook listen` server: every request goes to the provider's Receiver (handshake first,
 * then receive), is answered the way a correct endpoint would answer, optionally forwarded with
 * its exact bytes, and optionally recorded. It never dies on bad input: oversized bodies get 413,
 * unparsable ones 400, slow or half-closed clients are timed out without blocking anyone else.
 */
export interface ListenOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  receiver: Receiver;
  /** Bytes; larger bodies are answered 413 without being read. */
  maxBody: number;
  /** Reply 200 to deliveries that did not verify (they are still reported ✗). */
  acceptInvalid?: boolean;
  /** Pass every delivery on, exact bytes and headers, and relay the reply. */
  forwardTo?: URL;
  forwardTimeoutMs?: number;
  /** Append one capture line per delivery to this file. */
  recordFile?: string;
  capture?: CaptureOptions;
  onEvent: (e: ListenEvent) => void;
  /** Slow clients: ms to send all headers / the whole request. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export type ListenEvent =
  | {
      type: 'delivery';
      method: string;
      path: string;
      status: number;
      verified: boolean;
      reason?: string;
      summary: string;
      bytes: number;
      forwarded?: { status?: number; latency_ms?: number; error?: string };
    }
  | { type: 'handshake'; method: string; path: string; status: number }
  | { type: 'rejected'; method: string; path: string; status: number; reason: string };

export interface Listener {
  url: string;
  port: number;
  stats: { deliveries: number; verified: number; rejected: number };
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'te', 'trailer', 'upgrade', 'proxy-connection', 'expect']);

export async function startListener(opts: ListenOptions): Promise<Listener> {
  const stats = { deliveries: 0, verified: 0, rejected: 0 };
  let record: WriteStream | undefined;
  let recordError: Error | undefined;
  if (opts.recordFile) {
    record = createWriteStream(opts.recordFile, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      record!.once('open', () => resolve());
      record!.once('error', (e: NodeJS.ErrnoException) =>
        reject(new UsageError('record_unwritable', `cannot write ${opts.recordFile}: ${e.code ?? e.message}`, { hint: 'check the folder exists and is writable' })),
      );
    });
    record.on('error', (e) => (recordError = e));
  }
  let forwarder: Dispatcher | undefined;
  if (opts.forwardTo) forwarder = new (await import('undici')).Agent({ keepAliveTimeout: 10_000 });

  const server = createServer({
    headersTimeout: opts.headersTimeoutMs ?? 10_000,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    connectionsCheckingInterval: 500,
    keepAliveTimeout: 5_000,
    maxHeaderSize: 32 * 1024,
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && !socket.destroyed && err.code !== 'ECONNRESET') {
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      // A client that never reads (or never closes its side) must not hold the socket open.
      setTimeout(() => socket.destroy(), 1000).unref();
    } else socket.destroy();
  });

  const reply = (res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}, close = false) => {
    if (res.headersSent || res.destroyed) return;
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers, 'content-length': String(b.length), ...(close ? { connection: 'close' } : {}) });
    res.end(b);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    const rawQuery = q >= 0 ? rawUrl.slice(q + 1) : '';
    const rejected = (status: number, reason: string) => {
      stats.rejected++;
      opts.onEvent({ type: 'rejected', method, path, status, reason });
    };

    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.maxBody) {
      reply(res, 413, `body of ${declared} bytes is over the ${opts.maxBody}-byte limit\n`, {}, true);
      discardThenClose(req);
      rejected(413, `body of ${declared} bytes > --max-body ${opts.maxBody}`);
      return;
    }
    const body = await readBody(req, opts.maxBody);
    if (body === 'too_large') {
      reply(res, 413, `body is over the ${opts.maxBody}-byte limit\n`, {}, true);
      discardThenClose(req);
      rejected(413, `body > --max-body ${opts.maxBody}`);
      return;
    }
    if (body === 'aborted') return;

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const d: IncomingDelivery = { method, path, rawQuery, headers, body, receivedAt: new Date() };

    const hs = opts.receiver.handshake?.(d);
    if (hs) {
      reply(res, hs.status, hs.body);
      opts.onEvent({ type: 'handshake', method, path, status: hs.status });
      return;
    }

    let verified = false;
    let reason: string | undefined;
    let summary = '';
    let own: { status: number; headers?: Record<string, string>; body: string } | undefined;
    try {
      const r = await opts.receiver.receive(d);
      verified = r.verified;
      reason = r.reason;
      summary = r.summary;
      own = r.reply ?? (verified || opts.acceptInvalid ? { status: 200, body: 'OK' } : { status: 403, body: `signature check failed: ${r.reason ?? 'not verified'}\n` });
    } catch (e) {
      const msg = e instanceof FbpayError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
      reason = msg;
      summary = '';
      own = { status: e instanceof FbpayError ? 400 : 500, body: msg + '\n' };
    }
    stats.deliveries++;
    if (verified) stats.verified++;
    if (record && !recordError) record.write(formatCaptureLine(toCaptureLine(d, verified, opts.capture)));

    let forwarded: { status?: number; latency_ms?: number; error?: string } | undefined;
    let status = own.status;
    if (opts.forwardTo) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k)) out[k] = v;
      const base = opts.forwardTo;
      const url = base.pathname === '/' && !base.search ? new URL(rawUrl, base) : new URL(base.href + (rawQuery && !base.search ? `?${rawQuery}` : ''));
      try {
        const fr = await httpRequest({ method, url, headers: out, body: method === 'GET' || method === 'HEAD' ? undefined : body, timeoutMs: opts.forwardTimeoutMs ?? 10_000, dispatcher: forwarder });
        forwarded = { status: fr.status, latency_ms: Math.round(fr.latencyMs * 10) / 10 };
        status = fr.status;
        const ct = fr.headers['content-type'];
        reply(res, fr.status, fr.body, ct ? { 'content-type': ct } : {});
      } catch (e) {
        forwarded = { error: e instanceof FbpayError ? e.message : String(e) };
        status = 502;
        reply(res, 502, `forward to ${base.origin} failed: ${forwarded.error}\n`);
      }
    } else {
      reply(res, own.status, own.body, own.headers);
    }
    opts.onEvent({ type: 'delivery', method, path, status, verified, reason, summary, bytes: body.length, forwarded });
  };

  server.on('request', (req, res) => {
    handle(req, res).catch((e) => {
      reply(res, 500, `internal error: ${(e as Error)?.message ?? String(e)}\n`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (e.code === 'EADDRINUSE') reject(new UsageError('port_in_use', `port ${opts.port} on ${opts.host} is already in use`, { hint: 'pick another --port, or --port 0 for a free one' }));
      else if (e.code === 'EACCES') reject(new UsageError('port_denied', `not allowed to listen on port ${opts.port}`, { hint: 'use a port above 1024' }));
      else reject(new UsageError('listen_failed', `cannot listen on ${opts.host}:${opts.port}: ${e.code ?? e.message}`, { hint: 'check --host and --port' }));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, opts.host);
  }).catch(async (e) => {
    record?.end();
    await forwarder?.close();
    throw e;
  });
  server.on('error', () => undefined);
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    stats,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
        await closed;
        if (record) await new Promise<void>((resolve) => record!.end(() => resolve()));
        await forwarder?.close().catch(() => undefined);
        await opts.receiver.close?.().catch(() => undefined);
      })();
      return closing;
    },
  };
}

