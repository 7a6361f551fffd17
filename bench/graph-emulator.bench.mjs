// The Graph emulator under load: N (default 10 000) `fb-charge` triggers, each a fresh payment
// whose payments update goes through a webhook subscription (handshake made at start) to a minimal
// receiver. Reports the wall time, deliveries per second, and the emulator's RSS: idle after start,
// peak (VmHWM) and at the end. Targets are ratios: peak RSS / idle RSS ≤ 3×, every delivery accepted.
import { createServer } from 'node:http';
import { procMemory, requireBuild, startMock } from './replay-helpers.mjs';

requireBuild();
const N = Number(process.env.BENCH_TRIGGERS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const TOKEN = 'bench-verify-token';

let received = 0;
const receiver = createServer((req, res) => {
  if (req.method === 'GET') {
    const u = new URL(req.url ?? '/', 'http://x');
    res.end(u.searchParams.get('hub.verify_token') === TOKEN ? (u.searchParams.get('hub.challenge') ?? '') : 'no');
    return;
  }
  req.resume();
  req.on('end', () => {
    received++;
    res.end('EVENT_RECEIVED');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const callback = `http://127.0.0.1:${receiver.address().port}/webhook`;

const { child, url } = await startMock(['graph', '--port', '0', '--webhook-url', callback, '--verify-token', TOKEN]);
const status = () => procMemory(child.pid);

try {
  await new Promise((r) => setTimeout(r, 300));
  const idle = status().rss;
  let next = 0;
  let accepted = 0;
  let failed = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < N) {
      next++;
      const res = await fetch(`${url}/_fbpay/trigger/fb-charge`, { method: 'POST', body: '{}' });
      const doc = await res.json();
      if (res.status === 200 && doc.deliveries.length === 1 && doc.deliveries[0].ok) accepted++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - t0;
  const end = status();
  console.log(`  ${N} fb-charge triggers, concurrency ${CONCURRENCY}: ${(ms / 1000).toFixed(2)} s wall, ${Math.round((N / ms) * 1000)} deliveries/s, ${accepted} accepted, ${failed} not, receiver got ${received}`);
  console.log(`  emulator RSS: idle ${(idle / 1024).toFixed(1)} MiB, peak ${(end.hwm / 1024).toFixed(1)} MiB, at the end ${(end.rss / 1024).toFixed(1)} MiB`);
  const ratio = end.hwm / idle;
  const ok = ratio <= 3 && accepted === N && received === N;
  console.log(`graph emulator: peak RSS / idle RSS = ${ratio.toFixed(2)}× (target ≤ 3×), ${accepted}/${N} delivered ${ok ? 'OK' : 'ABOVE TARGET'}`);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('close', r));
  receiver.close();
}
