import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { diagnoseMismatch, type MismatchInput } from '../../../src/core/facebook/diagnose.js';

/**
 * The near-miss diagnosis `fbpay decode` prints on a signature mismatch: the code, whether the
 * correction was tested (matched), and the sentence a user reads. An independent signer is used.
 */
const SECRET = 'd25da68caa30b617e2b4e3990cb91e4e';
const mac = (data: string, key: string, enc: 'base64url' | 'base64' | 'hex' = 'base64url') => createHmac('sha256', key).update(data).digest(enc);
const b64url = (s: string) => Buffer.from(s).toString('base64url');

const SAY = {
  secret_whitespace: 'the secret without its surrounding whitespace (check how FB_APP_SECRET is set: a trailing newline or space?)',
  app_token_as_secret: "the part after '|' of the secret: an app access token (APP_ID|SECRET) was given as the secret; pass only the App Secret",
  padding_removed: 'the payload segment WITHOUT its "=" padding: the signer signed the unpadded segment and padding was added on the way — pass the signed_request exactly as received',
  padding_added: 'the payload segment WITH "=" padding: the signer signed the padded segment (PHP SDK style) and the padding was stripped on the way — pass it exactly as received',
  alphabet_standard: 'the payload segment in the standard base64 alphabet (+ /): the signer signed before converting to base64url',
  alphabet_url: 'the payload segment in the base64url alphabet (- _): it was converted to standard base64 after signing',
  re_encoded: 'the payload re-encoded as compact JSON: the segment that arrived is not the one that was signed (the payload was re-serialized on one side: key order, spacing or escaping changed) — sign and forward the original bytes',
  signed_json: 'the payload JSON text itself: the signer computed the HMAC over the JSON instead of over its base64url segment',
  hex_signature: 'a hex-encoded signature: Facebook signatures are base64url of the raw HMAC bytes, not hex',
};
const near = (...codes: Array<keyof typeof SAY>) => ({ code: codes.join('+'), matched: true, message: `near miss: the signature matches ${codes.map((c) => SAY[c]).join('; and ')}` });

/** The parts of a request whose payload JSON is `json`, sent as `segment` (default: its unpadded base64url). */
function parts(signature: string, json: string, segment = b64url(json)): MismatchInput {
  return { signature, segment, payload: JSON.parse(json), json };
}

/** A compact JSON payload whose unpadded base64url segment has length ≡ `mod` (mod 4) and contains - or _ when `urlChars`. */
function payloadWith(mod: number, urlChars: boolean): string {
  for (let i = 0; i < 5000; i++) {
    const json = JSON.stringify({ algorithm: 'HMAC-SHA256', issued_at: 1700000000, n: i, ...(urlChars ? { s: '>>>???~~~' } : {}) });
    const seg = b64url(json);
    if (seg.length % 4 === mod && (urlChars ? /[-_]/.test(seg) : /^[A-Za-z0-9]+$/.test(seg))) return json;
  }
  throw new Error(`no payload with length ${mod} mod 4`);
}

