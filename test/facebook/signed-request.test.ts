import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { readVector } from '../helpers/vectors.js';
import { decodeSignedRequest, parseSignedRequest, signSignedRequest, signatureMatches } from '../../src/core/facebook/signed-request.js';
import { hubSignature, hubSignatureHeaders } from '../../src/core/facebook/hub-signature.js';
import { diagnoseMismatch } from '../../src/core/facebook/diagnose.js';
import { describePayload, payloadKind } from '../../src/core/facebook/payload-kind.js';
import { buildPreset, PRESET_NAMES } from '../../src/core/facebook/presets.js';
import { FbpayError, UsageError, VerificationError } from '../../src/core/errors.js';

const fb = readVector('facebook.json');

/** Independent signer used by the tests (not fbpay's): base64url of HMAC over the segment as given. */
function rawSign(segment: string, secret: string, encoding: 'base64url' | 'hex' = 'base64url'): string {
  return createHmac('sha256', secret).update(segment).digest(encoding);
}
const seg = (obj: unknown) => Buffer.from(JSON.stringify(obj)).toString('base64url');

describe('vectors: test/vectors/facebook.json signed_requests', () => {
  for (const v of fb.signed_requests as Array<{ name: string; secret: string; signed_request: string; payload: Record<string, unknown> }>) {
    it(`${v.name}: valid, payload exactly as published (types kept)`, () => {
      const r = decodeSignedRequest(v.signed_request, v.secret, { now: (v.payload.issued_at as number) + 10 });
      expect(r.valid).toBe(true);
      expect(r.error).toBeUndefined();
      expect(r.payload).toStrictEqual(v.payload);
      expect(r.algorithm).toBe('HMAC-SHA256');
      expect(r.issuedAt).toBe(v.payload.issued_at);
      expect(r.ageSeconds).toBe(10);
    });
    it(`${v.name}: the wrong secret fails with exit code 1`, () => {
      const r = decodeSignedRequest(v.signed_request, v.secret + 'x', { now: 0 });
      expect(r.valid).toBe(false);
      expect(r.error).toBeInstanceOf(VerificationError);
      expect(r.error!.code).toBe('signature_mismatch');
      expect(r.error!.exitCode).toBe(1);
    });
    it(`${v.name}: --max-age relative to issued_at`, () => {
      const at = v.payload.issued_at as number;
      expect(decodeSignedRequest(v.signed_request, v.secret, { now: at + 60, maxAge: 60 }).valid).toBe(true);
      const stale = decodeSignedRequest(v.signed_request, v.secret, { now: at + 61, maxAge: 60 });
      expect(stale.valid).toBe(false);
      expect(stale.error!.code).toBe('stale');
      const future = decodeSignedRequest(v.signed_request, v.secret, { now: at - 301 });
      expect(future.error!.code).toBe('issued_in_future');
      expect(decodeSignedRequest(v.signed_request, v.secret, { now: at - 300 }).valid).toBe(true);
    });
  }

  it('php-graph-sdk-padded: the HMAC covers the segment WITH its padding', () => {
    const v = fb.signed_requests.find((x: any) => x.name === 'php-graph-sdk-padded');
    const [sig, segment] = v.signed_request.split('.');
    expect(segment.endsWith('=')).toBe(true);
    const r = decodeSignedRequest(v.signed_request, v.secret, { now: 400 });
    expect(r.valid).toBe(true);
    expect(r.encoding.padded).toBe(true);
    // Stripping the padding changes the signed bytes: no longer valid, and the diagnosis says why.
    const stripped = decodeSignedRequest(`${sig}.${segment.replace(/=+$/, '')}`, v.secret, { now: 400 });
    expect(stripped.valid).toBe(false);
    expect(stripped.nearMiss?.code).toBe('padding_added');
    expect(stripped.nearMiss?.matched).toBe(true);
  });

  it('payments-lite-purchase: numbers stay numbers and strings stay strings', () => {
    const v = fb.signed_requests.find((x: any) => x.name === 'payments-lite-purchase');
    const r = decodeSignedRequest(v.signed_request, v.secret, { now: 1565186944 });
    expect(r.payload.amount).toBe('1.99');
    expect(r.payload.payment_id).toBe('1621702554627001');
    expect(r.payload.issued_at).toBe(1565186944);
    expect(r.kind).toBe('payments_lite_purchase');
    const d = describePayload(r.payload);
    expect(d.next.join('\n')).toMatch(/consume purchase_token 2365655713542659/);
    expect(d.next.join('\n')).toMatch(/--access-token "\$USER_TOKEN"/);
  });

  it('payments-lite-purchase: the secret came from an app token: giving the token as secret is diagnosed', () => {
    const v = fb.signed_requests.find((x: any) => x.name === 'payments-lite-purchase');
    const r = decodeSignedRequest(v.signed_request, `483436115748302|${v.secret}`, { now: 1565186944 });
    expect(r.valid).toBe(false);
    expect(r.nearMiss).toMatchObject({ code: 'app_token_as_secret', matched: true });
    expect(r.error!.hint).toMatch(/part after '\|'/);
    const id = decodeSignedRequest(v.signed_request, '483436115748302', { now: 1565186944 });
    expect(id.nearMiss).toMatchObject({ code: 'app_id_as_secret', matched: false });
  });

  it('koala-login is a login payload', () => {
    const v = fb.signed_requests.find((x: any) => x.name === 'koala-login');
    expect(payloadKind(v.payload)).toBe('login');
  });
});

