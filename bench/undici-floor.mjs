// The undici floors for the replay throughput bench, each run as its own process like fbpay and the
// autocannon CLI, over one undici Client per connection (as `webhook replay` uses). Prints {"rps"}.
//   same  `dispatch` of the SAME bytes every time: no rendering, no signing, no result handling —
//         the least any undici-based sender can do per delivery.
//   sign  plus the least a webhook replay must do per delivery: a fresh payment id and time, the
//         JSON body, and both hub signatures (HMAC-SHA1 and HMAC-SHA256 of the bytes).
// usage: node bench/undici-floor.mjs same|sign <url> <count> <concurrency> <request.json: {headers, body_b64}>
import { createHmac, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'undici';

const [mode, url, countArg, concArg, requestFile] = process.argv.slice(2);
const SECRET = 'bench-app-secret-0123456789abcdef';
const count = Number(countArg);
const u = new URL(url);
const { headers, body_b64: bodyB64 } = JSON.parse(readFileSync(requestFile, 'utf8'));
const body = Buffer.from(bodyB64, 'base64');
const clients = Array.from({ length: Number(concArg) }, () => new Client(u.origin, { pipelining: 1, keepAliveTimeout: 10_000 }));

const fresh = () => {
  const bytes = Buffer.from(JSON.stringify({ object: 'payments', entry: [{ id: `${randomInt(1e8, 1e9)}${randomInt(1e5, 1e6)}${randomInt(0, 9)}`, time: Math.floor(Date.now() / 1000), changed_fields: ['actions'] }] }));
  const h = { ...headers };
  h['x-hub-signature'] = `sha1=${createHmac('sha1', SECRET).update(bytes).digest('hex')}`;
  h['x-hub-signature-256'] = `sha256=${createHmac('sha256', SECRET).update(bytes).digest('hex')}`;
  return { headers: h, body: bytes };
};
const same = { headers, body };

const send = (client) =>
  new Promise((resolve, reject) =>
    client.dispatch(
      { origin: u.origin, path: u.pathname, method: 'POST', ...(mode === 'sign' ? fresh() : same) },
      { onConnect() {}, onHeaders: () => true, onData: () => true, onComplete: resolve, onError: reject },
    ),
  );

let issued = 0;
const worker = async (client) => {
  while (issued < count) {
    issued++;
    await send(client);
  }
};
const started = performance.now();
await Promise.all(clients.map(worker));
const rps = count / ((performance.now() - started) / 1000);
await Promise.all(clients.map((c) => c.close()));
process.stdout.write(JSON.stringify({ rps: Math.round(rps * 10) / 10 }) + '\n');
