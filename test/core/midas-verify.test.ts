import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { percentDecode, valueBytes } from '../../src/core/midas/encoding.js';
import { looksLikeCallback, midasSign, midasSourceString, midasVerify, parseMidasQuery } from '../../src/core/midas/signature.js';
import { usageError as err } from '../helpers/usage-error.js';

describe('midasSign refuses what Tencent would never sign', () => {
  it('method, path and appkey, each with a hint', () => {
    const base = { method: 'GET', path: '/v3/x', params: { a: '1' }, appkey: 'k' };
    expect(midasSign({ ...base, method: 'post' }).method).toBe('POST');
    const m = err(() => midasSign({ ...base, method: 'PUT' }));
    expect([m.code, m.message, m.hint]).toEqual(['midas_bad_method', 'method must be GET or POST, got "PUT"', 'use --method GET or --method POST']);
    expect(err(() => midasSign({ ...base, method: 'X'.repeat(30) })).message).toBe(`method must be GET or POST, got "${'X'.repeat(20)}"`);
    const p = err(() => midasSign({ ...base, path: 'v3/x' }));
    expect([p.code, p.message, p.hint]).toEqual(['midas_bad_path', 'path must start with /, got "v3/x"', 'pass the URL path only, e.g. --path /v3/user/get_info']);
    expect(err(() => midasSign({ ...base, path: 'x'.repeat(70) })).message).toBe(`path must start with /, got "${'x'.repeat(60)}"`);
    const k = err(() => midasSign({ ...base, appkey: '' }));
    expect([k.code, k.message, k.hint]).toEqual(['midas_no_appkey', 'the appkey is empty', 'pass --appkey or set MIDAS_APPKEY']);
  });

  it('the sig parameter itself is never signed; keys are sorted by bytes; the default rule is OpenAPI', () => {
    const s = midasSign({ method: 'GET', path: '/p', params: { b: '2', sig: 'zzz', B: '1', a: '-' }, appkey: 'k' });
    expect(s.rule).toBe('openapi');
    expect(s.query_string).toBe('B=1&a=-&b=2');
    expect(s.source_string).toBe('GET&%2Fp&B%3D1%26a%3D-%26b%3D2');
    expect(s.sig).toBe(createHmac('sha1', 'k&').update(s.source_string).digest('base64'));
    expect(s.key_masked.endsWith('&')).toBe(true);
    expect(midasSourceString({ method: 'GET', path: '/p', params: { b: '2', a: '1' } })).toBe('GET&%2Fp&a%3D1%26b%3D2');
    // the callback rule encodes values first: "-" becomes %2D, then %252D in the source string
    expect(midasSign({ method: 'GET', path: '/p', params: { a: '-' }, appkey: 'k', rule: 'callback' }).source_string).toBe('GET&%2Fp&a%3D%252D');
  });
});

