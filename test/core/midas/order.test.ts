import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildBuyGoodsRequest, buyGoodsCurl, checkGoodsmeta, parseBuyGoodsResponse, parsePayitem, type BuyGoodsInput } from '../../../src/core/midas/order.js';
import { parseMidasQuery } from '../../../src/core/midas/signature.js';
import { usageError as usage } from '../../helpers/usage-error.js';


const PAYITEM_HINT = 'use id*price*num, e.g. --payitem 50005*4*1 (several: a*2*1;b*3*2)';
const payitemError = (payitem: string, why: string) => ['midas_bad_payitem', `invalid --payitem "${payitem.slice(0, 80)}": ${why}`, PAYITEM_HINT];
const errorOf = (fn: () => unknown) => {
  const e = usage(fn);
  return [e.code, e.message, e.hint];
};

describe('parsePayitem: id*price*num, several joined by ";"', () => {
  it('reads one item or a bundle, as numbers', () => {
    expect(parsePayitem('50005*4*1')).toEqual([{ id: '50005', price: 4, num: 1 }]);
    expect(parsePayitem('a*2*1;b*3*2')).toEqual([{ id: 'a', price: 2, num: 1 }, { id: 'b', price: 3, num: 2 }]);
    expect(parsePayitem('x*1234567890*9999999999')).toEqual([{ id: 'x', price: 1234567890, num: 9999999999 }]);
  });

  it('empty, too long (in bytes), or with "|": refused with the reason and a hint', () => {
    expect(errorOf(() => parsePayitem(''))).toEqual(payitemError('', 'empty'));
    const max = 'a'.repeat(508) + '*1*1';
    expect(parsePayitem(max)).toHaveLength(1);
    expect(errorOf(() => parsePayitem('a' + max))).toEqual(payitemError('a' + max, 'must be at most 512 bytes'));
    // 171 characters but 513 UTF-8 bytes
    const wide = '米'.repeat(167) + '*1*1';
    expect(Buffer.byteLength(wide)).toBe(505);
    expect(parsePayitem(wide)[0].id).toBe('米'.repeat(167));
    const wider = '米'.repeat(170) + '*1*1';
    expect(wider.length).toBe(174);
    expect(errorOf(() => parsePayitem(wider))[1]).toBe(`invalid --payitem "${wider.slice(0, 80)}": must be at most 512 bytes`);
    expect(errorOf(() => parsePayitem('a*1*1|b*1*1'))).toEqual(payitemError('a*1*1|b*1*1', 'must not contain "|"'));
  });

  it('an item that is not three fields names the item (1-based) and quotes at most 40 characters of it', () => {
    expect(errorOf(() => parsePayitem('gold*10'))).toEqual(payitemError('gold*10', 'item 1 ("gold*10") is not id*price*num'));
    expect(errorOf(() => parsePayitem('a*1*1;b*1*1*1'))[1]).toBe('invalid --payitem "a*1*1;b*1*1*1": item 2 ("b*1*1*1") is not id*price*num');
    expect(errorOf(() => parsePayitem('a*1*1;'))[1]).toBe('invalid --payitem "a*1*1;": item 2 ("") is not id*price*num');
    const long = 'x'.repeat(50) + '*1';
    expect(errorOf(() => parsePayitem(long))[1]).toBe(`invalid --payitem "${long}": item 1 ("${'x'.repeat(40)}") is not id*price*num`);
  });

  it('an empty or spaced id is refused', () => {
    for (const id of ['', ' ', 'a b', 'ab\t', '\nab']) {
      const p = `${id}*1*1`;
      expect(errorOf(() => parsePayitem(p)), JSON.stringify(id)).toEqual(payitemError(p, 'item 1 has an empty or spaced id'));
    }
  });

  it('price and num must be positive whole numbers of at most 10 digits', () => {
    for (const bad of ['0', '01', '-1', '1.5', '1e3', ' 1', '1 ', 'a1', '1a', '', '12345678901']) {
      expect(errorOf(() => parsePayitem(`a*${bad}*1`))[1], bad).toBe(`invalid --payitem "a*${bad}*1": item 1 price "${bad}" is not a positive whole number`);
      expect(errorOf(() => parsePayitem(`a*1*${bad}`))[1], bad).toBe(`invalid --payitem "a*1*${bad}": item 1 num "${bad}" is not a positive whole number`);
    }
    const p = 'a*1*1;b*' + '9'.repeat(30) + '*1';
    expect(errorOf(() => parsePayitem(p))[1]).toBe(`invalid --payitem "${p}": item 2 price "${'9'.repeat(20)}" is not a positive whole number`);
    const n = 'a*1*' + '9'.repeat(30);
    expect(errorOf(() => parsePayitem(n))[1]).toBe(`invalid --payitem "${n}": item 1 num "${'9'.repeat(20)}" is not a positive whole number`);
  });

  it('the message quotes at most 80 characters of the payitem', () => {
    const p = 'a*1*1;'.repeat(20) + 'bad';
    expect(errorOf(() => parsePayitem(p))[1]).toBe(`invalid --payitem "${p.slice(0, 80)}": item 21 ("bad") is not id*price*num`);
  });
});

