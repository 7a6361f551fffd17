/**
 * Issue 13 §4: every command line in the README's ```sh blocks runs as written, against local services:
 * the demo's (the Graph emulator and examples/facebook-receiver), the PayPal emulator with
 * examples/paypal-receiver (WH1, trusting the emulator's CA; its deliveries pass through a tee that keeps
 * the last one as a user would capture it), a second PayPal receiver in test mode (WH-123, for fbpay's
 * own signing), and the Midas emulator delivering to examples/midas-receiver.
 *
 * Table-driven: each README line (comment stripped) has one entry saying which services it needs, the
 * files and shell variables it assumes, placeholders (`<id>`, `…`) and what it must do. A line whose
 * services do not exist yet is PENDING: printed by name, never silently skipped; wiring a service in
 * SERVICES makes its lines run. Lines checked by another test, or that cannot run inside the suite,
 * are listed with where or why. A README line without an entry, or an entry without its line, fails.
 *
 * As written means: run by bash, `fbpay` on PATH (the built bin/fbpay.js), in a scratch directory,
 * CI=true. Three things are mapped and nothing else: the README's fixed ports (3000 a receiver, 4000
 * the Graph emulator, 4100 the PayPal or Midas emulator — chosen by the entry's needs —, 4242 listen)
 * become free ports so parallel runs never collide, `[…]` optional parts (nested too) run both without
 * and with their content, and a line continued with `\` is one command.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { freePort } from '../helpers/php.js';
import { signSignedRequest } from '../../src/core/facebook/signed-request.js';
import { midasSign } from '../../src/midas.js';
import { FixtureLibrary } from '../../src/providers/fixtures.js';
import { startDemoServices, type DemoServices } from '../../src/providers/demo/services.js';
import { loadOrCreatePki, startPaypalEmulator, type RunningPaypalEmulator } from '../../src/providers/paypal/emulator/index.js';
import { createMidasEmulator } from '../../src/providers/midas/emulator/provider.js';
import { startEmulator, type RunningEmulator } from '../../src/providers/emulator/server.js';
import { loadOrCreateLocalCa } from '../../src/providers/paypal/local-ca.js';

/** Services a README line may talk to. */
type Service = 'graph' | 'facebook-receiver' | 'paypal-receiver' | 'midas-receiver' | 'paypal-emulator' | 'midas-emulator';
/** Those started below (every one today: a line whose service is missing would be PENDING). */
const SERVICES: ReadonlySet<Service> = new Set<Service>(['graph', 'facebook-receiver', 'paypal-receiver', 'midas-receiver', 'paypal-emulator', 'midas-emulator']);
/** The README's fixed ports and the services behind them, first match in an entry's needs, else the first. */
const PORT_OF: Record<string, Service[]> = {
  '3000': ['facebook-receiver', 'paypal-receiver', 'midas-receiver'],
  '4000': ['graph'],
  '4100': ['paypal-emulator', 'midas-emulator'],
};

interface Ctx {
  dir: string;
  env: Record<string, string>;
  demo: DemoServices;
  /** Service → its live URL (the PayPal emulator's receiver is `paypal-emulator-receiver`). */
  urls: Record<string, string>;
  paypalEmu: RunningPaypalEmulator;
  midasEmu: RunningEmulator;
  /** README port → the live one for the server lines (`listen:<port>`); `override` for one entry's own service. */
  ports: Record<string, number>;
  override: Record<string, number>;
  closers: Array<() => Promise<unknown>>;
  teeLast?: { headers: Record<string, string>; body: Buffer };
  vars: Record<string, string>;
}
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
interface Example {
  /** The README line exactly, its trailing `# comment` stripped. */
  line: string;
  needs?: Service[];
  /** Extra services the `[…]` optional parts need (the variant with them is pending without). */
  optionalNeeds?: Service[];
  /** Not run here, with where it is checked instead or why it cannot run inside the suite. */
  elsewhere?: string;
  /** Files (in the scratch dir) and variables the line assumes; may call the services. */
  setup?: (c: Ctx) => Promise<void> | void;
  /** Placeholder → value, e.g. `<id>` → a seeded payment id, `…` → a token. */
  subst?: (c: Ctx) => Record<string, string>;
  /** A server: started, `ready` awaited, `then` run against it, then Ctrl-C (exit 130). */
  server?: { ready: RegExp; then?: (c: Ctx, url: string) => Promise<void> };
  /** Expected exit code(s); 0 by default. */
  code?: number | number[];
  stdout?: RegExp;
  stderr?: RegExp;
  /** `text`: the line as run (which `[…]` variant, ports mapped). */
  check?: (c: Ctx, r: Run, text: string) => void | Promise<void>;
  /** A named, printed deviation from "as written": [from, to] (a load test run smaller). */
  scale?: [string, string];
}

// The Graph emulator's defaults: the README's `webhook subscribe --app-id 1000000000000001 --secret fbpay-emulator-secret` line uses them.
const APP_ID = '1000000000000001';
const SECRET = 'fbpay-emulator-secret';
const VERIFY_TOKEN = 'my-token'; // the README's
const MIDAS_APPKEY = 'readme-midas-appkey';

const lib = new FixtureLibrary();
const bodyOf = (name: string) => JSON.stringify(lib.render(name)[0].body);

