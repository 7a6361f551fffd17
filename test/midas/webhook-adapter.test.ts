import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FbpayError } from '../../src/core/errors.js';
import { checkMidasReply, MIDAS_OK_REPLY } from '../../src/core/midas/reply.js';
import { midasSign, parseMidasQuery } from '../../src/core/midas/signature.js';
import type { RenderedFixture } from '../../src/core/fixtures/schema.js';
import { createReceiver, createReplayAdapter } from '../../src/providers/midas/webhook-adapter.js';
import { FixtureLibrary } from '../../src/providers/fixtures.js';
import type { ExpectSpec, IncomingDelivery, OutgoingDelivery } from '../../src/providers/webhook/adapter.js';
import { httpRequest } from '../../src/transport/http.js';
import { NO_PHP, startPhp } from '../helpers/php.js';

const APPKEY = '12345f9a47df4d1eaeb3bad9a7e54321';
const OK2XX: ExpectSpec = { kind: 'class', cls: 2 };
const lib = new FixtureLibrary();
const nowSec = () => Math.floor(Date.now() / 1000);

function render(name = 'midas-delivery', sets: string[] = []): RenderedFixture {
  return lib.render(name, { sets })[0];
}

async function send(d: OutgoingDelivery) {
  return httpRequest({ method: d.method, url: d.url, headers: d.headers, body: d.body, timeoutMs: 10_000 });
}

function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server }));
  });
}

describe('fixtures', () => {
  it.each(['midas-delivery', 'midas-delivery-providetype-1', 'midas-delivery-providetype-2'])('%s renders every documented field', (name) => {
    const fx = render(name);
    expect(fx.provider).toBe('midas');
    expect(fx.delivery).toMatchObject({ method: 'GET', encoding: 'query' });
    const body = fx.body as Record<string, unknown>;
    for (const k of ['openid', 'appid', 'ts', 'payitem', 'token', 'billno', 'version', 'zoneid', 'providetype', 'amt', 'payamt_coins', 'pubacct_payamt_coins', 'appmeta', 'channel_id', 'clientver', 'ebazinga', 'cftid']) {
      expect(body, k).toHaveProperty(k);
    }
    expect(body.providetype).toBe(name.endsWith('-1') ? '1' : name.endsWith('-2') ? '2' : '0');
  });
});

describe('build()', () => {
  const adapter = createReplayAdapter({ appkey: APPKEY });
  const target = new URL('http://127.0.0.1:9/cgi-bin/deliver');

  it('a GET over the target path, fresh ts, callback-rule sig that survives the query encoding', () => {
    for (let i = 0; i < 50; i++) {
      const d = adapter.build(render('midas-delivery', [`appmeta=a+b=c d~${i}`]), { target, now: () => 1_800_000_000 + i }) as OutgoingDelivery;
      const u = new URL(d.url);
      expect(d.method).toBe('GET');
      expect(u.pathname).toBe('/cgi-bin/deliver');
      expect(u.search).not.toMatch(/[+ ]/); // '+' and spaces are percent-encoded
      const q = parseMidasQuery(u.search);
      expect(q.params.ts).toBe(String(1_800_000_000 + i));
      expect(q.params.appmeta).toBe(`a+b=c d~${i}`);
      expect(q.sig).toBe(midasSign({ method: 'GET', path: '/cgi-bin/deliver', params: q.params, appkey: APPKEY, rule: 'callback' }).sig);
    }
  });

  it('uses opts.path when given, else the fixture path when the target has none', () => {
    const withPath = createReplayAdapter({ appkey: APPKEY, path: '/other' }).build(render(), { target, now: nowSec }) as OutgoingDelivery;
    expect(new URL(withPath.url).pathname).toBe('/other');
    const bare = adapter.build(render(), { target: new URL('http://127.0.0.1:9'), now: nowSec }) as OutgoingDelivery;
    expect(new URL(bare.url).pathname).toBe('/midas/deliver');
  });

  it('tamper modes: body changes a value after signing, signature breaks the sig, stale is 20 minutes old', () => {
    const check = (tamper: 'body' | 'signature' | 'stale') => {
      const d = adapter.build(render(), { target, now: () => 1_800_000_000, tamper }) as OutgoingDelivery;
      const q = parseMidasQuery(new URL(d.url).search);
      const good = midasSign({ method: 'GET', path: '/cgi-bin/deliver', params: q.params, appkey: APPKEY, rule: 'callback' }).sig;
      return { q, good, meta: d.meta };
    };
    const body = check('body');
    expect(body.q.sig).not.toBe(body.good);
    expect(body.meta).toMatchObject({ tamper: 'body', tampered_param: 'amt' });
    const sig = check('signature');
    expect(sig.q.sig).not.toBe(sig.good);
    const stale = check('stale');
    expect(stale.q.sig).toBe(stale.good);
    expect(stale.q.params.ts).toBe(String(1_800_000_000 - 1200));
  });

  it('without an appkey: a UsageError naming the flag', () => {
    expect(() => createReplayAdapter({})).toThrow(/--appkey/);
  });
});

