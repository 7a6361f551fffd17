import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli.js';
import { InterruptedError } from '../../src/core/errors.js';
import { startListener } from '../../src/providers/webhook/listen.js';
import { ROOT, runCli, startBin } from '../helpers/cli.js';
import { createTestReceiver, sign } from './test-adapter.js';
import { startServer, type TestServer } from './servers.js';

const SECRET = 'listen-test-secret-9b1c2d3e4f';
const VERIFY = 'listen-verify-token-77';
const env = { FB_APP_SECRET: SECRET };

/** Runs `fbpay webhook listen …` in-process; resolves once it prints its URL. */
async function listen(args: string[], extraEnv: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const ac = new AbortController();
  const done = main(['webhook', 'listen', '--port', '0', ...args], {
    io: {
      stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
      stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
      stdin: Readable.from([]) as NodeJS.ReadableStream,
      env: { CI: 'true', ...env, ...extraEnv },
      cwd: ROOT,
    },
    signal: ac.signal,
  });
  const deadline = Date.now() + 10_000;
  let url: string | undefined;
  while (!url) {
    const m = /listening on (http:\/\/\S+)|"url":"(http:[^"]+)"/.exec(stdout);
    if (m) url = m[1] ?? m[2];
    else {
      const early = await Promise.race([done, new Promise((r) => setTimeout(() => r(undefined), 20))]);
      if (early !== undefined) throw new Error(`listen exited ${early}: ${stderr}`);
      if (Date.now() > deadline) throw new Error('listen did not start: ' + stderr);
    }
  }
  return {
    url,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    async stop() {
      ac.abort(new InterruptedError());
      return done;
    },
  };
}

const hub = (body: Buffer) => ({
  'content-type': 'application/json',
  'x-hub-signature': 'sha1=' + createHmac('sha1', SECRET).update(body).digest('hex'),
  'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'),
});

async function post(url: string, body: Buffer | string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, text: await res.text() };
}

/** Sends raw bytes on a socket and resolves with what came back before the server closed it (or the timeout). */
function raw(url: string, data: string | Buffer, waitMs = 2000): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(u.port), u.hostname);
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('error', () => undefined);
    const t = setTimeout(() => (s.destroy(), resolve(got)), waitMs);
    s.on('close', () => (clearTimeout(t), resolve(got)));
    s.write(data);
  });
}

describe('fbpay webhook listen (facebook receiver)', () => {
  let l: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    l = await listen(['--verify-token', VERIFY, '--max-body', '1kb']);
  });
  afterAll(async () => {
    const code = await l.stop();
    expect(code).toBe(130);
    expect(l.stderr).toMatch(/stopped: \d+ deliveries/);
  });

  it('answers the hub.challenge handshake, and refuses a wrong verify token', async () => {
    const ok = await fetch(`${l.url}/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${l.url}/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=nope`);
    expect(bad.status).toBe(403);
    expect(l.stdout).toMatch(/↔ GET \/webhook {2}handshake → 200/);
    expect(l.stdout).toMatch(/↔ GET \/webhook {2}handshake → 403/);
  });

  it('verifies replayed deliveries (200, ✓ with the payment id) and refuses tampered ones (403, ✗ with the reason)', async () => {
    const r = await runCli(['--json', 'webhook', 'replay', 'fb-payment-charge', '--to', `${l.url}/webhook`], { env });
    expect(r.code).toBe(0);
    const id = JSON.parse(r.stdout.split('\n')[0]).fixture && /payment (\d+)/.exec(l.stdout)?.[1];
    expect(id).toMatch(/^\d+$/);
    expect(l.stdout).toMatch(new RegExp(`✓ POST /webhook {2}payment ${id} \\[actions\\] {2}→ 200`));
    const t = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', `${l.url}/webhook`, '--tamper', 'signature'], { env });
    expect(t.code).toBe(1);
    expect(t.stdout).toMatch(/✗ 403 .*status 403, expected 2xx/);
    expect(l.stdout).toMatch(/✗ POST \/webhook {2}payment \d+ \[actions\] {2}.*does not match.* → 403/);
  });

  it('413 over --max-body, declared or streamed, and keeps serving', async () => {
    const big = Buffer.alloc(2048, 'a');
    const declared = await post(`${l.url}/webhook`, big, hub(big));
    expect(declared.status).toBe(413);
    const chunked = await raw(l.url, `POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n${'b'.repeat(2048)}\r\n0\r\n\r\n`);
    expect(chunked).toMatch(/^HTTP\/1\.1 413/);
    expect(l.stdout).toMatch(/✗ POST \/webhook {2}413 body/);
    const small = Buffer.from('{"object":"payments","entry":[{"id":"1","time":1,"changed_fields":["actions"]}]}');
    expect((await post(`${l.url}/webhook`, small, hub(small))).status).toBe(200);
  });

  it('400 for an unparsable body and for garbage that is not HTTP', async () => {
    const body = Buffer.from('not json at all');
    const r = await post(`${l.url}/webhook`, body, hub(body));
    expect(r.status).toBe(400);
    const garbage = await raw(l.url, 'HELLO THERE\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
  });

  it('a slowloris client and a half-closed one do not block anyone else', async () => {
    const u = new URL(l.url);
    const slow: Socket = connect(Number(u.port), u.hostname);
    slow.on('error', () => undefined);
    slow.write('POST /webhook HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const drip = setInterval(() => slow.write('a'), 50);
    const half: Socket = connect(Number(u.port), u.hostname);
    half.on('error', () => undefined);
    half.end('POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"obj');
    try {
      // Every delivery answered before its 2 s timeout (exit 0), so the stalled sockets blocked none.
      const r = await runCli(['webhook', 'replay', 'fb-payment-refund', '--to', `${l.url}/webhook`, '--count', '3', '--timeout', '2000'], { env });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    } finally {
      clearInterval(drip);
      slow.destroy();
      half.destroy();
    }
  });

  it('unverified deliveries without any signature are reported, not crashed on', async () => {
    const r = await post(`${l.url}/webhook`, '{"object":"payments","entry":[]}', { 'content-type': 'application/json' });
    expect(r.status).toBe(403);
    expect(l.stdout).toMatch(/✗ POST \/webhook .*no X-Hub-Signature/);
  });
});

