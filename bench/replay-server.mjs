// The minimal receiver both replay benches deliver to (run as its own process so the server's
// CPU is not shared with the client being measured): reads the body, answers 200 "ok".
// GET /__first returns the first request it saw (headers and body, base64) so autocannon can send
// exactly the same bytes fbpay sent.
import { createServer } from 'node:http';

let first;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/__first') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(first ?? null));
      return;
    }
    if (!first) first = { headers: req.headers, body_b64: Buffer.concat(chunks).toString('base64') };
    res.end('ok');
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
