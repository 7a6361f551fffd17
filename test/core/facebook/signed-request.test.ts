import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import {
  base64UrlEncode,
  decodeSignedRequest,
  parseSignedRequest,
  signSignedRequest,
  signSignedRequestJson,
  signatureMatches,
  signedRequestHmac,
} from '../../../src/core/facebook/signed-request.js';
import { FbpayError, UsageError, VerificationError } from '../../../src/core/errors.js';

/**
 * decodeSignedRequest as a user meets it: the verdict, the error code, message and hint printed
 * (exit 1 for a refused request, exit 2 for input that is not a signed_request), the warnings, and
 * the bytes fbpay signs. Self-contained: an independent signer, no test vectors needed.
 */
const SECRET = 'd25da68caa30b617e2b4e3990cb91e4e';
const NOW = 1_700_000_000;
const mac = (data: string, key = SECRET) => createHmac('sha256', key).update(data).digest('base64url');
const seg = (json: string) => Buffer.from(json).toString('base64url');
/** A signed_request over exactly `json`, signed by an independent signer. */
const sr = (json: string, key = SECRET) => `${mac(seg(json), key)}.${seg(json)}`;
const srOf = (payload: Record<string, unknown>, key = SECRET) => sr(JSON.stringify(payload), key);
const BASE = { algorithm: 'HMAC-SHA256', issued_at: NOW, user_id: '42' };
const MALFORMED_HINT = 'a signed_request is <signature>.<payload>, both base64url; pass it exactly as received';

/** The UsageError thrown for `input` (fails when nothing or something else is thrown). */
function usage(fn: () => unknown): { code: string; message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    return (e as UsageError).toJSON();
  }
  throw new Error('nothing thrown');
}
const malformed = (message: string, hint = MALFORMED_HINT) => ({ code: 'malformed_signed_request', message, hint });
/** The refusal (exit 1) of a request. */
function refusal(r: ReturnType<typeof decodeSignedRequest>) {
  expect(r.valid).toBe(false);
  expect(r.error).toBeInstanceOf(VerificationError);
  expect(r.error!.exitCode).toBe(1);
  return r.error!.toJSON();
}

describe('signing: the exact bytes', () => {
  // '>>>???' makes + and / in standard base64; 4 bytes of JSON make padding.
  const json = '{"algorithm":"HMAC-SHA256","x":">>>???"}';

  it('base64url without padding by default, with padding on request', () => {
    expect(base64UrlEncode('>>>???')).toBe('Pj4-Pz8_');
    expect(base64UrlEncode(Buffer.from([0xfb, 0xff]))).toBe('-_8');
    expect(base64UrlEncode(Buffer.from([0xfb, 0xff]), true)).toBe('-_8=');
    expect(base64UrlEncode(Buffer.from([0xfb, 0xff, 0xfe, 0xfb]), true)).toBe('-__--w==');
  });

  it('signSignedRequestJson signs the segment as sent, padded or not', () => {
    expect(signSignedRequestJson(json, SECRET)).toBe(sr(json));
    const padded = Buffer.from(json).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    expect(padded).toMatch(/=$/);
    const sig = createHmac('sha256', SECRET).update(padded).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
    expect(signSignedRequestJson(json, SECRET, { padded: true })).toBe(`${sig}.${padded}`);
    expect(signedRequestHmac(seg(json), SECRET).toString('base64url')).toBe(mac(seg(json)));
  });

  it('signSignedRequest adds algorithm first when missing, keeps the one given', () => {
    expect(signSignedRequest({ user_id: '1' }, SECRET)).toBe(sr('{"algorithm":"HMAC-SHA256","user_id":"1"}'));
    expect(signSignedRequest({ user_id: '1', algorithm: 'HMAC-SHA1' }, SECRET)).toBe(sr('{"user_id":"1","algorithm":"HMAC-SHA1"}'));
  });
});

