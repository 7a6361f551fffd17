/**
 * Issue 13 §4: every command line in the README's ```sh blocks runs as written, against the demo's
 * services (the Graph emulator and the sample receiver in examples/facebook-receiver).
 *
 * Table-driven: each README line (comment stripped) has one entry saying which services it needs, the
 * files and shell variables it assumes, placeholders (`<id>`, `…`) and what it must do. A line whose
 * services do not exist yet is PENDING: printed by name, never silently skipped; wiring a service in
 * SERVICES makes its lines run. Lines checked by another test, or that cannot run inside the suite,
 * are listed with where or why. A README line without an entry, or an entry without its line, fails.
 *
 * As written means: run by bash, `fbpay` on PATH (the built bin/fbpay.js), in a scratch directory,
 * CI=true. Two things are mapped and nothing else: the README's fixed ports (3000 receiver,
 * 4000 emulator, 4242 listen) become free ports so parallel runs never collide, and `[…]` optional
 * parts run both without and with their content.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { freePort } from '../helpers/php.js';
import { signSignedRequest } from '../../src/core/facebook/signed-request.js';
import { midasSign } from '../../src/midas.js';
import { FixtureLibrary } from '../../src/providers/fixtures.js';
import { startDemoServices, type DemoServices } from '../../src/providers/demo/services.js';

/** Services a README line may talk to. */
type Service = 'graph' | 'facebook-receiver' | 'paypal-receiver' | 'midas-receiver' | 'paypal-emulator' | 'midas-emulator';
/** Those that exist today (started below). The PayPal and Midas ones are being built: add them here. */
const SERVICES: ReadonlySet<Service> = new Set<Service>(['graph', 'facebook-receiver']);

interface Ctx {
  dir: string;
  env: Record<string, string>;
  demo: DemoServices;
  /** README port → the live one. */
  ports: Record<string, number>;
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
  check?: (c: Ctx, r: Run) => void | Promise<void>;
  /** A named, printed deviation from "as written": [from, to] (a load test run smaller). */
  scale?: [string, string];
}

