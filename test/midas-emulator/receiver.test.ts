import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMidasQuery, midasSign } from '../../src/core/midas/signature.js';
import { runCli, startBin } from '../helpers/cli.js';
import { APPKEY, referenceReceiver, type RefReceiver } from './helpers.js';

/**
 * examples/midas-receiver: the README's Midas replay lines and `webhook check --provider midas`
 * against it, and the rules it keeps (callback rule over bytes, ts, exact reply, once per billno, gifts).
 */
describe('examples/midas-receiver', () => {
  let rcv: RefReceiver;
  beforeAll(async () => (rcv = await referenceReceiver()));
  afterAll(() => rcv.close());
  const deliver = () => `${rcv.url}/midas/deliver`;

  const callback = (over: Record<string, string> = {}, opts: { appkey?: string; path?: string } = {}) => {
    const params = { openid: 'O1', appid: '1450000000', ts: String(Math.floor(Date.now() / 1000)), payitem: 'gold*10*1', token: 'T1', billno: `-B-${Math.random().toString(36).slice(2)}`, version: 'v3', zoneid: '1', providetype: '0', amt: '100', appmeta: 'm*qdqb*qq', ...over };
    const sig = midasSign({ method: 'GET', path: opts.path ?? '/midas/deliver', params, appkey: opts.appkey ?? APPKEY, rule: 'callback' }).sig;
    return { params, query: encodeMidasQuery({ ...params, sig }) };
  };
  const get = async (query: string) => {
    const res = await fetch(`${deliver()}?${query}`);
    return { status: res.status, text: await res.text() };
  };

  it('webhook check --provider midas passes every check (exit 0)', async () => {
    const r = await runCli(['webhook', 'check', '--provider', 'midas', '--to', deliver(), '--appkey', APPKEY, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { checks: Array<{ id: string; result?: string; status?: string; ok?: boolean }> };
    expect(doc.checks.length).toBeGreaterThanOrEqual(6);
  });

  it("the README's replay lines run against it: a genuine delivery → exit 0; tampered ones → ret 4", async () => {
    expect((await runCli(['webhook', 'replay', 'midas-delivery', '--to', deliver(), '--appkey', APPKEY])).code).toBe(0);
    for (const fx of ['midas-delivery-providetype-1', 'midas-delivery-providetype-2']) expect((await runCli(['webhook', 'replay', fx, '--to', deliver(), '--appkey', APPKEY])).code, fx).toBe(0);
    for (const t of ['signature', 'body', 'stale']) {
      expect((await runCli(['webhook', 'replay', 'midas-delivery', '--to', deliver(), '--appkey', APPKEY, '--tamper', t, '--expect', 'ret=4'])).code, t).toBe(0);
    }
  });

  it('answers exactly {"ret":0,"msg":"OK"} and grants a billno once (a retry is answered OK, not granted again)', async () => {
    const { params, query } = callback({ payitem: 'gem*5*3' });
    for (let i = 0; i < 3; i++) expect(await get(query)).toEqual({ status: 200, text: '{"ret":0,"msg":"OK"}' });
    const l = rcv.ledger.toJSON();
    expect(l.grants.filter((g) => g.billno === params.billno)).toHaveLength(1);
    expect(l.inventory.O1.gem).toBe(3);
    expect(l.duplicates).toBeGreaterThanOrEqual(2);
  });

  it('grants providetype 1 and 2 gifts with amt 0', async () => {
    for (const providetype of ['1', '2']) {
      const { params, query } = callback({ providetype, amt: '0', openid: `GIFT${providetype}` });
      expect((await get(query)).text).toBe('{"ret":0,"msg":"OK"}');
      expect(rcv.ledger.toJSON().grants.find((g) => g.billno === params.billno)).toMatchObject({ providetype, amt: '0' });
    }
  });

  it('verifies GBK values over the bytes received, and refuses what does not verify with ret 4 naming the parameter', async () => {
    // a GBK goodsmeta-like value: fbpay signs it over its bytes (surrogate-escaped string from parseMidasQuery)
    const { parseMidasQuery } = await import('../../src/core/midas/signature.js');
    const gbk = parseMidasQuery('appmeta=%BD%F0%B1%D2*qdqb*qq').params.appmeta;
    expect((await get(callback({ appmeta: gbk }).query)).text).toBe('{"ret":0,"msg":"OK"}');
    const cases: Array<[string, string]> = [
      [callback({}, { appkey: 'other-key' }).query, 'sig'],
      [callback({}, { path: '/elsewhere' }).query, 'sig'],
      [callback().query.replace(/&sig=[^&]*/, ''), 'sig'],
      [callback({ ts: String(Math.floor(Date.now() / 1000) - 20 * 60) }).query, 'ts'],
      [callback({ providetype: '9' }).query, 'providetype'],
      [callback().query.replace('amt=100', 'amt=1000'), 'sig'],
    ];
    for (const [q, param] of cases) {
      const r = await get(q);
      expect(JSON.parse(r.text), q).toMatchObject({ ret: 4 });
      expect(r.text).toContain(`(${param})`);
    }
    // the plain OpenAPI rule is not the callback rule
    const { params } = callback();
    const plain = midasSign({ method: 'GET', path: '/midas/deliver', params, appkey: APPKEY, rule: 'openapi' }).sig;
    expect(JSON.parse((await get(encodeMidasQuery({ ...params, sig: plain }))).text).ret).toBe(4);
  });
});

describe('fbpay mock midas (the binary)', () => {
  it('--port 0 --json: the listening line first, one NDJSON line per request, SIGTERM → summary and exit 130', async () => {
    const p = startBin(['mock', 'midas', '--port', '0', '--json', '--appkey', APPKEY]);
    const m = await p.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
    const first = JSON.parse(p.stdout.split('\n')[0]);
    expect(first).toMatchObject({ type: 'listening', provider: 'midas', url: m[1], appid: '1450000000', token_ttl_seconds: 300, retry_schedule_ms: [250, 1000, 4000] });
    expect(p.stdout).not.toContain(APPKEY);
    await fetch(`${m[1]}/mpay/get_balance_m`);
    await p.waitFor(/"type":"request","method":"GET","path":"\/mpay\/get_balance_m"/);
    expect(await p.stop('SIGTERM')).toBe(130);
    expect(p.stdout).toMatch(/"type":"stopped","requests":\d+/);
  });

  it('refuses a remote --deliver-to without --allow-remote (exit 2), and defaults to port 4100', async () => {
    const r = await runCli(['mock', 'midas', '--deliver-to', 'http://203.0.113.5/cb']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a loopback address');
    const help = (await runCli(['mock', 'midas', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--port <port>.*\(default: 4100\)/);
    // the command's help states the provider's defaults (kept apart so the command tree stays light)
    const { DEFAULT_MIDAS_APPID, DEFAULT_MIDAS_APPKEY, MIDAS_RETRY_SCHEDULE } = await import('../../src/providers/midas/emulator/provider.js');
    expect(help).toContain(`default ${DEFAULT_MIDAS_APPID}`);
    expect(help).toContain(`default "${DEFAULT_MIDAS_APPKEY}"`);
    expect(help).toContain(`default ${MIDAS_RETRY_SCHEDULE.join(',')}`);
  });
});
