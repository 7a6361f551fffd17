import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { midasSign, parseMidasQuery } from '../../src/core/midas/signature.js';
import { runBin, runCli } from '../helpers/cli.js';
import { readVector } from '../helpers/vectors.js';

const KEY = '228bf094169a40a3bd188ba37ebe8723';
const CB_KEY = '12345f9a47df4d1eaeb3bad9a7e54321';
const CB_QUERY =
  'openid=test001&appid=33758&ts=1328855301&payitem=323003*8*1&token=53227955F80B805B50FFB511E5AD51E025360&billno=-APPDJT18700-20120210-1428215572&version=v3&zoneid=1&providetype=0&amt=80&payamt_coins=20&pubacct_payamt_coins=10';
const GET_INFO = ['openid=11111111111111111', 'openkey=2222222222222222', 'appid=123456', 'pf=qzone', 'format=json', 'userip=112.90.139.30'];

describe('midas sign', () => {
  it('prints the parameters, source string, masked key and sig', async () => {
    const r = await runCli(['midas', 'sign', '--path', '/v3/user/get_info', '--appkey', KEY, ...GET_INFO]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sig:           FdJkiDYwMj5Aj1UG2RUPc83iokk=');
    expect(r.stdout).toContain('source string: GET&%2Fv3%2Fuser%2Fget_info&appid%3D123456');
    expect(r.stdout).toContain('228b…23 (32 chars)&');
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });
  it('--json is exactly {source_string, sig, rule}; the key comes from MIDAS_APPKEY', async () => {
    const r = await runCli(['--json', 'midas', 'sign', '--path', '/v3/user/get_info', ...GET_INFO], { env: { MIDAS_APPKEY: KEY } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      source_string: 'GET&%2Fv3%2Fuser%2Fget_info&appid%3D123456%26format%3Djson%26openid%3D11111111111111111%26openkey%3D2222222222222222%26pf%3Dqzone%26userip%3D112.90.139.30',
      sig: 'FdJkiDYwMj5Aj1UG2RUPc83iokk=',
      rule: 'openapi',
    });
  });
  it('--callback --query --explain walks each step, showing each encoded value', async () => {
    const r = await runCli(['midas', 'sign', '--callback', '--explain', '--path', '/cgi-bin/temp.py', '--appkey', CB_KEY, '--query', CB_QUERY + '&sig=ignored']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/billno = -APPDJT18700-20120210-1428215572 +→ +%2DAPPDJT18700%2D20120210%2D1428215572/);
    expect(r.stdout).toContain('7. base64: VvKwcaMqUNpKhx0XfCvOqPRiAnU=');
    expect(r.stderr).toMatch(/sig parameter is not signed/);
  });
  it('--query percent-decodes once; + is literal unless --form-encoded', async () => {
    const lit = JSON.parse((await runCli(['--json', 'midas', 'sign', '--path', '/p', '--appkey', 'k', '--query', 'a=1+1%2B']).then((r) => r.stdout)));
    expect(lit.source_string).toBe('GET&%2Fp&a%3D1%2B1%2B');
    const form = JSON.parse((await runCli(['--json', 'midas', 'sign', '--path', '/p', '--appkey', 'k', '--form-encoded', '--query', 'a=1+1%2B']).then((r) => r.stdout)));
    expect(form.source_string).toBe('GET&%2Fp&a%3D1%201%2B');
  });
  it.each([
    [['midas', 'sign', '--path', '/p', 'a=1'], /MIDAS_APPKEY/],
    [['midas', 'sign', '--path', '/p', '--appkey', 'k', 'novalue'], /expected key=value/],
    [['midas', 'sign', '--path', '/p', '--appkey', 'k', '--method', 'PUT'], /--method/],
    [['midas', 'sign', '--path', 'p', '--appkey', 'k'], /path must start with/],
    [['midas', 'sign', '--path', '/p', '--appkey', 'k', 'a=1', '--query', 'b=2'], /not both/],
  ])('bad input %j → exit 2 with a one-line reason', async (argv, re) => {
    const r = await runCli(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('midas verify', () => {
  const q = CB_QUERY + '&sig=VvKwcaMqUNpKhx0XfCvOqPRiAnU%3D';
  it('a genuine callback: valid, callback rule, skew reported', async () => {
    const r = await runCli(['--json', 'midas', 'verify', '--path', '/cgi-bin/temp.py', '--appkey', CB_KEY, '--query', q, '--now', '1328855401']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, rule: 'callback', skew_seconds: -100, problems: [] });
  });
  it('a GBK (non-UTF-8) callback verifies over the bytes as received (it was refused with exit 2)', async () => {
    const gbk = 'openid=O1&ts=1328855301&goodsmeta=%BD%F0%B1%D2*10&billno=-B1&sig=BxPdFQlZSwCBDSYPCk7uVa1q6kI%3D';
    const r = await runCli(['--json', 'midas', 'verify', '--path', '/cgi-bin/deliver', '--appkey', 'k-y_1', '--query', gbk, '--now', '1328855301']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, rule: 'callback' });
    const bad = await runCli(['--json', 'midas', 'verify', '--path', '/cgi-bin/deliver', '--appkey', 'k-y_1', '--query', gbk.replace('%D2', '%D3'), '--now', '1328855301']);
    expect(bad.code).toBe(1);
  });
  it('a plain-rule callback: valid as OpenAPI but warns of the sender bug', async () => {
    const plain = CB_QUERY + '&sig=q5nW3NxO1tGlE4CGMJJU7mU8Gaw%3D';
    const r = await runCli(['midas', 'verify', '--path', '/cgi-bin/temp.py', '--appkey', CB_KEY, '--query', plain, '--now', '1328855301']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid (openapi rule)');
    expect(r.stderr).toMatch(/sender bug/);
  });
  it('stale ts → exit 1 naming the skew; --max-skew widens the window', async () => {
    const r = await runCli(['--json', 'midas', 'verify', '--path', '/cgi-bin/temp.py', '--appkey', CB_KEY, '--query', q, '--now', '1328856302']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, rule: 'callback', skew_seconds: -1001 });
    const wide = await runCli(['midas', 'verify', '--path', '/cgi-bin/temp.py', '--appkey', CB_KEY, '--query', q, '--now', '1328856302', '--max-skew', '1200']);
    expect(wide.code).toBe(0);
  });
  it('wrong key or tampered value → exit 1 and the source strings to diff', async () => {
    const r = await runCli(['midas', 'verify', '--path', '/cgi-bin/temp.py', '--appkey', 'wrong', '--query', q, '--now', '1328855301']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('INVALID');
    expect(r.stdout).toContain('callback: GET&%2Fcgi-bin%2Ftemp.py&amt%3D80');
    const t = await runCli(['--json', 'midas', 'verify', '--path', '/cgi-bin/temp.py', '--appkey', CB_KEY, '--query', q.replace('amt=80', 'amt=81'), '--now', '1328855301']);
    expect(t.code).toBe(1);
    expect(JSON.parse(t.stdout).problems[0]).toMatch(/matches neither/);
  });
  it('missing --query → exit 2', async () => {
    expect((await runCli(['midas', 'verify', '--path', '/p', '--appkey', 'k'])).code).toBe(2);
  });
});

const ORDER = ['--appid', '1450000000', '--openid', 'OPENID1', '--openkey', 'PAYTOKEN', '--pf', 'qq_m_qq-2001-android', '--pfkey', 'PFKEY', '--zoneid', '1', '--payitem', 'gold*10*2', '--goodsmeta', '金币*20 金币', '--goodsurl', 'https://example.com/g.png'];

describe('midas order', () => {
  let server: Server;
  let base = '';
  const seen: Array<{ path: string; cookie: string; params: Record<string, string>; sig?: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      const q = parseMidasQuery(u.search);
      seen.push({ path: u.pathname, cookie: String(req.headers.cookie), params: q.params, sig: q.sig });
      const good = midasSign({ method: 'GET', path: '/v3/r/mpay/buy_goods_m', params: q.params, appkey: KEY }).sig;
      res.setHeader('content-type', 'application/json');
      if (u.pathname !== '/mpay/buy_goods_m') return res.end('{"ret":-1,"msg":"no such api"}');
      if (q.sig !== good) return res.end('{"ret":1018,"msg":"登录校验失败"}');
      res.end(JSON.stringify({ ret: 0, token: 'TOKEN123', url_params: '/v1/r/1450000000/mobile_goods_info?token_id=TOKEN123' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => server.close());

  it('prints a signed request as curl and JSON (sig path /v3/r/mpay/buy_goods_m, cookies per login)', async () => {
    const r = await runCli(['--json', 'midas', 'order', ...ORDER, '--appkey', KEY, '--login', 'wx', '--now', '1700000000']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.request.cookies).toEqual({ session_id: 'hy_gameid', session_type: 'wc_actoken', org_loc: '%2Fmpay%2Fbuy_goods_m' });
    expect(doc.request.params).toMatchObject({ ts: '1700000000', appmode: '2', format: 'json', payitem: 'gold*10*2' });
    expect(doc.request.source_string.startsWith('GET&%2Fv3%2Fr%2Fmpay%2Fbuy_goods_m&appid%3D1450000000')).toBe(true);
    expect(doc.curl).toContain("-H 'Cookie: session_id=hy_gameid; session_type=wc_actoken; org_loc=%2Fmpay%2Fbuy_goods_m'");
    expect(r.stdout).not.toContain(KEY);
  });
  it('guest login cookies', async () => {
    const r = await runCli(['--json', 'midas', 'order', ...ORDER, '--appkey', KEY, '--login', 'guest']);
    expect(JSON.parse(r.stdout).request.cookies).toMatchObject({ session_id: 'hy_gameid', session_type: 'st_dummy' });
  });
  it('--send to a loopback stand-in: prints ret, msg, token, url_params', async () => {
    const r = await runCli(['midas', 'order', ...ORDER, '--appkey', KEY, '--amt', '20', '--base-url', base, '--send']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ret: +0/);
    expect(r.stdout).toMatch(/token: +TOKEN123/);
    expect(r.stdout).toContain('/v1/r/1450000000/mobile_goods_info?token_id=TOKEN123');
    const last = seen.at(-1)!;
    expect(last.path).toBe('/mpay/buy_goods_m');
    expect(last.cookie).toBe('session_id=openid; session_type=kp_actoken; org_loc=%2Fmpay%2Fbuy_goods_m');
    expect(last.params.amt).toBe('20');
  });
  it('--send with a wrong appkey: the API error is exit 3 with ret and msg', async () => {
    const r = await runCli(['--json', 'midas', 'order', ...ORDER, '--appkey', 'wrong', '--base-url', base, '--send']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'midas_api_error', ret: 1018 });
  });
  it('--send to a closed port: exit 3 connection refused', async () => {
    const r = await runCli(['midas', 'order', ...ORDER, '--appkey', KEY, '--base-url', 'http://127.0.0.1:1', '--send']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/connection refused/);
  });
  it.each([
    [['--payitem', 'gold*10'], /not id\*price\*num/],
    [['--payitem', 'gold*0*1'], /price "0"/],
    [['--payitem', 'a*1*1|b'], /"\|"/],
    [['--payitem', 'a*2*1;b*3*2', '--appmode', '2'], /appmode 1/],
    [['--amt', '21'], /sum of price×num \(20\)/],
    [['--goodsmeta', 'no star'], /name\*desc/],
    [['--goodsmeta', '*desc'], /name is empty/],
    [['--goodsmeta', 'n*' + 'x'.repeat(300)], /at most 256/],
    [['--goodsurl', 'not a url'], /--goodsurl/],
    [['--login', 'weibo'], /--login/],
  ])('rejects %j with exit 2', async (extra, re) => {
    const argv = [...ORDER];
    for (let i = 0; i < extra.length; i += 2) {
      const at = argv.indexOf(extra[i] as string);
      if (at >= 0) argv[at + 1] = extra[i + 1] as string;
      else argv.push(extra[i] as string, extra[i + 1] as string);
    }
    const r = await runCli(['midas', 'order', ...argv, '--appkey', KEY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
  });
});

describe('end to end (bin/fbpay.js; run `npm run build:fast` first)', () => {
  it('sign, verify and order through the binary', async () => {
    const v = readVector('tencent.json');
    const o = v.openapi[0];
    const words = Object.entries(o.params as Record<string, string>).map(([k, val]) => `${k}=${val}`);
    const s = await runBin(['midas', 'sign', '--method', o.method, '--path', o.path, '--json', ...words], { env: { MIDAS_APPKEY: o.appkey } });
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).sig).toBe(o.sig);
    const vr = await runBin(['midas', 'verify', '--path', '/cgi-bin/temp.py', '--appkey', CB_KEY, '--query', CB_QUERY + '&sig=VvKwcaMqUNpKhx0XfCvOqPRiAnU%3D', '--now', '1328855301']);
    expect(vr.code).toBe(0);
    expect(vr.stdout).toContain('valid (callback rule)');
    const bad = await runBin(['midas', 'verify', '--path', '/cgi-bin/temp.py', '--appkey', CB_KEY, '--query', CB_QUERY + '&sig=AvKwcaMqUNpKhx0XfCvOqPRiAnU%3D', '--now', '1328855301']);
    expect(bad.code).toBe(1);
    const ord = await runBin(['midas', 'order', ...ORDER, '--appkey', KEY, '--json']);
    expect(ord.code).toBe(0);
    expect(JSON.parse(ord.stdout).request.sig_path).toBe('/v3/r/mpay/buy_goods_m');
  });
});