describe('midasVerify: what it reports', () => {
  const params = { openid: 'A', ts: '1700000000', amt: '8' };
  const sig = (p: Record<string, string>, rule: 'openapi' | 'callback' = 'openapi') => midasSign({ method: 'GET', path: '/cb', params: p, appkey: 'k', rule }).sig;
  const verify = (p: Record<string, string>, s: string | undefined, now = 1_700_000_000, extra = {}) => midasVerify({ method: 'GET', path: '/cb', params: p, sig: s, appkey: 'k', now, ...extra });

  it('no sig, an empty sig, or a wrong one: a problem each, never valid', () => {
    expect(verify(params, undefined)).toMatchObject({ valid: false, signature_ok: false, problems: ['no sig parameter'] });
    expect(verify(params, '')).toMatchObject({ valid: false, problems: ['no sig parameter'] });
    const wrong = verify(params, 'AAAA');
    expect(wrong.valid).toBe(false);
    expect(wrong.problems).toEqual(['sig matches neither the callback rule nor the OpenAPI rule (wrong appkey, path, method, or a changed parameter?)']);
    expect(wrong.rule).toBeNull();
    expect(wrong.source_string).toBe(wrong.tried[0].source_string);
    expect(wrong.tried.map((t) => [t.rule, t.matched])).toEqual([['callback', false], ['openapi', false]]);
    expect(verify(params, sig(params), 1_700_000_000, { method: undefined }).valid).toBe(true);
    // no rule to try: nothing matches, nothing was built
    expect(verify(params, sig(params), 1_700_000_000, { rules: [] })).toMatchObject({ valid: false, rule: null, source_string: '', tried: [] });
  });

  it('ts: missing is a warning, not a number is a problem, old and future are problems beyond maxSkew', () => {
    const { ts: _ts, ...noTs } = params;
    const r = verify(noTs, sig(noTs));
    expect(r).toMatchObject({ valid: true, skew_seconds: null, problems: [] });
    expect(r.warnings).toEqual(['no ts parameter: freshness not checked']);
    for (const bad of ['17e8', '-1', '1700000000.5', ' 1700000000', '1234567890123']) {
      const p = { ...params, ts: bad };
      expect(verify(p, sig(p)).problems, bad).toEqual([`ts "${bad}" is not unix seconds`]);
    }
    const long = { ...params, ts: 'x'.repeat(30) };
    expect(verify(long, sig(long)).problems).toEqual([`ts "${'x'.repeat(20)}" is not unix seconds`]);
    expect(verify(params, sig(params), 1_700_000_000 + 901).problems).toEqual(['ts is 901 s old (more than 900 s from now); for a recorded or historical callback pass --now 1700000000 to check it as of its own time']);
    expect(verify(params, sig(params), 1_700_000_000 - 901).problems).toEqual(['ts is 901 s in the future (more than 900 s from now)']);
    expect(verify(params, sig(params), 1_700_000_000 - 60, { maxSkew: 30 }).problems).toEqual(['ts is 60 s in the future (more than 30 s from now)']);
    expect(verify(params, sig(params), 1_700_000_000 + 900)).toMatchObject({ valid: true, skew_seconds: -900 });
  });

  it('a callback signed with the plain rule is flagged as a sender bug; an OpenAPI request is not', () => {
    const cb = { ...params, billno: 'B-1', payitem: 'i*1*1', token: 'T.1' };
    const r = verify(cb, sig(cb, 'openapi'));
    expect(r.rule).toBe('openapi');
    expect(r.warnings).toEqual([expect.stringMatching(/^this looks like a delivery callback but only the plain OpenAPI rule matched/)]);
    expect(verify(params, sig(params, 'openapi')).warnings).toEqual([]);
    expect(verify(cb, sig(cb, 'callback')).warnings).toEqual([]);
    expect(looksLikeCallback({ billno: '1', token: '2' })).toBe(true);
    expect(looksLikeCallback({ providetype: '1', payitem: '2' })).toBe(true);
    expect(looksLikeCallback({ billno: '1' })).toBe(false);
    expect(looksLikeCallback({ openid: '1', ts: '2' })).toBe(false);
  });

  it('"~" left unencoded by the sender is recognised and said so, only for the OpenAPI rule and only when "~" occurs', () => {
    const p = { ...params, openid: 'a~b' };
    const source = `GET&%2Fcb&${encodeURIComponent('amt=8&openid=a~b&ts=1700000000').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`;
    const tildeSig = createHmac('sha1', 'k&').update(source).digest('base64');
    expect(tildeSig).not.toBe(sig(p));
    const r = verify(p, tildeSig);
    expect(r).toMatchObject({ valid: true, rule: 'openapi', signature_ok: true, source_string: source });
    expect(r.warnings).toEqual([expect.stringMatching(/^matched only with "~" left unencoded: Tencent encodes it as %7E/)]);
    expect(r.tried.at(-1)).toEqual({ rule: 'openapi', variant: 'tilde-kept', source_string: source, sig: tildeSig, matched: true });
    expect(verify(p, tildeSig, 1_700_000_000, { rules: ['callback'] }).valid).toBe(false);
    expect(verify(params, 'AAAA').tried.some((t) => t.variant === 'tilde-kept')).toBe(false);
    const wrong = verify(p, 'AAAA');
    expect(wrong.tried.at(-1)).toMatchObject({ variant: 'tilde-kept', matched: false });
    expect(wrong.valid).toBe(false);
    expect(wrong.warnings).toEqual([]);
    // "~" in a key counts too
    const k = { ...params, 'x~': '1' };
    expect(verify(k, 'AAAA').tried.some((t) => t.variant === 'tilde-kept')).toBe(true);
  });
});

describe('parseMidasQuery and percentDecode', () => {
  it('empty pieces are skipped, a key without "=" has an empty value, an empty name is refused', () => {
    expect(parseMidasQuery('?a=1&&b&c=x=y&sig=S%2B')).toEqual({ params: { a: '1', b: '', c: 'x=y' }, sig: 'S+', duplicates: [] });
    expect(parseMidasQuery('a=1&a=2').duplicates).toEqual(['a']);
    const e = err(() => parseMidasQuery('a=1&=2'));
    expect([e.code, e.message, e.hint]).toEqual(['midas_bad_query', 'the query has a parameter with an empty name ("=2")', 'pass the raw query string as received: k=v&k2=v2']);
    // bytes that are not UTF-8 (a GBK value) are kept as received, so they are signed as received (Tencent's PHP SDK)
    expect(valueBytes(Object.keys(parseMidasQuery('%FF=1').params)[0])).toEqual(Buffer.of(0xff));
    expect(valueBytes(parseMidasQuery('a=%FF').params.a)).toEqual(Buffer.of(0xff));
  });
  it('decodes upper- and lowercase escapes, keeps malformed or cut ones literally, + only when form-encoded', () => {
    expect(percentDecode('%41%4a%4A%6a%7e%2f%2F%3a')).toBe('AJJj~//:');
    expect(percentDecode('%e7%B1%B3')).toBe('米');
    for (const kept of ['%', '%4', '%G1', '%1G', '%g1', '%:1', '%/1', '%@1', '%`1', '%41%4']) expect(percentDecode(kept), kept).toBe(kept.replace('%41', 'A'));
    expect(percentDecode('a%4')).toBe('a%4');
    expect(percentDecode('a+b')).toBe('a+b');
    expect(percentDecode('a+b', true)).toBe('a b');
    expect(valueBytes(percentDecode('%C3%28'))).toEqual(Buffer.of(0xc3, 0x28));
    expect(valueBytes(percentDecode('%C3%A9'))).toEqual(Buffer.from('é'));
  });
});