describe('input that is not a signed_request: UsageError (exit 2), message and hint as printed', () => {
  it('empty, blank, no dot, two dots', () => {
    expect(usage(() => decodeSignedRequest('', SECRET))).toStrictEqual(malformed('the signed_request is empty'));
    expect(usage(() => decodeSignedRequest(' \n\t', SECRET))).toStrictEqual(malformed('the signed_request is empty'));
    expect(usage(() => decodeSignedRequest('abcd', SECRET))).toStrictEqual(malformed('no "." in the signed_request: expected <signature>.<payload>'));
    expect(usage(() => decodeSignedRequest('ab.cd.ef', SECRET))).toStrictEqual(
      malformed('more than one "." in the signed_request: expected <signature>.<payload>', 'is this a JWT or a Graph token rather than a signed_request?'),
    );
    expect(usage(() => parseSignedRequest(42 as unknown as string))).toStrictEqual(malformed('the signed_request must be a string'));
  });

  it('an empty segment, a character outside base64', () => {
    expect(usage(() => decodeSignedRequest('.eyJ9', SECRET))).toStrictEqual(malformed('the signature segment is empty'));
    expect(usage(() => decodeSignedRequest('abcd.', SECRET))).toStrictEqual(malformed('the payload segment is empty'));
    expect(usage(() => decodeSignedRequest('ab!d.eyJ9', SECRET))).toStrictEqual(malformed('the signature segment is not base64url (unexpected "!")'));
    expect(usage(() => decodeSignedRequest('abcd.ey J9', SECRET))).toStrictEqual(malformed('the payload segment is not base64url (unexpected " ")'));
    // Only '=' out of place: padding in the middle, or more than two.
    expect(usage(() => decodeSignedRequest('ab=d.eyJ9', SECRET))).toStrictEqual(malformed('the signature segment is not base64url (unexpected "=")'));
    expect(usage(() => decodeSignedRequest('abcd.eyJ9===', SECRET))).toStrictEqual(malformed('the payload segment is not base64url (unexpected "=")'));
  });

  it('a truncated signature segment (impossible base64 length) is malformed, not "invalid"', () => {
    const good = srOf(BASE);
    const [sig, s] = good.split('.');
    const hint = 'it looks truncated: pass the whole signed_request exactly as received';
    expect(usage(() => parseSignedRequest(`${sig.slice(0, 41)}.${s}`))).toStrictEqual(malformed('the signature segment has an impossible base64 length (41)', hint));
    expect(usage(() => parseSignedRequest(`${sig}.${s}`.replace(/^./, '') + '.x'))).toMatchObject({ code: 'malformed_signed_request' });
    // Padded, but not to a multiple of 4.
    expect(usage(() => parseSignedRequest(`${sig}==.${s}`))).toStrictEqual(malformed(`the signature segment has an impossible base64 length (45)`, hint));
    expect(usage(() => parseSignedRequest(`${sig}=.${s.slice(0, 5)}`))).toStrictEqual(malformed('the payload segment has an impossible base64 length (5)', hint));
  });

  it('payloads that are not a JSON object: parseSignedRequest says why', () => {
    const p = (json: string | Buffer) => `${mac('x')}.${Buffer.from(json).toString('base64url')}`;
    expect(usage(() => parseSignedRequest(p(Buffer.from([0x7b, 0xff, 0x7d]))))).toStrictEqual(malformed('the payload segment does not decode to UTF-8 text'));
    for (const json of ['[1]', '1', 'null', '"s"', 'true']) expect(usage(() => parseSignedRequest(p(json))), json).toStrictEqual(malformed('the payload is JSON but not an object'));
    const long = `{"${'a'.repeat(100)}": x${'b'.repeat(100)}`;
    expect(usage(() => parseSignedRequest(p(long)))).toStrictEqual(malformed(`the payload is not JSON (${jsonError(long)})`));
  });

  it('a payload nested deeper than 512 levels is refused; 512 levels decode', () => {
    const nest = (n: number) => `{"a":${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`;
    expect(parseSignedRequest(sr(nest(512))).payload).toHaveProperty('a');
    expect(usage(() => parseSignedRequest(sr(nest(513))))).toStrictEqual(malformed('the payload nests JSON deeper than 512 levels; not decoded'));
    const objects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    expect(parseSignedRequest(sr(objects(512))).json).toBe(objects(512));
    expect(usage(() => parseSignedRequest(sr(objects(513))))).toMatchObject({ message: 'the payload nests JSON deeper than 512 levels; not decoded' });
  });

  it('brackets inside strings, and closed brackets, do not count as nesting', () => {
    const inString = `{"a":"\\"${'['.repeat(600)}${'{'.repeat(600)}","b":"\\\\"}`;
    expect(parseSignedRequest(sr(inString)).payload.b).toBe('\\');
    const wide = `{"a":[${Array(600).fill('[{}]').join(',')}]}`;
    expect(parseSignedRequest(sr(wide)).json).toBe(wide);
  });

  it('verify: false never turns a malformed request into a result', () => {
    expect(usage(() => decodeSignedRequest('abc.eyJhIjox', undefined, { verify: false }))).toMatchObject({ code: 'malformed_signed_request', message: expect.stringMatching(/^the payload is not JSON/) });
    expect(usage(() => decodeSignedRequest('abcd', SECRET, { verify: true }))).toMatchObject({ code: 'malformed_signed_request' });
  });

  it('verifying needs a non-empty secret', () => {
    const missing = { code: 'missing_secret', message: 'an app secret is needed to verify a signed_request', hint: 'pass --secret or set FB_APP_SECRET (or decode with --no-verify)' };
    expect(usage(() => decodeSignedRequest(srOf(BASE), ''))).toStrictEqual(missing);
    expect(usage(() => decodeSignedRequest(srOf(BASE), undefined))).toStrictEqual(missing);
    expect(usage(() => decodeSignedRequest(srOf(BASE), undefined, { verify: true }))).toStrictEqual(missing);
    expect(decodeSignedRequest(srOf(BASE), '', { verify: false }).valid).toBeNull();
  });
});

