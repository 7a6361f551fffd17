import { verify as rsaVerify, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * A local stand-in for PayPal's REST API, just enough for `paypal verify-online`:
 * POST /v1/oauth2/token (basic auth, client credentials) and
 * POST /v1/notifications/verify-webhook-signature (bearer token). It checks the signature itself,
 * independently of fbpay's code, over the webhook_event bytes exactly as they arrive.
 */
export async function startPaypalApiStandIn(opts: { clientId: string; clientSecret: string; certs: Record<string, string> }) {
  const token = 'A21AAtesttoken' + Math.random().toString(36).slice(2);
  const received: { tokenRequests: number; verifyBodies: Buffer[]; webhookEvents: Buffer[] } = { tokenRequests: 0, verifyBodies: [], webhookEvents: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const send = (status: number, doc: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'paypal-debug-id': 'dbg123' });
        res.end(JSON.stringify(doc));
      };
      if (req.method === 'POST' && req.url === '/v1/oauth2/token') {
        received.tokenRequests++;
        const expected = 'Basic ' + Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64');
        if (req.headers.authorization !== expected || body.toString() !== 'grant_type=client_credentials') return send(401, { error: 'invalid_client', error_description: 'Client Authentication failed' });
        return send(200, { scope: 'https://uri.paypal.com/services/applications/webhooks', access_token: token, token_type: 'Bearer', expires_in: 32400 });
      }
      if (req.method === 'POST' && req.url === '/v1/notifications/verify-webhook-signature') {
        if (req.headers.authorization !== `Bearer ${token}`) return send(401, { name: 'AUTHENTICATION_FAILURE', message: 'Authentication failed due to invalid authentication credentials or a missing Authorization header.' });
        received.verifyBodies.push(body);
        let doc: Record<string, unknown>;
        try {
          doc = JSON.parse(body.toString('utf8'));
        } catch {
          return send(400, { name: 'MALFORMED_REQUEST', message: 'not JSON' });
        }
        // The raw bytes of webhook_event: everything after the key up to the final "}" (fbpay puts it last).
        const marker = Buffer.from('"webhook_event":');
        const at = body.indexOf(marker);
        const event = body.subarray(at + marker.length, body.length - 1);
        received.webhookEvents.push(event);
        const pem = opts.certs[String(doc.cert_url)];
        if (!pem) return send(400, { name: 'VALIDATION_ERROR', message: 'Invalid cert_url' });
        const signed = `${doc.transmission_id}|${doc.transmission_time}|${doc.webhook_id}|${crc32(event) >>> 0}`;
        const ok = rsaVerify('sha256', Buffer.from(signed), new X509Certificate(pem).publicKey, Buffer.from(String(doc.transmission_sig), 'base64'));
        return send(200, { verification_status: ok ? 'SUCCESS' : 'FAILURE' });
      }
      send(404, { name: 'NOT_FOUND' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
