// The Midas emulator under load: N orders (buy_goods_m, signed by fbpay) created and paid
// (POST /_fbpay/trigger/midas-pay), each paid order delivered as a signed callback to a minimal
// receiver that answers {"ret":0,"msg":"OK"}. Reports wall time per phase and the emulator's RSS
// (current and peak, from /proc), the emulator being the real binary in its own process.
// BENCH_ORDERS (default 10000), BENCH_CONCURRENCY (default 32).
import { createServer } from 'node:http';
import { procMemory, requireBuild, startMock } from './replay-helpers.mjs';

requireBuild();
const { buildBuyGoodsRequest } = await import('../dist/midas.js');
const N = Number(process.env.BENCH_ORDERS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const APPKEY = 'bench-midas_appkey';

let delivered = 0;
const receiver = createServer((req, res) => {
  delivered++;
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ret":0,"msg":"OK"}');
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const deliverTo = `http://127.0.0.1:${receiver.address().port}/midas/deliver`;

const { child, url } = await startMock(['midas', '--port', '0', '--appkey', APPKEY, '--deliver-to', deliverTo]);
const status = () => procMemory(child.pid);
const idleRss = status().rss;

async function pool(n, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await fn(next++);
  }));
}

const ts = Math.floor(Date.now() / 1000);
const tokens = new Array(N);
const t0 = performance.now();
await pool(N, async (i) => {
  const req = buildBuyGoodsRequest({ appid: '1450000000', appkey: APPKEY, openid: `P${i}`, openkey: 'K', pf: 'qq_m_qq-2001-android', pfkey: 'P', zoneid: '1', payitem: 'gold*10*1', goodsmeta: '金币*10 金币', goodsurl: 'https://example.com/g.png', ts, baseUrl: url });
  const r = await (await fetch(req.url, { headers: { cookie: req.cookie_header } })).json();
  if (r.ret !== 0) throw new Error(`order ${i}: ${JSON.stringify(r)}`);
  tokens[i] = r.token;
});
const t1 = performance.now();
let ok = 0;
await pool(N, async (i) => {
  const r = await (await fetch(`${url}/_fbpay/trigger/midas-pay`, { method: 'POST', body: JSON.stringify({ token: tokens[i] }) })).json();
  if (r.deliveries?.[0]?.ok) ok++;
  else throw new Error(`pay ${i}: ${JSON.stringify(r)}`);
});
const t2 = performance.now();
const { rss, hwm } = status();
child.kill('SIGTERM');
receiver.close();
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`  ${N} orders (buy_goods_m): ${s(t1 - t0)} (${Math.round(N / ((t1 - t0) / 1000))}/s)`);
console.log(`  ${N} payments, each delivered and acknowledged: ${s(t2 - t1)} (${Math.round(N / ((t2 - t1) / 1000))}/s), ${ok} accepted, ${delivered} callbacks received`);
console.log(`midas emulator: ${N} orders paid and delivered in ${s(t2 - t0)} wall · emulator RSS ${(idleRss / 1024).toFixed(1)} MiB idle → ${(rss / 1024).toFixed(1)} MiB after, peak ${(hwm / 1024).toFixed(1)} MiB (concurrency ${CONCURRENCY})`);
if (ok !== N || delivered !== N) process.exitCode = 1;