describe('checkGoodsmeta: name*desc', () => {
  const meta = (why: string) => ['midas_bad_goodsmeta', `invalid --goodsmeta: ${why}`, 'use name*desc, e.g. --goodsmeta "金币*100 金币"'];
  it('splits name and description', () => {
    expect(checkGoodsmeta('金币*100 金币')).toEqual({ name: '金币', desc: '100 金币' });
    expect(checkGoodsmeta('n*')).toEqual({ name: 'n', desc: '' });
  });
  it('exactly one "*", a name, at most 256 characters (not UTF-16 units)', () => {
    for (const bad of ['no star', 'a*b*c', '']) expect(errorOf(() => checkGoodsmeta(bad)), bad).toEqual(meta('must be name*desc with exactly one "*"'));
    expect(errorOf(() => checkGoodsmeta('*desc'))).toEqual(meta('the name is empty'));
    expect(errorOf(() => checkGoodsmeta(' \t*desc'))).toEqual(meta('the name is empty'));
    expect(checkGoodsmeta('n*' + 'x'.repeat(254)).desc).toHaveLength(254);
    expect(errorOf(() => checkGoodsmeta('n*' + 'x'.repeat(255)))).toEqual(meta('257 characters, at most 256'));
    // 256 emoji are 512 UTF-16 units but 256 characters
    expect(checkGoodsmeta('😀*' + '😀'.repeat(254)).name).toBe('😀');
    expect(errorOf(() => checkGoodsmeta('😀*' + '😀'.repeat(255)))).toEqual(meta('257 characters, at most 256'));
  });
});

const INPUT: BuyGoodsInput = {
  appid: '1450000000',
  appkey: 'KEY',
  openid: 'OPENID',
  openkey: 'OPENKEY',
  pf: 'desktop_m_qq',
  pfkey: 'pfkey',
  zoneid: '1',
  payitem: 'gold*10*2',
  goodsmeta: 'gold*coins',
  goodsurl: 'https://img.example/g.png',
  ts: 1700000000,
};

