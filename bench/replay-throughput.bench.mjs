// Replay throughput: `fbpay webhook replay fb-payment-charge --count 20000 --concurrency 32` against a
// minimal Node HTTP server, versus autocannon (-a 20000 -c 32, the same body and headers) against
// the same server in the same run. Target: fbpay ≥ 1.0× autocannon's req/s.
// Alternating rounds (3 by default); each tool's best round counts (the machine is shared, noise is one-sided).
import autocannon from 'autocannon';
import { requireBuild, runReplay, startReceiver } from './replay-helpers.mjs';

requireBuild();
const COUNT = Number(process.env.BENCH_COUNT ?? 20_000);
const CONC = 32;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const receiver = await startReceiver();
try {
  // A first small replay warms the server and gives autocannon the exact bytes fbpay sends.
  await runReplay(['fb-payment-charge', '--to', `${receiver.url}/webhook`, '--count', '200', '--concurrency', String(CONC)]);
  const first = await (await fetch(`${receiver.url}/__first`)).json();
  const body = Buffer.from(first.body_b64, 'base64');
  const headers = {};
  for (const [k, v] of Object.entries(first.headers)) if (!['host', 'connection', 'content-length'].includes(k)) headers[k] = v;

  const fbpay = [];
  const cannon = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { summary } = await runReplay(['fb-payment-charge', '--to', `${receiver.url}/webhook`, '--count', String(COUNT), '--concurrency', String(CONC)]);
    if (summary.ok !== COUNT) throw new Error(`fbpay: ${summary.ok}/${COUNT} ok`);
    fbpay.push(summary.rps);
    // autocannon notices the end of an -a run only at its next sample tick (1 s by default), so its
    // own duration is rounded up to whole seconds; a 20 ms tick keeps its req/s honest.
    const r = await autocannon({ url: `${receiver.url}/webhook`, method: 'POST', amount: COUNT, connections: CONC, headers, body, sampleInt: 20 });
    if (r.non2xx || r.errors) throw new Error(`autocannon: ${r.non2xx} non-2xx, ${r.errors} errors`);
    cannon.push(Math.round((r.requests.total / ((new Date(r.finish) - new Date(r.start)) / 1000)) * 10) / 10);
    console.log(`round ${round + 1}: fbpay ${fbpay.at(-1)} req/s · autocannon ${cannon.at(-1)} req/s`);
  }
  const best = (a) => Math.max(...a);
  const ratio = best(fbpay) / best(cannon);
  console.log(`replay throughput (${COUNT} deliveries, concurrency ${CONC}, ${body.length}-byte signed body):`);
  console.log(`  fbpay webhook replay  ${best(fbpay)} req/s`);
  console.log(`  autocannon            ${best(cannon)} req/s`);
  console.log(`  ratio ${ratio.toFixed(2)}× (target ≥ 1.00×) ${ratio >= 1 ? 'OK' : 'BELOW TARGET'}`);
} finally {
  await receiver.stop();
}
