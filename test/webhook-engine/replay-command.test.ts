import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, runCli, startBin } from '../helpers/cli.js';
import { NO_PHP, startPhp } from '../helpers/php.js';
import { safeEqual } from '../../src/core/safe-equal.js';
import { deadPort, startServer, type TestServer } from './servers.js';

const SECRET = 'replay-cmd-secret-4f2a9c81d7e6';
const env = { FB_APP_SECRET: SECRET };

/** What a careful Facebook endpoint does: X-Hub-Signature-256 over the raw bytes, fresh entry times. */
function fbVerdict(headers: Record<string, string | string[] | undefined>, body: Buffer): string | undefined {
  const sig = headers['x-hub-signature-256'];
  if (typeof sig !== 'string') return 'missing signature';
  if (!safeEqual(sig, 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'))) return 'bad signature';
  const sha1 = headers['x-hub-signature'];
  if (typeof sha1 === 'string' && !safeEqual(sha1, 'sha1=' + createHmac('sha1', SECRET).update(body).digest('hex'))) return 'bad sha1 signature';
  let doc: { entry?: Array<{ time?: number }> };
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return 'not json';
  }
  const now = Date.now() / 1000;
  if ((doc.entry ?? []).some((e) => typeof e.time !== 'number' || Math.abs(now - e.time) > 3600)) return 'stale';
  return undefined;
}

function ndjson(stdout: string): any[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('fbpay webhook replay (facebook adapter, real loopback endpoints)', () => {
  let fb: TestServer;
  beforeAll(async () => {
    fb = await startServer((req, body, res) => {
      const why = fbVerdict(req.headers, body);
      res.writeHead(why ? 403 : 200, { 'content-type': 'text/plain' }).end(why ? `forbidden: ${why}` : 'EVENT_RECEIVED');
    });
  });
  afterAll(() => fb.close());
  const to = () => `${fb.url}/webhook`;

  it('signs and delivers a fixture: a line per delivery, an exact summary, exit 0, no secret in output', async () => {
    const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to()], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ 200\s+[\d.]+ ms\s+#1 fb-payment-charge\s+EVENT_RECEIVED$/m);
    expect(r.stdout).toMatch(/^sent 1 · ok 1 · failed 0 · errors 0 · status 200×1$/m);
    expect(r.stdout).toMatch(/req\/s · latency p50 [\d.]+ ms · p95 [\d.]+ ms · p99 [\d.]+ ms · max [\d.]+ ms/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const got = fb.seen.at(-1)!;
    expect(got.url).toBe('/webhook');
    expect(JSON.parse(got.body.toString())).toMatchObject({ object: 'payments', entry: [{ changed_fields: ['actions'] }] });
  });

  it('--json: NDJSON delivery lines then one summary with the contract keys', async () => {
    const r = await runCli(['--json', 'webhook', 'replay', 'fb-payment-refund', 'fb-payment-charge', '--to', to()], { env });
    expect(r.code).toBe(0);
    const lines = ndjson(r.stdout);
    expect(lines).toHaveLength(3);
    for (const d of lines.slice(0, 2)) {
      expect(d).toMatchObject({ type: 'delivery', status: 200, ok: true, response: 'EVENT_RECEIVED' });
      expect(typeof d.latency_ms).toBe('number');
      expect(d).not.toHaveProperty('reason');
    }
    expect(lines.map((l) => l.fixture)).toEqual(['fb-payment-refund', 'fb-payment-charge', undefined]);
    const s = lines[2];
    expect(Object.keys(s).sort()).toEqual(['elapsed_ms', 'errors', 'failed', 'interrupted', 'latency_ms', 'ok', 'rps', 'sent', 'status_counts', 'type'].sort());
    expect(s).toMatchObject({ type: 'summary', sent: 2, ok: 2, failed: 0, errors: 0, status_counts: { '200': 2 }, interrupted: false });
    expect(Object.keys(s.latency_ms).sort()).toEqual(['max', 'p50', 'p95', 'p99']);
  });

  for (const tamper of ['body', 'signature', 'stale']) {
    it(`--tamper ${tamper}: rejected by a careful endpoint → exit 1 with the reason; --expect 4xx → exit 0`, async () => {
      const r = await runCli(['--json', 'webhook', 'replay', 'fb-payment-charge', '--to', to(), '--tamper', tamper], { env });
      expect(r.code).toBe(1);
      const [d, s] = ndjson(r.stdout);
      expect(d).toMatchObject({ type: 'delivery', status: 403, ok: false, reason: 'status 403, expected 2xx' });
      expect(d.response).toMatch(tamper === 'stale' ? /stale/ : /bad (sha1 )?signature|not json/);
      expect(s).toMatchObject({ sent: 1, ok: 0, failed: 1 });
      const r4 = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to(), '--tamper', tamper, '--expect', '4xx'], { env });
      expect(r4.code).toBe(0);
      const r403 = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to(), '--tamper', tamper, '--expect', '403'], { env });
      expect(r403.code).toBe(0);
    });
  }

  it('--expect 4xx against an endpoint that accepts: exit 1, the line says why', async () => {
    const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to(), '--expect', '4xx'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ 200 .*status 200, expected 4xx/m);
  });

  it('--signature-header sha1 sends only X-Hub-Signature', async () => {
    const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to(), '--signature-header', 'sha1', '--expect', '403'], { env });
    expect(r.code).toBe(0);
    const got = fb.seen.at(-1)!;
    expect(got.headers['x-hub-signature']).toMatch(/^sha1=[0-9a-f]{40}$/);
    expect(got.headers['x-hub-signature-256']).toBeUndefined();
  });

  it('--count and --duplicate: exact counts; duplicates identical, rounds with fresh ids', async () => {
    const before = fb.seen.length;
    const r = await runCli(['--json', 'webhook', 'replay', 'fb-payment-charge', '--to', to(), '--count', '3', '--duplicate', '--concurrency', '2'], { env });
    expect(r.code).toBe(0);
    const lines = ndjson(r.stdout);
    expect(lines.at(-1)).toMatchObject({ sent: 6, ok: 6 });
    expect(lines.filter((l) => l.duplicate)).toHaveLength(3);
    const bodies = fb.seen.slice(before).map((s) => s.body.toString());
    expect(bodies).toHaveLength(6);
    expect(new Set(bodies).size).toBe(3);
    const ids = new Set(bodies.map((b) => JSON.parse(b).entry[0].id));
    expect(ids.size).toBe(3);
  });

  it('--concurrency 1 keeps a scenario in order', async () => {
    const before = fb.seen.length;
    const r = await runCli(['--json', 'webhook', 'replay', 'fb-dispute-lifecycle', '--to', to(), '--count', '2'], { env });
    expect(r.code).toBe(0);
    const labels = ndjson(r.stdout)
      .filter((l) => l.type === 'delivery')
      .map((l) => l.fixture.replace(/^fb-dispute-lifecycle#\d+ /, ''));
    expect(labels).toEqual(['charge', 'dispute', 'chargeback', 'chargeback_reversal', 'charge', 'dispute', 'chargeback', 'chargeback_reversal']);
    const fields = fb.seen.slice(before).map((s) => JSON.parse(s.body.toString()).entry[0].changed_fields[0]);
    expect(fields).toEqual(['actions', 'disputes', 'actions', 'actions', 'actions', 'disputes', 'actions', 'actions']);
    // one payment id per scenario round
    const ids = fb.seen.slice(before).map((s) => JSON.parse(s.body.toString()).entry[0].id);
    expect(new Set(ids.slice(0, 4)).size).toBe(1);
    expect(ids[4]).not.toBe(ids[0]);
  });

  it('--header adds headers; a malformed one is exit 2', async () => {
    const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to(), '--header', 'X-Env: staging', '--header', 'x-trace:abc'], { env });
    expect(r.code).toBe(0);
    expect(fb.seen.at(-1)!.headers).toMatchObject({ 'x-env': 'staging', 'x-trace': 'abc' });
    const bad = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to(), '--header', 'no colon'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--header expects name:value/);
  });

  it('--set overrides a body field', async () => {
    const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to(), '--set', 'entry.0.id="42"'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(fb.seen.at(-1)!.body.toString()).entry[0].id).toBe('42');
  });

  it('usage errors are exit 2 with a hint: missing secret, bad --expect, bad --tamper, unknown fixture', async () => {
    const noSecret = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to()]);
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/FB_APP_SECRET/);
    const badExpect = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to(), '--expect', '7xx'], { env });
    expect(badExpect.code).toBe(2);
    expect(badExpect.stderr).toMatch(/--expect must be/);
    const badTamper = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', to(), '--tamper', 'nope'], { env });
    expect(badTamper.code).toBe(2);
    const noCapture = await runCli(['webhook', 'replay', 'missing-capture.ndjson', '--to', to()], { env });
    expect(noCapture.code).toBe(2);
    expect(noCapture.stderr).toMatch(/no capture file at missing-capture\.ndjson/);
    const unknown = await runCli(['webhook', 'replay', 'fb-payment-chrage', '--to', to()], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no fixture named/);
    for (const r of [noSecret, badExpect, badTamper, unknown]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a remote target before any lookup (exit 2), unless --allow-remote', async () => {
    // Exit 2, not 3: a lookup of the .invalid name would have failed with exit 3 first.
    const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', 'http://hooks.example.invalid/webhook'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to send to hooks\.example\.invalid/);
    expect(r.stderr).toMatch(/--allow-remote/);
    // with --allow-remote it gets as far as the DNS lookup (which fails: .invalid never resolves) → exit 3
    const allowed = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', 'http://hooks.example.invalid/webhook', '--allow-remote', '--timeout', '3000'], { env });
    expect(allowed.code).toBe(3);
  });

  it('connection refused: exit 3 with a one-line reason, summary still printed', async () => {
    const port = await deadPort();
    const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', `http://127.0.0.1:${port}/webhook`, '--count', '2'], { env });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^✗ ERR .*connection refused/m);
    expect(r.stdout).toMatch(/sent 2 · ok 0 · failed 0 · errors 2/);
    expect(r.stderr).toMatch(/^error: connection refused by http:\/\/127\.0\.0\.1:\d+$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const j = await runCli(['--json', 'webhook', 'replay', 'fb-payment-charge', '--to', `http://127.0.0.1:${port}/webhook`], { env });
    expect(j.code).toBe(3);
    const lines = ndjson(j.stdout);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', errors: 1, error: { code: 'connection_refused' } });
  });

  it('a server that never answers: exit 3 after --timeout, no hang', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as AddressInfo).port;
    try {
      // The reason names the 400 ms timeout: it fired; a hang would hit the test's own timeout.
      const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', `http://127.0.0.1:${port}/`, '--timeout', '400', '--retries', '1'], { env });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/did not answer within 400 ms/);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('partly reachable: some deliveries answered, some not → exit 1, not 3', async () => {
    let n = 0;
    const flaky = await startServer((req, _b, res) => {
      n++;
      if (n === 2) req.socket.destroy();
      else res.end('ok');
    });
    try {
      const r = await runCli(['--json', 'webhook', 'replay', 'fb-payment-charge', '--to', flaky.url, '--count', '3'], { env });
      expect(r.code).toBe(1);
      expect(ndjson(r.stdout).at(-1)).toMatchObject({ sent: 3, ok: 2, errors: 1 });
    } finally {
      await flaky.close();
    }
  });

  it('--retries: a server that fails twice then succeeds', async () => {
    let n = 0;
    const flaky = await startServer((_req, _b, res) => {
      n++;
      if (n <= 2) res.writeHead(502).end('bad gateway');
      else res.end('ok');
    });
    try {
      const r = await runCli(['--json', 'webhook', 'replay', 'fb-payment-charge', '--to', flaky.url, '--retries', '2'], { env });
      expect(r.code).toBe(0);
      const [d, s] = ndjson(r.stdout);
      expect(d).toMatchObject({ status: 200, ok: true, attempts: 3 });
      expect(s).toMatchObject({ sent: 1, ok: 1, status_counts: { '200': 1 } });
      n = 0;
      const none = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', flaky.url], { env });
      expect(none.code).toBe(1);
      expect(none.stdout).toMatch(/status 502, expected 2xx/);
    } finally {
      await flaky.close();
    }
  });

  it('high counts: human lines are sampled (failures kept), --quiet prints only the summary, the summary is exact', async () => {
    let n = 0;
    const some = await startServer((_req, _b, res) => {
      n++;
      res.writeHead(n === 130 ? 500 : 200).end('ok');
    });
    try {
      const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', some.url, '--count', '150'], { env });
      expect(r.code).toBe(1);
      const lines = r.stdout.trim().split('\n');
      const deliveries = lines.filter((l) => /^[✓✗] /.test(l));
      expect(deliveries.length).toBe(101);
      expect(deliveries.at(-1)).toMatch(/^✗ 500 .*#130 /);
      expect(r.stderr).toMatch(/after 100 deliveries: failures and every 1000th/);
      expect(r.stdout).toMatch(/sent 150 · ok 149 · failed 1 · errors 0 · status 200×149 500×1/);
      n = 0;
      const q = await runCli(['--quiet', 'webhook', 'replay', 'fb-payment-charge', '--to', some.url, '--count', '150', '--concurrency', '8'], { env });
      expect(q.stdout.trim().split('\n')).toHaveLength(2);
      expect(q.stdout).toMatch(/^sent 150 · ok 149 · failed 1/);
      n = 0;
      const qj = await runCli(['--json', '--quiet', 'webhook', 'replay', 'fb-payment-charge', '--to', some.url, '--count', '150', '--concurrency', '8'], { env });
      expect(ndjson(qj.stdout)).toEqual([expect.objectContaining({ type: 'summary', sent: 150, ok: 149, failed: 1 })]);
    } finally {
      await some.close();
    }
  });

  it('a user fixture file and a fixtures folder are accepted by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-replay-fx-'));
    writeFileSync(
      join(dir, 'my-event.json'),
      JSON.stringify({ name: 'my-event', provider: 'facebook', kind: 'payments-update', body: { object: 'payments', entry: [{ id: '${id}', time: '${now}', changed_fields: ['actions'] }] } }),
    );
    const r = await runCli(['webhook', 'replay', join(dir, 'my-event.json'), '--to', to()], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/#1 my-event/);
    const folder = await runCli(['webhook', 'replay', dir, '--to', to(), '--count', '2'], { env });
    expect(folder.code).toBe(0);
    expect(folder.stdout).toMatch(/sent 2 · ok 2/);
  });

  it.skipIf(NO_PHP)('an independent PHP receiver (hash_hmac sha1, as Facebook samples do) accepts replays and rejects tampering', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-php-'));
    writeFileSync(
      join(dir, 'router.php'),
      `<?php
$body = file_get_contents('php://input');
$sig = $_SERVER['HTTP_X_HUB_SIGNATURE'] ?? '';
$expected = 'sha1=' . hash_hmac('sha1', $body, getenv('APP_SECRET'));
if (!hash_equals($expected, $sig)) { http_response_code(403); echo "bad signature"; return; }
$doc = json_decode($body, true);
if (!is_array($doc) || ($doc['object'] ?? '') !== 'payments') { http_response_code(400); echo "not a payments update"; return; }
echo "OK " . $doc['entry'][0]['id'];
`,
    );
    const php = await startPhp(dir, 'router.php', { APP_SECRET: SECRET });
    try {
      const ok = await runCli(['--json', 'webhook', 'replay', 'fb-payment-charge', 'fb-payment-refund', '--to', `${php.url}/webhook`], { env });
      expect(ok.code).toBe(0);
      const [d1] = ndjson(ok.stdout);
      expect(d1.response).toMatch(/^OK \d+$/);
      for (const tamper of ['body', 'signature']) {
        const bad = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', `${php.url}/webhook`, '--tamper', tamper, '--expect', '403'], { env });
        expect(bad.code).toBe(0);
      }
    } finally {
      await php.stop();
    }
  });
});

