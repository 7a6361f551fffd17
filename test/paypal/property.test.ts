import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { FbpayError } from '../../src/core/errors.js';
import { parseHeaders } from '../../src/core/paypal/headers.js';
import { paypalCrc32, paypalSignedString } from '../../src/core/paypal/signed-string.js';
import { signPaypalWebhook } from '../../src/core/paypal/sign.js';
import { verifyPaypalWebhook } from '../../src/core/paypal/verify.js';
import { checkCertUrl } from '../../src/core/paypal/cert-policy.js';
import { paypalEventInfo } from '../../src/core/paypal/subscription.js';
import { testPair } from './helpers.js';

const now = Math.floor(Date.now() / 1000);
const certUrl = 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-x';
const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);

async function onlyFbpayErrors(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof FbpayError)) throw e;
  }
}

describe('PayPal properties', () => {
  it('crc32 is the unsigned zlib value and the signed string has four |-separated fields', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), idArb, idArb, (body, tid, wid) => {
        const crc = paypalCrc32(body);
        expect(crc).toBe(crc32(body) >>> 0);
        expect(crc).toBeGreaterThanOrEqual(0);
        expect(crc).toBeLessThan(2 ** 32);
        const { signedString } = paypalSignedString({ transmissionId: tid, transmissionTime: '2024-01-01T00:00:00Z', webhookId: wid, body });
        expect(signedString.split('|')).toEqual([tid, '2024-01-01T00:00:00Z', wid, String(crc)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('sign → verify round-trips for arbitrary bodies and ids; any single-byte change of the body fails', async () => {
    const { keyPem, certPem } = testPair();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), idArb, idArb, fc.nat(), fc.integer({ min: 1, max: 255 }), async (body, wid, tid, pos, delta) => {
        const s = signPaypalWebhook({ body, webhookId: wid, key: keyPem, certUrl, transmissionId: tid, now: () => now });
        const ok = await verifyPaypalWebhook(body, s.headers, { webhookId: wid, certPem, now, diagnose: false });
        expect(ok.valid).toBe(true);
        const tampered = Buffer.from(body);
        tampered[pos % tampered.length] = (tampered[pos % tampered.length] + delta) & 0xff;
        const bad = await verifyPaypalWebhook(tampered, s.headers, { webhookId: wid, certPem, now, diagnose: false });
        expect(bad.valid).toBe(false);
        expect(bad.checks.find((c) => c.check === 'signature')!.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    // Three RSA operations a run: on a busy 2-core CI box this is slow, not stuck.
  }, 120_000);

  it('changing one character of any signed header or the webhook id fails the signature', async () => {
    const { keyPem, certPem } = testPair();
    const body = Buffer.from('{"id":"WH-1","event_type":"X"}');
    const s = signPaypalWebhook({ body, webhookId: 'WID123', key: keyPem, certUrl, transmissionId: 'abc-123', now: () => now });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('PAYPAL-TRANSMISSION-ID', 'PAYPAL-TRANSMISSION-SIG', 'webhook'), fc.nat(), fc.integer({ min: 1, max: 25 }), async (which, pos, delta) => {
        const headers: Record<string, string> = { ...s.headers };
        let webhookId = 'WID123';
        const bump = (v: string) => {
          const i = pos % v.length;
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-';
          const c = alphabet[(alphabet.indexOf(v[i]) + delta) % alphabet.length];
          return v.slice(0, i) + (c === v[i] ? alphabet[(alphabet.indexOf(c) + 1) % alphabet.length] : c) + v.slice(i + 1);
        };
        if (which === 'webhook') webhookId = bump(webhookId);
        else if (which === 'PAYPAL-TRANSMISSION-SIG') {
          // change a byte of the decoded signature, so base64 padding bits cannot hide the change
          const sig = Buffer.from(headers[which], 'base64');
          sig[pos % sig.length] ^= delta;
          headers[which] = sig.toString('base64');
        } else headers[which] = bump(headers[which]);
        const r = await verifyPaypalWebhook(body, headers, { webhookId, certPem, now, diagnose: false });
        expect(r.valid).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary headers input only ever throws FbpayError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' }), fc.array(fc.tuple(fc.string(), fc.string())).map((a) => a.map(([k, v]) => `${k}: ${v}`).join('\n'))), (text) => {
        try {
          const h = parseHeaders(text);
          // names are lower-cased, except when one name came twice in different case: both spellings are kept (the verifier warns and names them)
          const keys = Object.keys(h);
          for (const k of keys) if (k !== k.toLowerCase()) expect(keys.some((o) => o !== k && o.toLowerCase() === k.toLowerCase()), k).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(FbpayError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary headers and bodies given to the verifier only ever throw FbpayError, and never verify', async () => {
    const { certPem } = testPair();
    const headerArb = fc.record(
      {
        'paypal-transmission-id': fc.string(),
        'paypal-transmission-time': fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
        'paypal-transmission-sig': fc.oneof(fc.string(), fc.base64String()),
        'paypal-cert-url': fc.oneof(fc.string(), fc.webUrl(), fc.constant(certUrl)),
        'paypal-auth-algo': fc.oneof(fc.string(), fc.constant('SHA256withRSA')),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(headerArb, fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.json()), fc.boolean(), async (headers, body, explicit) => {
        await onlyFbpayErrors(async () => {
          const r = await verifyPaypalWebhook(body, headers, { webhookId: 'W', now, ...(explicit ? { certPem } : { loadCert: async () => certPem }) });
          expect(r.valid).toBe(false);
          for (const c of r.checks) expect(typeof c.detail).toBe('string');
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('the certificate URL policy admits exactly https on a PayPal host, default port, no credentials', () => {
    const hosts = ['api.paypal.com', 'api.sandbox.paypal.com', 'api-m.paypal.com', 'api-m.sandbox.paypal.com'];
    // URLs around PayPal's certificate hosts: lookalikes, other schemes, ports, credentials, case.
    const host = fc.oneof(
      { arbitrary: fc.constantFrom(...hosts), weight: 4 },
      fc.constantFrom(...hosts).map((h) => h.toUpperCase()),
      fc.constantFrom(...hosts).chain((h) => fc.constantFrom(`${h}.evil.example`, `evil${h}`, `x.${h}`, h.replace('paypal', 'paypa1'), `${h}:443`, `${h}:8443`)),
      fc.domain(),
    );
    const url = fc
      .tuple(fc.constantFrom('https', 'https', 'https', 'http', 'ftp'), fc.constantFrom('', '', '', 'user@', 'user:pw@'), host, fc.webPath(), fc.constantFrom('', '?a=1', '#f'))
      .map(([scheme, cred, h, path, tail]) => `${scheme}://${cred}${h}${path}${tail}`);
    const counts = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(fc.oneof({ arbitrary: url, weight: 4 }, fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string()), (text) => {
        const v = checkCertUrl(text);
        let u: URL | undefined;
        try {
          u = new URL(text);
        } catch {
          u = undefined;
        }
        const admissible = !!u && u.protocol === 'https:' && hosts.includes(u.hostname) && (u.port === '' || u.port === '443') && !u.username && !u.password;
        expect(v.ok, text).toBe(admissible);
        expect(typeof v.detail).toBe('string');
        counts[v.ok ? 'ok' : 'refused']++;
      }),
      { numRuns: 3000 },
    );
    // both branches really ran (about 1 sample in 5 is admissible)
    expect(counts.ok).toBeGreaterThanOrEqual((counts.ok + counts.refused) / 20);
    expect(counts.refused).toBeGreaterThanOrEqual((counts.ok + counts.refused) / 2);
  });

  it('event info never throws', () => {
    fc.assert(fc.property(fc.oneof(fc.json(), fc.string(), fc.uint8Array()), (b) => void paypalEventInfo(b)), { numRuns: 2000 });
  });
});