describe('listen: record, forward, replay from the capture', () => {
  let sinkA: TestServer;
  let sinkB: TestServer;
  beforeAll(async () => {
    sinkA = await startServer((_req, _b, res) => {
      res.writeHead(202, { 'content-type': 'text/plain' }).end('forwarded-ok');
    });
    sinkB = await startServer((_req, _b, res) => {
      res.end('ok');
    });
  });
  afterAll(async () => {
    await sinkA.close();
    await sinkB.close();
  });

  it('--forward-to passes exact bytes and headers and relays the reply; --record writes every delivery; replay reads it back byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-listen-'));
    const file = join(dir, 'capture.ndjson');
    const l = await listen(['--record', file, '--forward-to', `${sinkA.url}/app/hook`]);
    try {
      const r = await runCli(['--json', 'webhook', 'replay', 'fb-dispute-lifecycle', '--to', `${l.url}/webhook`], { env });
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n').map((x) => JSON.parse(x));
      expect(lines.filter((x) => x.type === 'delivery').every((x) => x.status === 202 && x.response === 'forwarded-ok')).toBe(true);
      const t = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', `${l.url}/webhook`, '--tamper', 'body', '--expect', '202'], { env });
      expect(t.code).toBe(0);
      expect(l.stdout).toMatch(/forwarded → 202/);
    } finally {
      await l.stop();
    }
    expect(sinkA.seen).toHaveLength(5);
    expect(sinkA.seen.every((s) => s.url === '/app/hook')).toBe(true);
    for (const s of sinkA.seen) {
      expect(s.headers['x-hub-signature-256']).toMatch(/^sha256=/);
      expect(s.headers['content-type']).toBe('application/json');
    }
    const recorded = readFileSync(file, 'utf8').trim().split('\n').map((x) => JSON.parse(x));
    expect(recorded).toHaveLength(5);
    expect(recorded.map((x) => x.verified)).toEqual([true, true, true, true, false]);
    for (const [i, line] of recorded.entries()) {
      expect(Object.keys(line)).toEqual(['received_at', 'method', 'path', 'headers', 'body_b64', 'verified']);
      expect(Buffer.from(line.body_b64, 'base64').equals(sinkA.seen[i].body)).toBe(true);
      expect(line.path).toBe('/webhook');
    }
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);

    // replay the capture (provider inferred from X-Hub-Signature): same bytes, same order
    const back = await runCli(['--json', 'webhook', 'replay', file, '--to', sinkB.url], { env });
    expect(back.code).toBe(0);
    const labels = back.stdout.trim().split('\n').map((x) => JSON.parse(x)).filter((x) => x.type === 'delivery').map((x) => x.fixture);
    expect(labels).toEqual([1, 2, 3, 4, 5].map((n) => `${file}:${n}`));
    expect(sinkB.seen).toHaveLength(5);
    for (let i = 0; i < 5; i++) {
      expect(sinkB.seen[i].body.equals(sinkA.seen[i].body)).toBe(true);
      expect(sinkB.seen[i].url).toBe('/webhook');
    }
    // every delivery, the tampered one too, carries the very signature the listener received
    for (let i = 0; i < 5; i++) expect(sinkB.seen[i].headers['x-hub-signature-256']).toBe(sinkA.seen[i].headers['x-hub-signature-256']);
  });

  it('replaying a capture is byte for byte: no secret needed, a delivery recorded as refused is refused again; --resign signs afresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-listen-'));
    const file = join(dir, 'mixed.ndjson');
    const rec = await listen(['--record', file]);
    try {
      expect((await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', `${rec.url}/webhook`], { env })).code).toBe(0);
      const t = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', `${rec.url}/webhook`, '--tamper', 'signature', '--expect', '403'], { env });
      expect(t.code).toBe(0);
    } finally {
      await rec.stop();
    }
    expect(readFileSync(file, 'utf8').trim().split('\n').map((x) => JSON.parse(x).verified)).toEqual([true, false]);

    const check = await listen([]);
    try {
      const noSecret = { FB_APP_SECRET: undefined } as unknown as Record<string, string>;
      const asRecorded = await runCli(['--json', 'webhook', 'replay', file, '--to', `${check.url}/webhook`], { env: noSecret });
      const statuses = asRecorded.stdout.trim().split('\n').map((x) => JSON.parse(x)).filter((x) => x.type === 'delivery').map((x) => x.status);
      expect(statuses, asRecorded.stderr).toEqual([200, 403]);
      expect(asRecorded.code).toBe(1);

      const resigned = await runCli(['--json', 'webhook', 'replay', file, '--to', `${check.url}/webhook`, '--resign'], { env });
      expect(resigned.code, resigned.stderr).toBe(0);
      expect(resigned.stdout.trim().split('\n').map((x) => JSON.parse(x)).filter((x) => x.type === 'delivery').map((x) => x.status)).toEqual([200, 200]);
      const resignNoSecret = await runCli(['webhook', 'replay', file, '--to', `${check.url}/webhook`, '--resign'], { env: noSecret });
      expect(resignNoSecret.code).toBe(2);
      expect(resignNoSecret.stderr).toMatch(/FB_APP_SECRET/);

      const tampered = await runCli(['--json', 'webhook', 'replay', `${file}`, '--to', `${check.url}/webhook`, '--tamper', 'signature', '--expect', '403'], { env: noSecret });
      expect(tampered.code, tampered.stdout).toBe(0);
      const body = await runCli(['--json', 'webhook', 'replay', `${file}`, '--to', `${check.url}/webhook`, '--tamper', 'body', '--expect', '403'], { env: noSecret });
      expect(body.code, body.stdout).toBe(0);
      const stale = await runCli(['webhook', 'replay', file, '--to', `${check.url}/webhook`, '--tamper', 'stale'], { env: noSecret });
      expect(stale.code).toBe(2);
      expect(stale.stderr).toMatch(/--tamper stale on a recorded delivery needs --resign/);
    } finally {
      await check.stop();
    }
  });

  it('a forward target that is down: 502 to the sender, the delivery still recorded and reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-listen-'));
    const file = join(dir, 'c.ndjson');
    const l = await listen(['--record', file, '--forward-to', 'http://127.0.0.1:9/']);
    try {
      const r = await runCli(['--json', 'webhook', 'replay', 'fb-payment-charge', '--to', `${l.url}/webhook`, '--expect', '502'], { env });
      expect(r.code).toBe(0);
      expect(l.stdout).toMatch(/forward failed: connection refused/);
    } finally {
      await l.stop();
    }
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('--accept-invalid replies 200 to what fails verification (still ✗)', async () => {
    const l = await listen(['--accept-invalid']);
    try {
      const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', `${l.url}/webhook`, '--tamper', 'signature'], { env });
      expect(r.code).toBe(0);
      expect(l.stdout).toMatch(/✗ POST \/webhook .* → 200/);
    } finally {
      await l.stop();
    }
  });

  it('--json: NDJSON events only on stdout', async () => {
    const l = await listen(['--json']);
    try {
      await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', `${l.url}/webhook`], { env });
    } finally {
      await l.stop();
    }
    const events = l.stdout.trim().split('\n').map((x) => JSON.parse(x));
    expect(events[0]).toMatchObject({ type: 'listening', provider: 'facebook' });
    expect(events[1]).toMatchObject({ type: 'delivery', method: 'POST', path: '/webhook', status: 200, verified: true });
  });

  it('usage errors: missing secret, port in use, bad --max-body, remote --forward-to', async () => {
    const none = await runCli(['webhook', 'listen', '--port', '0']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/FB_APP_SECRET/);
    const busy = await startServer(() => undefined);
    try {
      const r = await runCli(['webhook', 'listen', '--port', String(busy.port)], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/already in use/);
    } finally {
      await busy.close();
    }
    const size = await runCli(['webhook', 'listen', '--port', '0', '--max-body', 'lots'], { env });
    expect(size.code).toBe(2);
    const remote = await runCli(['webhook', 'listen', '--port', '0', '--forward-to', 'http://app.example.com/hook'], { env });
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/not a loopback/);
  });
});

