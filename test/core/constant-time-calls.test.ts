import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHmac } from 'node:crypto';

/**
 * Every verifier decides through safeEqual (src/core/safe-equal.ts, crypto.timingSafeEqual), observed
 * at run time: safeEqual is replaced by a spy that calls the real one, and each verifier must (1) call
 * it with the computed and the given signature, and (2) answer what safeEqual answers — forced to say
 * "no", a genuine signature is refused; forced to say "yes", a forged one is accepted. A verifier that
 * compared with `===` (or anything else) would fail (2). The source lint is test/hardening/constant-time.test.ts.
 */
const calls = vi.hoisted(() => ({ forced: undefined as boolean | undefined, seen: [] as Array<[Buffer, Buffer]> }));
vi.mock('../../src/core/safe-equal.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/safe-equal.js')>();
  const bytes = (v: string | Uint8Array) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v));
  return {
    safeEqual: (a: string | Uint8Array, b: string | Uint8Array) => {
      calls.seen.push([bytes(a), bytes(b)]);
      const answer = real.safeEqual(a, b);
      return calls.forced ?? answer;
    },
  };
});

const { verifyHubSignature, hubSignature } = await import('../../src/core/facebook/hub-signature.js');
const { decodeSignedRequest, signSignedRequest } = await import('../../src/core/facebook/signed-request.js');
const { appsecretProof, verifyAppsecretProof } = await import('../../src/core/facebook/appsecret-proof.js');
const { midasSign, midasVerify } = await import('../../src/core/midas/signature.js');
const { createReceiver } = await import('../../src/providers/facebook/webhook-adapter.js');

afterEach(() => {
  calls.forced = undefined;
  calls.seen = [];
});

/** Runs `check` three ways and returns its answers: as is, with safeEqual forced to false, forced to true. */
function answers<T>(check: () => T): { real: T; forcedNo: T; forcedYes: T } {
  calls.forced = undefined;
  const real = check();
  calls.forced = false;
  const forcedNo = check();
  calls.forced = true;
  const forcedYes = check();
  calls.forced = undefined;
  return { real, forcedNo, forcedYes };
}

/** The comparison of `computed` against `given` was made through safeEqual (in either argument order, as bytes or text). */
function expectCompared(computed: Buffer, given: Buffer): void {
  const hit = calls.seen.some(([a, b]) => (a.equals(computed) && b.equals(given)) || (a.equals(given) && b.equals(computed)));
  expect(hit, `safeEqual(${computed.toString('hex')}, ${given.toString('hex')}) was not called`).toBe(true);
}

const body = Buffer.from('{"object":"payments","entry":[{"id":"1","time":1700000000,"changed_fields":["actions"]}]}');

describe('every verifier decides through safeEqual', () => {
  it.each(['sha256', 'sha1'] as const)('verifyHubSignature (X-Hub-Signature, %s)', (algorithm) => {
    const header = hubSignature(body, 's3cret', algorithm);
    const hex = createHmac(algorithm, 's3cret').update(body).digest('hex');
    expect(header).toBe(`${algorithm}=${hex}`);
    const genuine = answers(() => verifyHubSignature(body, header, 's3cret').valid);
    expect(genuine).toEqual({ real: true, forcedNo: false, forcedYes: true });
    expectCompared(Buffer.from(hex), Buffer.from(hex));
    const forged = answers(() => verifyHubSignature(body, `${algorithm}=${'0'.repeat(hex.length)}`, 's3cret').valid);
    expect(forged).toEqual({ real: false, forcedNo: false, forcedYes: true });
    expectCompared(Buffer.from(hex), Buffer.from('0'.repeat(hex.length)));
  });

  it('decodeSignedRequest (signed_request HMAC-SHA256)', () => {
    const sr = signSignedRequest({ algorithm: 'HMAC-SHA256', user_id: '1' }, 's3cret');
    const [sig, segment] = sr.split('.');
    const mac = createHmac('sha256', 's3cret').update(segment).digest();
    const genuine = answers(() => decodeSignedRequest(sr, 's3cret', { now: 1_700_000_000 }).valid);
    expect(genuine).toEqual({ real: true, forcedNo: false, forcedYes: true });
    expectCompared(mac, Buffer.from(sig, 'base64url'));
    const forgedSig = 'A'.repeat(43);
    const forged = answers(() => decodeSignedRequest(`${forgedSig}.${segment}`, 's3cret', { now: 1_700_000_000 }).valid);
    expect(forged).toEqual({ real: false, forcedNo: false, forcedYes: true });
    expectCompared(mac, Buffer.alloc(32));
  });

  it('verifyAppsecretProof (appsecret_proof)', () => {
    const proof = appsecretProof('token', 's3cret');
    expect(answers(() => verifyAppsecretProof(proof, 'token', 's3cret'))).toEqual({ real: true, forcedNo: false, forcedYes: true });
    expectCompared(Buffer.from(proof), Buffer.from(proof));
    expect(answers(() => verifyAppsecretProof('f'.repeat(64), 'token', 's3cret'))).toEqual({ real: false, forcedNo: false, forcedYes: true });
    expectCompared(Buffer.from(proof), Buffer.from('f'.repeat(64)));
  });

  it('midasVerify (OpenAPI v3 and callback rules)', () => {
    const params = { openid: 'A1', appid: '600', ts: '1700000000', amt: '80' };
    for (const rule of ['openapi', 'callback'] as const) {
      const s = midasSign({ method: 'GET', path: '/cb', params, appkey: 'k', rule });
      const check = (sig: string) => () => midasVerify({ method: 'GET', path: '/cb', params, sig, appkey: 'k', rules: [rule], now: 1_700_000_000 }).signature_ok;
      expect(answers(check(s.sig))).toEqual({ real: true, forcedNo: false, forcedYes: true });
      expectCompared(Buffer.from(s.sig), Buffer.from(s.sig));
      expect(answers(check('AAAAAAAAAAAAAAAAAAAAAAAAAAA='))).toEqual({ real: false, forcedNo: false, forcedYes: true });
      expectCompared(Buffer.from(s.sig), Buffer.from('AAAAAAAAAAAAAAAAAAAAAAAAAAA='));
    }
  });

  it('the webhook receiver’s hub.verify_token check', () => {
    const receiver = createReceiver({ secret: 's3cret', verifyToken: 'tok-123' });
    const ask = (token: string) => () => receiver.handshake!({ method: 'GET', path: '/', rawQuery: `hub.mode=subscribe&hub.challenge=42&hub.verify_token=${token}`, headers: {}, body: Buffer.alloc(0), receivedAt: new Date() })?.status;
    expect(answers(ask('tok-123'))).toEqual({ real: 200, forcedNo: 403, forcedYes: 200 });
    expectCompared(Buffer.from('tok-123'), Buffer.from('tok-123'));
    expect(answers(ask('tok-999'))).toEqual({ real: 403, forcedNo: 403, forcedYes: 200 });
    expectCompared(Buffer.from('tok-999'), Buffer.from('tok-123'));
  });
});
