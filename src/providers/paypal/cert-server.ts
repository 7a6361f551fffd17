import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface CertServer {
  /** http://127.0.0.1:<port>, or https:// when served with `tls` */
  readonly origin: string;
  /** The PAYPAL-CERT-URL for a certificate served here. */
  urlFor(id: string): string;
  /** How many certificate requests were answered (tests). */
  readonly hits: number;
  close(): Promise<void>;
}

/**
 * Serves certificate PEMs at http://127.0.0.1:<port>/certs/<id> (https:// with `tls`, for receivers that
 * refuse plain http, as PayPal's SDKs do) for the duration of a replay or check, so a receiver that
 * allows this test host can fetch the certificate the deliveries were signed for, like PayPal's
 * `/v1/notifications/certs/CERT-…`.
 */
export async function startCertServer(certs: Record<string, string>, opts: { host?: string; port?: number; tls?: { certPem: string; keyPem: string } } = {}): Promise<CertServer> {
  let hits = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const m = /^\/certs\/([A-Za-z0-9._-]+)$/.exec((req.url ?? '').split('?')[0]);
    const pem = m ? certs[m[1]] : undefined;
    if ((req.method === 'GET' || req.method === 'HEAD') && pem) {
      hits++;
      res.writeHead(200, { 'content-type': 'application/x-pem-file', 'content-length': Buffer.byteLength(pem), 'cache-control': 'max-age=300' });
      res.end(req.method === 'HEAD' ? undefined : pem);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  };
  const server: Server = opts.tls ? createTlsServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, handler) : createServer(handler);
  server.keepAliveTimeout = 1000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    origin,
    urlFor: (id) => `${origin}/certs/${id}`,
    get hits() {
      return hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