describe('listen server internals (test receiver)', () => {
  it('cuts a slowloris client after the headers timeout; records masked; never dies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-listen-'));
    const file = join(dir, 'rec.ndjson');
    const events: unknown[] = [];
    const l = await startListener({
      host: '127.0.0.1',
      port: 0,
      receiver: createTestReceiver(),
      maxBody: 4096,
      recordFile: file,
      capture: { secrets: ['vt-secret-token'] },
      onEvent: (e) => events.push(e),
      headersTimeoutMs: 400,
      requestTimeoutMs: 800,
    });
    try {
      const u = new URL(l.url);
      const slow = connect(Number(u.port), u.hostname);
      slow.on('error', () => undefined);
      slow.write('POST / HTTP/1.1\r\nHost: x\r\n');
      const drip = setInterval(() => slow.writable && slow.write('X-A: b\r\n'), 100);
      // It never finishes its headers: the server must close the socket itself (a hang would hit
      // the test's timeout; with headers dripping every 100 ms only the 400 ms headers timeout can).
      await new Promise<void>((r) => slow.on('close', () => r()));
      clearInterval(drip);

      const body = Buffer.from('{"id":"rec-1"}');
      const time = Math.floor(Date.now() / 1000);
      const res = await fetch(`${l.url}/hook?access_token=tok-123456789&hub.verify_token=vt-secret-token`, {
        method: 'POST',
        body,
        headers: { 'x-test-signature': sign(body, time), 'x-test-time': String(time), authorization: 'Basic c2VjcmV0' },
      });
      expect(res.status).toBe(200);
      // a receiver that throws something unexpected → 500, the server lives on
      const broken = await startListener({
        host: '127.0.0.1',
        port: 0,
        receiver: { provider: 'facebook', receive: () => { throw new Error('boom'); } },
        maxBody: 100,
        onEvent: () => undefined,
      });
      const b = await fetch(broken.url, { method: 'POST', body: 'x' });
      expect(b.status).toBe(500);
      expect((await fetch(broken.url, { method: 'POST', body: 'x' })).status).toBe(500);
      await broken.close();
    } finally {
      await l.close();
    }
    expect(existsSync(file)).toBe(true);
    const rec = JSON.parse(readFileSync(file, 'utf8').trim());
    expect(rec.verified).toBe(true);
    expect(rec.headers.authorization).toBeUndefined();
    expect(rec.path).not.toContain('tok-123456789');
    expect(rec.path).not.toContain('vt-secret-token');
    expect(Buffer.from(rec.body_b64, 'base64').toString()).toBe('{"id":"rec-1"}');
    expect(events).toContainEqual(expect.objectContaining({ type: 'delivery', verified: true, summary: 'id rec-1' }));
  });
});

