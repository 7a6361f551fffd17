import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FbpayError } from '../../src/core/errors.js';
import { diagnoseHubSignature, parseHubSignature, verifyHubSignature } from '../../src/core/facebook/hub-signature.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const sign = (body: string | Buffer, secret = SECRET, alg: 'sha1' | 'sha256' = 'sha256') => `${alg}=${createHmac(alg, secret).update(body).digest('hex')}`;
const hex64 = 'ab'.repeat(32);

function usageError(fn: () => unknown): FbpayError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FbpayError);
    expect((e as FbpayError).exitCode).toBe(2);
    expect((e as FbpayError).code).toBe('bad_signature_header');
    return e as FbpayError;
  }
  throw new Error('expected a UsageError');
}

describe('parseHubSignature: what a user may paste', () => {
  it.each([
    [`sha256=${hex64}`, 'sha256'],
    [`  sha256=${hex64}\n`, 'sha256'],
    [`SHA256=${hex64.toUpperCase()}`, 'sha256'],
    [`X-Hub-Signature-256: sha256=${hex64}`, 'sha256'],
    [`x-hub-signature-256:sha256=${hex64}`, 'sha256'],
    [`X-Hub-Signature:   sha1=${'cd'.repeat(20)}`, 'sha1'],
    [`sha256= ${hex64} `, 'sha256'],
    [`X-Hub-Signature-256 :  sha256=${hex64}`, 'sha256'],
  ])('%j → %s, lowercase hex', (value, algorithm) => {
    const p = parseHubSignature(value);
    expect(p.algorithm).toBe(algorithm);
    expect(p.hex).toMatch(algorithm === 'sha1' ? /^(cd){20}$/ : /^(ab){32}$/);
  });

  it('refuses anything else, naming what was given and what is expected', () => {
    const e = usageError(() => parseHubSignature(`X-Other: sha256=${hex64}`));
    expect(e.message).toBe(`not an X-Hub signature: expected "sha256=<hex>" or "sha1=<hex>", got "X-Other: sha256=${hex64.slice(0, 24)}…"`);
    expect(e.hint).toBe('pass the X-Hub-Signature-256 (or X-Hub-Signature) header value exactly as received');
    usageError(() => parseHubSignature(`xsha256=${hex64}`));
    usageError(() => parseHubSignature(`sha256=${hex64}\nsha1=${'cd'.repeat(20)}`));
    usageError(() => parseHubSignature(`prefix X-Hub-Signature-256: sha256=${hex64}`));
    usageError(() => parseHubSignature(`xX-Hub-Signature: sha256=${hex64}`));
    // non-printable characters are shown escaped
    expect(usageError(() => parseHubSignature('md5=\u0001é')).message).toMatch(/got "md5=\\u0001\\u00e9"$/);
  });

  it('a digest of the wrong length or alphabet is refused with a hint that fits', () => {
    const sha1As256 = usageError(() => parseHubSignature(`sha256=${'cd'.repeat(20)}`));
    expect(sha1As256.message).toBe(`sha256 signature must be 64 hex characters, got 40 character(s) "${'cd'.repeat(20)}"`);
    expect(sha1As256.hint).toBe('that looks like a sha1 digest: use the sha1= prefix');
    const sha256As1 = usageError(() => parseHubSignature(`sha1=${hex64}`));
    expect(sha256As1.message).toMatch(/^sha1 signature must be 40 hex characters, got 64 character\(s\) "(ab){20}…"$/);
    expect(sha256As1.hint).toBe('that looks like a sha256 digest: use the sha256= prefix');
    expect(usageError(() => parseHubSignature(`sha256=${'a'.repeat(63)}`)).hint).toBe('copy the whole header value');
    expect(usageError(() => parseHubSignature(`sha1=${'a'.repeat(64)}x`)).hint).toBe('copy the whole header value');
    expect(usageError(() => parseHubSignature(`sha256=${'a'.repeat(40)}`)).hint).toBe('that looks like a sha1 digest: use the sha1= prefix');
    expect(usageError(() => parseHubSignature(`sha1=${'a'.repeat(40)}`.replace(/a$/, 'g'))).message).toMatch(/must be 40 hex characters, got 40/);
    expect(usageError(() => parseHubSignature(`sha256=g${'a'.repeat(63)}`)).message).toMatch(/got 64 character/);
    expect(usageError(() => parseHubSignature(`sha256=${'a'.repeat(63)}g`)).message).toMatch(/got 64 character/);
    // the length hints only for a right-length hex digest under the other prefix
    expect(usageError(() => parseHubSignature(`sha256=g${'a'.repeat(63)}`)).hint).toBe('copy the whole header value');
    expect(usageError(() => parseHubSignature(`sha1=g${'a'.repeat(39)}`)).hint).toBe('copy the whole header value');
    expect(usageError(() => parseHubSignature(`sha1=g${'a'.repeat(63)}`)).hint).toBe('that looks like a sha256 digest: use the sha256= prefix');
  });

  it('a mismatch names the header and the HMAC used', () => {
    const r = verifyHubSignature('{}', sign('{"a":1}'), SECRET);
    expect(r).toEqual({ valid: false, algorithm: 'sha256', code: 'signature_mismatch', reason: 'X-Hub-Signature-256 does not match the body (HMAC-SHA256 with this app secret)' });
    expect(verifyHubSignature('{}', sign('{"a":1}', SECRET, 'sha1'), SECRET).reason).toBe('X-Hub-Signature does not match the body (HMAC-SHA1 with this app secret)');
    expect(verifyHubSignature('{}', 'nope', SECRET)).toMatchObject({ valid: false, code: 'bad_signature_header', reason: expect.stringMatching(/^not an X-Hub signature/) });
  });
});

