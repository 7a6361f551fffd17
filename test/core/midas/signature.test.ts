import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FbpayError } from '../../../src/core/errors.js';
import { callbackEncode, percentDecode, valueBytes } from '../../../src/core/midas/encoding.js';
import { midasSign, midasVerify, parseMidasQuery } from '../../../src/core/midas/signature.js';

describe('midasSign: the steps `midas sign --explain` prints', () => {
  it('the HMAC in hex and base64, and the key masked (never the appkey itself)', () => {
    const appkey = '228bf094169a40a3bd188ba37ebe8723';
    const s = midasSign({ method: 'GET', path: '/v3/user/get_info', params: { openid: '1', appid: '2' }, appkey });
    const mac = createHmac('sha1', appkey + '&').update('GET&%2Fv3%2Fuser%2Fget_info&appid%3D2%26openid%3D1').digest();
    expect(s.hmac_sha1_hex).toBe(mac.toString('hex'));
    expect(s.hmac_sha1_hex).toMatch(/^[0-9a-f]{40}$/);
    expect(s.sig).toBe(mac.toString('base64'));
    expect(s.key_masked).toBe('228b…23 (32 chars)&');
    expect(s.encoded_path).toBe('%2Fv3%2Fuser%2Fget_info');
    expect(s.encoded_query).toBe('appid%3D2%26openid%3D1');
    expect(s.path).toBe('/v3/user/get_info');
    expect(s.params).toEqual([{ key: 'appid', value: '2' }, { key: 'openid', value: '1' }]);
    expect(midasSign({ method: 'GET', path: '/p', params: { a: 'x-y' }, appkey, rule: 'callback' }).params).toEqual([{ key: 'a', value: 'x-y', encoded: 'x%2Dy' }]);
  });
});

describe('midasVerify: which rule is reported', () => {
  it('when both rules give the same sig (values the callback rule leaves alone), the callback rule is named and no sender bug is claimed', () => {
    const params = { billno: 'B1', payitem: 'i', token: 'T', ts: '1700000000' };
    const sig = midasSign({ method: 'GET', path: '/cb', params, appkey: 'k', rule: 'openapi' }).sig;
    expect(midasSign({ method: 'GET', path: '/cb', params, appkey: 'k', rule: 'callback' }).sig).toBe(sig);
    const r = midasVerify({ path: '/cb', params, sig, appkey: 'k', now: 1_700_000_000 });
    expect(r).toMatchObject({ valid: true, rule: 'callback', warnings: [] });
    expect(r.tried.map((t) => [t.rule, t.matched])).toEqual([['callback', true], ['openapi', true]]);
    // asked for the OpenAPI rule first: that one is named
    expect(midasVerify({ path: '/cb', params, sig, appkey: 'k', now: 1_700_000_000, rules: ['openapi', 'callback'] }).rule).toBe('openapi');
  });

  it('the source string reported is the matched rule\'s', () => {
    const params = { openid: 'a-b', ts: '1700000000' };
    const s = midasSign({ method: 'GET', path: '/cb', params, appkey: 'k', rule: 'openapi' });
    const r = midasVerify({ path: '/cb', params, sig: s.sig, appkey: 'k', now: 1_700_000_000 });
    expect(r).toMatchObject({ valid: true, rule: 'openapi', source_string: s.source_string });
    expect(r.tried[0].source_string).not.toBe(s.source_string);
  });
});

describe('parseMidasQuery: a parameter with an empty name', () => {
  it('is refused, quoting at most 40 characters of it', () => {
    const piece = '=' + 'v'.repeat(60);
    let caught: unknown;
    try {
      parseMidasQuery(`a=1&${piece}`);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FbpayError);
    expect((caught as FbpayError).message).toBe(`the query has a parameter with an empty name ("${piece.slice(0, 40)}")`);
  });
});

describe('bytes that are not UTF-8 (surrogate-escaped), next to text that is', () => {
  it('valueBytes gives the escaped byte itself and UTF-8 for the rest, 0x80 to 0xFF', () => {
    expect(valueBytes('\uDC80')).toEqual(Buffer.of(0x80));
    expect(valueBytes('\uDCFF')).toEqual(Buffer.of(0xff));
    expect(valueBytes('米a\uDCD2é')).toEqual(Buffer.concat([Buffer.from('米a'), Buffer.of(0xd2), Buffer.from('é')]));
    // lone surrogates outside that range are not escaped bytes
    expect(valueBytes('\uDC7F\uDC80')).toEqual(Buffer.concat([Buffer.from('\uDC7F'), Buffer.of(0x80)]));
    expect(callbackEncode('米\uDCD2')).toBe('%E7%B1%B3%D2');
  });
  it('percentDecode keeps every byte from 0x80 as received when the whole is not UTF-8', () => {
    expect(percentDecode('%80')).toBe('\uDC80');
    expect(valueBytes(percentDecode('%80'))).toEqual(Buffer.of(0x80));
    expect(valueBytes(percentDecode('a%7F%80%FF'))).toEqual(Buffer.of(0x61, 0x7f, 0x80, 0xff));
  });
});