describe('listen: the real binary', () => {
  it('prints its URL for --port 0, serves, and stops on SIGINT with exit 130', async () => {
    const p = startBin(['webhook', 'listen', '--port', '0', '--verify-token', VERIFY], { env });
    const [, url] = await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const r = await fetch(`${url}/?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${VERIFY}`);
    expect(await r.text()).toBe('42');
    expect(await p.stop('SIGINT')).toBe(130);
    expect(p.stderr).toMatch(/stopped: 0 deliveries/);
  });
});

describe('the same engine for paypal and midas (listen → record → replay the capture)', () => {
  it('paypal: a signed lifecycle verifies in listen (certificate served on loopback); the capture replays as paypal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-listen-pp-'));
    const file = join(dir, 'pp.ndjson');
    const penv = { PAYPAL_WEBHOOK_ID: 'WH-ENGINE-TEST' };
    const l = await listen(['--provider', 'paypal', '--allow-cert-host', '127.0.0.1', '--record', file], penv);
    try {
      const r = await runCli(['--json', 'webhook', 'replay', 'paypal-subscription-lifecycle', '--to', `${l.url}/paypal`], { env: penv });
      expect(r.code).toBe(0);
      const wrong = await runCli(['webhook', 'replay', 'paypal-sale-completed', '--to', `${l.url}/paypal`, '--webhook-id', 'WH-OTHER', '--expect', '403'], { env: penv });
      expect(wrong.code).toBe(0);
    } finally {
      await l.stop();
    }
    expect(l.stdout).toMatch(/✓ POST \/paypal {2}BILLING\.SUBSCRIPTION\.CREATED/);
    expect(l.stdout).toMatch(/✗ POST \/paypal {2}PAYMENT\.SALE\.COMPLETED/);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((x) => JSON.parse(x));
    expect(lines.map((x) => x.verified)).toEqual([true, true, true, true, true, true, false]);
    const sink = await startServer((_req, _b, res) => {
      res.end('ok');
    });
    try {
      const back = await runCli(['--json', 'webhook', 'replay', file, '--to', sink.url], { env: penv });
      expect(back.code).toBe(0);
      expect(sink.seen).toHaveLength(7);
      for (const [i, s] of sink.seen.entries()) {
        expect(s.body.equals(Buffer.from(lines[i].body_b64, 'base64'))).toBe(true);
        expect(s.headers['paypal-transmission-id']).toBeTruthy();
      }
    } finally {
      await sink.close();
    }
  });

  it('midas: signed GET callbacks verify in listen, which answers like a Midas server; --expect ret=4 for a tampered sig', async () => {
    const menv = { MIDAS_APPKEY: 'midas-engine-appkey-123' };
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-listen-midas-'));
    const file = join(dir, 'm.ndjson');
    const l = await listen(['--provider', 'midas', '--record', file], menv);
    try {
      const ok = await runCli(['--json', 'webhook', 'replay', 'midas-delivery', '--to', `${l.url}/cgi-bin/deliver`], { env: menv });
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout.split('\n')[0]).response).toBe('{"ret":0,"msg":"OK"}');
      const bad = await runCli(['webhook', 'replay', 'midas-delivery', '--to', `${l.url}/cgi-bin/deliver`, '--tamper', 'signature', '--expect', 'ret=4'], { env: menv });
      expect(bad.code).toBe(0);
      const missed = await runCli(['webhook', 'replay', 'midas-delivery', '--to', `${l.url}/cgi-bin/deliver`, '--tamper', 'signature'], { env: menv });
      expect(missed.code).toBe(1);
      // the capture is recognised as midas (GET with sig=) and replays to the same path
      const again = await runCli(['--json', 'webhook', 'replay', file, '--to', `${l.url}/cgi-bin/deliver`, '--expect', 'ret=0'], { env: menv });
      const replayed = again.stdout.trim().split('\n').map((x) => JSON.parse(x));
      expect(replayed[0]).toMatchObject({ type: 'delivery', status: 200, ok: true, response: '{"ret":0,"msg":"OK"}' });
      // the captured tampered callbacks are sent as captured: still refused
      expect(replayed[1]).toMatchObject({ ok: false, reason: expect.stringMatching(/ret 4/) });
      expect(replayed.at(-1)).toMatchObject({ type: 'summary', sent: 3, ok: 1, failed: 2 });
      expect(again.code).toBe(1);
    } finally {
      await l.stop();
    }
    expect(readFileSync(file, 'utf8')).not.toContain('midas-engine-appkey-123');
  });
});
