import { describe, expect, it } from 'vitest';
import { paypalCrc32 } from '../../../src/core/paypal/signed-string.js';
import { DEFAULT_FUTURE_SKEW_SECONDS, DEFAULT_MAX_AGE_SECONDS, verifyPaypalWebhook, type PaypalVerifyOptions, type PaypalVerifyResult } from '../../../src/core/paypal/verify.js';
import { anchors, headersFor, keys, leafPem, NOW, sigOver, TID, TIME } from './world.js';

/** The checks before and around the signature: headers, algorithm, transmission time, signature encoding. */
const BODY = '{"id":"WH-EVT-2","event_type":"BILLING.SUBSCRIPTION.ACTIVATED","resource":{"id":"I-SUB"}}';
const check = (r: PaypalVerifyResult, name: string) => r.checks.find((c) => c.check === name);
const failed = (r: PaypalVerifyResult) => r.checks.filter((c) => !c.ok).map((c) => c.check);
const opts = (o: Partial<PaypalVerifyOptions> = {}): PaypalVerifyOptions => ({ webhookId: 'WH-HOOK', now: NOW, anchors, certPem: leafPem, ...o });
const verify = (headers: Record<string, string | undefined>, o: Partial<PaypalVerifyOptions> = {}, body: string | Uint8Array = BODY) => verifyPaypalWebhook(body, headers, opts(o));

describe('headers', () => {
  it('missing headers are named in upper case, and the signed string is still built when id and time are there', async () => {
    const h = headersFor(BODY);
    const r = await verify({ ...h, 'PAYPAL-TRANSMISSION-SIG': undefined, 'PAYPAL-AUTH-ALGO': '  ' }, { certPem: undefined, loadCert: async () => leafPem });
    expect(r.checks).toEqual([{ check: 'headers', ok: false, detail: 'missing PAYPAL-TRANSMISSION-SIG, PAYPAL-AUTH-ALGO' }]);
    expect(r.signedString).toBe(`${TID}|${TIME}|WH-HOOK|${paypalCrc32(BODY)}`);
    expect(r.valid).toBe(false);
    const noTime = await verify({ ...h, 'PAYPAL-TRANSMISSION-TIME': undefined });
    expect(noTime.signedString).toBeUndefined();
    expect(noTime.checks).toEqual([{ check: 'headers', ok: false, detail: 'missing PAYPAL-TRANSMISSION-TIME' }]);
    const noId = await verify({ ...h, 'PAYPAL-TRANSMISSION-ID': '' });
    expect(noId.signedString).toBeUndefined();
  });

  it('with --cert a missing PAYPAL-CERT-URL is an ok check with a warning', async () => {
    const { 'PAYPAL-CERT-URL': _u, ...h } = headersFor(BODY);
    const r = await verify(h);
    expect(r.valid).toBe(true);
    expect(check(r, 'headers')).toEqual({ check: 'headers', ok: true, warning: true, detail: 'PAYPAL-CERT-URL missing (not needed: using --cert); PayPal always sends it' });
    expect(check(r, 'cert_url')).toEqual({ check: 'cert_url', ok: true, detail: 'not fetched: using --cert', warning: undefined });
    expect(check(r, 'cert_url')!.warning).toBeUndefined();
    // Without --cert the URL is required.
    const f = await verify(h, { certPem: undefined, loadCert: async () => leafPem });
    expect(f.checks).toEqual([{ check: 'headers', ok: false, detail: 'missing PAYPAL-CERT-URL' }]);
  });

  it('a PAYPAL-* header given twice in different case: warned, naming both spellings and the one used', async () => {
    const h = headersFor(BODY);
    const r = await verify({ ...h, 'paypal-transmission-id': 'other-id', Host: 'a', host: 'b', 'Paypal-Auth-Algo': undefined });
    expect(r.duplicateHeaders).toEqual([{ header: 'paypal-transmission-id', names: ['PAYPAL-TRANSMISSION-ID', 'paypal-transmission-id'], used: 'paypal-transmission-id' }]);
    expect(check(r, 'headers')).toEqual({
      check: 'headers',
      ok: true,
      warning: true,
      detail: 'all PAYPAL-* headers present; PAYPAL-TRANSMISSION-ID given 2 times ("PAYPAL-TRANSMISSION-ID", "paypal-transmission-id"): used "paypal-transmission-id"',
    });
    // The value used is the last one: it is not the one signed.
    expect(r.transmission.transmissionId).toBe('other-id');
    expect(failed(r)).toEqual(['signature']);
    // When a header is missing, the failure stays the only message.
    const m = await verify({ ...h, 'paypal-transmission-id': 'x', 'PAYPAL-AUTH-ALGO': undefined });
    expect(m.checks).toEqual([{ check: 'headers', ok: false, detail: 'missing PAYPAL-AUTH-ALGO' }]);
    expect(m.duplicateHeaders).toHaveLength(1);
    // Two names given twice: each is reported, separated by "; ".
    const two = await verify({ ...h, 'paypal-transmission-id': TID, 'Paypal-Cert-Url': h['PAYPAL-CERT-URL'] });
    expect(check(two, 'headers')!.detail).toBe(
      'all PAYPAL-* headers present; PAYPAL-TRANSMISSION-ID given 2 times ("PAYPAL-TRANSMISSION-ID", "paypal-transmission-id"): used "paypal-transmission-id"; PAYPAL-CERT-URL given 2 times ("PAYPAL-CERT-URL", "Paypal-Cert-Url"): used "Paypal-Cert-Url"',
    );
    expect(two.valid).toBe(true);
  });
});