describe('vectors: hub_signatures (X-Hub-Signature helpers)', () => {
  for (const v of fb.hub_signatures as Array<{ secret: string; body: string; x_hub_signature_256: string; x_hub_signature: string }>) {
    it(`${v.body}: sha256 and sha1 headers`, () => {
      expect(hubSignature(v.body, v.secret)).toBe(v.x_hub_signature_256);
      expect(hubSignature(v.body, v.secret, 'sha1')).toBe(v.x_hub_signature);
      expect(hubSignatureHeaders(Buffer.from(v.body), v.secret)).toEqual({ 'X-Hub-Signature': v.x_hub_signature, 'X-Hub-Signature-256': v.x_hub_signature_256 });
    });
  }
});

describe('decodeSignedRequest', () => {
  const secret = 'd25da68caa30b617e2b4e3990cb91e4e';
  const payload = { algorithm: 'HMAC-SHA256', issued_at: 1700000000, user_id: '42' };

  it('signs unpadded by default and padded on request; both verify', () => {
    const a = signSignedRequest(payload, secret);
    const b = signSignedRequest(payload, secret, { padded: true });
    expect(a).not.toMatch(/=/);
    expect(decodeSignedRequest(a, secret, { now: 1700000000 }).valid).toBe(true);
    expect(decodeSignedRequest(b, secret, { now: 1700000000 }).valid).toBe(true);
  });

  it('adds algorithm when missing', () => {
    const sr = signSignedRequest({ user_id: '1' }, secret);
    expect(decodeSignedRequest(sr, secret, { now: 0 }).payload.algorithm).toBe('HMAC-SHA256');
  });

  it('accepts the standard alphabet with a warning', () => {
    // Find a payload whose segment and signature contain - or _, then convert to + and /.
    for (let i = 0; i < 200; i++) {
      const s = seg({ ...payload, n: i, x: '>>>???' });
      const sig = rawSign(s, secret);
      if (!/[-_]/.test(s) || !/[-_]/.test(sig)) continue;
      const std = (x: string) => x.replace(/-/g, '+').replace(/_/g, '/');
      // The HMAC covers the segment as sent, so the signer signs the standard-alphabet segment.
      const stdSeg = std(s);
      const sr = `${std(rawSign(stdSeg, secret))}.${stdSeg}`;
      const r = decodeSignedRequest(sr, secret, { now: 1700000000 });
      expect(r.valid).toBe(true);
      expect(r.encoding.alphabet).toBe('standard');
      expect(r.warnings.join(' ')).toMatch(/standard base64 alphabet/);
      return;
    }
    throw new Error('no sample with - or _ found');
  });

  it('rejects other algorithms (exit 1) even when the HMAC matches', () => {
    for (const algorithm of ['HMAC-SHA1', 'none', 'hmac-sha256']) {
      const s = seg({ ...payload, algorithm });
      const r = decodeSignedRequest(`${rawSign(s, secret)}.${s}`, secret, { now: 1700000000 });
      expect(r.valid).toBe(false);
      expect(r.error!.code).toBe('wrong_algorithm');
      expect(r.error!.exitCode).toBe(1);
    }
    const s = seg({ issued_at: 1 });
    expect(decodeSignedRequest(`${rawSign(s, secret)}.${s}`, secret).error!.code).toBe('wrong_algorithm');
  });

  it('altered or truncated segments are invalid (exit 1), as the PHP SDK treats them', () => {
    for (const input of ['abc.eyJhIjox', 'abc.WzFd', 'abcd.bm90IGpzb24', 'abcd.A']) {
      const r = decodeSignedRequest(input, secret);
      expect(r.valid, input).toBe(false);
      expect(r.error?.code).toBe('signature_mismatch');
      expect(r.payloadDecoded).toBe(false);
    }
  });

  it('input that is not a signed_request at all is a UsageError (exit 2) with a hint', () => {
    const bad = ['', 'abc', 'a.b.c', '.eyJ9', 'abc.', 'a!b.eyJhIjoxfQ'];
    for (const input of bad) {
      try {
        decodeSignedRequest(input, secret);
        throw new Error(`no error for ${input}`);
      } catch (e) {
        expect(e, input).toBeInstanceOf(UsageError);
        expect((e as UsageError).code).toBe('malformed_signed_request');
        expect((e as UsageError).hint).toBeTruthy();
      }
    }
  });

  it('needs a secret unless verify: false, which never says valid', () => {
    const sr = signSignedRequest(payload, secret);
    expect(() => decodeSignedRequest(sr, undefined)).toThrow(/app secret is needed/);
    const r = decodeSignedRequest(sr, undefined, { verify: false });
    expect(r.valid).toBeNull();
    expect(r.warnings[0]).toMatch(/NOT VERIFIED/);
    expect(decodeSignedRequest(signSignedRequest(payload, 'other'), undefined, { verify: false }).valid).toBeNull();
  });

  it('--max-age without issued_at fails', () => {
    const sr = signSignedRequest({ algorithm: 'HMAC-SHA256', user_id: '1' }, secret);
    expect(decodeSignedRequest(sr, secret, { maxAge: 10 }).error!.code).toBe('no_issued_at');
    expect(decodeSignedRequest(sr, secret).valid).toBe(true);
  });

  it('a signature must match character for character (non-canonical last character refused)', () => {
    const sr = signSignedRequest(payload, secret);
    const [sig, s] = sr.split('.');
    expect(sig).toHaveLength(43);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig[42]);
    // Same top 4 bits, different low bits: decodes to the same 32 bytes.
    const twin = alphabet[(last & ~3) | ((last + 1) & 3)];
    expect(Buffer.from(sig.slice(0, 42) + twin, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
    expect(signatureMatches(sig.slice(0, 42) + twin, s, secret)).toBe(false);
    expect(signatureMatches(sig, s, secret)).toBe(true);
    expect(signatureMatches(sig + '=', s, secret)).toBe(true);
  });

  it('big integers are flagged (a JSON.parse reader would round them; fbpay prints payloadJson)', () => {
    const s = Buffer.from('{"algorithm":"HMAC-SHA256","payment_id":12345678901234567890}').toString('base64url');
    const r = decodeSignedRequest(`${rawSign(s, secret)}.${s}`, secret);
    expect(r.valid).toBe(true);
    expect(r.warnings.join(' ')).toMatch(/integers past 2\^53/);
    expect(r.inexactNumbers).toBe(true);
    expect(r.payloadJson).toContain('12345678901234567890');
  });

  it('surrounding whitespace is removed with a warning', () => {
    const sr = signSignedRequest(payload, secret);
    const r = decodeSignedRequest(` ${sr}\n`, secret, { now: 1700000000 });
    expect(r.valid).toBe(true);
    expect(r.warnings.join(' ')).toMatch(/whitespace/);
  });
});

describe('near-miss diagnosis', () => {
  const secret = 'd25da68caa30b617e2b4e3990cb91e4e';
  const body = { algorithm: 'HMAC-SHA256', issued_at: 1700000000, payment_id: '1', purchase_token: '2' };
  const s = seg(body);

  const diag = (sr: string, sec: string) => decodeSignedRequest(sr, sec, { now: 1700000000 }).nearMiss;

  it('secret with surrounding whitespace', () => {
    const sr = signSignedRequest(body, secret);
    expect(diag(sr, secret + '\n')).toMatchObject({ code: 'secret_whitespace', matched: true });
    expect(diag(sr, `  ${secret} `)?.message).toMatch(/whitespace/);
  });
  it('app token given as secret', () => {
    expect(diag(signSignedRequest(body, secret), `123456|${secret}`)).toMatchObject({ code: 'app_token_as_secret', matched: true });
  });
  it('app id given as secret (cannot match, still named)', () => {
    expect(diag(signSignedRequest(body, secret), '483436115748302')).toMatchObject({ code: 'app_id_as_secret', matched: false });
  });
  it('signature over the padded segment, sent unpadded', () => {
    const padded = Buffer.from(JSON.stringify(body)).toString('base64');
    expect(padded.endsWith('=')).toBe(true);
    const paddedUrl = padded.replace(/\+/g, '-').replace(/\//g, '_');
    expect(diag(`${rawSign(paddedUrl, secret)}.${s}`, secret)).toMatchObject({ code: 'padding_added', matched: true });
  });
  it('signature over the JSON text instead of the segment', () => {
    expect(diag(`${rawSign(JSON.stringify(body), secret)}.${s}`, secret)).toMatchObject({ code: 'signed_json', matched: true });
  });
  it('payload re-encoded after signing (spacing changed)', () => {
    const pretty = Buffer.from(JSON.stringify(body, null, 1)).toString('base64url');
    expect(diag(`${rawSign(s, secret)}.${pretty}`, secret)).toMatchObject({ code: 're_encoded', matched: true });
  });
  it('standard vs url alphabet', () => {
    for (let i = 0; i < 300; i++) {
      const b = { ...body, n: i, pad: '??>>' };
      const u = seg(b);
      if (!/[-_]/.test(u)) continue;
      const std = u.replace(/-/g, '+').replace(/_/g, '/');
      expect(diag(`${rawSign(std, secret)}.${u}`, secret)).toMatchObject({ code: 'alphabet_standard', matched: true });
      return;
    }
    throw new Error('no sample');
  });
  it('hex signature', () => {
    expect(diag(`${rawSign(s, secret, 'hex')}.${s}`, secret)).toMatchObject({ code: 'hex_signature', matched: true });
  });
  it('combined: app token with whitespace AND JSON signed', () => {
    const n = diag(`${rawSign(JSON.stringify(body), secret)}.${s}`, ` 1|${secret}`);
    expect(n?.matched).toBe(true);
    expect(n?.code).toMatch(/app_token_as_secret\+signed_json/);
  });
  it('nothing explains a plain wrong secret of the right shape', () => {
    expect(diagnoseMismatch({ signature: rawSign(s, 'x'.repeat(32)), segment: s, payload: body, json: JSON.stringify(body) }, 'a'.repeat(32))).toBeUndefined();
  });
});

describe('payload kinds and presets', () => {
  const now = 1700000000;
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return (seed - 1) / 2147483646;
  };
  it('each preset decodes as its kind, with Facebook types', () => {
    const kinds: Record<string, string> = {
      'lite-purchase': 'payments_lite_purchase',
      'pay-dialog': 'pay_dialog_purchase',
      'credits-get-items': 'credits_callback',
      'credits-status-update': 'credits_callback',
      login: 'login',
      deauthorize: 'app_callback',
      'data-deletion': 'app_callback',
      'instant-games-purchase': 'instant_games_purchase',
    };
    for (const name of PRESET_NAMES) {
      const p = buildPreset(name, { now, random });
      expect(p.issued_at).toBe(now);
      expect(p.algorithm).toBe('HMAC-SHA256');
      expect(payloadKind(p), name).toBe(kinds[name]);
      const r = decodeSignedRequest(signSignedRequest(p, 's'), 's', { now });
      expect(r.valid).toBe(true);
      expect(r.payload).toStrictEqual(p);
    }
  });
  it('lite-purchase has the real field set and types', () => {
    const p = buildPreset('lite-purchase', { now, random, appId: '483436115748302' });
    expect(Object.keys(p)).toEqual(['algorithm', 'amount', 'app_id', 'currency', 'issued_at', 'payment_id', 'product_id', 'purchase_time', 'purchase_token', 'quantity', 'request_id', 'status']);
    for (const k of ['amount', 'app_id', 'currency', 'payment_id', 'product_id', 'purchase_token', 'quantity', 'request_id', 'status']) expect(typeof p[k], k).toBe('string');
    for (const k of ['issued_at', 'purchase_time']) expect(Number.isInteger(p[k]), k).toBe(true);
    expect(p.app_id).toBe('483436115748302');
    expect(p.status).toBe('completed');
  });
  it('fresh ids each time', () => {
    const a = buildPreset('lite-purchase', { now });
    const b = buildPreset('lite-purchase', { now });
    expect(a.purchase_token).not.toBe(b.purchase_token);
  });
  it('next steps per kind', () => {
    expect(describePayload(buildPreset('pay-dialog', { now, random })).next.join(' ')).toMatch(/fbpay payment get \d+/);
    expect(describePayload(buildPreset('credits-get-items', { now, random })).label).toMatch(/payments_get_items/);
    expect(describePayload(buildPreset('credits-status-update', { now, random })).next.join(' ')).toMatch(/"status":"settled"/);
    expect(describePayload({ purchase_token: 't', status: 'failed' }).next.join(' ')).toMatch(/do not grant/);
  });
  it('errors are FbpayErrors', () => {
    expect(() => decodeSignedRequest('x', 's')).toThrow(FbpayError);
  });
});