describe('checkMidasReply()', () => {
  const ok = (body: string, latencyMs = 5, status = 200) => checkMidasReply({ status, body, latencyMs });
  it('accepts exactly {"ret":0,"msg":"OK"} within 2 s', () => expect(ok(MIDAS_OK_REPLY).ok).toBe(true));
  it.each([
    ['{"ret": 0, "msg": "OK"}', 'reply has whitespace'],
    [MIDAS_OK_REPLY + '\n', 'reply has whitespace'],
    ['{"ret":4,"msg":"请求参数错误：(sig)"}', 'ret 4 (请求参数错误：(sig))'],
    ['{"ret":0,"msg":"ok"}', 'msg must be "OK", got "ok"'],
    ['{"msg":"OK","ret":0}', 'reply must be exactly {"ret":0,"msg":"OK"}, got "{\\"msg\\":\\"OK\\",\\"ret\\":0}"'],
    ['OK', 'reply is not JSON: "OK"'],
    ['', 'empty reply'],
  ])('%s → %s', (body, reason) => expect(ok(body)).toMatchObject({ ok: false, reason }));
  it('fails a slow reply and a non-200 status', () => {
    expect(ok(MIDAS_OK_REPLY, 2300)).toMatchObject({ ok: false, reason: '2.3 s > 2 s budget' });
    expect(ok(MIDAS_OK_REPLY, 5, 500).reason).toMatch(/^HTTP 500/);
  });
  it('with expectRet: ok when ret matches', () => {
    expect(checkMidasReply({ status: 200, body: '{"ret":4,"msg":"x"}', latencyMs: 1 }, { expectRet: 4 }).ok).toBe(true);
    expect(checkMidasReply({ status: 200, body: MIDAS_OK_REPLY, latencyMs: 1 }, { expectRet: 4 })).toMatchObject({ ok: false, reason: 'expected ret 4, got ret 0 (OK)' });
  });
});

describe('judge() against real loopback receivers', () => {
  const servers: Server[] = [];
  let base: Record<string, string> = {};
  beforeAll(async () => {
    const mk = async (name: string, h: (req: IncomingMessage, res: ServerResponse) => void) => {
      const s = await serve(h);
      servers.push(s.server);
      base[name] = s.url;
    };
    await mk('spaced', (_q, r) => r.end('{"ret": 0, "msg": "OK"}'));
    await mk('slow', (_q, r) => setTimeout(() => r.end(MIDAS_OK_REPLY), 2500));
    await mk('ret4', (_q, r) => r.end(JSON.stringify({ ret: 4, msg: '请求参数错误：(sig)' })));
    await mk('good', (_q, r) => r.end(MIDAS_OK_REPLY));
  });
  afterAll(() => servers.forEach((s) => s.close()));
  const adapter = createReplayAdapter({ appkey: APPKEY });
  const run = async (name: string, expect: ExpectSpec = OK2XX) => {
    const d = (await adapter.build(render(), { target: new URL(base[name] + '/deliver'), now: nowSec })) as OutgoingDelivery;
    return adapter.judge!(await send(d), d, expect);
  };
  it('a spaced reply fails with "reply has whitespace"', async () => expect(await run('spaced')).toEqual({ ok: false, reason: 'reply has whitespace' }));
  it('a 2.5 s reply fails over the 2 s budget', async () => expect((await run('slow'))?.reason).toMatch(/^2\.\d s > 2 s budget$/));
  it('ret 4 fails with its code and msg, and passes with --expect ret=4', async () => {
    expect(await run('ret4')).toEqual({ ok: false, reason: 'ret 4 (请求参数错误：(sig))' });
    expect((await run('ret4', { kind: 'ret', ret: 4 }))?.ok).toBe(true);
  });
  it('the exact reply in time is ok; --expect 4xx is left to the status check', async () => {
    expect(await run('good')).toEqual({ ok: true });
    expect(await run('good', { kind: 'class', cls: 4 })).toBeUndefined();
  });
});

