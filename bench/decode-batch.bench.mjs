// Throughput of `fbpay decode --batch` over 100,000 signed_requests against a bare Node script that
// reads the same file and does the same work per line (HMAC-SHA256 over the payload segment,
// constant-time compare, JSON.parse of the payload) but prints nothing. Both are spawned processes
// reading the file on stdin, so both pay start-up; best of 3 alternating runs each.
// Target (issue 2): ≥ 0.7× the bare script's throughput.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = ROOT + 'bin/fbpay.js';
const { signSignedRequest } = await import(ROOT + 'dist/facebook.js');
const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'fbpay-bench-'));
const input = join(dir, 'requests.txt');
const now = Math.floor(Date.now() / 1000);
const rows = [];
for (let i = 0; i < LINES; i++) {
  const id = String(1621702554627001 + i);
  rows.push(signSignedRequest({ algorithm: 'HMAC-SHA256', amount: '1.99', app_id: '483436115748302', currency: 'USD', issued_at: now, payment_id: id, product_id: 'test_product', purchase_time: now - 1, purchase_token: String(2365655713542659 + i), quantity: '1', request_id: '', status: 'completed' }, 's'));
}
writeFileSync(input, rows.join('\n') + '\n');
const baseline = join(dir, 'baseline.mjs');
writeFileSync(
  baseline,
  `import { createHmac, timingSafeEqual } from 'node:crypto';
let carry = '', valid = 0, n = 0;
const check = (line) => {
  if (!line) return;
  n++;
  const dot = line.indexOf('.');
  const sig = Buffer.from(line.slice(0, dot), 'base64url');
  const seg = line.slice(dot + 1);
  const mac = createHmac('sha256', 's').update(seg).digest();
  const payload = JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));
  if (sig.length === mac.length && timingSafeEqual(sig, mac) && payload.algorithm === 'HMAC-SHA256') valid++;
};
for await (const chunk of process.stdin) {
  const lines = (carry + chunk.toString('latin1')).split('\\n');
  carry = lines.pop();
  for (const l of lines) check(l);
}
check(carry);
if (valid !== n) { console.error('baseline: ' + (n - valid) + ' invalid'); process.exit(1); }
`,
);

const env = { ...process.env, CI: 'true', FORCE_COLOR: '0' };
const run = (args) => {
  const fd = openSync(input, 'r');
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: [fd, 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 20 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
};
const cli = [BIN, 'decode', '--batch', '--secret', 's', '--json'];
const a = [];
const b = [];
for (let i = 0; i < 3; i++) {
  a.push(run([baseline]));
  b.push(run(cli));
}
rmSync(dir, { recursive: true, force: true });
const ta = Math.min(...a);
const tb = Math.min(...b);
const rate = (ms) => Math.round(LINES / (ms / 1000));
const ratio = ta / tb;
console.log(`bare node loop (HMAC + JSON.parse)  ${ta.toFixed(0)} ms  ${rate(ta).toLocaleString('en')} lines/s`);
console.log(`fbpay decode --batch --json         ${tb.toFixed(0)} ms  ${rate(tb).toLocaleString('en')} lines/s`);
console.log(`batch throughput ratio ${ratio.toFixed(2)}×  (target ≥ 0.70×) ${ratio >= 0.7 ? 'OK' : 'MISSED'}`);
