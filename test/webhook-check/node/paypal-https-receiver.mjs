// A PayPal webhook receiver written the way PayPal's Node SDK verifies (node:https for the certificate,
// so only https URLs are fetched and the server certificate must chain to a CA Node trusts, here the
// one given by NODE_EXTRA_CA_CERTS), plus a host allow-list: independent of fbpay's code.
// Env: WEBHOOK_ID, ALLOWED_CERT_HOSTS (comma-separated). Prints "listening on http://127.0.0.1:<port>".
import { verify } from 'node:crypto';
import { createServer } from 'node:http';
import { get } from 'node:https';
import { crc32 } from 'node:zlib';

const allowed = (process.env.ALLOWED_CERT_HOSTS ?? '').split(',').filter(Boolean);
const fetchPem = (url) =>
  new Promise((resolve, reject) => {
    const u = new URL(url);
    if (u.protocol !== 'https:') return reject(new Error(`refusing ${u.protocol} certificate URL`));
    if (!allowed.includes(u.hostname)) return reject(new Error(`refusing certificate host ${u.hostname}`));
    get(u, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`certificate fetch: ${res.statusCode}`))));
    }).on('error', reject);
  });

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const h = req.headers;
    const signed = `${h['paypal-transmission-id']}|${h['paypal-transmission-time']}|${process.env.WEBHOOK_ID}|${crc32(body) >>> 0}`;
    try {
      const pem = await fetchPem(String(h['paypal-cert-url']));
      const ok = verify('sha256', Buffer.from(signed), pem, Buffer.from(String(h['paypal-transmission-sig'] ?? ''), 'base64'));
      res.writeHead(ok ? 200 : 400).end(ok ? 'ok' : 'bad signature');
    } catch (e) {
      res.writeHead(400).end(`not verified: ${e.message}`);
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
