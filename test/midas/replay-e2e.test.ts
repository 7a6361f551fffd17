import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIDAS_OK_REPLY } from '../../src/core/midas/reply.js';
import { runBin, startBin } from '../helpers/cli.js';
import { NO_PHP, startPhp } from '../helpers/php.js';

// End to end through bin/fbpay.js (run `npm run build:fast` first): `webhook replay` and
// `webhook listen` with the midas adapter, against the independent PHP receiver and node receivers.
const APPKEY = 'e2e0midas0appkey0000000000000042';

describe.skipIf(NO_PHP)('webhook replay --provider midas → PHP receiver', () => {
  let php: Awaited<ReturnType<typeof startPhp>>;
  beforeAll(async () => {
    php = await startPhp(fileURLToPath(new URL('./php/', import.meta.url)), 'router.php', { MIDAS_APPKEY: APPKEY });
  });
  afterAll(() => php?.stop());

  it.each(['midas-delivery', 'midas-delivery-providetype-1', 'midas-delivery-providetype-2'])('%s: every delivery accepted with {"ret":0,"msg":"OK"}', async (fx) => {
    const r = await runBin(['webhook', 'replay', fx, '--provider', 'midas', '--to', `${php.url}/midas/deliver`, '--appkey', APPKEY, '--count', '3', '--set', 'appmeta=a+b=c~d e*中文']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sent 3 · ok 3 · failed 0/);
    expect(r.stdout + r.stderr).not.toContain(APPKEY);
  });

  it('--json: NDJSON delivery lines then a summary', async () => {
    const r = await runBin(['--json', 'webhook', 'replay', 'midas-delivery', '--to', `${php.url}/cb`, '--count', '2'], { env: { MIDAS_APPKEY: APPKEY } });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['delivery', 'delivery', 'summary']);
    expect(lines[0]).toMatchObject({ ok: true, status: 200, response: MIDAS_OK_REPLY });
  });

  it.each(['body', 'signature', 'stale'])('--tamper %s: rejected with ret 4 → exit 1; with --expect ret=4 → exit 0', async (tamper) => {
    const base = ['webhook', 'replay', 'midas-delivery', '--to', `${php.url}/midas/deliver`, '--appkey', APPKEY, '--tamper', tamper];
    const r = await runBin(base);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(tamper === 'stale' ? /ret 4 \(请求参数错误：\(ts\)\)/ : /ret 4 \(请求参数错误：\(sig\)\)/);
    expect((await runBin([...base, '--expect', 'ret=4'])).code).toBe(0);
  });

  it('a wrong appkey fails every delivery (exit 1)', async () => {
    const r = await runBin(['webhook', 'replay', 'midas-delivery', '--to', `${php.url}/midas/deliver`, '--appkey', 'not-the-key']);
    expect(r.code).toBe(1);
  });
});

describe('webhook replay --provider midas → node receivers that break the reply rules', () => {
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  beforeAll(async () => {
    const mk = (name: string, h: Parameters<typeof createServer>[1]) =>
      new Promise<void>((resolve) => {
        const s = createServer(h);
        servers.push(s);
        s.listen(0, '127.0.0.1', () => {
          urls[name] = `http://127.0.0.1:${(s.address() as { port: number }).port}/cb`;
          resolve();
        });
      });
    await mk('spaced', (_q, r) => r.end('{"ret":0, "msg":"OK"}'));
    await mk('slow', (_q, r) => setTimeout(() => r.end(MIDAS_OK_REPLY), 2500));
    await mk('ret4', (_q, r) => r.end('{"ret":4,"msg":"请求参数错误：(sig)"}'));
  });
  afterAll(() => servers.forEach((s) => s.close()));
  it.each([
    ['spaced', /reply has whitespace/],
    ['slow', /2\.\d s > 2 s budget/],
    ['ret4', /ret 4 \(请求参数错误：\(sig\)\)/],
  ])('%s → exit 1 with the reason', async (name, re) => {
    const r = await runBin(['webhook', 'replay', 'midas-delivery', '--to', urls[name], '--appkey', APPKEY]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(re);
  });
});

describe('webhook listen --provider midas', () => {
  it('verifies replayed callbacks, answers ret 0 / ret 4, and replays its own recording', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const rec = `${mkdtempSync(`${tmpdir()}/fbpay-midas-`)}/cap.ndjson`;
    const srv = startBin(['webhook', 'listen', '--provider', 'midas', '--port', '0', '--appkey', APPKEY, '--record', rec]);
    try {
      const [, url] = await srv.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const good = await runBin(['webhook', 'replay', 'midas-delivery', '--to', `${url}/midas/deliver`, '--appkey', APPKEY]);
      expect(good.code).toBe(0);
      const bad = await runBin(['webhook', 'replay', 'midas-delivery', '--to', `${url}/midas/deliver`, '--appkey', 'other-key']);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/ret 4 \(请求参数错误：\(sig\)\)/);
      await srv.waitFor(/sig does not match \(callback rule\)/);
      expect(srv.stdout + srv.stderr).toMatch(/✓ GET \/midas\/deliver +billno -APPDJSX22779-/);
      const again = await runBin(['webhook', 'replay', rec, '--to', `${url}/midas/deliver`, '--appkey', APPKEY]);
      expect(again.stdout).toMatch(/sent 2 · ok 1 · failed 1/);
    } finally {
      await srv.stop();
    }
  });
});