async function admin(c: Ctx, path: string, body: unknown) {
  const r = await fetch(`${c.demo.emulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await r.json()) as Record<string, any>;
  if (r.status !== 200) throw new Error(`${path} → ${r.status} ${JSON.stringify(json)}`);
  return json;
}
/** A Payments Lite purchase on the emulator: a user token and an unconsumed purchase token. */
async function purchase(c: Ctx) {
  const user = await admin(c, '/_fbpay/users', {});
  const p = await admin(c, '/_fbpay/purchases', { access_token: user.access_token, product_id: 'coins_100' });
  c.vars.USER_TOKEN = user.access_token;
  c.vars.PURCHASE_TOKEN = p.purchase_token;
}
/** A completed charge on the emulator (with a dispute when asked), by the id the README uses or a fresh one. */
async function payment(c: Ctx, opts: { id?: string; dispute?: boolean } = {}) {
  const t = new Date(Date.now() - 600_000).toISOString().replace(/\.\d{3}Z$/, '+0000');
  const p = await admin(c, '/_fbpay/payments', {
    ...(opts.id ? { id: opts.id } : {}),
    user: { id: '42', name: 'Readme User' },
    application: { id: APP_ID },
    actions: [{ type: 'charge', status: 'completed', currency: 'USD', amount: '0.99', time_created: t, time_updated: t }],
    refundable_amount: { currency: 'USD', amount: '0.99' },
    test: 1,
  });
  if (opts.dispute) await admin(c, `/_fbpay/payments/${p.id}/disputes`, { reason: 'BANNED_USER' });
  return p.id as string;
}

/** The demo's subscription again (the receiver's /webhook), as startDemoServices made it. */
async function resubscribe(c: Ctx) {
  const body = new URLSearchParams({ object: 'payments', callback_url: `${c.demo.receiver.url}/webhook`, fields: 'actions,disputes', verify_token: VERIFY_TOKEN, access_token: c.demo.emulator.appToken });
  const r = await fetch(`${c.demo.emulator.url}/${APP_ID}/subscriptions`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  if (r.status !== 200) throw new Error(`resubscribe → ${r.status} ${await r.text()}`);
}
/** POST /_fbpay/trigger/{event} on an emulator (what `fbpay trigger` calls). */
async function trigger(url: string, event: string, params: Record<string, string> = {}) {
  const r = await fetch(`${url}/_fbpay/trigger/${event}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  const json = (await r.json()) as Record<string, any>;
  if (r.status !== 200) throw new Error(`trigger ${event} → ${r.status} ${JSON.stringify(json)}`);
  return json;
}
/** A Midas delivery callback query (ts now), signed with the callback rule unless `sig` is false. */
function midasCallback(billno: string, path = '/cgi-bin/deliver'): string {
  const params: Record<string, string> = { openid: 'ABC', appid: '1450000000', ts: String(Math.floor(Date.now() / 1000)), payitem: 'gold*10*1', token: `T${billno}`, billno: `-APPDJ-${billno}`, version: 'v3', zoneid: '1', providetype: '0', amt: '100', payamt_coins: '0', pubacct_payamt_coins: '0' };
  const { sig } = midasSign({ method: 'GET', path, params, appkey: MIDAS_APPKEY, rule: 'callback' });
  return `${new URLSearchParams(params).toString()}&sig=${encodeURIComponent(sig)}`;
}
/** Runs `fbpay webhook listen <args> --record capture.ndjson` (a fresh file), sends what `send` sends, then Ctrl-C. */
async function record(c: Ctx, args: string, send: (url: string) => Promise<void>) {
  await sh(c, 'rm -f capture.ndjson');
  const run = sh(c, `fbpay webhook listen --port 0 ${args} --record capture.ndjson`);
  let m: RegExpMatchArray | null = null;
  for (let i = 0; i < 600 && !m && run.child.exitCode === null; i++) {
    await new Promise((res) => setTimeout(res, 50));
    m = run.out().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  }
  expect(m, run.out()).not.toBeNull();
  await send(m![1]);
  run.child.kill('SIGINT');
  const r = await run;
  expect(r.code, r.stdout + r.stderr).toBe(130);
}
/** The last delivery the PayPal emulator sent its receiver (seen by the tee), as body.json and headers.txt (`Name: value` lines). */
function lastPaypalDelivery(c: Ctx) {
  const d = c.teeLast;
  if (!d) throw new Error('the PayPal emulator delivered nothing yet');
  writeFileSync(join(c.dir, 'body.json'), d.body);
  writeFileSync(join(c.dir, 'headers.txt'), Object.entries(d.headers).filter(([k]) => /^paypal-/i.test(k)).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
}
/**
 * Passes the PayPal emulator's deliveries through to its receiver unchanged (bytes and headers),
 * keeping the last one: what a user would capture to get a body.json and headers.txt.
 */
async function startTee(c: Ctx, target: string): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !/^(host|content-length|connection|transfer-encoding)$/i.test(k)) headers[k] = v;
      c.teeLast = { headers, body };
      try {
        const r = await fetch(`${target}${req.url}`, { method: req.method, headers, body });
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
        res.end(Buffer.from(await r.arrayBuffer()));
      } catch (e) {
        res.writeHead(502);
        res.end(String(e));
      }
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  c.closers.push(() => new Promise((res) => server.close(() => res(undefined))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
/** A subscription created and approved on the PayPal emulator (deliveries to its receiver). */
async function paypalSubscription(c: Ctx): Promise<string> {
  const created = await trigger(c.paypalEmu.url, 'paypal-subscription-create', { custom_id: 'player-42' });
  const id = created.ids?.subscription as string;
  expect(id, JSON.stringify(created)).toMatch(/^I-/);
  return id;
}

/**
 * A receiver that trusts the local CA in ./fbpay-ca, started as `webhook check`/`replay --https-ca` say
 * (NODE_EXTRA_CA_CERTS=…): examples/paypal-receiver/server.mjs as its README runs it, chain checked for real.
 */
async function chainCheckingPaypalReceiver(c: Ctx): Promise<void> {
  const ca = await loadOrCreateLocalCa(join(c.dir, 'fbpay-ca'));
  const port = await freePort();
  const rx = spawn(process.execPath, [join(ROOT, 'examples', 'paypal-receiver', 'server.mjs')], {
    cwd: c.dir,
    env: { ...c.env, PORT: String(port), PAYPAL_WEBHOOK_ID: 'WH-123', PAYPAL_CERT_HOSTS: '127.0.0.1', NODE_EXTRA_CA_CERTS: ca.certPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(rx);
  let out = '';
  rx.stdout!.on('data', (d) => (out += d));
  for (let i = 0; i < 200 && !/listening/.test(out) && rx.exitCode === null; i++) await new Promise((res) => setTimeout(res, 50));
  expect(out).toMatch(/listening/);
  c.override['3000'] = port;
}

const EXAMPLES: Example[] = [
  // ── top and Install ──
  { line: 'npx fbpay decode "$SIGNED_REQUEST" --secret "$FB_APP_SECRET"', elsewhere: 'needs fbpay published on the npm registry; the same command as `fbpay decode` below' },
  { line: 'npx fbpay --help', elsewhere: 'needs fbpay published on the npm registry (test/packaging/pack.test.ts lists it as pending)' },
  { line: 'npm i -g fbpay', elsewhere: 'needs fbpay published on the npm registry (test/packaging/pack.test.ts lists it as pending)' },
  { line: 'npm pack', elsewhere: 'run as written by test/packaging/pack.test.ts' },
  { line: 'npm i -g ./fbpay-0.1.0.tgz', elsewhere: 'run as written, offline, by test/packaging/pack.test.ts' },
  { line: 'npx --package ./fbpay-0.1.0.tgz fbpay --help', elsewhere: 'run as written, offline, by test/packaging/pack.test.ts' },
  { line: 'npm ci && npm run demo', elsewhere: 'the demo is test/demo/demo.test.ts; `npm ci` in a fresh clone is the release check (.ci/run)' },
  { line: 'npm ci && npm test', elsewhere: 'this suite is `npm test`; running it from inside itself would recurse (.ci/run runs it)' },
  // ── Facebook signed requests ──
  {
    line: 'fbpay decode "$SIGNED_REQUEST" --secret "$FB_APP_SECRET"',
    setup: (c) => void (c.vars.SIGNED_REQUEST = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: Math.floor(Date.now() / 1000), user_id: '42', payment_id: '1621702554627001', status: 'completed', amount: '0.99', currency: 'USD', quantity: '1', request_id: 'r-1' }, SECRET)),
    stdout: /Pay Dialog purchase|Payments Lite|purchase/i,
  },
  {
    line: 'fbpay decode "$SR" --no-verify',
    setup: (c) => void (c.vars.SR = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: 1565186000, user_id: '42' }, SECRET)),
    check: (_c, r) => void expect(r.stdout + r.stderr).toMatch(/NOT VERIFIED|not verified|nothing was verified/i),
  },
  { line: 'fbpay decode "$SR" --max-age 1h --now 1565186944 --json', check: (_c, r) => void expect(JSON.parse(r.stdout)).toMatchObject({ valid: true }) },
  {
    line: 'fbpay decode - < form-body.txt',
    setup: (c) => {
      const sr = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: Math.floor(Date.now() / 1000), user_id: '42', payment_id: '1621702554627001', status: 'completed', amount: '0.99', currency: 'USD', quantity: '1', request_id: 'r-1' }, SECRET);
      writeFileSync(join(c.dir, 'form-body.txt'), `signed_request=${sr}&access_token=EAAB-user-token`);
    },
    stdout: /purchase/i,
    // "the field is used, a note says so"
    check: (_c, r) => void expect(r.stdout + r.stderr).toMatch(/signed_request/),
  },
  {
    line: 'fbpay decode --batch --json < requests.txt > results.ndjson',
    setup: (c) => {
      const srs = [1, 2, 3].map((n) => signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: Math.floor(Date.now() / 1000), user_id: String(n) }, SECRET));
      writeFileSync(join(c.dir, 'requests.txt'), srs.join('\n') + '\n');
    },
    check: (c) => {
      const lines = readFileSync(join(c.dir, 'results.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(3);
      for (const l of lines) expect(l.valid).toBe(true);
    },
  },
  { line: 'fbpay sign --preset lite-purchase --secret s3cr3t', stdout: /^[\w-]+\.[\w-]+$/m },
  { line: 'fbpay sign --preset data-deletion --secret s3cr3t', stdout: /^[\w-]+\.[\w-]+$/m },
  {
    line: 'fbpay sign --preset instant-games-purchase --secret s3cr3t',
    check: (_c, r) => {
      const sr = r.stdout.trim().split('\n').at(-1)!;
      const p = JSON.parse(Buffer.from(sr.split('.')[1], 'base64url').toString());
      expect(p).toHaveProperty('is_consumed');
      expect(p).not.toHaveProperty('app_id');
    },
  },
  {
    line: 'fbpay webhook replay fb-data-deletion --to http://127.0.0.1:3000/data-deletion --secret "$FB_APP_SECRET"',
    needs: ['facebook-receiver'],
    stdout: /sent 1 · ok 1/,
  },
  {
    line: 'fbpay sign --preset login --set +extra.level=7 --ascii',
    check: (_c, r) => {
      const sr = r.stdout.trim().split('\n').at(-1)!;
      const json = Buffer.from(sr.split('.')[1], 'base64url').toString();
      expect(json).toMatch(/^[\x00-\x7f]*$/);
      expect(JSON.parse(json)).toMatchObject({ extra: { level: 7 } });
    },
  },
  {
    line: `fbpay sign payload.json --set amount='"9.99"' --padded`,
    setup: (c) => writeFileSync(join(c.dir, 'payload.json'), JSON.stringify({ algorithm: 'HMAC-SHA256', issued_at: 1700000000, user_id: '42', amount: '0.99' })),
    check: (_c, r) => {
      const sr = r.stdout.trim().split('\n').at(-1)!;
      expect(sr).toMatch(/=/); // --padded keeps the padding
      expect(JSON.parse(Buffer.from(sr.split('.')[1], 'base64url').toString())).toMatchObject({ amount: '9.99', user_id: '42' });
    },
  },
  // ── Graph API ──
  { line: 'fbpay consume "$PURCHASE_TOKEN" --access-token "$USER_TOKEN"', needs: ['graph'], setup: purchase, stdout: /consumed/i },
  { line: 'fbpay purchases --access-token "$USER_TOKEN" --consume-all', needs: ['graph'], setup: purchase, stdout: /consum/i },
  { line: 'fbpay payment get 1621702554627001 --app-id "$FB_APP_ID" --secret "$FB_APP_SECRET"', needs: ['graph'], setup: async (c) => void (await payment(c, { id: '1621702554627001' }).catch(() => undefined)), stdout: /fulfil/ },
  {
    line: 'fbpay payment refund <id> --amount 0.99 --currency USD --reason CUSTOMER_SERVICE',
    needs: ['graph'],
    setup: async (c) => void (c.vars.id = await payment(c)),
    subst: (c) => ({ '<id>': c.vars.id }),
    // What the comment says: it asks on a terminal; in a script (no TTY) it wants --yes.
    code: 2,
    stderr: /--yes/,
  },
  { line: 'fbpay payment dispute <id> --reason GRANTED_REPLACEMENT_ITEM --yes', needs: ['graph'], setup: async (c) => void (c.vars.disputed = await payment(c, { dispute: true })), subst: (c) => ({ '<id>': c.vars.disputed }), stdout: /GRANTED_REPLACEMENT_ITEM|dispute/i },
  { line: 'fbpay explain 1383001', stdout: /1383001/ },
  {
    // Facebook's own line (a public callback). FB_GRAPH_URL is the emulator here, which never calls out:
    // it refuses a non-loopback callback_url unless started with --allow-remote (Graph error 100, exit 3).
    // The handshake itself runs in the emulator section's `webhook subscribe --graph-url …` line.
    line: 'fbpay webhook subscribe --callback-url https://example.com/fb/webhook --verify-token "$FB_VERIFY_TOKEN" [--fields actions,disputes]',
    needs: ['graph'],
    setup: (c) => void (c.vars.FB_VERIFY_TOKEN = VERIFY_TOKEN),
    code: 3,
    stderr: /callback_url must be a loopback URL in the emulator \(start it with --allow-remote\)/,
  },
  { line: 'fbpay webhook subscriptions', needs: ['graph'], setup: resubscribe, stdout: /payments/ },
  {
    line: 'fbpay webhook unsubscribe [--object payments [--fields disputes]]',
    needs: ['graph'],
    setup: resubscribe,
    stdout: /✓ removed/,
    // Restores the demo's subscription, which later lines rely on.
    check: async (c) => resubscribe(c),
  },
  { line: 'fbpay products list', needs: ['graph'], stdout: /coins_100/ },
  { line: 'fbpay products create --product-id gems_1000 --price 9.99 --title "1000 gems"', needs: ['graph'], stdout: /gems_1000/ },
  {
    line: 'fbpay mock graph --port 4000 [--webhook-url http://127.0.0.1:3000/webhook --verify-token my-token] [--seed fixtures/facebook]',
    needs: ['facebook-receiver'],
    // Run from a clone: fixtures/ is the repository's.
    setup: (c) => void (existsSync(join(c.dir, 'fixtures')) || symlinkSync(join(ROOT, 'fixtures'), join(c.dir, 'fixtures'))),
    server: {
      ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      then: async (_c, url) => expect((await fetch(`${url}/_fbpay/info`)).status).toBe(200),
    },
    // The summary Ctrl-C prints, and with --seed the seeded ids on stdout.
    check: (_c, r, text) => {
      expect(r.stderr).toMatch(/^stopped \(\d+ Graph request/m);
      if (text.includes('--seed')) expect(r.stdout).toMatch(/^seeded payment \d+ +\(fb-payment-charge\)$/m);
      else expect(r.stdout).not.toMatch(/seeded payment/);
    },
  },
  {
    line: 'fbpay trigger fb-purchase --emulator http://127.0.0.1:4000',
    needs: ['graph', 'facebook-receiver'],
    stdout: /purchase_token|signed_request/,
  },
  {
    line: 'fbpay trigger fb-refund --emulator http://127.0.0.1:4000 payment="$PAYMENT_ID" amount=0.50',
    needs: ['graph', 'facebook-receiver'],
    setup: async (c) => void (c.vars.PAYMENT_ID = (await trigger(c.demo.emulator.url, 'fb-purchase')).ids.payment),
    check: (c, r) => void expect(r.stdout).toContain(c.vars.PAYMENT_ID),
  },
  {
    line: 'fbpay webhook subscribe --graph-url http://127.0.0.1:4000 --app-id 1000000000000001 --secret fbpay-emulator-secret --callback-url http://127.0.0.1:3000/webhook --verify-token my-token',
    needs: ['graph', 'facebook-receiver'],
    stdout: /payments/,
  },
  {
    line: `curl -s -X POST http://127.0.0.1:4000/_fbpay/users -d '{}'`,
    needs: ['graph'],
    check: (c, r) => {
      const u = JSON.parse(r.stdout);
      expect(u).toMatchObject({ id: expect.any(String), access_token: expect.any(String) });
      c.vars.curlToken = u.access_token;
    },
  },
  {
    line: `curl -s -X POST http://127.0.0.1:4000/_fbpay/purchases -d '{"access_token":"…","product_id":"coins"}'`,
    needs: ['graph'],
    subst: (c) => ({ '…': c.vars.curlToken }),
    check: (_c, r) => void expect(JSON.parse(r.stdout)).toMatchObject({ purchase_token: expect.any(String) }),
  },
  // ── Webhooks ──
  { line: 'fbpay fixtures list', stdout: /fb-payment-charge/ },
  { line: `fbpay fixtures show fb-payment-charge --set entry.0.id='"42"'`, stdout: /"42"/ },
  {
    line: 'fbpay webhook sign --body update.json --secret "$FB_APP_SECRET" [--curl http://127.0.0.1:3000/webhook]',
    setup: (c) => writeFileSync(join(c.dir, 'update.json'), bodyOf('fb-payment-charge')),
    stdout: /sha256=[0-9a-f]{64}/,
  },
  {
    line: 'fbpay webhook verify --body update.json --signature "sha256=…"',
    subst: (c) => ({ '…': createHmac('sha256', SECRET).update(readFileSync(join(c.dir, 'update.json'))).digest('hex') }),
    stdout: /✓ X-Hub-Signature-256 valid/,
  },
  { line: 'fbpay webhook replay fb-payment-charge --to http://127.0.0.1:3000/webhook --secret "$FB_APP_SECRET"', needs: ['facebook-receiver', 'graph'], stdout: /sent 1 · ok 1/ },
  { line: 'fbpay webhook replay fb-dispute-lifecycle --to http://127.0.0.1:3000/webhook --graph-url http://127.0.0.1:4000', needs: ['facebook-receiver', 'graph'], stdout: /sent 4 · ok 4/ },
  { line: 'fbpay webhook replay fb-payment-refund --to http://127.0.0.1:3000/webhook --tamper signature --expect 4xx', needs: ['facebook-receiver'], stdout: /sent 1 · ok 1/ },
  {
    line: 'fbpay webhook replay fb-payment-charge --to http://127.0.0.1:3000/webhook --count 20000 --concurrency 32 --quiet',
    needs: ['facebook-receiver', 'graph'],
    // 20,000 deliveries each looked up on Graph take minutes on a busy 2-core box: run at 1/40 the count.
    scale: ['--count 20000', '--count 500'],
    // Every delivery answered (no connection errors); a 503 is the receiver's own Graph-lookup budget
    // running out on a busy machine (Facebook would retry), so exit 1 for those is what replay must say.
    code: [0, 1],
    check: (_c, r) => {
      const m = /^sent 500 · ok (\d+) · failed (\d+) · errors 0 · status (.*)$/m.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      expect(Number(m![1]) + Number(m![2])).toBe(500);
      expect(m![3].split(' ').map((s) => s.split('×')[0]).filter((st) => st !== '200' && st !== '503'), r.stdout).toEqual([]);
      expect(r.code).toBe(Number(m![2]) === 0 ? 0 : 1);
    },
  },
  { line: 'fbpay webhook replay paypal-subscription-lifecycle --to http://127.0.0.1:3000/paypal --webhook-id WH-123 --https-ca ./fbpay-ca', needs: ['paypal-receiver'], setup: chainCheckingPaypalReceiver, stdout: /sent (\d+) · ok \1 · failed 0/ },
  { line: 'fbpay webhook replay midas-delivery --to http://127.0.0.1:3000/midas/deliver --appkey "$MIDAS_APPKEY"', needs: ['midas-receiver'], stdout: /sent (\d+) · ok \1 · failed 0/ },
  { line: 'fbpay webhook challenge --to http://127.0.0.1:3000/webhook --verify-token my-token', needs: ['facebook-receiver'], stdout: /challenge/i },
  {
    line: 'fbpay webhook listen --port 4242 --secret "$FB_APP_SECRET" --record capture.ndjson [--forward-to http://127.0.0.1:3000/webhook] [--now 2024-08-02T19:34:57Z]',
    needs: ['facebook-receiver'],
    server: {
      ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      // Three genuine deliveries to record (what the next README lines replay and verify, line 3 included).
      then: async (c, url) => {
        const r = await sh(c, `fbpay webhook replay fb-payment-charge --to ${url}/webhook --secret "$FB_APP_SECRET" --count 3`);
        expect(r.code, r.stdout + r.stderr).toBe(0);
      },
    },
    check: (c) => void expect(readFileSync(join(c.dir, 'capture.ndjson'), 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(3),
  },
  { line: 'fbpay webhook replay capture.ndjson --to http://127.0.0.1:3000/webhook', needs: ['facebook-receiver'], stdout: /ok [1-9]/ },
  { line: 'fbpay webhook replay capture.ndjson --to http://127.0.0.1:3000/webhook --resign --secret "$FB_APP_SECRET"', needs: ['facebook-receiver'], stdout: /sent (\d+) · ok \1 · failed 0/ },
  { line: 'fbpay webhook verify --delivery capture.ndjson:3', stdout: /valid|✓/i },
  {
    line: 'fbpay webhook check --to http://127.0.0.1:3000/webhook --secret "$FB_APP_SECRET" --verify-token my-token --junit check.xml',
    needs: ['facebook-receiver'],
    check: (c) => void expect(readFileSync(join(c.dir, 'check.xml'), 'utf8')).toMatch(/<testsuites /),
  },
  { line: 'fbpay webhook check --kind data-deletion --to http://127.0.0.1:3000/data-deletion --secret "$FB_APP_SECRET"', needs: ['facebook-receiver'], stdout: /✓ facebook data-deletion .*: 8 passed/ },
  { line: 'fbpay webhook check --kind deauthorize --to http://127.0.0.1:3000/deauthorize --secret "$FB_APP_SECRET" --json', needs: ['facebook-receiver'], stdout: /"kind": "deauthorize"/ },
  {
    line: 'fbpay webhook check --provider paypal --to http://127.0.0.1:3000/paypal --webhook-id WH-123 --https-ca ./fbpay-ca',
    needs: ['paypal-receiver'],
    setup: chainCheckingPaypalReceiver,
    stdout: /pass|✓/i,
    check: (_c, r) => void expect(r.stderr + r.stdout).toMatch(/NODE_EXTRA_CA_CERTS=/),
  },
  // ── PayPal ──
  { line: 'fbpay paypal keygen --out ./paypal-test', check: (c) => void expect(existsSync(join(c.dir, 'paypal-test', 'key.pem'))).toBe(true) },
  {
    line: 'fbpay paypal sign --body event.json --webhook-id WH-123 --key ./paypal-test/key.pem > headers.txt',
    setup: (c) => writeFileSync(join(c.dir, 'event.json'), bodyOf('paypal-sale-completed')),
    check: (c) => void expect(readFileSync(join(c.dir, 'headers.txt'), 'utf8')).toMatch(/PAYPAL-TRANSMISSION-SIG/i),
  },
  { line: 'fbpay paypal expected --body event.json --headers headers.txt --webhook-id WH-123', stdout: /\|WH-123\|\d+/ },
  { line: 'fbpay paypal verify --body event.json --headers headers.txt --webhook-id WH-123 --cert ./paypal-test/cert.pem', stdout: /valid|✓/ },
  { line: 'fbpay paypal verify --body event.json --headers headers.txt --webhook-id WH-123 [--ca digicert.pem] [--now 2024-08-02T19:34:57Z]', elsewhere: 'a real delivery: fetches the certificate from api.paypal.com (the captured deliveries in test/vectors/paypal are verified by test/paypal/)' },
  {
    line: 'fbpay paypal verify --delivery capture.ndjson:2 --webhook-id WH-123 --cert ./paypal-test/cert.pem',
    // Two deliveries signed with the test key, sent by the curl command `paypal sign --curl` prints, recorded by listen.
    setup: (c) =>
      record(c, '--provider paypal --webhook-id WH-123 --cert ./paypal-test/cert.pem', async (url) => {
        for (let i = 0; i < 2; i++) {
          const r = await sh(c, `fbpay paypal sign --body event.json --webhook-id WH-123 --key ./paypal-test/key.pem --curl ${url}/paypal | bash`);
          expect(r.code, r.stdout + r.stderr).toBe(0);
        }
      }),
    stdout: /VERIFIED/,
  },
  { line: 'fbpay paypal verify-online --body event.json --headers headers.txt --webhook-id WH-123 --client-id … --client-secret …', elsewhere: "asks PayPal's sandbox API (no --api-url): offline, the same command runs against the emulator in the `--api-url http://127.0.0.1:4100` line below" },
  // ── PayPal emulator ──
  {
    line: 'fbpay mock paypal --port 4100 [--webhook-url http://127.0.0.1:3000/paypal/webhook --webhook-id WH1 --event-types PAYMENT.SALE.COMPLETED --event-types BILLING.SUBSCRIPTION.ACTIVATED] [--client-id ID --client-secret S] [--token-ttl 32400] [--tls] [--pki-dir ./paypal-emulator] [--retry-schedule 10,20,40] [--json]',
    needs: ['paypal-receiver'],
    server: {
      ready: /(?:listening on |"url":")(https?:\/\/127\.0\.0\.1:\d+)/,
      then: async (c, url) => {
        const info = await sh(c, `curl -s ${url.startsWith('https:') ? `--cacert ./paypal-emulator/ca.pem ` : ''}${url}/_fbpay/info`);
        expect(JSON.parse(info.stdout)).toMatchObject({ provider: 'paypal' });
      },
    },
  },
  { line: 'fbpay trigger paypal-subscription-create --emulator http://127.0.0.1:4100 custom_id=player-42', needs: ['paypal-emulator'], stdout: /I-[A-Z0-9]+/ },
  {
    line: 'fbpay trigger paypal-subscription-approve --emulator http://127.0.0.1:4100 subscription=I-…',
    needs: ['paypal-emulator'],
    setup: async (c) => void (c.vars.subscription = await paypalSubscription(c)),
    subst: (c) => ({ 'I-…': c.vars.subscription }),
    stdout: /PAYMENT\.SALE\.COMPLETED/,
  },
  {
    line: 'fbpay paypal verify --body body.json --headers headers.txt --webhook-id WH1 --allow-cert-host 127.0.0.1 --ca <ca_path>',
    needs: ['paypal-emulator'],
    setup: lastPaypalDelivery,
    subst: (c) => ({ '<ca_path>': c.paypalEmu.paypal.pki.caPath }),
    stdout: /VERIFIED/,
  },
  {
    line: 'fbpay paypal verify-online --body body.json --headers headers.txt --webhook-id WH1 --base-url http://127.0.0.1:4100 --client-id fbpay-emulator-client-id --client-secret fbpay-emulator-client-secret',
    needs: ['paypal-emulator'],
    setup: lastPaypalDelivery,
    stdout: /SUCCESS/,
  },
  // ── Midas ──
  { line: 'fbpay midas sign --method GET --path /v3/user/get_info --appkey "$MIDAS_APPKEY" openid=… openkey=… appid=… pf=qzone', subst: () => ({ '…': '1234' }), stdout: /sig/ },
  {
    line: 'fbpay midas sign --callback --explain --path /cgi-bin/deliver --appkey "$MIDAS_APPKEY" --query "$RAW_QUERY"',
    setup: (c) => void (c.vars.RAW_QUERY = `openid=ABC&appid=1450000000&ts=${Math.floor(Date.now() / 1000)}&payitem=gold*10*1&token=T1&billno=-APPDJ-1&version=v3&zoneid=1&providetype=0&amt=100&payamt_coins=0&pubacct_payamt_coins=0`),
    stdout: /sig/,
  },
  {
    line: 'fbpay midas verify --path /cgi-bin/deliver --appkey "$MIDAS_APPKEY" --query "$RAW_QUERY_WITH_SIG"',
    setup: (c) => {
      const params = Object.fromEntries(new URLSearchParams(c.vars.RAW_QUERY ?? 'openid=ABC&ts=1700000000'));
      const { sig } = midasSign({ method: 'GET', path: '/cgi-bin/deliver', params, appkey: MIDAS_APPKEY, rule: 'callback' });
      c.vars.RAW_QUERY_WITH_SIG = `${c.vars.RAW_QUERY}&sig=${encodeURIComponent(sig)}`;
    },
    stdout: /^valid \(callback rule\)/m,
  },
  {
    line: `fbpay midas order --appid … --openid … --openkey … --pf … --pfkey … --zoneid 1 --payitem 'gold*10*1' --goodsmeta '金币*10 金币' --goodsurl https://… [--send --base-url http://127.0.0.1:4100]`,
    optionalNeeds: ['midas-emulator'],
    subst: () => ({ '--appid …': '--appid 1450000000', '…': 'x1' }),
    // Without --send: the signed buy_goods_m request; with it, the emulator's answer (ret 0 and a token).
    check: (_c, r, text) => void expect(r.stdout).toMatch(text.includes('--send') ? /^ret:\s+0\n[\s\S]*^token:\s+\S+/m : /buy_goods_m/),
  },
  {
    line: 'fbpay midas verify --delivery capture.ndjson:4 --appkey "$MIDAS_APPKEY"',
    // Four callbacks recorded by `webhook listen --provider midas`.
    setup: (c) =>
      record(c, '--provider midas --appkey "$MIDAS_APPKEY"', async (url) => {
        for (let i = 1; i <= 4; i++) expect((await fetch(`${url}/cgi-bin/deliver?${midasCallback(`d${i}`)}`)).status).toBe(200);
      }),
    stdout: /^valid \(callback rule\)/m,
  },
  {
    line: 'fbpay midas verify --appkey "$MIDAS_APPKEY" --query "https://game.example.com/cgi-bin/deliver?openid=…&sig=…"',
    subst: () => ({ 'openid=…&sig=…': midasCallback('q1') }),
    stdout: /^valid \(callback rule\)/m,
  },
  // ── Midas emulator ──
  {
    line: 'fbpay mock midas [--port 4100] [--host 127.0.0.1] [--appid 1450000000 --appkey "$MIDAS_APPKEY"] [--deliver-to http://127.0.0.1:3000/midas/deliver] [--token-ttl 300] [--retry-schedule 250,1000,4000] [--json]',
    needs: ['midas-receiver'],
    server: {
      ready: /(?:listening on |"url":")(http:\/\/127\.0\.0\.1:\d+)/,
      then: async (_c, url) => void expect(await (await fetch(`${url}/_fbpay/info`)).json()).toMatchObject({ provider: 'midas' }),
    },
  },
  {
    line: `fbpay midas order --appid 1450000000 --appkey "$MIDAS_APPKEY" --openid O --openkey K --pf qq_m_qq-2001-android --pfkey P --zoneid 1 --payitem 'gold*10*1' --goodsmeta '金币*10 金币' --goodsurl https://example.com/g.png --send --base-url http://127.0.0.1:4100`,
    needs: ['midas-emulator'],
    stdout: /token/,
  },
  {
    line: 'fbpay trigger midas-pay --emulator http://127.0.0.1:4100 --token <token> [--json]',
    needs: ['midas-emulator', 'midas-receiver'],
    setup: async (c) => {
      const r = await sh(c, `fbpay midas order --appid 1450000000 --appkey "$MIDAS_APPKEY" --openid O --openkey K --pf qq_m_qq-2001-android --pfkey P --zoneid 1 --payitem 'gold*10*1' --goodsmeta '金币*10 金币' --goodsurl https://example.com/g.png --send --base-url ${c.midasEmu.url} --json`);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      c.vars.token = /"token"\s*:\s*"([^"]+)"/.exec(r.stdout)![1];
    },
    subst: (c) => ({ '<token>': c.vars.token }),
    stdout: /midas-pay|billno/,
  },
  {
    line: `fbpay trigger midas-present --emulator http://127.0.0.1:4100 --openid O --zoneid 1 --payitem 'gold*10*1' [--providetype 2] [--appid 1450000000] [--app-metadata M] [--login wx]`,
    needs: ['midas-emulator', 'midas-receiver'],
    stdout: /billno|midas-present/,
  },
  // ── Other ──
  { line: 'fbpay config show', stdout: /appSecret/ },
  { line: 'source <(fbpay completion bash)', check: async (c) => {
    const r = await sh(c, 'source <(fbpay completion bash) && complete -p fbpay');
    expect(r.stdout).toMatch(/_fbpay/);
  } },
  { line: 'fbpay demo', elsewhere: 'test/demo/demo.test.ts runs it (binary, piped, and from the installed package)' },
  { line: 'npm run bench', elsewhere: 'benchmarks take minutes and measure, they do not pass or fail' },
];

/** Every command line of the README's ```sh blocks, `# comment` stripped. */
function readmeLines(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const out: string[] = [];
  for (const block of readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    // A line ending in `\` continues on the next (as bash reads it): one command, its parts joined by a space.
    for (const raw of block[1].replace(/\s*\\\n\s*/g, ' ').split('\n')) {
      const line = raw.replace(/\s+#\s.*$/, '').trim();
      if (line) out.push(line);
    }
  }
  return out;
}

/** `[…]` optional parts: the line without them, and (when there are any) with their content. */
function variants(line: string): Array<{ text: string; optional: boolean }> {
  if (!/\[[^\]]*\]/.test(line.replace(/\[\d+\]/g, ''))) return [{ text: line, optional: false }];
  // Innermost first, so nested parts (`[--object payments [--fields disputes]]`) go or stay together.
  const until = (s: string, re: RegExp, to: string): string => {
    for (let prev = ''; prev !== s; ) [prev, s] = [s, s.replace(re, to)];
    return s;
  };
  return [
    { text: until(line, /\s*\[[^\[\]]*\]/g, ''), optional: false },
    { text: until(line, /\[([^\[\]]*)\]/g, '$1'), optional: true },
  ];
}

const missing = (needs: Service[] = []) => needs.filter((s) => !SERVICES.has(s));

let ctx: Ctx;
const children: ChildProcess[] = [];

function mapPorts(c: Ctx, text: string, e: Example): string {
  const needs = [...(e.needs ?? []), ...(e.optionalNeeds ?? [])];
  return text.replace(/(127\.0\.0\.1:|--port )(\d{4})\b/g, (all, pre: string, port: string) => {
    if (e.server && pre === '--port ') return c.ports[`listen:${port}`] === undefined ? all : `${pre}${c.ports[`listen:${port}`]}`;
    if (c.override[port] !== undefined) return `${pre}${c.override[port]}`;
    const candidates = PORT_OF[port];
    if (!candidates) return all;
    const service = candidates.find((s) => needs.includes(s)) ?? candidates[0];
    return `${pre}${new URL(c.urls[service]).port}`;
  });
}

type Running = Promise<Run> & { child: ChildProcess; out: () => string };

/** Runs one line with bash in the scratch dir; the promise also exposes the child and its output so far. */
function sh(c: Ctx, line: string): Running {
  const child = spawn('bash', ['-c', line], { cwd: c.dir, env: { ...c.env, ...c.vars }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return Object.assign(done, { child, out: () => stdout + stderr });
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fbpay-readme-'));
  const bin = join(dir, '.bin');
  const home = join(dir, '.home');
  mkdirSync(bin);
  mkdirSync(home);
  writeFileSync(join(bin, 'fbpay'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'fbpay'), 0o755);
  const demo = await startDemoServices({ appId: APP_ID, appSecret: SECRET, verifyToken: VERIFY_TOKEN });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(FB_|PAYPAL_|MIDAS_|NO_COLOR$|FBPAY_)/.test(k)) env[k] = v;
  Object.assign(env, {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: home,
    CI: 'true',
    FORCE_COLOR: '0',
    FB_APP_ID: APP_ID,
    FB_APP_SECRET: SECRET,
    FB_GRAPH_URL: demo.emulator.url, // "--graph-url / FB_GRAPH_URL points everything at the offline emulator"
    MIDAS_APPKEY,
  });
  const c = {
    dir,
    env,
    demo,
    urls: { graph: demo.emulator.url, 'facebook-receiver': demo.receiver.url } as Record<string, string>,
    ports: { 'listen:4000': await freePort(), 'listen:4100': await freePort(), 'listen:4242': await freePort() },
    override: {},
    closers: [],
    vars: {},
  } as unknown as Ctx;
  ctx = c;
  type Rx = { url: string; close(): Promise<void> };
  const paypalRx = (await import(pathToFileURL(join(ROOT, 'examples', 'paypal-receiver', 'server.mjs')).href)) as { startReceiver(o: Record<string, unknown>): Promise<Rx> };
  const midasRx = (await import(pathToFileURL(join(ROOT, 'examples', 'midas-receiver', 'server.mjs')).href)) as { startReceiver(o: Record<string, unknown>): Promise<Rx> };
  // PayPal receiver for fbpay's own signing (replay, check): test mode, the loopback certificate trusted as served.
  const ppRx = await paypalRx.startReceiver({ port: 0, host: '127.0.0.1', webhookId: 'WH-123', certHosts: ['127.0.0.1'] });
  c.closers.push(() => ppRx.close());
  c.urls['paypal-receiver'] = ppRx.url;
  // The emulator's receiver, as examples/paypal-receiver/README.md runs it: WH1, the emulator's CA.
  const pki = await loadOrCreatePki({ dir: join(dir, '.paypal-emulator') });
  const ppEmuRx = await paypalRx.startReceiver({ port: 0, host: '127.0.0.1', webhookId: 'WH1', certHosts: ['127.0.0.1'], caPem: readFileSync(pki.caPath, 'utf8') });
  c.closers.push(() => ppEmuRx.close());
  c.urls['paypal-emulator-receiver'] = ppEmuRx.url;
  const tee = await startTee(c, ppEmuRx.url);
  c.paypalEmu = await startPaypalEmulator({ pki, webhookUrl: `${tee}/paypal/webhook`, webhookId: 'WH1', retrySchedule: [10, 20, 40] });
  c.closers.push(() => c.paypalEmu.close());
  c.urls['paypal-emulator'] = c.paypalEmu.url;
  const mRx = await midasRx.startReceiver({ port: 0, host: '127.0.0.1', appkey: MIDAS_APPKEY });
  c.closers.push(() => mRx.close());
  c.urls['midas-receiver'] = mRx.url;
  c.midasEmu = await startEmulator(createMidasEmulator({ appkey: MIDAS_APPKEY, deliverTo: `${mRx.url}/midas/deliver` }), { retrySchedule: [250, 1000, 4000] });
  c.closers.push(() => c.midasEmu.close());
  c.urls['midas-emulator'] = c.midasEmu.url;
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const close of ctx?.closers.reverse() ?? []) await close().catch(() => undefined);
  await ctx?.demo.stop();
});

describe('README examples', () => {
  const readme = readmeLines();

  it('every README command line has an entry in this table, and every entry is a README line', () => {
    const known = new Set(EXAMPLES.map((e) => e.line));
    // Every line that runs asserts a piece of its output (its exit code is always asserted).
    expect(EXAMPLES.filter((e) => !e.elsewhere && !e.stdout && !e.stderr && !e.check && !e.server).map((e) => e.line), 'entries asserting no output').toEqual([]);
    expect(readme.filter((l) => !known.has(l)), 'README lines with no entry here').toEqual([]);
    expect([...known].filter((l) => !readme.includes(l)), 'entries whose line is no longer in the README').toEqual([]);
  });

  it('prints what does not run here: PENDING lines (their services do not exist yet) and lines checked elsewhere', () => {
    const pending: string[] = [];
    for (const e of EXAMPLES) {
      if (e.elsewhere) continue;
      if (missing(e.needs).length) pending.push(`${e.line}   ← needs ${missing(e.needs).join(', ')}`);
      else if (missing(e.optionalNeeds).length) pending.push(`${variants(e.line)[1].text}   ← needs ${missing(e.optionalNeeds).join(', ')}`);
    }
    const elsewhere = EXAMPLES.filter((e) => e.elsewhere).map((e) => `${e.line}   ← ${e.elsewhere}`);
    console.log(`[README examples] PENDING (${pending.length}):\n  ${pending.join('\n  ')}\n[README examples] checked elsewhere (${elsewhere.length}):\n  ${elsewhere.join('\n  ')}`);
    // The named list: when a service is wired in SERVICES its lines leave it (update this list then).
    expect(pending).toEqual([]);
  });

  for (const e of EXAMPLES) {
    if (e.elsewhere || missing(e.needs).length) continue;
    for (const v of variants(e.line)) {
      if (v.optional && missing(e.optionalNeeds).length) continue; // listed as PENDING above
      it(v.text, async () => {
        ctx.override = {};
        await e.setup?.(ctx);
        let text = mapPorts(ctx, v.text, e);
        if (e.scale) {
          console.log(`[README examples] scaled down: ${e.scale[0]} → ${e.scale[1]} in: ${v.text}`);
          text = text.split(e.scale[0]).join(e.scale[1]);
        }
        for (const [from, to] of Object.entries(e.subst?.(ctx) ?? {})) text = text.split(from).join(to);
        let r: Run;
        if (e.server) {
          const run = sh(ctx, text);
          let m: RegExpMatchArray | null = null;
          for (let i = 0; i < 600 && !m && run.child.exitCode === null; i++) {
            await new Promise((res) => setTimeout(res, 50));
            m = run.out().match(e.server.ready);
          }
          expect(m, run.out()).not.toBeNull();
          await e.server.then?.(ctx, m![1]);
          run.child.kill('SIGINT');
          r = await run;
          expect(r.code, r.stdout + r.stderr).toBe(130);
        } else {
          r = await sh(ctx, text);
          expect([e.code ?? 0].flat(), `${text}\n${r.stdout}\n${r.stderr}`).toContain(r.code);
        }
        expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/);
        if (e.stdout) expect(r.stdout).toMatch(e.stdout);
        if (e.stderr) expect(r.stderr).toMatch(e.stderr);
        await e.check?.(ctx, r, text);
      }, 180_000);
    }
  }
});
