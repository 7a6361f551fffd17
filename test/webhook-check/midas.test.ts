import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { NO_PHP, startPhp } from '../helpers/php.js';
import { fixedHandler, midasHandler, startReceiver, type MidasMode, type Running } from './receivers.js';

const APPKEY = 'check0midas0appkey00000000000042';
const ALL = ['valid-reply', 'wrong-sig-rejected', 'wrong-sig-ret-4', 'stale-ts', 'extra-param', 'budget'];

async function check(url: string, extra: string[] = []) {
  const r = await runCli(['--json', 'webhook', 'check', '--provider', 'midas', '--to', url, '--appkey', APPKEY, ...extra]);
  const doc = JSON.parse(r.stdout);
  return { ...r, doc, failing: (doc.checks as Array<{ id: string; ok: boolean | null }>).filter((c) => c.ok === false).map((c) => c.id) };
}

describe('webhook check --provider midas against node receivers written from the documented rule', () => {
  const servers: Partial<Record<MidasMode | 'slow' | 'notFound', Running>> = {};
  beforeAll(async () => {
    for (const mode of ['correct', 'spaced', 'drops-unknown', 'ret1', 'careless', 'http500', 'sdk-no-ts'] as MidasMode[]) servers[mode] = await startReceiver(midasHandler(mode, APPKEY));
    servers.notFound = await startReceiver(fixedHandler(404));
    const correct = midasHandler('correct', APPKEY);
    servers.slow = await startReceiver((r) => ({ ...correct(r), delayMs: 60 }));
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s!.close()));
  });

  it('a correct receiver passes every check (exit 0)', async () => {
    const r = await check(servers.correct!.url + '/midas/deliver');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.doc.checks.map((c: { id: string }) => c.id)).toEqual(ALL);
    expect(r.failing).toEqual([]);
    expect(r.doc.checks[0]).toMatchObject({ ok: true, status: 200, detail: '{"ret":0,"msg":"OK"}' });
    expect(r.doc.checks.find((c: { id: string }) => c.id === 'wrong-sig-ret-4').detail).toBe('ret 4 (请求参数错误：(sig))');
    // The extra parameter really went out, and was signed (the receiver checked it).
    expect(servers.correct!.requests.some((q) => q.rawQuery.includes('fbpay_check_extra='))).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(APPKEY);
  });

  it('a spaced reply fails the two checks that need the exact reply (exit 1)', async () => {
    const r = await check(servers.spaced!.url + '/cb');
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['valid-reply', 'extra-param']);
    expect(r.doc.checks[0].detail).toMatch(/^reply has whitespace — got 200 "\{\\"ret\\": 0, \\"msg\\": \\"OK\\"\}"$/);
  });

  it('a receiver that signs only the parameters it knows fails "extra-param"', async () => {
    const r = await check(servers['drops-unknown']!.url + '/cb');
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['extra-param']);
    expect(r.doc.checks.find((c: { id: string }) => c.id === 'extra-param').detail).toMatch(/^ret 4 \(请求参数错误：\(sig\)\)/);
  });

  it('ret 1 for a bad sig passes the required refusal, fails only the advisory ret-4 check (exit 0)', async () => {
    const r = await check(servers.ret1!.url + '/cb');
    expect(r.code).toBe(0);
    expect(r.failing).toEqual(['wrong-sig-ret-4']);
    expect(r.doc.checks.find((c: { id: string }) => c.id === 'wrong-sig-rejected').detail).toBe('ret 1 (refused)');
  });

  it('a receiver that answers OK to everything fails sig and ts checks', async () => {
    const r = await check(servers.careless!.url + '/cb');
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['wrong-sig-rejected', 'wrong-sig-ret-4', 'stale-ts']);
  });

  it('a slow receiver fails only "budget"', async () => {
    const r = await check(servers.slow!.url + '/cb', ['--budget-ms', '30']);
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['budget']);
  });

  it('--path is the path the callback is signed over and sent to; it must start with /', async () => {
    const before = servers.correct!.requests.length;
    const r = await check(servers.correct!.url + '/cb', ['--path', '/midas/other', '--only', 'valid-reply']);
    expect(r.code).toBe(0);
    expect(servers.correct!.requests.slice(before).map((q) => q.url.pathname)).toEqual(['/midas/other']);
    const bad = await runCli(['webhook', 'check', '--provider', 'midas', '--to', servers.correct!.url, '--appkey', APPKEY, '--path', 'midas']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--path/);
  });

  it('the right JSON with HTTP 500 is not accepted: valid-reply fails, the refusals (also HTTP 500) are inconclusive, exit 1', async () => {
    const r = await check(servers.http500!.url + '/cb');
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['valid-reply', 'extra-param']);
    const byId = Object.fromEntries(r.doc.checks.map((c: { id: string; result: string }) => [c.id, c.result]));
    expect(byId).toMatchObject({ 'wrong-sig-rejected': 'inconclusive', 'wrong-sig-ret-4': 'inconclusive', 'stale-ts': 'inconclusive', budget: 'inconclusive' });
    expect(r.doc.checks[0].detail).toMatch(/^HTTP 500 \(Midas needs 200/);
    expect(r.doc.cause).toBe('every request got 500: the receiver\u2019s log should say why');
  });

  it('every request 404 (a mistyped path): nothing passes, exit 1, the cause is named', async () => {
    const r = await check(servers.notFound!.url + '/cb');
    expect(r.code).toBe(1);
    expect(r.doc.passed).toBe(0);
    expect(r.doc.checks.filter((c: { result: string }) => c.result === 'inconclusive').map((c: { id: string }) => c.id)).toEqual(['wrong-sig-rejected', 'stale-ts', 'budget']);
    expect(r.doc.cause).toBe('every request got 404: is the path right?');
  });

  it('stale-ts is advisory: a receiver written exactly on Tencent\u2019s SnsSigCheck (sig only, no ts) passes the run with a warning', async () => {
    const r = await check(servers['sdk-no-ts']!.url + '/cb');
    expect(r.code, r.stdout).toBe(0);
    expect(r.failing).toEqual(['stale-ts']);
    expect(r.doc.checks.find((c: { id: string }) => c.id === 'stale-ts')).toMatchObject({ required: false, ok: false });
  });

  it('a missing appkey is exit 2 naming MIDAS_APPKEY', async () => {
    const r = await runCli(['webhook', 'check', '--provider', 'midas', '--to', servers.correct!.url], { env: { MIDAS_APPKEY: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MIDAS_APPKEY/);
  });
});

describe.skipIf(NO_PHP)('webhook check --provider midas against the PHP receiver (test/midas/php)', () => {
  let php: Awaited<ReturnType<typeof startPhp>>;
  beforeAll(async () => {
    php = await startPhp(fileURLToPath(new URL('../midas/php/', import.meta.url)), 'router.php', { MIDAS_APPKEY: APPKEY });
  });
  afterAll(() => php?.stop());

  it('passes every check', async () => {
    const r = await check(php.url + '/midas/deliver');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.failing).toEqual([]);
  });
});