const APP_ID = '1000000000000042';
const SECRET = 'readme-app-secret-7c1';
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
  { line: 'fbpay decode "$SR" --max-age 3600 --now 1565186944 --json', check: (_c, r) => void expect(JSON.parse(r.stdout)).toMatchObject({ valid: true }) },
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
  { line: 'fbpay consume "$PURCHASE_TOKEN" --access-token "$USER_TOKEN"', needs: ['graph'], setup: purchase },
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
  { line: 'fbpay payment dispute <id> --reason GRANTED_REPLACEMENT_ITEM --yes', needs: ['graph'], setup: async (c) => void (c.vars.disputed = await payment(c, { dispute: true })), subst: (c) => ({ '<id>': c.vars.disputed }) },
  { line: 'fbpay explain 1383001', stdout: /1383001/ },
  {
    line: 'fbpay mock graph --port 4000 [--webhook-url http://127.0.0.1:3000/webhook] [--seed fixtures/facebook]',
    needs: ['facebook-receiver'],
    server: {
      ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      then: async (_c, url) => expect((await fetch(`${url}/_fbpay/info`)).status).toBeLessThan(500),
    },
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
  { line: 'fbpay webhook replay paypal-subscription-lifecycle --to http://127.0.0.1:3000/paypal --webhook-id WH-123', needs: ['paypal-receiver'] },
  { line: 'fbpay webhook replay midas-delivery --to http://127.0.0.1:3000/midas/deliver --appkey "$MIDAS_APPKEY"', needs: ['midas-receiver'] },
  { line: 'fbpay webhook challenge --to http://127.0.0.1:3000/webhook --verify-token my-token', needs: ['facebook-receiver'] },
  {
    line: 'fbpay webhook listen --port 4242 --secret "$FB_APP_SECRET" --record capture.ndjson [--forward-to http://127.0.0.1:3000/webhook]',
    needs: ['facebook-receiver'],
    server: {
      ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      // One genuine delivery to record (what the next README line replays).
      then: async (c, url) => {
        const r = await sh(c, `fbpay webhook replay fb-payment-charge --to ${url}/webhook --secret "$FB_APP_SECRET"`);
        expect(r.code, r.stdout + r.stderr).toBe(0);
      },
    },
    check: (c) => void expect(readFileSync(join(c.dir, 'capture.ndjson'), 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(1),
  },
  { line: 'fbpay webhook replay capture.ndjson --to http://127.0.0.1:3000/webhook', needs: ['facebook-receiver'], stdout: /ok [1-9]/ },
  {
    line: 'fbpay webhook check --to http://127.0.0.1:3000/webhook --secret "$FB_APP_SECRET" --verify-token my-token --junit check.xml',
    needs: ['facebook-receiver'],
    check: (c) => void expect(readFileSync(join(c.dir, 'check.xml'), 'utf8')).toMatch(/<testsuites /),
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
  { line: 'fbpay paypal verify-online --body event.json --headers headers.txt --webhook-id WH-123 --client-id … --client-secret …', needs: ['paypal-emulator'] },
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
  },
  {
    line: `fbpay midas order --appid … --openid … --openkey … --pf … --pfkey … --zoneid 1 --payitem 'gold*10*1' --goodsmeta '金币*10 金币' --goodsurl https://… [--send --base-url http://127.0.0.1:4100]`,
    optionalNeeds: ['midas-emulator'],
    subst: () => ({ '…': '1450000001' }),
    stdout: /buy_goods_m/,
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
    for (const raw of block[1].split('\n')) {
      const line = raw.replace(/\s+#\s.*$/, '').trim();
      if (line) out.push(line);
    }
  }
  return out;
}

/** `[…]` optional parts: the line without them, and (when there are any) with their content. */
function variants(line: string): Array<{ text: string; optional: boolean }> {
  if (!/\[[^\]]*\]/.test(line.replace(/\[\d+\]/g, ''))) return [{ text: line, optional: false }];
  return [
    { text: line.replace(/\s*\[[^\]]*\]/g, ''), optional: false },
    { text: line.replace(/\[([^\]]*)\]/g, '$1'), optional: true },
  ];
}

const missing = (needs: Service[] = []) => needs.filter((s) => !SERVICES.has(s));

let ctx: Ctx;
const children: ChildProcess[] = [];

function mapPorts(c: Ctx, text: string, server: boolean): string {
  return text.replace(/(127\.0\.0\.1:|--port )(\d{4})\b/g, (all, pre: string, port: string) => {
    const key = server && pre === '--port ' ? `listen:${port}` : port;
    return c.ports[key] === undefined ? all : `${pre}${c.ports[key]}`;
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
  ctx = {
    dir,
    env,
    demo,
    ports: { '3000': Number(new URL(demo.receiver.url).port), '4000': Number(new URL(demo.emulator.url).port), 'listen:4000': await freePort(), 'listen:4242': await freePort() },
    vars: {},
  };
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await ctx?.demo.stop();
});

describe('README examples', () => {
  const readme = readmeLines();

  it('every README command line has an entry in this table, and every entry is a README line', () => {
    const known = new Set(EXAMPLES.map((e) => e.line));
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
    expect(pending.map((p) => p.split('   ← ')[1])).toEqual([
      'needs paypal-receiver',
      'needs midas-receiver',
      'needs paypal-emulator',
      'needs midas-emulator',
    ]);
  });

  for (const e of EXAMPLES) {
    if (e.elsewhere || missing(e.needs).length) continue;
    for (const v of variants(e.line)) {
      if (v.optional && missing(e.optionalNeeds).length) continue; // listed as PENDING above
      it(v.text, async () => {
        await e.setup?.(ctx);
        let text = mapPorts(ctx, v.text, Boolean(e.server));
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
        await e.check?.(ctx, r);
      }, 180_000);
    }
  }
});