describe.skipIf(NO_PHP)('independent PHP receiver (test/midas/php/router.php)', () => {
  let php: Awaited<ReturnType<typeof startPhp>>;
  beforeAll(async () => {
    php = await startPhp(fileURLToPath(new URL('./php/', import.meta.url)), 'router.php', { MIDAS_APPKEY: APPKEY });
  });
  afterAll(() => php?.stop());
  const adapter = createReplayAdapter({ appkey: APPKEY });

  it('accepts every fixture the adapter builds, including values with + = ~ spaces and UTF-8', async () => {
    const sets = [[], ['appmeta=a+b=c~d e'], ['appmeta=道具*测试！'], ['cftid=', 'clientver=1.0.0-beta_2']];
    for (const name of ['midas-delivery', 'midas-delivery-providetype-1', 'midas-delivery-providetype-2']) {
      for (const s of sets) {
        const d = (await adapter.build(render(name, s), { target: new URL(php.url + '/midas/deliver'), now: nowSec })) as OutgoingDelivery;
        const res = await send(d);
        expect({ name, s, body: res.body.toString() }).toEqual({ name, s, body: MIDAS_OK_REPLY });
        expect(adapter.judge!(res, d, OK2XX)).toEqual({ ok: true });
      }
    }
  });

  it.each(['body', 'signature', 'stale'] as const)('rejects --tamper %s with ret 4 (judge fails it; --expect ret=4 passes)', async (tamper) => {
    const d = (await adapter.build(render(), { target: new URL(php.url + '/midas/deliver'), now: nowSec, tamper })) as OutgoingDelivery;
    const res = await send(d);
    expect(JSON.parse(res.body.toString()).ret).toBe(4);
    expect(res.body.toString()).toContain(tamper === 'stale' ? '(ts)' : '(sig)');
    expect(adapter.judge!(res, d, OK2XX)?.ok).toBe(false);
    expect(adapter.judge!(res, d, { kind: 'ret', ret: 4 })?.ok).toBe(true);
  });

  it('a plain-rule signature (the common sender bug) is rejected by the PHP server', async () => {
    const fx = render();
    const params = Object.fromEntries(Object.entries(fx.body as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    params.ts = String(nowSec());
    const sig = midasSign({ method: 'GET', path: '/d', params, appkey: APPKEY, rule: 'openapi' }).sig;
    const qs = new URLSearchParams({ ...params, sig }).toString();
    const res = await httpRequest({ method: 'GET', url: `${php.url}/d?${qs}` });
    expect(JSON.parse(res.body.toString()).ret).toBe(4);
  });
});

describe('createReceiver()', () => {
  const now = 1_800_000_000;
  const receiver = createReceiver({ appkey: APPKEY, now: () => now });
  const adapter = createReplayAdapter({ appkey: APPKEY });
  const incoming = (d: OutgoingDelivery, mutate?: (q: string) => string): IncomingDelivery => {
    const u = new URL(d.url);
    const q = u.search.slice(1);
    return { method: 'GET', path: u.pathname, rawQuery: mutate ? mutate(q) : q, headers: {}, body: Buffer.alloc(0), receivedAt: new Date() };
  };
  const build = (tamper?: 'body' | 'signature' | 'stale') => adapter.build(render(), { target: new URL('http://127.0.0.1:1/cb'), now: () => now, tamper }) as OutgoingDelivery;

  it('verifies a good callback and answers {"ret":0,"msg":"OK"}; summary names billno, payitem, openid', async () => {
    const r = await receiver.receive(incoming(build()));
    expect(r.verified).toBe(true);
    expect(r.reply).toMatchObject({ status: 200, body: MIDAS_OK_REPLY });
    expect(r.summary).toMatch(/^billno -APPDJSX22779-20261121-\d+ payitem gold_100\*10\*1 openid [A-Z0-9]{32}$/);
  });
  it.each([
    ['signature', '(sig)'],
    ['body', '(sig)'],
    ['stale', '(ts)'],
  ] as const)('rejects --tamper %s with ret 4 %s', async (tamper, param) => {
    const r = await receiver.receive(incoming(build(tamper)));
    expect(r.verified).toBe(false);
    expect(r.reply?.status).toBe(200);
    expect(JSON.parse(r.reply!.body)).toEqual({ ret: 4, msg: `请求参数错误：${param}` });
  });
  it('names the plain-rule sender bug, and survives garbage queries', async () => {
    const d = build();
    const q = parseMidasQuery(new URL(d.url).search);
    const plain = midasSign({ method: 'GET', path: '/cb', params: q.params, appkey: APPKEY }).sig;
    const r = await receiver.receive(incoming(d, (s) => s.replace(/sig=[^&]*/, 'sig=' + encodeURIComponent(plain))));
    expect(r.reason).toMatch(/plain OpenAPI rule/);
    const g = await receiver.receive(incoming(d, () => '%FF%FE=1&&=&sig'));
    expect(g.verified).toBe(false);
  });
  it('without an appkey: UsageError', () => {
    expect(() => createReceiver({})).toThrow(FbpayError);
  });
});
