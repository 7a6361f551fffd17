import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FbpayError } from '../../src/core/errors.js';
import { callbackEncode, openapiEncode, percentDecode, rawurlencode, valueBytes } from '../../src/core/midas/encoding.js';
import { checkGoodsmeta, parseBuyGoodsResponse, parsePayitem } from '../../src/core/midas/order.js';
import { checkMidasReply } from '../../src/core/midas/reply.js';
import { encodeMidasQuery, midasKey, midasSign, midasVerify, parseMidasQuery, type MidasParams, type MidasRule } from '../../src/core/midas/signature.js';
import { NO_PHP, PHP } from '../helpers/php.js';
import { readVector } from '../helpers/vectors.js';

const SIG_CLI = fileURLToPath(new URL('./php/sig-cli.php', import.meta.url));

interface Case {
  method: string;
  path: string;
  appkey: string;
  rule: MidasRule;
  params: MidasParams;
}

/** Signs cases with the independent PHP implementation (test/midas/php/midas-sig.php). */
function phpSign(cases: Case[]): Array<{ source: string; sig: string }> {
  const r = spawnSync(PHP!, [SIG_CLI], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (r.status !== 0) throw new Error('php failed: ' + r.stderr);
  return JSON.parse(r.stdout);
}

/**
 * The wiki buy_goods vector documents its sig but not its source string. This one was produced by the
 * independent PHP implementation (test/midas/php/midas-sig.php); the test below proves it is the signed
 * string by recomputing the documented sig from it (HMAC-SHA1, key `appkey&`) with node:crypto alone.
 */
const SOURCE_STRINGS: Record<string, string> = {
  'wiki-buy-goods':
    'GET&%2Fv3%2Fpay%2Fbuy_goods&amt%3D4%26appid%3D600%26appmode%3D1%26format%3Djson%26goodsmeta%3D%E9%81%93%E5%85%B7%2A%E6%B5%8B%E8%AF%95%E6%8F%8F%E8%BF%B0%E4%BF%A1%E6%81%AF%EF%BC%81%EF%BC%81%EF%BC%81%26goodsurl%3Dhttp%3A%2F%2Fqzonestyle.gtimg.cn%2Fqzonestyle%2Fact%2Fqzone_app_img%2Fapp613_613_75.png%26openid%3D0000000000000000000000000E111111%26openkey%3D1111806DC5D1C52150CF405E42222222%26payitem%3D50005%2A4%2A1%26pf%3Dqzone%26pfkey%3D1B59A5C3D77C7C56D7AFC3E2C823105D%26ts%3D1333674935%26zoneid%3D0',
};

describe('shared vectors (test/vectors/tencent.json)', () => {
  const v = readVector('tencent.json');
  for (const o of v.openapi) {
    it(`openapi ${o.name}`, () => {
      const source: string | undefined = o.source_string ?? SOURCE_STRINGS[o.name];
      expect(source, `vector ${o.name} has no source string to check`).toBeTypeOf('string');
      expect(createHmac('sha1', `${o.appkey}&`).update(source!).digest('base64')).toBe(o.sig);
      const s = midasSign({ method: o.method, path: o.path, params: o.params, appkey: o.appkey });
      expect(s.source_string).toBe(source);
      expect(s.sig).toBe(o.sig);
      const r = midasVerify({ method: o.method, path: o.path, params: o.params, sig: o.sig, appkey: o.appkey, now: Number(o.params.ts ?? 0) });
      expect(r.signature_ok).toBe(true);
      expect(r.rule).toBe('openapi');
    });
  }
  for (const c of v.callbacks) {
    it(`callback ${c.name}: callback rule gives the documented sig and source string`, () => {
      const s = midasSign({ method: c.method, path: c.path, params: c.params, appkey: c.appkey, rule: 'callback' });
      expect(s.source_string).toBe(c.source_string);
      expect(s.sig).toBe(c.sig);
      const r = midasVerify({ method: c.method, path: c.path, params: c.params, sig: c.sig, appkey: c.appkey, now: Number(c.params.ts) + 60 });
      expect(r).toMatchObject({ valid: true, rule: 'callback', skew_seconds: -60, problems: [] });
    });
    it(`callback ${c.name}: the plain rule gives the documented wrong sig, flagged as a sender bug`, () => {
      const p = midasSign({ method: c.method, path: c.path, params: c.params, appkey: c.appkey, rule: 'openapi' });
      expect(p.sig).toBe(c.sig_if_plain_openapi_rule_is_wrongly_used);
      expect(p.sig).not.toBe(c.sig);
      const r = midasVerify({ method: c.method, path: c.path, params: c.params, sig: p.sig, appkey: c.appkey, now: Number(c.params.ts) });
      expect(r.rule).toBe('openapi');
      expect(r.warnings.join(' ')).toMatch(/sender bug/);
      // A correct callback server accepts only the callback rule.
      expect(midasVerify({ method: c.method, path: c.path, params: c.params, sig: p.sig, appkey: c.appkey, now: Number(c.params.ts), rules: ['callback'] }).valid).toBe(false);
    });
    it(`callback ${c.name}: stale ts, wrong key, wrong path and a changed value all fail`, () => {
      const base = { method: c.method, path: c.path, params: c.params, sig: c.sig, appkey: c.appkey, now: Number(c.params.ts) };
      const stale = midasVerify({ ...base, now: base.now + 901 });
      expect(stale.valid).toBe(false);
      expect(stale.signature_ok).toBe(true);
      expect(stale.problems.join()).toMatch(/901 s old/);
      expect(midasVerify({ ...base, now: base.now - 901 }).problems.join()).toMatch(/in the future/);
      expect(midasVerify({ ...base, now: base.now + 900 }).valid).toBe(true);
      expect(midasVerify({ ...base, appkey: c.appkey + 'x' }).valid).toBe(false);
      expect(midasVerify({ ...base, path: c.path + '/' }).valid).toBe(false);
      expect(midasVerify({ ...base, params: { ...c.params, amt: '81' } }).valid).toBe(false);
      expect(midasVerify({ ...base, sig: undefined }).problems).toContain('no sig parameter');
    });
  }
});

describe('encodings', () => {
  it('rawurlencode is PHP >= 5.3 rawurlencode (RFC 3986: ~ kept), uppercase hex per UTF-8 byte', () => {
    expect(rawurlencode('a-b_c.d~e f+g=h/i*j!k(l)')).toBe('a-b_c.d~e%20f%2Bg%3Dh%2Fi%2Aj%21k%28l%29');
    expect(rawurlencode('道')).toBe('%E9%81%93');
  });
  it('the parameter part encodes ~ as %7E (Tencent SDK: str_replace after rawurlencode)', () => {
    expect(openapiEncode('a~b')).toBe('a%7Eb');
  });
  it('callback encoding keeps only 0-9 a-z A-Z ! * ( )', () => {
    expect(callbackEncode('-APP_1.2~ *!()=+&é')).toBe('%2DAPP%5F1%2E2%7E%20*!()%3D%2B%26%C3%A9');
  });
  it('percentDecode: %XX once, malformed escapes kept, + literal unless form-encoded, non-UTF-8 kept as bytes', () => {
    expect(percentDecode('a%2Bb+c%252D')).toBe('a+b+c%2D');
    expect(percentDecode('a+b', true)).toBe('a b');
    expect(percentDecode('100%zz%4')).toBe('100%zz%4');
    expect(valueBytes(percentDecode('%FF%FEa%BD%F0'))).toEqual(Buffer.from([0xff, 0xfe, 0x61, 0xbd, 0xf0]));
    expect(callbackEncode(percentDecode('%BD%F0%B1%D2*1'))).toBe('%BD%F0%B1%D2*1');
    expect(valueBytes('😀é')).toEqual(Buffer.from('😀é', 'utf8'));
  });
  it('a GBK callback verifies over the bytes received, as the PHP SDK does (sig computed by PHP)', () => {
    const q = parseMidasQuery('openid=O1&ts=1328855301&goodsmeta=%BD%F0%B1%D2*10&billno=-B1&sig=BxPdFQlZSwCBDSYPCk7uVa1q6kI%3D');
    const r = midasVerify({ path: '/cgi-bin/deliver', params: q.params, sig: q.sig, appkey: 'k-y_1', now: 1328855301, rules: ['callback'] });
    expect(r).toMatchObject({ valid: true, rule: 'callback' });
    const changed = parseMidasQuery('openid=O1&ts=1328855301&goodsmeta=%BD%F0%B1%D3*10&billno=-B1&sig=BxPdFQlZSwCBDSYPCk7uVa1q6kI%3D');
    expect(midasVerify({ path: '/cgi-bin/deliver', params: changed.params, sig: changed.sig, appkey: 'k-y_1', now: 1328855301, rules: ['callback'] }).valid).toBe(false);
  });
  it('midasKey maps - and _ to + and / like the SDK (strtr)', () => {
    expect(midasKey('ab-c_d')).toBe('ab+c/d&');
  });
  it('parseMidasQuery: sig split off, duplicates reported (last wins), empty values kept', () => {
    const q = parseMidasQuery('?a=1&sig=x%2By%3D&b=&a=2&c');
    expect(q).toEqual({ params: { a: '2', b: '', c: '' }, sig: 'x+y=', duplicates: ['a'] });
    expect(() => parseMidasQuery('=1')).toThrow(FbpayError);
  });
});

/** Hard cases, each checked against the independent PHP implementation rather than fbpay's own code. */
const HARD: Case[] = [
  { method: 'GET', path: '/cgi-bin/deliver', appkey: 'k3y', rule: 'callback', params: { goodsmeta: '道具*测试描述信息！！！', openid: 'A1', ts: '1700000000' } },
  { method: 'GET', path: '/cgi-bin/deliver', appkey: 'k3y', rule: 'callback', params: { appmeta: 'a b  c', note: ' lead', ts: '1' } },
  { method: 'GET', path: '/cgi-bin/deliver', appkey: 'k3y', rule: 'callback', params: { tilde: 'x~y', eq: 'a=b==', plus: '1+1', amp: 'a&b', pct: '100%' } },
  { method: 'GET', path: '/cgi-bin/deliver', appkey: 'k3y', rule: 'callback', params: { cftid: '', empty2: '', openid: 'x' } },
  { method: 'POST', path: '/v3/pay/buy_goods', appkey: 'k3y', rule: 'openapi', params: { goodsmeta: '道具*描述', tilde: 'x~y', sp: 'a b', plus: '1+1' } },
  { method: 'GET', path: '/v3/user/get_info', appkey: 'k3y', rule: 'openapi', params: { eq: 'a=b', amp: 'a&b', star: '*!()' } },
  { method: 'GET', path: '/path~with/tilde', appkey: 'key-with_dash', rule: 'openapi', params: { a: '1' } },
  { method: 'POST', path: '/cb', appkey: 'key-with_dash', rule: 'callback', params: { billno: '-X-1', emoji: '😀', slash: 'a/b' } },
];

describe.skipIf(NO_PHP)('hard cases cross-checked with the PHP implementation', () => {
  it('source strings and sigs equal PHP (UTF-8, spaces, ~, = and + in values, empty values, POST, dashed keys)', () => {
    const php = phpSign(HARD);
    HARD.forEach((c, i) => {
      const s = midasSign(c);
      expect({ i, source: s.source_string, sig: s.sig }).toEqual({ i, ...php[i] });
    });
    // spot checks of the documented rules on what PHP produced
    expect(php[2].source).toContain('tilde%3Dx%257Ey');
    expect(php[4].source).toContain('tilde%3Dx%7Ey');
    expect(php[6].source.startsWith('GET&%2Fpath~with%2Ftilde&')).toBe(true);
  });

  it('arbitrary parameter maps: fbpay and PHP agree on the sig (both rules)', () => {
    const samples = fc.sample(
      fc.record({
        rule: fc.constantFrom<MidasRule>('openapi', 'callback'),
        method: fc.constantFrom('GET', 'POST'),
        params: fc.dictionary(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }).filter((k) => !/[&=]/.test(k) && k !== 'sig' && !/^\d+$/.test(k)), fc.string({ unit: 'binary', maxLength: 12 }), { maxKeys: 6 }),
      }),
      { numRuns: 300, seed: 42 },
    );
    const cases: Case[] = samples.map((s) => ({ ...s, path: '/cb', appkey: 'k' }));
    const php = phpSign(cases);
    cases.forEach((c, i) => expect(midasSign(c).sig).toBe(php[i].sig));
  });
});