describe('Ctrl-C on a long replay (the real binary)', () => {
  it('SIGINT stops the run (long before its 100000 deliveries), prints the summary and exits 130', async () => {
    let hits = 0;
    const slow = await startServer((_req, _b, res) => {
      hits++;
      setTimeout(() => res.end('ok'), 20);
    });
    try {
      const p = startBin(['webhook', 'replay', 'fb-payment-charge', '--to', slow.url, '--count', '100000', '--concurrency', '4', '--quiet'], { env });
      // Interrupt once deliveries are flowing (not after a fixed delay: start-up is slow on a busy box).
      for (let i = 0; i < 600 && hits < 8; i++) await new Promise((r) => setTimeout(r, 50));
      expect(hits).toBeGreaterThanOrEqual(8);
      const code = await p.stop('SIGINT');
      expect(code).toBe(130);
      expect(p.stdout).toMatch(/^sent \d+ · ok \d+ · failed 0 · errors 0/m);
      expect(p.stderr).toMatch(/interrupted: stopped after \d+ deliveries/);
      const sent = Number(/^sent (\d+)/m.exec(p.stdout)![1]);
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThan(100000);
    } finally {
      await slow.close();
    }
  });

  it('the binary: --json errors for a refused target stay NDJSON on stdout', async () => {
    const port = await deadPort();
    const r = await runBin(['--json', 'webhook', 'replay', 'fb-payment-charge', '--to', `http://127.0.0.1:${port}/`], { env });
    expect(r.code).toBe(3);
    for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});