describe('diagnoseHubSignature: names only the change that was tried and matched', () => {
  const original = '{"object":"payments","entry":[{"id":"1","url":"https://x/y","name":"Café","changed_fields":["actions"]}]}';
  const parsed = JSON.parse(original);
  const first = (received: string | Buffer, header: string, secret = SECRET) => diagnoseHubSignature(received, header, secret);

  it.each([
    ['a trailing newline added', original + '\n', original, 'body_trailing_newline', /trailing newline that was not signed/],
    ['CRLF line endings', original.replace('[{', '[\r\n{') + '\r\n', original.replace('[{', '[\n{') + '\n', 'body_line_endings', /converted to CRLF/],
    ['whitespace around', `  ${original}\t`, original, 'body_trailing_whitespace', /leading\/trailing whitespace/],
    ['a newline missing', original, original + '\n', 'body_missing_newline', /ended with a newline that is missing/],
    ['pretty-printed with 2 spaces', JSON.stringify(parsed, null, 2), original, 'body_reserialized', /the compact JSON form/],
    ['compact, but signed with PHP escaping', original, original.replace(/\//g, '\\/').replace('é', '\\u00e9'), 'body_reserialized', /Facebook-style escaping/],
    ['compact, signed pretty with 2 spaces', original, JSON.stringify(parsed, null, 2), 'body_reserialized', /pretty-printed with 2 spaces/],
    ['compact, signed pretty with 4 spaces', original, JSON.stringify(parsed, null, 4), 'body_reserialized', /pretty-printed with 4 spaces/],
    ['compact, signed with spaces after : and ,', original, original.replace(/":/g, '": ').replace(/,"/g, ', "').replace('","', '", "'), 'body_reserialized', /spaces after ":" and ","/],
    ['keys re-ordered', '{"object":"payments","entry":[{"id":"1","changed_fields":["actions"],"name":"x"}]}', '{"entry":[{"changed_fields":["actions"],"id":"1","name":"x"}],"object":"payments"}', 'body_key_order', /the compact JSON form, keys sorted: that version matches/],
    ['keys re-ordered, PHP escaping', '{"z":"a/b","a":"é"}', '{"a":"\\u00e9","z":"a\\/b"}', 'body_key_order', /keys sorted with Facebook-style escaping/],
  ])('%s → %s', (_what, received, signed, cause, message) => {
    expect(verifyHubSignature(received, sign(signed), SECRET).valid).toBe(false);
    const d = first(received, sign(signed));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ cause, matched: true });
    expect(d[0].message).toMatch(message);
    expect(d[0].message).toMatch(/that version matches the signature — verify the raw request bytes, before any parsing$/);
  });

  it('bytes or a string: the same diagnosis (the body is taken as UTF-8)', () => {
    expect(first(Buffer.from(original + '\n'), sign(original))).toEqual(first(original + '\n', sign(original)));
    const u8 = new Uint8Array(Buffer.from('xx' + original + '\n')).subarray(2);
    expect(first(u8 as unknown as Buffer, sign(original))[0].cause).toBe('body_trailing_newline');
  });

  it('the secret: whitespace around it, an app token given as the secret', () => {
    expect(first(original, sign(original), ` ${SECRET}\n`)).toEqual([
      { cause: 'secret_whitespace', matched: true, message: expect.stringMatching(/^the app secret without its surrounding whitespace .*: that secret matches the signature$/) },
    ]);
    expect(first(original, sign(original), `1234567|${SECRET}`)).toEqual([
      { cause: 'secret_is_app_token', matched: true, message: expect.stringMatching(/an app access token \(APP_ID\|SECRET\) was given as the secret — pass only the app secret: that secret matches the signature$/) },
    ]);
    // both at once: the body changed and the secret has whitespace
    const both = first(original + '\n', sign(original), `${SECRET} `);
    expect(both[0]).toMatchObject({ cause: 'body_trailing_newline+secret_whitespace', matched: true });
    expect(both[0].message).toMatch(/not signed, and the app secret without its surrounding whitespace .*: that version matches/);
    // a leading "|" is not an app token
    expect(first(original, sign(original, SECRET), `|${SECRET}`).map((x) => x.cause)).not.toContain('secret_is_app_token');
  });

  it('when nothing matches: the hints it can give, each marked not matched', () => {
    const causes = (received: string, secret: string) => first(received, sign('something else'), secret).map((x) => [x.cause, x.matched]);
    expect(causes(original, SECRET)).toEqual([['unknown', false]]);
    expect(first(original, sign('x'), SECRET)[0].message).toMatch(/^no common re-serialization or secret mistake matches/);
    // a cause that was tried and did not match is not offered as a hint (issue 12: a diagnosis names only what matched)
    expect(causes(original, ` ${SECRET}`)).toEqual([['unknown', false]]);
    expect(first(original, sign('x'), ` ${SECRET}`)[0].message).toMatch(/^no common re-serialization or secret mistake matches/);
    expect(causes(JSON.stringify(parsed, null, 2), SECRET)).toEqual([['body_pretty_printed', false]]);
    expect(causes('[\n  "a"]', SECRET)).toEqual([['body_pretty_printed', false]]);
    expect(causes(` {"a":\n  "b"}`, SECRET)).toEqual([['body_pretty_printed', false]]);
    expect(causes('x {"a":\n  "b"}', SECRET)).toEqual([['unknown', false]]);
    expect(causes('{"a": "b"}', SECRET)).toEqual([['unknown', false]]);
    expect(causes('{"a":\n"b"}', SECRET)).toEqual([['unknown', false]]);
    expect(causes(original + ' ', SECRET)).toEqual([['unknown', false]]);
    expect(causes(original + ' x', SECRET)).toEqual([['unknown', false]]);
    expect(causes(original, '123456789012345')).toEqual([['secret_looks_like_app_id', false]]);
    expect(first(original, sign('x'), '123456789012345')[0].message).toMatch(/all digits, like an app id/);
    expect(causes(original, '1234')).toEqual([['secret_unusual', false]]);
    expect(causes(original, 'x123456789012345')).toEqual([['secret_unusual', false]]);
    expect(causes(original, '123456789012345x')).toEqual([['secret_unusual', false]]);
    expect(first(original, sign('x'), 'not-a-secret')[0].message).toBe('Facebook app secrets are 32 lowercase hex characters; this one is 12 character(s) of another form (a remark, not a tested cause)');
    expect(causes(original, SECRET.toUpperCase())).toEqual([['secret_unusual', false]]);
    expect(causes(original, `x${SECRET}`)).toEqual([['secret_unusual', false]]);
    expect(causes(original, `${SECRET}x`)).toEqual([['secret_unusual', false]]);
    expect(causes(original, `12|${SECRET}`)).toEqual([['unknown', false]]);
  });

  it('exact messages of a match and of the hints', () => {
    expect(first(original + '\n', sign(original))[0].message).toBe(
      'the body has a trailing newline that was not signed: that version matches the signature — verify the raw request bytes, before any parsing',
    );
    expect(first(JSON.stringify(parsed, null, 2), sign('x'))[0].message).toBe(
      'the body is pretty-printed JSON, while Facebook sends compact JSON: probably not the raw body as received (no re-serialization fbpay tried matched)',
    );
    expect(first(original + ' ', sign('x'))[0].message).toBe('no common re-serialization or secret mistake matches: is it the right app secret, and the exact bytes received?');
  });

  it('corner cases: several trailing newlines, an inner newline, spaces before a line break, a blank or "|"-led secret', () => {
    expect(first(original + '\n\r\n', sign(original))[0].cause).toBe('body_trailing_newline');
    expect(first('{"a":\n1}\n', sign('{"a":\n1}'))[0].cause).toBe('body_trailing_newline');
    expect(first('{ "a": 1,\n  "b": 2}', sign('x')).map((x) => x.cause)).toEqual(['body_pretty_printed']);
    expect(first(original, sign(original, ''), '   ').map((x) => [x.cause, x.matched])).toEqual([['secret_unusual', false]]);
    expect(first(original, sign('x'), '|abc').map((x) => x.cause)).toEqual(['unknown']);
  });

  it('a signature that matches as received is not explained by any change', () => {
    for (const body of [original, original + '\n', `${JSON.stringify(parsed, null, 2)}\n`]) {
      const d = first(body, sign(body));
      expect(d.every((x) => x.matched === false), body).toBe(true);
    }
  });

  it('a malformed header gives no diagnosis', () => {
    expect(first(original, 'sha256=zz')).toEqual([]);
  });
});