describe('diagnoseMismatch: the corrections it tries, and what it says', () => {
  const json = payloadWith(2, true);
  const seg = b64url(json);

  it('secret with surrounding whitespace', () => {
    expect(diagnoseMismatch(parts(mac(seg, SECRET), json), ` ${SECRET}\n`)).toStrictEqual(near('secret_whitespace'));
  });

  it('a secret that is only whitespace is not "corrected" to the empty secret', () => {
    expect(diagnoseMismatch(parts(mac(seg, ''), json), '  \n')).toStrictEqual({ code: 'secret_shape', matched: false, message: 'the secret is 0 characters long, while Facebook App Secrets are 32 hex characters' });
  });

  it("app access token (APP_ID|SECRET) as the secret: the part after the last '|'", () => {
    expect(diagnoseMismatch(parts(mac(seg, SECRET), json), `483436115748302|${SECRET}`)).toStrictEqual(near('app_token_as_secret'));
    expect(diagnoseMismatch(parts(mac(seg, SECRET), json), `|${SECRET}`)).toStrictEqual(near('app_token_as_secret'));
    expect(diagnoseMismatch(parts(mac(seg, SECRET), json), `a|b|${SECRET}`)).toStrictEqual(near('app_token_as_secret'));
    // Trimmed first: the token's surrounding space is not a separate fix.
    expect(diagnoseMismatch(parts(mac(seg, SECRET), json), ` 1|${SECRET}\n`)).toStrictEqual(near('app_token_as_secret'));
  });

  it("a trailing '|' leaves no secret to try (not the empty one)", () => {
    expect(diagnoseMismatch(parts(mac(seg, ''), json), '483436115748302|')?.code).toBe('secret_shape');
  });

  it('padding: signed padded and stripped (both pad lengths), or signed bare and padded on the way', () => {
    for (const mod of [2, 3]) {
      const j = payloadWith(mod, true);
      const s = b64url(j);
      const padded = s + '='.repeat(4 - mod);
      expect(diagnoseMismatch(parts(mac(padded, SECRET), j, s), SECRET), `mod ${mod}`).toStrictEqual(near('padding_added'));
      expect(diagnoseMismatch(parts(mac(s, SECRET), j, padded), SECRET), `mod ${mod}`).toStrictEqual(near('padding_removed'));
    }
  });

  it('alphabet: signed in the standard alphabet and sent base64url, or the other way round', () => {
    const std = seg.replace(/-/g, '+').replace(/_/g, '/');
    expect(diagnoseMismatch(parts(mac(std, SECRET), json, seg), SECRET)).toStrictEqual(near('alphabet_standard'));
    expect(diagnoseMismatch(parts(mac(seg, SECRET), json, std), SECRET)).toStrictEqual(near('alphabet_url'));
  });

  it('re-encoded payload: signed compact (padded or not), sent re-serialized', () => {
    const pretty = JSON.stringify(JSON.parse(json), null, 2);
    const prettySeg = b64url(pretty);
    expect(diagnoseMismatch(parts(mac(seg, SECRET), pretty, prettySeg), SECRET)).toStrictEqual(near('re_encoded'));
    const compactPadded = Buffer.from(json).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    expect(compactPadded).toMatch(/=$/);
    expect(diagnoseMismatch(parts(mac(compactPadded, SECRET), pretty, prettySeg), SECRET)).toStrictEqual(near('re_encoded'));
  });

  it('the JSON text signed instead of the segment', () => {
    expect(diagnoseMismatch(parts(mac(json, SECRET), json), SECRET)).toStrictEqual(near('signed_json'));
  });

  it('the received signature is read in any spelling (padding, standard alphabet)', () => {
    const sig = mac(json, SECRET, 'base64');
    expect(sig).toMatch(/=$/);
    expect(diagnoseMismatch(parts(sig, json), SECRET)).toStrictEqual(near('signed_json'));
    for (let i = 0; i < 200; i++) {
      const j = JSON.stringify({ algorithm: 'HMAC-SHA256', n: i });
      const std = mac(j, SECRET, 'base64');
      if (!/\+/.test(std) || !/\//.test(std)) continue;
      expect(diagnoseMismatch(parts(std, j), SECRET)).toStrictEqual(near('signed_json'));
      return;
    }
    throw new Error('no signature with + or /');
  });

  it('a hex signature, in either case, alone or with another mistake', () => {
    expect(diagnoseMismatch(parts(mac(seg, SECRET, 'hex'), json), SECRET)).toStrictEqual(near('hex_signature'));
    expect(diagnoseMismatch(parts(mac(seg, SECRET, 'hex').toUpperCase(), json), SECRET)).toStrictEqual(near('hex_signature'));
    expect(diagnoseMismatch(parts(mac(json, SECRET, 'hex'), json), `${SECRET} `)).toStrictEqual(near('secret_whitespace', 'signed_json', 'hex_signature'));
    // 63 or 65 hex characters are not a hex signature.
    expect(diagnoseMismatch(parts(mac(seg, SECRET, 'hex').slice(1), json), SECRET)).toBeUndefined();
    expect(diagnoseMismatch(parts(mac(seg, SECRET, 'hex') + '0', json), SECRET)).toBeUndefined();
  });

  it('two mistakes at once: secret fix first, then segment fix', () => {
    expect(diagnoseMismatch(parts(mac(seg + '==', SECRET), json), `1|${SECRET}`)).toStrictEqual(near('app_token_as_secret', 'padding_added'));
  });

  it('a signature that already matches names no correction', () => {
    expect(diagnoseMismatch(parts(mac(seg, SECRET), json), SECRET)).toBeUndefined();
    // A segment with neither alphabet's special characters, and one a multiple of 4 long (no padding to add).
    const plain = payloadWith(0, false);
    expect(b64url(plain)).toMatch(/^[A-Za-z0-9]+$/);
    expect(diagnoseMismatch(parts(mac(b64url(plain), SECRET), plain), SECRET)).toBeUndefined();
  });

  it('a segment a multiple of 4 long is not tried with padding added', () => {
    const plain = payloadWith(0, false);
    expect(diagnoseMismatch(parts(mac(`${b64url(plain)}====`, SECRET), plain), SECRET)).toBeUndefined();
    expect(diagnoseMismatch(parts(mac(`${b64url(plain)}=`, SECRET), plain), SECRET)).toBeUndefined();
  });
});

describe('diagnoseMismatch: remarks on the secret that cannot be confirmed (matched: false)', () => {
  const json = JSON.stringify({ algorithm: 'HMAC-SHA256', app_id: '4321' });
  const p = parts(mac(b64url(json), 'x'.repeat(32)), json);
  const APP_ID = { code: 'app_id_as_secret', matched: false, message: 'the secret looks like an app id, not an App Secret: use the App Secret (App Dashboard → Settings → Basic, 32 hex characters)' };
  const TOKEN = { code: 'access_token_as_secret', matched: false, message: 'the secret looks like a user or page access token (EAA…), not the App Secret (App Dashboard → Settings → Basic)' };
  const shape = (n: number) => ({ code: 'secret_shape', matched: false, message: `the secret is ${n} characters long, while Facebook App Secrets are 32 hex characters` });

  it('an app id: 5 to 20 digits, or the payload app_id', () => {
    expect(diagnoseMismatch(p, '12345')).toStrictEqual(APP_ID);
    expect(diagnoseMismatch(p, ' 12345678901234567890 ')).toStrictEqual(APP_ID);
    expect(diagnoseMismatch(p, '4321')).toStrictEqual(APP_ID);
    expect(diagnoseMismatch(p, '1234')).toStrictEqual(shape(4));
    expect(diagnoseMismatch(p, '123456789012345678901')).toStrictEqual(shape(21));
    expect(diagnoseMismatch(p, 'a12345')).toStrictEqual(shape(6));
    expect(diagnoseMismatch(p, '12345a')).toStrictEqual(shape(6));
    const noAppId = parts(p.signature, '{"algorithm":"HMAC-SHA256"}');
    expect(diagnoseMismatch(noAppId, 'undefined')).toStrictEqual(shape(9));
  });

  it('an access token: EAA and 20 or more letters or digits', () => {
    expect(diagnoseMismatch(p, `EAA${'b'.repeat(20)}`)).toStrictEqual(TOKEN);
    expect(diagnoseMismatch(p, `EAA${'b'.repeat(19)}`)).toStrictEqual(shape(22));
    expect(diagnoseMismatch(p, `xEAA${'b'.repeat(20)}`)).toStrictEqual(shape(24));
    expect(diagnoseMismatch(p, `EAA${'b'.repeat(20)}!`)).toStrictEqual(shape(24));
  });

  it('anything but 32 hex characters has the wrong shape; 32 hex characters get no remark', () => {
    expect(diagnoseMismatch(p, 'a'.repeat(32))).toBeUndefined();
    expect(diagnoseMismatch(p, 'ABCDEF0123456789abcdef0123456789')).toBeUndefined();
    expect(diagnoseMismatch(p, ` ${'a'.repeat(32)} `)).toBeUndefined();
    expect(diagnoseMismatch(p, 'a'.repeat(31))).toStrictEqual(shape(31));
    expect(diagnoseMismatch(p, 'a'.repeat(33))).toStrictEqual(shape(33));
    expect(diagnoseMismatch(p, `g${'a'.repeat(31)}`)).toStrictEqual(shape(32));
    expect(diagnoseMismatch(p, `${'a'.repeat(31)}g`)).toStrictEqual(shape(32));
  });
});
