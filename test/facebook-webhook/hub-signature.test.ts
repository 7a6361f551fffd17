import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { readVector } from '../helpers/vectors.js';
import { FbpayError } from '../../src/core/errors.js';
import { diagnoseHubSignature, hubSignature, hubSignatureHeaders, parseHubSignature, verifyHubSignature } from '../../src/core/facebook/hub-signature.js';

describe('hub_signatures vectors (test/vectors/facebook.json)', () => {
  const vectors = readVector<{ hub_signatures: any[] }>('facebook.json').hub_signatures;
  it('has vectors', () => expect(vectors.length).toBeGreaterThan(0));
  for (const v of vectors) {
    it(`signs and verifies ${v.source}`, () => {
      expect(hubSignatureHeaders(v.body, v.secret)).toEqual({ 'X-Hub-Signature': v.x_hub_signature, 'X-Hub-Signature-256': v.x_hub_signature_256 });
      expect(verifyHubSignature(Buffer.from(v.body), v.x_hub_signature_256, v.secret)).toEqual({ valid: true, algorithm: 'sha256' });
      expect(verifyHubSignature(Buffer.from(v.body), v.x_hub_signature, v.secret)).toEqual({ valid: true, algorithm: 'sha1' });
      expect(verifyHubSignature(Buffer.from(v.body + ' '), v.x_hub_signature_256, v.secret).valid).toBe(false);
      expect(verifyHubSignature(Buffer.from(v.body), v.x_hub_signature_256, v.secret + 'x').code).toBe('signature_mismatch');
      // uppercase hex and a whole header line are accepted
      expect(verifyHubSignature(v.body, v.x_hub_signature_256.toUpperCase().replace('SHA256', 'sha256'), v.secret).valid).toBe(true);
      expect(verifyHubSignature(v.body, `X-Hub-Signature-256: ${v.x_hub_signature_256}`, v.secret).valid).toBe(true);
    });
  }
});

describe('verifyHubSignature properties', () => {
  const bytes = fc.uint8Array({ maxLength: 512 });
  const secret = fc.string({ minLength: 1, maxLength: 64 });
  const alg = fc.constantFrom('sha1' as const, 'sha256' as const);

  it('sign → verify round-trips over arbitrary bytes and secrets', () => {
    fc.assert(
      fc.property(bytes, secret, alg, (b, s, a) => {
        expect(verifyHubSignature(b, hubSignature(b, s, a), s)).toEqual({ valid: true, algorithm: a });
      }),
      { numRuns: 1000 },
    );
  });

  it('any single-byte change of the body fails', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 256 }), secret, alg, fc.nat(), fc.integer({ min: 1, max: 255 }), (b, s, a, pos, delta) => {
        const sig = hubSignature(b, s, a);
        const t = Uint8Array.from(b);
        t[pos % t.length] = (t[pos % t.length] + delta) % 256;
        expect(verifyHubSignature(t, sig, s).valid).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('any single-character change of the signature hex fails', () => {
    fc.assert(
      fc.property(bytes, secret, alg, fc.nat(), fc.constantFrom(...'0123456789abcdef'), (b, s, a, pos, ch) => {
        const sig = hubSignature(b, s, a);
        const prefix = a.length + 1;
        const i = prefix + (pos % (sig.length - prefix));
        fc.pre(sig[i] !== ch);
        const t = sig.slice(0, i) + ch + sig.slice(i + 1);
        expect(verifyHubSignature(b, t, s).valid).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('a different secret fails', () => {
    fc.assert(
      fc.property(bytes, secret, secret, (b, s1, s2) => {
        fc.pre(s1 !== s2);
        expect(verifyHubSignature(b, hubSignature(b, s1), s2).valid).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary header strings never throw, and parseHubSignature only throws FbpayError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('sha256=', 'sha1=', 'sha256=zz', 'sha512=00', '', ' ')), bytes, (h, b) => {
        const r = verifyHubSignature(b, h, 'secret');
        expect(typeof r.valid).toBe('boolean');
        try {
          parseHubSignature(h);
        } catch (e) {
          expect(e).toBeInstanceOf(FbpayError);
        }
        expect(Array.isArray(diagnoseHubSignature(b, h, 'secret'))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('malformed headers are reported, not thrown, with a useful reason', () => {
    expect(verifyHubSignature('x', 'md5=abc', 's')).toMatchObject({ valid: false, code: 'bad_signature_header' });
    const sha1Hex = createHmac('sha1', 's').update('x').digest('hex');
    const sha256Hex = createHmac('sha256', 's').update('x').digest('hex');
    expect(() => parseHubSignature(`sha1=${sha256Hex}`)).toThrow(/40 hex/);
    expect(() => parseHubSignature(`sha256=${sha1Hex}`)).toThrow(/64 hex/);
  });
});

describe('diagnoseHubSignature', () => {
  const secret = 'd25da68caa30b617e2b4e3990cb91e4e';
  const raw = '{"object":"payments","entry":[{"id":"1621702554627001","time":1565186944,"changed_fields":["actions"]}]}';
  const sig = hubSignature(raw, secret);

  it('spots a pretty-printed body', () => {
    const pretty = JSON.stringify(JSON.parse(raw), null, 2);
    const d = diagnoseHubSignature(pretty, sig, secret);
    expect(d[0]).toMatchObject({ cause: 'body_reserialized', matched: true });
    expect(d[0].message).toMatch(/raw request bytes/);
  });
  it('spots a trailing newline added to the body', () => {
    expect(diagnoseHubSignature(raw + '\n', sig, secret)[0]).toMatchObject({ cause: 'body_trailing_newline', matched: true });
  });
  it('spots re-ordered keys', () => {
    const reordered = '{"entry":[{"changed_fields":["actions"],"id":"1621702554627001","time":1565186944}],"object":"payments"}';
    const sortedSig = hubSignature(reordered, secret);
    const d = diagnoseHubSignature(raw, sortedSig, secret);
    expect(d[0]).toMatchObject({ cause: 'body_key_order', matched: true });
  });
  it('spots a secret with surrounding whitespace', () => {
    const d = diagnoseHubSignature(raw, sig, secret + '\n');
    expect(d[0]).toMatchObject({ cause: 'secret_whitespace', matched: true });
    expect(d[0].message).not.toContain(secret);
  });
  it('spots escaping differences (Facebook escapes / as \\/)', () => {
    const fbRaw = '{"url":"https:\\/\\/example.com\\/x","name":"caf\\u00e9"}';
    const fbSig = hubSignature(fbRaw, secret);
    const reserialized = JSON.stringify(JSON.parse(fbRaw));
    expect(diagnoseHubSignature(reserialized, fbSig, secret)[0]).toMatchObject({ cause: 'body_reserialized', matched: true });
  });
  it('spots an app access token given as the secret, and an app id', () => {
    expect(diagnoseHubSignature(raw, sig, `483436115748302|${secret}`)[0]).toMatchObject({ cause: 'secret_is_app_token', matched: true });
    const d = diagnoseHubSignature(raw, sig, '483436115748302');
    expect(d.map((x) => x.cause)).toContain('secret_looks_like_app_id');
    expect(d.every((x) => !x.matched)).toBe(true);
  });
  it('says so when nothing matches (wrong secret)', () => {
    const d = diagnoseHubSignature(raw, sig, 'e45e55a333eec232d4206d2703de1307');
    expect(d.every((x) => !x.matched)).toBe(true);
    expect(d[0].cause).toBe('unknown');
    expect(diagnoseHubSignature(raw, sig, 'another-secret').map((x) => x.cause)).toEqual(['secret_unusual']);
  });
});