const paramsArb = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== 'sig' && k !== '__proto__'),
  fc.string({ unit: 'binary', maxLength: 20 }),
  { minKeys: 1, maxKeys: 8 },
);

describe('properties', () => {
  it('sign → verify round-trips for arbitrary parameter maps under both rules', () => {
    fc.assert(
      fc.property(paramsArb, fc.constantFrom<MidasRule>('openapi', 'callback'), fc.constantFrom('GET', 'POST'), (params, rule, method) => {
        const s = midasSign({ method, path: '/cb', params, appkey: 'appkey', rule });
        const r = midasVerify({ method, path: '/cb', params, sig: s.sig, appkey: 'appkey', now: 0, rules: [rule] });
        return r.signature_ok && r.rule === rule;
      }),
      { numRuns: 1000 },
    );
  });

  it('changing any one value makes verification fail', () => {
    fc.assert(
      fc.property(paramsArb, fc.nat(), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom<MidasRule>('openapi', 'callback'), (params, pick, other, rule) => {
        const keys = Object.keys(params);
        const key = keys[pick % keys.length];
        fc.pre(params[key] !== other);
        const s = midasSign({ method: 'GET', path: '/cb', params, appkey: 'appkey', rule });
        const changed = { ...params, [key]: other };
        return !midasVerify({ path: '/cb', params: changed, sig: s.sig, appkey: 'appkey', now: 0, rules: [rule] }).signature_ok;
      }),
      { numRuns: 1000 },
    );
  });

  it('a single-character change in the sig fails', () => {
    fc.assert(
      fc.property(paramsArb, fc.nat(), fc.constantFrom(...'ABCabc012+/='.split('')), (params, pos, ch) => {
        const s = midasSign({ method: 'GET', path: '/cb', params, appkey: 'appkey', rule: 'callback' });
        const i = pos % s.sig.length;
        fc.pre(s.sig[i] !== ch);
        const bad = s.sig.slice(0, i) + ch + s.sig.slice(i + 1);
        return !midasVerify({ path: '/cb', params, sig: bad, appkey: 'appkey', now: 0 }).signature_ok;
      }),
      { numRuns: 1000 },
    );
  });

  it('encodeMidasQuery → parseMidasQuery round-trips (values with + = & % survive)', () => {
    fc.assert(
      fc.property(paramsArb, (params) => {
        const q = parseMidasQuery(encodeMidasQuery(params));
        return JSON.stringify(q.params) === JSON.stringify(Object.fromEntries(Object.entries(params)));
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary query strings only ever throw FbpayError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.boolean(), (raw, form) => {
        try {
          const q = parseMidasQuery(raw, { formEncoded: form });
          midasVerify({ path: '/cb', params: q.params, sig: q.sig, appkey: 'k', now: 0 });
        } catch (e) {
          if (!(e instanceof FbpayError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary percent-escape soup only throws FbpayError', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('%', 'F', 'f', '0', 'C3', '%A9', '&', '=', '+', 'a', 'sig', '%E9%81'), { maxLength: 30 }), (parts) => {
        try {
          parseMidasQuery(parts.join(''));
        } catch (e) {
          if (!(e instanceof FbpayError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decoders never throw anything but FbpayError', () => {
  it('checkMidasReply returns a verdict for any body and latency', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.json()), fc.integer({ min: 100, max: 599 }), fc.nat(5000), fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }), (body, status, latencyMs, expectRet) => {
        const v = checkMidasReply({ status, body, latencyMs }, { expectRet });
        return typeof v.ok === 'boolean' && (v.ok || typeof v.reason === 'string');
      }),
      { numRuns: 2000 },
    );
  });
  it('parsePayitem, checkGoodsmeta and parseBuyGoodsResponse on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.stringMatching(/^[a-z0-9*;|]{0,30}$/), (s, shaped) => {
        for (const fn of [() => parsePayitem(s), () => parsePayitem(shaped), () => checkGoodsmeta(s), () => parseBuyGoodsResponse(s)]) {
          try {
            fn();
          } catch (e) {
            if (!(e instanceof FbpayError)) throw e;
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
  it('parsePayitem totals round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.stringMatching(/^[a-z0-9_]{1,8}$/), price: fc.integer({ min: 1, max: 9999 }), num: fc.integer({ min: 1, max: 99 }) }), { minLength: 1, maxLength: 5 }), (items) => {
        const parsed = parsePayitem(items.map((i) => `${i.id}*${i.price}*${i.num}`).join(';'));
        expect(parsed).toEqual(items);
      }),
      { numRuns: 1000 },
    );
  });
});
