// `fbpay mock paypal` under a subscription lifecycle: N subscriptions (default 1,000) each created,
// approved (ACTIVATED + first PAYMENT.SALE.COMPLETED), renewed once and cancelled, through
// POST /_fbpay/trigger/* (what `fbpay trigger` calls), every event signed (SHA256withRSA) and
// delivered to a minimal receiver. Reports wall time, events/s and the emulator's RSS (now and peak).
// No target: a figure for the issue and for regressions (run it twice to compare).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { BIN, procMemory, requireBuild } from './replay-helpers.mjs';

requireBuild();
const N = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

let received = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(200, { 'content-length': 2 }).end('ok');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const hook = `http://127.0.0.1:${receiver.address().port}/hook`;

const emu = spawn(process.execPath, [BIN, 'mock', 'paypal', '--port', '0', '--json', '-q', '--webhook-url', hook], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CI: 'true' } });
const listening = await new Promise((resolve, reject) => {
  let buf = '';
  emu.stdout.on('data', (d) => {
    buf += d;
    const nl = buf.indexOf('\n');
    if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
  });
  emu.on('exit', (c) => reject(new Error(`mock paypal exited ${c}`)));
});
emu.stdout.resume();
const base = listening.url;

const memKb = () => procMemory(emu.pid);

async function trigger(event, params) {
  const res = await fetch(`${base}/_fbpay/trigger/${event}`, { method: 'POST', body: JSON.stringify(params) });
  const doc = await res.json();
  if (res.status !== 200 || doc.deliveries.some((d) => !d.ok)) throw new Error(`${event}: ${JSON.stringify(doc).slice(0, 300)}`);
  return doc;
}

async function lifecycle(i) {
  const created = await trigger('paypal-subscription-create', { custom_id: `player-${i}` });
  const subscription = created.ids.subscription;
  await trigger('paypal-subscription-approve', { subscription });
  await trigger('paypal-subscription-renew', { subscription });
  await trigger('paypal-subscription-cancel', { subscription });
}

const before = memKb();
const t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) await lifecycle(next++);
  }),
);
const seconds = (performance.now() - t0) / 1000;
const after = memKb();
const events = N * 5;
console.log(`  ${N} subscriptions (create, approve, renew, cancel) × ${CONCURRENCY} in flight: ${events} events signed and delivered, ${received} received`);
console.log(`paypal emulator lifecycle: ${seconds.toFixed(2)} s wall, ${Math.round(events / seconds)} events/s; emulator RSS ${(before.rss / 1024).toFixed(1)} → ${(after.rss / 1024).toFixed(1)} MiB (peak ${(after.hwm / 1024).toFixed(1)} MiB)`);
if (received !== events) {
  console.error(`expected ${events} deliveries, got ${received}`);
  process.exitCode = 1;
}
emu.kill('SIGTERM');
await new Promise((r) => emu.on('exit', r));
receiver.close();