describe('altered or truncated payload segments: invalid (exit 1), unless the signature matches', () => {
  it('the refusal says what was wrong with the payload', () => {
    const r = decodeSignedRequest(` ${mac('x')}.${seg('{"a":')}\n`, SECRET);
    expect(r).toStrictEqual({
      valid: false,
      algorithm: null,
      kind: 'unknown',
      payload: {},
      payloadJson: '',
      warnings: [],
      error: r.error,
      encoding: { padded: false, alphabet: 'url' },
      signatureValid: false,
      payloadDecoded: false,
      inexactNumbers: false,
    });
    expect(refusal(r)).toStrictEqual({
      code: 'signature_mismatch',
      message: `signature mismatch, and the payload is not JSON (${jsonError('{"a":')}): the signed_request was altered or truncated on the way`,
      hint: 'pass the signed_request exactly as received (the whole value of the signed_request field)',
    });
    const notUtf8 = decodeSignedRequest(`${mac('x')}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}`, SECRET);
    expect(refusal(notUtf8).message).toBe('signature mismatch, and the payload segment does not decode to UTF-8 text: the signed_request was altered or truncated on the way');
    const truncated = decodeSignedRequest(`${mac('x')}.${seg('{"abc":1}').slice(0, 5)}`, SECRET);
    expect(refusal(truncated).message).toBe('signature mismatch, and the payload segment has an impossible base64 length (5): the signed_request was altered or truncated on the way');
  });

  it('its encoding is reported as sent', () => {
    const std = decodeSignedRequest(`${mac('x')}.${Buffer.from('{"a":>>').toString('base64')}`, SECRET);
    expect(std.encoding).toStrictEqual({ padded: true, alphabet: 'standard' });
    expect(decodeSignedRequest(`a/b+.${seg('[1]')}`, SECRET).encoding).toStrictEqual({ padded: false, alphabet: 'standard' });
  });

  it('a matching signature over bytes that are not a JSON object stays a UsageError (exit 2), even with surrounding whitespace', () => {
    for (const json of ['not json', '[1,2]']) {
      const good = sr(json);
      expect(usage(() => decodeSignedRequest(good, SECRET)).code).toBe('malformed_signed_request');
      expect(usage(() => decodeSignedRequest(` ${good}\n`, SECRET)).code).toBe('malformed_signed_request');
      expect(refusal(decodeSignedRequest(good, `${SECRET}x`)).code).toBe('signature_mismatch');
    }
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message.slice(0, 80);
  }
  throw new Error('parsed');
}

describe('encoding and whitespace: accepted, with the warnings a user reads', () => {
  /** A signed_request signed over its segments as sent, in the standard alphabet for `std` segments. */
  function sample(stdSig: boolean, stdSeg: boolean) {
    for (let i = 0; i < 500; i++) {
      const s = seg(JSON.stringify({ ...BASE, n: i, x: '>>>???' }));
      const segment = stdSeg ? s.replace(/-/g, '+').replace(/_/g, '/') : s;
      const sig = mac(segment);
      if (!/[-_]/.test(sig) || !/[-_]/.test(s)) continue;
      return `${stdSig ? sig.replace(/-/g, '+').replace(/_/g, '/') : sig}.${segment}`;
    }
    throw new Error('no sample');
  }
  const STD = 'the standard base64 alphabet (+ /) is used; Facebook sends base64url (- _) without padding';
  const MIXED = 'the segments mix the standard and url-safe alphabets; Facebook sends base64url (- _) without padding';

  it('url, standard or mixed alphabets', () => {
    const url = decodeSignedRequest(sample(false, false), SECRET, { now: NOW });
    expect(url.valid).toBe(true);
    expect(url.encoding).toStrictEqual({ padded: false, alphabet: 'url' });
    expect(url.warnings).toStrictEqual([]);
    const std = decodeSignedRequest(sample(true, true), SECRET, { now: NOW });
    expect(std.valid).toBe(true);
    expect(std.encoding.alphabet).toBe('standard');
    expect(std.warnings).toStrictEqual([STD]);
    for (const [a, b] of [[true, false], [false, true]]) {
      const mixed = decodeSignedRequest(sample(a, b), SECRET, { now: NOW });
      expect(mixed.valid).toBe(true);
      expect(mixed.encoding.alphabet).toBe('mixed');
      expect(mixed.warnings).toStrictEqual([MIXED]);
    }
    // One segment holding both alphabets.
    const [sig, s] = sample(false, false).split('.');
    const both = s.replace('-', '+').replace(/_/g, '_');
    if (/[+]/.test(both) && /[-_]/.test(both)) expect(parseSignedRequest(`${sig}.${both}`).encoding.alphabet).toBe('mixed');
    expect(parseSignedRequest(`a-b+.${seg('{}')}`).encoding.alphabet).toBe('mixed');
  });

  it('padding on either segment is reported', () => {
    const json = JSON.stringify({ ...BASE, p: 'ab' });
    const s = seg(json);
    expect(s.length % 4).not.toBe(0);
    const padded = s + '='.repeat(4 - (s.length % 4));
    const sigPadded = `${mac(s)}=.${s}`;
    expect(decodeSignedRequest(sigPadded, SECRET, { now: NOW })).toMatchObject({ valid: true, encoding: { padded: true, alphabet: 'url' } });
    expect(decodeSignedRequest(`${mac(padded)}.${padded}`, SECRET, { now: NOW })).toMatchObject({ valid: true, encoding: { padded: true, alphabet: 'url' } });
    expect(decodeSignedRequest(sr(json), SECRET, { now: NOW }).encoding.padded).toBe(false);
  });

  it('whitespace at either end is removed, with a warning', () => {
    const good = srOf(BASE);
    const W = 'surrounding whitespace was removed from the signed_request';
    for (const input of [` ${good}`, `${good}\n`, `\t${good} `]) {
      const r = decodeSignedRequest(input, SECRET, { now: NOW });
      expect(r.valid, JSON.stringify(input)).toBe(true);
      expect(r.warnings).toStrictEqual([W]);
    }
    expect(decodeSignedRequest(good, SECRET, { now: NOW }).warnings).toStrictEqual([]);
  });
});

describe('numbers a double cannot hold are flagged', () => {
  const W = "the payload holds numbers beyond what a double holds exactly (integers past 2^53, or out of range): fbpay prints them as sent, but a JSON parser that reads numbers as doubles (JavaScript's JSON.parse) changes them";
  const flagged = (json: string) => {
    const r = decodeSignedRequest(sr(json), SECRET, { now: NOW });
    expect(r.valid).toBe(true);
    expect(r.inexactNumbers).toBe(r.warnings.includes(W));
    expect(r.payloadJson).toBe(json);
    return r.inexactNumbers;
  };
  const p = (v: string) => `{"algorithm":"HMAC-SHA256","issued_at":${NOW},"v":${v}}`;

  it('integers past 2^53 and out-of-range literals, at any depth', () => {
    expect(flagged(p('9007199254740991'))).toBe(false);
    expect(flagged(p('-9007199254740991'))).toBe(false);
    expect(flagged(p('9007199254740993'))).toBe(true);
    expect(flagged(p('-9007199254740993'))).toBe(true);
    expect(flagged(p('1e400'))).toBe(true);
    expect(flagged(p('1.5'))).toBe(false);
    expect(flagged(p('"9007199254740993"'))).toBe(false);
    expect(flagged(p('[1,{"a":[2,12345678901234567890]}]'))).toBe(true);
    expect(flagged(p('[null,"x",true,{}]'))).toBe(false);
    for (const depth of [60, 100, 300]) expect(flagged(p(`${'['.repeat(depth)}12345678901234567890${']'.repeat(depth)}`)), `depth ${depth}`).toBe(true);
  });
});

describe('verdicts: what is refused, with the code, message and hint printed', () => {
  it('the payload and its facts come back as sent', () => {
    const r = decodeSignedRequest(srOf({ ...BASE, purchase_token: 't' }), SECRET, { now: NOW + 10 });
    expect(r).toMatchObject({ valid: true, signatureValid: true, payloadDecoded: true, inexactNumbers: false, algorithm: 'HMAC-SHA256', kind: 'payments_lite_purchase', issuedAt: NOW, ageSeconds: 10 });
    expect(r.error).toBeUndefined();
    expect(r.nearMiss).toBeUndefined();
    expect(r.warnings).toStrictEqual([]);
  });

  it('a request without a clock given is checked against the system clock', () => {
    const fresh = Math.floor(Date.now() / 1000);
    const r = decodeSignedRequest(srOf({ ...BASE, issued_at: fresh }), SECRET, { maxAge: 3600 });
    expect(r.valid).toBe(true);
    expect(r.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(r.ageSeconds).toBeLessThan(3600);
  });

  it('wrong or missing algorithm: refused before the signature is checked', () => {
    const hint = 'a signed_request claiming another algorithm is not from Facebook (or was forged): refuse it';
    const missing = decodeSignedRequest(srOf({ issued_at: NOW }), SECRET, { now: NOW });
    expect(refusal(missing)).toStrictEqual({ code: 'wrong_algorithm', message: 'the payload has no "algorithm"; Facebook always sends "HMAC-SHA256"', hint });
    expect(missing.algorithm).toBeNull();
    expect(missing.signatureValid).toBeNull();
    const other = decodeSignedRequest(srOf({ ...BASE, algorithm: 'HMAC-SHA1' }, 'wrong'), SECRET, { now: NOW });
    expect(refusal(other)).toStrictEqual({ code: 'wrong_algorithm', message: 'unsupported algorithm "HMAC-SHA1": only HMAC-SHA256 is accepted', hint });
    expect(other.signatureValid).toBeNull();
    const long = decodeSignedRequest(srOf({ ...BASE, algorithm: 'A'.repeat(50) }), SECRET, { now: NOW });
    expect(refusal(long).message).toBe(`unsupported algorithm "${'A'.repeat(40)}": only HMAC-SHA256 is accepted`);
    const num = decodeSignedRequest(srOf({ ...BASE, algorithm: 256 }), SECRET, { now: NOW });
    expect(num.algorithm).toBe('256');
    expect(refusal(num).message).toBe('unsupported algorithm "256": only HMAC-SHA256 is accepted');
    const nul = decodeSignedRequest(srOf({ ...BASE, algorithm: null }), SECRET, { now: NOW });
    expect(nul.algorithm).toBe('null');
    expect(refusal(nul).code).toBe('wrong_algorithm');
  });

  it('signature mismatch: the near miss that matched is the hint; an untested remark is only a note', () => {
    const good = srOf(BASE);
    const tok = decodeSignedRequest(good, `1|${SECRET}`, { now: NOW });
    expect(tok.signatureValid).toBe(false);
    expect(tok.nearMiss).toMatchObject({ code: 'app_token_as_secret', matched: true });
    expect(refusal(tok)).toStrictEqual({ code: 'signature_mismatch', message: 'signature mismatch: the HMAC-SHA256 of the payload with this secret is different', hint: tok.nearMiss!.message });
    const noHint =
      'no near miss matched (trimmed secret, app token as secret, padding, alphabet, re-encoded payload); check the secret is the App Secret of the app that made the request (App Dashboard → Settings → Basic) and that the signed_request is passed exactly as received';
    const appId = decodeSignedRequest(good, '483436115748302', { now: NOW });
    expect(appId.nearMiss).toMatchObject({ code: 'app_id_as_secret', matched: false });
    expect(refusal(appId).hint).toBe(noHint);
    const plain = decodeSignedRequest(good, 'a'.repeat(32), { now: NOW });
    expect(plain.nearMiss).toBeUndefined();
    expect('nearMiss' in plain).toBe(false);
    expect(refusal(plain)).toStrictEqual({ code: 'signature_mismatch', message: 'signature mismatch: the HMAC-SHA256 of the payload with this secret is different', hint: noHint });
  });

  it('a non-canonical last signature character is refused and named; with the wrong secret it is a plain mismatch', () => {
    const good = srOf(BASE);
    const [sig, s] = good.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig[42]);
    for (const k of [1, 2, 3]) {
      const twin = alphabet[(last & ~3) | ((last + k) & 3)];
      const r = decodeSignedRequest(`${sig.slice(0, 42)}${twin}.${s}`, SECRET, { now: NOW });
      expect(r.signatureValid).toBe(false);
      expect(refusal(r)).toStrictEqual({
        code: 'non_canonical_signature',
        message: `signature refused: it decodes to the right 32 bytes, but its last base64url character "${twin}" is not canonical (Facebook writes "${sig[42]}")`,
        hint: 'the 2 unused bits of the last character were changed: the signature was altered on the way (or by hand); a signature must match character for character',
      });
      expect(signatureMatches(`${sig.slice(0, 42)}${twin}`, s, SECRET)).toBe(false);
      expect(refusal(decodeSignedRequest(`${sig.slice(0, 42)}${twin}.${s}`, `${SECRET}x`, { now: NOW })).code).toBe('signature_mismatch');
    }
  });

  it('signatures of the wrong length, or with characters base64 ignores, never match', () => {
    const [sig, s] = srOf(BASE).split('.');
    expect(signatureMatches(sig, s, SECRET)).toBe(true);
    expect(signatureMatches(`${sig}==`, s, SECRET)).toBe(true);
    expect(signatureMatches(`${sig}A`, s, SECRET)).toBe(false);
    expect(signatureMatches(sig.slice(0, 42), s, SECRET)).toBe(false);
    expect(signatureMatches(`${sig.slice(0, 21)}!${sig.slice(21)}`, s, SECRET)).toBe(false);
    expect(signatureMatches(`${sig.slice(0, 21)}.${sig.slice(22)}`, s, SECRET)).toBe(false);
    expect(signatureMatches(`${sig.slice(0, 21)}=${sig.slice(21)}`, s, SECRET)).toBe(false);
    expect(signatureMatches(`${sig} `, s, SECRET)).toBe(false);
    expect(signatureMatches(Buffer.from(sig, 'base64url').toString('hex'), s, SECRET)).toBe(false);
    const std = sig.replace(/-/g, '+').replace(/_/g, '/');
    expect(signatureMatches(std, s, SECRET)).toBe(true);
  });

  it('--max-age: stale after max-age seconds; no issued_at fails; max-age 0', () => {
    const good = srOf(BASE);
    expect(decodeSignedRequest(good, SECRET, { now: NOW + 60, maxAge: 60 }).valid).toBe(true);
    const stale = decodeSignedRequest(good, SECRET, { now: NOW + 61, maxAge: 60 });
    expect(stale.signatureValid).toBe(true);
    expect(refusal(stale)).toStrictEqual({
      code: 'stale',
      message: 'signature valid, but stale: issued 61 s ago, more than --max-age 60 s',
      hint: 'a replayed or old request; ask the client for a fresh one (or pass --now to decode as of another time)',
    });
    expect(refusal(decodeSignedRequest(good, SECRET, { now: NOW + 1, maxAge: 0 })).code).toBe('stale');
    expect(decodeSignedRequest(good, SECRET, { now: NOW, maxAge: 0 }).valid).toBe(true);
    const none = decodeSignedRequest(srOf({ algorithm: 'HMAC-SHA256', user_id: '1' }), SECRET, { now: NOW, maxAge: 60 });
    expect(none.signatureValid).toBe(true);
    expect(refusal(none)).toStrictEqual({
      code: 'no_issued_at',
      message: 'signature valid, but the payload has no issued_at, so --max-age cannot be checked',
      hint: 'Facebook always sends issued_at; refuse the request or drop --max-age',
    });
    expect(none.warnings).toStrictEqual([]);
  });

  it('issued more than 300 s in the future is refused (clock skew allowance)', () => {
    const good = srOf(BASE);
    expect(decodeSignedRequest(good, SECRET, { now: NOW - 300 }).valid).toBe(true);
    const r = decodeSignedRequest(good, SECRET, { now: NOW - 301, maxAge: 10 });
    expect(r.signatureValid).toBe(true);
    expect(r.ageSeconds).toBe(-301);
    expect(refusal(r)).toStrictEqual({
      code: 'issued_in_future',
      message: 'signature valid; issued_at is 301 s in the future (more than 300 s of clock skew), so the request is refused',
      hint: 'check the clock of the machine that signed it, or pass --now to decode as of another time',
    });
  });

  it('issued_at as a string, not a number, or absent: warnings', () => {
    const asString = decodeSignedRequest(srOf({ ...BASE, issued_at: String(NOW) }), SECRET, { now: NOW + 5, maxAge: 60 });
    expect(asString).toMatchObject({ valid: true, issuedAt: NOW, ageSeconds: 5 });
    expect(asString.warnings).toStrictEqual(['issued_at is a string; Facebook sends an integer']);
    expect(refusal(decodeSignedRequest(srOf({ ...BASE, issued_at: String(NOW) }), SECRET, { now: NOW + 61, maxAge: 60 })).code).toBe('stale');
    for (const bad of ['1234567890123', 'x1700000000', '1700000000x', '', '-5', null, true, { t: NOW }, [NOW], [String(NOW)]]) {
      const r = decodeSignedRequest(srOf({ ...BASE, issued_at: bad }), SECRET, { now: NOW });
      expect(r.valid, JSON.stringify(bad)).toBe(true);
      expect(r.issuedAt).toBeUndefined();
      expect(r.ageSeconds).toBeUndefined();
      expect(r.warnings).toStrictEqual(['issued_at is not a number; the age cannot be checked']);
    }
    const infinite = decodeSignedRequest(sr(`{"algorithm":"HMAC-SHA256","issued_at":1e400}`), SECRET, { now: NOW });
    expect(infinite.issuedAt).toBeUndefined();
    expect(infinite.warnings).toContain('issued_at is not a number; the age cannot be checked');
    const absent = decodeSignedRequest(srOf({ algorithm: 'HMAC-SHA256' }), SECRET, { now: NOW });
    expect(absent.valid).toBe(true);
    expect(absent.warnings).toStrictEqual(['the payload has no issued_at, so its age was not checked (Facebook always sends one)']);
    expect('issuedAt' in absent).toBe(false);
  });

  it('an old request without --max-age is valid, with a replay warning naming its age', () => {
    const old = (age: number, opts: { maxAge?: number; verify?: boolean } = {}) => decodeSignedRequest(srOf(BASE), SECRET, { now: NOW + age, ...opts }).warnings;
    const w = (t: string) => `issued_at is ${t} old and no --max-age was given, so its age was not checked: a signed_request this old is usually a replay (pass --max-age, e.g. --max-age 1h, to refuse it)`;
    expect(old(86_400)).toStrictEqual([]);
    expect(old(86_401)).toStrictEqual([w('1 day(s)')]);
    expect(old(364 * 86_400 + 86_399)).toStrictEqual([w('364 day(s)')]);
    expect(old(365 * 86_400)).toStrictEqual([w('1 year(s)')]);
    expect(old(3 * 365 * 86_400 - 1)).toStrictEqual([w('2 year(s)')]);
    expect(old(2 * 86_400, { maxAge: 10 * 86_400 })).toStrictEqual([]);
    expect(old(2 * 86_400, { verify: false })).toStrictEqual(['NOT VERIFIED: decoded without checking the signature', w('2 day(s)')]);
    // Refused requests get no replay warning.
    expect(decodeSignedRequest(srOf(BASE, 'other'), SECRET, { now: NOW + 2 * 86_400 }).warnings).toStrictEqual([]);
  });
});

describe('verify: false decodes and warns, never says valid', () => {
  const NV = 'NOT VERIFIED: decoded without checking the signature';
  it('the warnings say what a verifier would refuse', () => {
    const r = decodeSignedRequest(srOf(BASE, 'anything'), undefined, { verify: false, now: NOW });
    expect(r).toMatchObject({ valid: null, signatureValid: null, payload: BASE, issuedAt: NOW, ageSeconds: 0 });
    expect(r.error).toBeUndefined();
    expect(r.warnings).toStrictEqual([NV]);
    expect(decodeSignedRequest(srOf({ issued_at: NOW }), undefined, { verify: false, now: NOW }).warnings).toStrictEqual([NV, 'algorithm is missing, not HMAC-SHA256: a verifier would refuse it']);
    expect(decodeSignedRequest(srOf({ ...BASE, algorithm: 'B'.repeat(45) }), SECRET, { verify: false, now: NOW }).warnings).toStrictEqual([
      NV,
      `algorithm is "${'B'.repeat(40)}", not HMAC-SHA256: a verifier would refuse it`,
    ]);
    expect(decodeSignedRequest(srOf(BASE), undefined, { verify: false, now: NOW + 100, maxAge: 100 }).warnings).toStrictEqual([NV]);
    expect(decodeSignedRequest(srOf(BASE), undefined, { verify: false, now: NOW + 101, maxAge: 100 }).warnings).toStrictEqual([NV, 'issued 101 s ago, more than --max-age 100 s']);
    expect(decodeSignedRequest(srOf({ algorithm: 'HMAC-SHA256' }), undefined, { verify: false, now: NOW, maxAge: 100 }).warnings).toStrictEqual([NV]);
    const strIssued = decodeSignedRequest(srOf({ ...BASE, issued_at: String(NOW) }), undefined, { verify: false, now: NOW });
    expect(strIssued.warnings).toStrictEqual([NV, 'issued_at is a string; Facebook sends an integer']);
  });

  it('errors are FbpayErrors', () => {
    expect(() => decodeSignedRequest('x', SECRET)).toThrow(FbpayError);
  });
});