describe('buildBuyGoodsRequest: the signed request Tencent expects', () => {
  it('signs over /v3/r/mpay/buy_goods_m with every field, sends to /mpay/buy_goods_m on the sandbox by default', () => {
    const r = buildBuyGoodsRequest(INPUT);
    const source =
      'GET&%2Fv3%2Fr%2Fmpay%2Fbuy_goods_m&' +
      'appid%3D1450000000%26appmode%3D2%26format%3Djson%26goodsmeta%3Dgold%2Acoins%26goodsurl%3Dhttps%3A%2F%2Fimg.example%2Fg.png%26openid%3DOPENID%26openkey%3DOPENKEY%26payitem%3Dgold%2A10%2A2%26pf%3Ddesktop_m_qq%26pfkey%3Dpfkey%26ts%3D1700000000%26zoneid%3D1';
    const sig = createHmac('sha1', 'KEY&').update(source).digest('base64');
    expect(r.source_string).toBe(source);
    expect(r.sig).toBe(sig);
    expect(r.method).toBe('GET');
    expect(r.base_url).toBe('https://ysdktest.qq.com');
    expect(r.path).toBe('/mpay/buy_goods_m');
    expect(r.sig_path).toBe('/v3/r/mpay/buy_goods_m');
    expect(r.params).toEqual({
      openid: 'OPENID',
      openkey: 'OPENKEY',
      appid: '1450000000',
      ts: '1700000000',
      pf: 'desktop_m_qq',
      pfkey: 'pfkey',
      zoneid: '1',
      payitem: 'gold*10*2',
      goodsmeta: 'gold*coins',
      goodsurl: 'https://img.example/g.png',
      appmode: '2',
      format: 'json',
      sig,
    });
    expect(r.url).toBe(
      'https://ysdktest.qq.com/mpay/buy_goods_m?openid=OPENID&openkey=OPENKEY&appid=1450000000&ts=1700000000&pf=desktop_m_qq&pfkey=pfkey&zoneid=1&payitem=gold%2A10%2A2&goodsmeta=gold%2Acoins&goodsurl=https%3A%2F%2Fimg.example%2Fg.png&appmode=2&format=json&sig=' +
        encodeURIComponent(sig),
    );
    expect(parseMidasQuery(new URL(r.url).search).sig).toBe(sig);
    expect(r.items).toEqual([{ id: 'gold', price: 10, num: 2 }]);
    expect(r.total).toBe(20);
    expect(r.cookies).toEqual({ session_id: 'openid', session_type: 'kp_actoken', org_loc: '%2Fmpay%2Fbuy_goods_m' });
    expect(r.cookie_header).toBe('session_id=openid; session_type=kp_actoken; org_loc=%2Fmpay%2Fbuy_goods_m');
  });

  it('login cookies: qq (default), wx, guest; an unknown login is refused', () => {
    expect(buildBuyGoodsRequest({ ...INPUT, login: 'qq' }).cookie_header).toBe('session_id=openid; session_type=kp_actoken; org_loc=%2Fmpay%2Fbuy_goods_m');
    expect(buildBuyGoodsRequest({ ...INPUT, login: 'wx' }).cookie_header).toBe('session_id=hy_gameid; session_type=wc_actoken; org_loc=%2Fmpay%2Fbuy_goods_m');
    expect(buildBuyGoodsRequest({ ...INPUT, login: 'guest' }).cookies).toEqual({ session_id: 'hy_gameid', session_type: 'st_dummy', org_loc: '%2Fmpay%2Fbuy_goods_m' });
    expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, login: 'weibo' as 'qq' }))).toEqual(['midas_bad_login', 'unknown --login "weibo"', 'use qq, wx or guest']);
  });

  it('a base URL loses its trailing slashes; amt, appmode and extra parameters are signed too', () => {
    const r = buildBuyGoodsRequest({ ...INPUT, baseUrl: 'http://127.0.0.1:9000//', amt: '20', appmode: 1, extra: { userip: '1.2.3.4', ts: 'overridden' } });
    expect(r.base_url).toBe('http://127.0.0.1:9000');
    expect(r.url.startsWith('http://127.0.0.1:9000/mpay/buy_goods_m?userip=1.2.3.4&ts=1700000000&openid=OPENID&')).toBe(true);
    expect(r.params).toMatchObject({ amt: '20', appmode: '1', userip: '1.2.3.4', ts: '1700000000' });
    expect(r.source_string).toContain('amt%3D20%26appid');
    expect(r.source_string).toContain('%26userip%3D1.2.3.4%26zoneid%3D1');
    expect(r.url).toContain('&format=json&amt=20&sig=');
    expect(buildBuyGoodsRequest({ ...INPUT, baseUrl: 'https://x.example' }).url.startsWith('https://x.example/mpay/buy_goods_m?')).toBe(true);
  });

  it('every required field is named when missing or empty', () => {
    for (const [k, flag] of [['appid', '--appid'], ['openid', '--openid'], ['openkey', '--openkey'], ['pf', '--pf'], ['pfkey', '--pfkey'], ['zoneid', '--zoneid'], ['goodsurl', '--goodsurl']] as const) {
      expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, [k]: '' })), k).toEqual(['midas_missing_field', `missing ${flag}`, 'see fbpay midas order --help']);
      expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, [k]: undefined } as unknown as BuyGoodsInput))[1]).toBe(`missing ${flag}`);
    }
  });

  it('payitem and goodsmeta are checked', () => {
    expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, payitem: 'gold*10' }))[0]).toBe('midas_bad_payitem');
    expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, goodsmeta: 'no star' }))[0]).toBe('midas_bad_goodsmeta');
  });

  it('goodsurl: an http(s) URL without spaces, shorter than 512 characters', () => {
    const bad = (goodsurl: string) => ['midas_bad_goodsurl', `invalid --goodsurl "${goodsurl.slice(0, 80)}"`, 'an http(s) image URL shorter than 512 characters'];
    for (const u of ['not a url', 'ftp://x/g.png', 'https://', 'https://a b', 'https://a\n', ' https://a', 'xhttps://a', 'http:/a']) expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, goodsurl: u })), u).toEqual(bad(u));
    const ok = 'http://h/' + 'a'.repeat(502);
    expect(ok).toHaveLength(511);
    expect(buildBuyGoodsRequest({ ...INPUT, goodsurl: ok }).params.goodsurl).toBe(ok);
    expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, goodsurl: ok + 'a' }))).toEqual(bad(ok + 'a'));
  });

  it('appmode: 2 for one item, 1 for a bundle, and a bundle with appmode 2 is refused', () => {
    expect(buildBuyGoodsRequest(INPUT).params.appmode).toBe('2');
    expect(buildBuyGoodsRequest({ ...INPUT, appmode: 1 }).params.appmode).toBe('1');
    const bundle = buildBuyGoodsRequest({ ...INPUT, payitem: 'a*2*1;b*3*2' });
    expect(bundle.params.appmode).toBe('1');
    expect(bundle.total).toBe(8);
    expect(buildBuyGoodsRequest({ ...INPUT, payitem: 'a*2*1;b*3*2', appmode: 1 }).params.appmode).toBe('1');
    expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, payitem: 'a*2*1;b*3*2', appmode: 2 }))).toEqual(['midas_bad_appmode', 'a bundle (several payitems) needs --appmode 1', 'appmode 2 lets the user change the quantity, which a bundle forbids']);
  });

  it('amt, when given, must be the sum of price×num', () => {
    expect(buildBuyGoodsRequest({ ...INPUT, payitem: 'a*2*1;b*3*2', amt: '8' }).params.amt).toBe('8');
    expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, amt: '21' }))).toEqual(['midas_bad_amt', '--amt 21 does not equal the sum of price×num (20)', 'pass --amt 20 or leave it out']);
    for (const a of ['20.0', ' 20', '2e1', '-20', '', 'x20', '20x']) expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, amt: a }))[1], a).toBe(`--amt ${a} does not equal the sum of price×num (20)`);
    expect(errorOf(() => buildBuyGoodsRequest({ ...INPUT, amt: '9'.repeat(30) }))[1]).toBe(`--amt ${'9'.repeat(20)} does not equal the sum of price×num (20)`);
    expect(buildBuyGoodsRequest({ ...INPUT, amt: '020' }).params.amt).toBe('020');
    expect('amt' in buildBuyGoodsRequest(INPUT).params).toBe(false);
  });
});

