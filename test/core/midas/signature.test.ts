import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { midasSign, midasVerify } from '../../../src/core/midas/signature.js';

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