describe('algorithm', () => {
  it('SHA256withRSA in any case and with spaces; anything else fails, and the signature is then not checked', async () => {
    const h = headersFor(BODY);
    for (const algo of ['sha256withrsa', ' SHA256WITHRSA ']) expect((await verify({ ...h, 'PAYPAL-AUTH-ALGO': algo })).valid, algo).toBe(true);
    for (const algo of ['SHA1withRSA', 'xSHA256withRSA', 'SHA256withRSAx', 'SHA256withRSA\nSHA1withRSA']) {
      const r = await verify({ ...h, 'PAYPAL-AUTH-ALGO': algo });
      expect(failed(r), algo).toEqual(['auth_algo', 'signature']);
      expect(check(r, 'signature')!.detail).toBe('not checked: unsupported algorithm');
    }
    const long = 'A'.repeat(60);
    expect(check(await verify({ ...h, 'PAYPAL-AUTH-ALGO': long }), 'auth_algo')!.detail).toBe(`unsupported PAYPAL-AUTH-ALGO "${'A'.repeat(40)}" (PayPal signs SHA256withRSA)`);
  });
});

describe('transmission time', () => {
  const at = (time: string, o: Partial<PaypalVerifyOptions> = {}) => verify(headersFor(BODY, { time }), o);
  const iso = (unix: number) => new Date(unix * 1000).toISOString().replace('.000Z', 'Z');

  it('the defaults are four days back and five minutes ahead', () => {
    expect(DEFAULT_MAX_AGE_SECONDS).toBe(345_600);
    expect(DEFAULT_FUTURE_SKEW_SECONDS).toBe(300);
  });

  it('ahead: up to the skew passes, one second more fails with the number of seconds', async () => {
    const ok = await at(iso(NOW + 300));
    expect(ok.valid).toBe(true);
    expect(check(ok, 'transmission_time')!.detail).toBe(`${iso(NOW + 300)} (5 min ahead)`);
    const bad = await at(iso(NOW + 301));
    expect(check(bad, 'transmission_time')).toEqual({ check: 'transmission_time', ok: false, detail: `${iso(NOW + 301)} is 301 s in the future (now 2027-01-15T08:00:00Z)` });
    expect(bad.valid).toBe(false);
    expect(failed(await at(iso(NOW + 11), { futureSkewSeconds: 10 }))).toEqual(['transmission_time']);
    expect(failed(await at(iso(NOW + 10), { futureSkewSeconds: 10 }))).toEqual([]);
  });

  it('old: up to the limit passes, one second more is a replay; 0 disables the limit', async () => {
    const limit = await at(iso(NOW - 345_600));
    expect(failed(limit)).toEqual([]);
    expect(check(limit, 'transmission_time')!.detail).toBe(`${iso(NOW - 345_600)} (4 days ago)`);
    const stale = await at(iso(NOW - 345_601));
    expect(check(stale, 'transmission_time')).toEqual({
      check: 'transmission_time',
      ok: false,
      detail: `${iso(NOW - 345_601)} is 4 days old (limit 4 days); a replay, or a historical delivery that needs --now`,
    });
    expect(stale.valid).toBe(false);
    expect(failed(await at(iso(NOW - 61), { maxAgeSeconds: 60 }))).toEqual(['transmission_time']);
    expect(check(await at(iso(NOW - 61), { maxAgeSeconds: 60 }), 'transmission_time')!.detail).toContain('is 61 s old (limit 60 s)');
    expect(failed(await at(iso(NOW - 10 * 86_400), { maxAgeSeconds: 0 }))).toEqual([]);
  });

  it('ages are printed in s, min, h or days', async () => {
    const age = async (s: number) => check(await at(iso(NOW - s), { maxAgeSeconds: 0 }), 'transmission_time')!.detail.replace(/^\S+ /, '');
    expect(await age(0)).toBe('(0 s ago)');
    expect(await age(119)).toBe('(119 s ago)');
    expect(await age(120)).toBe('(2 min ago)');
    expect(await age(7199)).toBe('(120 min ago)');
    expect(await age(7200)).toBe('(2 h ago)');
    expect(await age(172_799)).toBe('(48 h ago)');
    expect(await age(172_800)).toBe('(2 days ago)');
    expect(await age(5 * 86_400 + 12 * 3600)).toBe('(6 days ago)');
  });

  it('not an ISO time: refused, quoting at most 40 characters', async () => {
    for (const t of ['+002027-01-15T07:59:00Z', '1800000000', 'Fri, 15 Jan 2027 07:59:00 GMT', '2027-01-15T99:00:00Z', 'x2027-01-15T07:59:00Z']) {
      const r = await at(t);
      expect(check(r, 'transmission_time'), t).toEqual({ check: 'transmission_time', ok: false, detail: `PAYPAL-TRANSMISSION-TIME is not an ISO time: "${t}"` });
      expect(r.valid).toBe(false);
    }
    const long = '2027-01-15T' + 'x'.repeat(60);
    expect(check(await at(long), 'transmission_time')!.detail).toBe(`PAYPAL-TRANSMISSION-TIME is not an ISO time: "${long.slice(0, 40)}"`);
  });

  it('now as a clock function, and the real clock by default', async () => {
    expect((await at(iso(NOW), { now: () => NOW })).valid).toBe(true);
    expect(failed(await at(iso(NOW), { now: () => NOW + 345_601 }))).toContain('transmission_time');
    // Default clock: a delivery signed now is fresh; one stamped NOW (2027) is not (the leaf's validity also fails).
    const real = Math.floor(Date.now() / 1000);
    const r = await verify(headersFor(BODY, { time: iso(real) }), { now: undefined, maxAgeSeconds: 60, futureSkewSeconds: 60 });
    expect(check(r, 'transmission_time')!.ok).toBe(true);
  });
});