describe('buyGoodsCurl', () => {
  it('single-quotes the URL and the cookie header, escaping quotes', () => {
    const r = buildBuyGoodsRequest(INPUT);
    expect(buyGoodsCurl(r)).toBe(`curl -sS -G '${r.url}' -H 'Cookie: session_id=openid; session_type=kp_actoken; org_loc=%2Fmpay%2Fbuy_goods_m'`);
    expect(buyGoodsCurl({ ...r, url: "http://h/it's", cookie_header: "a='b'" })).toBe(`curl -sS -G 'http://h/it'\\''s' -H 'Cookie: a='\\''b'\\'''`);
  });
});

describe('parseBuyGoodsResponse', () => {
  it('reads ret (number or integer string), msg, token and url_params', () => {
    const body = { ret: 0, msg: 'ok', token: 'T', url_params: '/v1/r/1/x?token_id=T', extra: 1 };
    expect(parseBuyGoodsResponse(JSON.stringify(body))).toEqual({ ret: 0, msg: 'ok', token: 'T', url_params: '/v1/r/1/x?token_id=T', raw: body });
    expect(parseBuyGoodsResponse('{"ret":"1018","msg":"登录校验失败"}')).toEqual({ ret: 1018, msg: '登录校验失败', raw: { ret: '1018', msg: '登录校验失败' } });
    expect(parseBuyGoodsResponse('{"ret":"-1"}')).toEqual({ ret: -1, msg: '', raw: { ret: '-1' } });
    expect(parseBuyGoodsResponse('{"ret":1,"msg":2,"token":3,"url_params":null}')).toEqual({ ret: 1, msg: '', raw: { ret: 1, msg: 2, token: 3, url_params: null } });
  });
  it('null for anything that is not such a reply', () => {
    for (const b of ['', 'oops', '[]', '[{"ret":0}]', 'null', '0', '"x"', '{}', '{"ret":null}', '{"ret":"1.5"}', '{"ret":"a1"}', '{"ret":"1a"}', '{"ret":"--1"}', '{"ret":""}', '{"ret":true}', '{"ret":[1]}', '{"ret":["-2"]}', '{"ret":{}}']) {
      expect(parseBuyGoodsResponse(b), b).toBeNull();
    }
  });
});
