// Cold start of the decode path: wall time of `node bin/fbpay.js decode <sr> --secret s` against bare
// `node -e 0`, 15 alternating runs each (after one warm-up of each), medians compared.
// Target (issue 2): ≤ 1.3×. stdout is piped, as when a script captures the result.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = ROOT + 'bin/fbpay.js';
const { signSignedRequest } = await import(ROOT + 'dist/facebook.js');
const sr = signSignedRequest({ algorithm: 'HMAC-SHA256', amount: '1.99', app_id: '483436115748302', currency: 'USD', issued_at: Math.floor(Date.now() / 1000), payment_id: '1621702554627001', product_id: 'test_product', purchase_time: Math.floor(Date.now() / 1000) - 1, purchase_token: '2365655713542659', quantity: '1', request_id: '', status: 'completed' }, 's');

const RUNS = 15;
const env = { ...process.env, CI: 'true', FORCE_COLOR: '0' };
const time = (args, expectOut) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 || (expectOut && !expectOut.test(r.stdout))) throw new Error(`${args.join(' ').slice(0, 80)} failed (${r.status}): ${r.stderr}`);
  return ms;
};
const bare = ['-e', '0'];
const decode = [BIN, 'decode', sr, '--secret', 's'];
time(bare);
time(decode, /valid/);
const a = [];
const b = [];
for (let i = 0; i < RUNS; i++) {
  a.push(time(bare));
  b.push(time(decode, /valid/));
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const ma = median(a);
const mb = median(b);
const ratio = mb / ma;
console.log(`node -e 0                      median ${ma.toFixed(1)} ms  (min ${Math.min(...a).toFixed(1)})`);
console.log(`fbpay decode <sr> --secret s   median ${mb.toFixed(1)} ms  (min ${Math.min(...b).toFixed(1)})`);
console.log(`cold-start ratio ${ratio.toFixed(2)}×  (target ≤ 1.30×) ${ratio <= 1.3 ? 'OK' : 'MISSED'}`);