describe('signature', () => {
  const h = headersFor(BODY);
  const sigHeader = (sig: string) => ({ ...h, 'PAYPAL-TRANSMISSION-SIG': sig });

  it('surrounding whitespace in the header is tolerated', async () => {
    expect((await verify(sigHeader(` ${h['PAYPAL-TRANSMISSION-SIG']}\t`))).valid).toBe(true);
  });

  it('not base64: said so, instead of "does not verify"', async () => {
    for (const sig of ['!AAAAAAA', 'not base64!', 'AAAAA', 'AA==A', 'AAA===', 'A'.repeat(4100), `${h['PAYPAL-TRANSMISSION-SIG']}x`.slice(0, 4097)]) {
      const r = await verify(sigHeader(sig));
      expect(check(r, 'signature'), sig.slice(0, 20)).toEqual({ check: 'signature', ok: false, detail: 'PAYPAL-TRANSMISSION-SIG is not base64' });
    }
    // Base64 that is simply wrong: the signature does not verify.
    for (const sig of ['AAAA', 'AA==', 'AAA=', 'A'.repeat(4096)]) {
      const r = await verify(sigHeader(sig), { diagnose: false });
      expect(check(r, 'signature')!.detail, sig.slice(0, 20)).toBe(`does not verify over ${r.signedString}`);
    }
  });

  it('an unsupported algorithm with a malformed signature reports the malformed signature', async () => {
    const r = await verify({ ...sigHeader('%%%'), 'PAYPAL-AUTH-ALGO': 'SHA1withRSA' });
    expect(check(r, 'signature')!.detail).toBe('PAYPAL-TRANSMISSION-SIG is not base64');
  });

  it('a body given as a Uint8Array window into a larger buffer is verified over exactly its bytes', async () => {
    const big = Buffer.from(`XXXX${BODY}YYYY`);
    const view = new Uint8Array(big.buffer, big.byteOffset + 4, Buffer.byteLength(BODY));
    const r = await verify(h, {}, view);
    expect(r.valid).toBe(true);
    expect(r.crc).toBe(paypalCrc32(BODY));
  });

  it('the signed string is RSA-SHA256 with the leaf key, not any key', async () => {
    const r = await verify({ ...h, 'PAYPAL-TRANSMISSION-SIG': sigOver(`${TID}|${TIME}|WH-HOOK|${paypalCrc32(BODY)}`, keys.attacker) });
    expect(failed(r)).toEqual(['signature']);
    expect(r.valid).toBe(false);
    expect('trust' in r).toBe(false);
  });
});
