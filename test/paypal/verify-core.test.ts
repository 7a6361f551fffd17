import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { FbpayError } from '../../src/core/errors.js';
import { parseHeaders, readTransmission } from '../../src/core/paypal/headers.js';
import { paypalCrc32, paypalSignedString } from '../../src/core/paypal/signed-string.js';
import { checkCertUrl } from '../../src/core/paypal/cert-policy.js';
import { signPaypalWebhook, paypalTime } from '../../src/core/paypal/sign.js';
import { verifyPaypalWebhook, type PaypalVerifyResult } from '../../src/core/paypal/verify.js';
import { paypalEventInfo } from '../../src/core/paypal/subscription.js';
import { generateTestKeyPair } from '../../src/core/paypal/test-cert.js';
import { paypalTrustAnchors } from '../../src/core/paypal/ca/paypal-ca.js';
import { bodyOf, DIGICERT_CA, sdk, sim, testChain, testPair, timeOf } from './helpers.js';

const failed = (r: PaypalVerifyResult) => r.checks.filter((c) => !c.ok).map((c) => c.check);
const check = (r: PaypalVerifyResult, name: string) => r.checks.find((c) => c.check === name);

describe('PayPal vectors', () => {
  it.each(sdk.map((v) => [v.name, v] as const))('SDK delivery %s: crc, signed string, chain and signature verify at --now', async (_n, v) => {
    expect(paypalSignedString({ transmissionId: v.headers['paypal-transmission-id'], transmissionTime: v.headers['paypal-transmission-time'], webhookId: v.webhook_id, body: bodyOf(v) })).toEqual({
      crc: v.expect.crc,
      signedString: v.expect.signed_string,
    });
    const r = await verifyPaypalWebhook(bodyOf(v), v.headers, { webhookId: v.webhook_id, certPem: v.cert_pem, caPem: DIGICERT_CA, now: timeOf(v), strictChain: true });
    expect(failed(r)).toEqual([]);
    expect(r.valid).toBe(true);
    expect(check(r, 'cert_chain')!.detail).toContain('DigiCert SHA2 Extended Validation Server CA');
  });

  it('has all 20 simulator deliveries', () => expect(sim.deliveries).toHaveLength(20));

  it.each(sim.deliveries.map((d) => [d.name, d] as const))('simulator %s verifies with WEBHOOK_ID (cert fetched through the allow-list) and names its subscription', async (_n, d) => {
    const fetched: string[] = [];
    const r = await verifyPaypalWebhook(bodyOf(d), d.headers, {
      webhookId: 'WEBHOOK_ID',
      loadCert: async (url) => (fetched.push(url), sim.certs[url]),
      caPem: DIGICERT_CA,
      now: timeOf(d),
      strictChain: true,
    });
    expect(failed(r)).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.crc).toBe(d.expect.crc);
    expect(r.signedString).toBe(d.expect.signed_string);
    expect(fetched).toEqual([d.cert_url]);
    expect(r.event.eventType).toBe(d.event_type);
    if (d.event_type.startsWith('BILLING.SUBSCRIPTION.')) expect(r.event.subscriptionId).toMatch(/^I-/);
    if (d.event_type.startsWith('PAYMENT.SALE.')) {
      expect(r.event.subscriptionId).toBeUndefined();
      expect(r.event.note).toContain('simulator');
    }
  });

  it('a simulator delivery checked with a real webhook id fails and is diagnosed as a simulator delivery', async () => {
    const d = sim.deliveries[0];
    const r = await verifyPaypalWebhook(bodyOf(d), d.headers, { webhookId: '8PT597110X687430L', loadCert: async (u) => sim.certs[u], now: timeOf(d) });
    expect(r.valid).toBe(false);
    expect(failed(r)).toEqual(['signature']);
    expect(r.nearMisses.filter((m) => m.matches).map((m) => m.cause)).toEqual(['simulator_webhook_id']);
    expect(check(r, 'signature')!.detail).toContain('WEBHOOK_ID');
  });

  it('the event id passed as webhook id is named as such', async () => {
    const d = sim.deliveries[5];
    const eventId = JSON.parse(bodyOf(d).toString()).id as string;
    const r = await verifyPaypalWebhook(bodyOf(d), d.headers, { webhookId: eventId, loadCert: async (u) => sim.certs[u], now: timeOf(d) });
    expect(r.valid).toBe(false);
    expect(r.nearMisses.map((m) => m.cause)).toEqual(['simulator_webhook_id', 'event_id_as_webhook_id']);
    expect(r.nearMisses[1].detail).toContain('event id');
  });

  it('expiry: the 2024 leaf expired 2025-03-07, so verifying today without --now fails on validity (and freshness)', async () => {
    const d = sim.deliveries[0];
    const r = await verifyPaypalWebhook(bodyOf(d), d.headers, { webhookId: 'WEBHOOK_ID', loadCert: async (u) => sim.certs[u], caPem: DIGICERT_CA, now: Date.parse('2025-03-08T00:00:00Z') / 1000, maxAgeSeconds: 0 });
    expect(failed(r)).toEqual(['cert_validity']);
    expect(check(r, 'cert_validity')!.detail).toMatch(/expired 2025-03-07T23:59:59Z.*--now/);
    const before = await verifyPaypalWebhook(bodyOf(d), d.headers, { webhookId: 'WEBHOOK_ID', loadCert: async (u) => sim.certs[u], now: Date.parse('2024-03-07T00:00:00Z') / 1000, maxAgeSeconds: 0, futureSkewSeconds: 1e9 });
    expect(failed(before)).toEqual(['cert_validity']);
    expect(check(before, 'cert_validity')!.detail).toContain('not valid before');
  });

  it('chain: anchored in the DigiCert CA fbpay ships (as PayPal\u2019s SDKs do); --ca and the bundle only add intermediates; an unanchored chain fails unless the user vouched', async () => {
    const v = sdk[0];
    const base = { webhookId: v.webhook_id, certPem: v.cert_pem, now: timeOf(v) };
    const shipped = await verifyPaypalWebhook(bodyOf(v), v.headers, base);
    expect(shipped.valid).toBe(true);
    expect(shipped.trust).toBe('paypal-ca');
    expect(check(shipped, 'cert_chain')).toEqual({ check: 'cert_chain', ok: true, detail: 'issued by DigiCert SHA2 Extended Validation Server CA (PayPal\u2019s CA, shipped with fbpay)' });
    // Another CA given with --ca changes nothing for a leaf PayPal's CA issued.
    expect((await verifyPaypalWebhook(bodyOf(v), v.headers, { ...base, caPem: testChain().caPem })).trust).toBe('paypal-ca');
    // Without the shipped anchors (a library caller passing none): --cert vouches, and says so; --strict-chain refuses.
    const none = { ...base, anchors: () => [] };
    const vouched = await verifyPaypalWebhook(bodyOf(v), v.headers, none);
    expect(vouched).toMatchObject({ valid: true, trust: '--cert' });
    expect(check(vouched, 'cert_chain')).toMatchObject({ ok: true, warning: true, detail: expect.stringMatching(/is not PayPal\u2019s CA; accepted because you passed --cert$/) });
    expect(failed(await verifyPaypalWebhook(bodyOf(v), v.headers, { ...none, strictChain: true }))).toEqual(['cert_chain']);
    // Only the root shipped: the intermediate from --ca, or from the fetched bundle, is anchored through it.
    const rootOnly = () => paypalTrustAnchors().filter((c) => c.subject.includes('High Assurance EV Root'));
    const viaCa = await verifyPaypalWebhook(bodyOf(v), v.headers, { ...base, anchors: rootOnly, caPem: DIGICERT_CA });
    expect(check(viaCa, 'cert_chain')!.detail).toBe('issued by DigiCert SHA2 Extended Validation Server CA \u2192 DigiCert High Assurance EV Root CA (PayPal\u2019s CA, shipped with fbpay)');
    expect(viaCa.trust).toBe('paypal-ca');
    const load = (pem: string) => async () => pem;
    const fetched = { webhookId: v.webhook_id, loadCert: load(v.cert_pem + '\n' + DIGICERT_CA), now: timeOf(v) };
    const bundle = await verifyPaypalWebhook(bodyOf(v), v.headers, { ...fetched, anchors: rootOnly });
    expect(bundle).toMatchObject({ valid: true, trust: 'paypal-ca' });
    expect(check(bundle, 'cert_chain')!.detail).toContain('(sent with the certificate) \u2192 DigiCert High Assurance EV Root CA');
    // Nothing to anchor to and nobody vouched (fetched from PayPal's host): a failure, not a warning.
    const unanchored = await verifyPaypalWebhook(bodyOf(v), v.headers, { ...fetched, anchors: () => [] });
    expect(failed(unanchored)).toEqual(['cert_chain']);
    expect(unanchored.trust).toBeUndefined();
    // The CA must itself be valid at `now`.
    const late = await verifyPaypalWebhook(bodyOf(v), v.headers, { ...base, caPem: DIGICERT_CA, now: Date.parse('2029-01-01T00:00:00Z') / 1000, maxAgeSeconds: 0 });
    expect(check(late, 'cert_chain')).toMatchObject({ ok: false });
  });

  it('near miss: body re-serialized (pretty-printed) → says the compact body verifies', async () => {
    const v = sdk[0];
    const pretty = JSON.stringify(JSON.parse(bodyOf(v).toString()), null, 2);
    const r = await verifyPaypalWebhook(pretty, v.headers, { webhookId: v.webhook_id, certPem: v.cert_pem, now: timeOf(v) });
    expect(r.valid).toBe(false);
    expect(r.nearMisses.filter((m) => m.matches).map((m) => m.cause)).toEqual(['body_reserialized']);
    const nl = await verifyPaypalWebhook(Buffer.concat([bodyOf(v), Buffer.from('\n')]), v.headers, { webhookId: v.webhook_id, certPem: v.cert_pem, now: timeOf(v) });
    expect(nl.nearMisses[0]).toMatchObject({ cause: 'body_reserialized', matches: true });
    expect(nl.nearMisses[0].detail).toContain('trailing');
  });

  it('near miss: transmission time altered by a date library', async () => {
    const v = sdk[0];
    const headers = { ...v.headers, 'paypal-transmission-time': '2015-05-18T15:45:13.000Z' };
    const r = await verifyPaypalWebhook(bodyOf(v), headers, { webhookId: v.webhook_id, certPem: v.cert_pem, now: timeOf(v) });
    expect(r.nearMisses).toEqual([expect.objectContaining({ cause: 'transmission_time_altered', matches: true })]);
    expect(r.nearMisses[0].detail).toContain('"2015-05-18T15:45:13Z"');
  });

  it('a body from another delivery: signature fails, no near miss', async () => {
    const [a, b] = [sdk[0], sdk[2]];
    const r = await verifyPaypalWebhook(bodyOf(b), a.headers, { webhookId: a.webhook_id, certPem: a.cert_pem, now: timeOf(a) });
    expect(failed(r)).toEqual(['signature']);
    expect(r.nearMisses).toEqual([]);
  });
});

describe('signing and the checks, with generated keys', () => {
  const now = Math.floor(Date.now() / 1000);
  const body = Buffer.from('{"id":"WH-1","event_type":"PAYMENT.SALE.COMPLETED","resource":{"id":"S1","billing_agreement_id":"I-ABC123"}}');
  const certUrl = 'https://api.paypal.com/v1/notifications/certs/CERT-test';

  it('sign → verify round trip with an explicit --cert; the CN warning says it is not PayPal', async () => {
    const { keyPem, certPem } = testPair();
    const s = signPaypalWebhook({ body, webhookId: 'WH-ID-1', key: keyPem, certUrl, now: () => now });
    expect(s.signedString).toBe(`${s.headers['PAYPAL-TRANSMISSION-ID']}|${paypalTime(now)}|WH-ID-1|${crc32(body) >>> 0}`);
    const r = await verifyPaypalWebhook(body, s.headers, { webhookId: 'WH-ID-1', certPem, now });
    expect(r.valid).toBe(true);
    expect(check(r, 'cert_subject')).toMatchObject({ ok: true, warning: true });
    expect(r.event).toMatchObject({ eventType: 'PAYMENT.SALE.COMPLETED', subscriptionId: 'I-ABC123', subscriptionSource: 'resource.billing_agreement_id' });
  });

  it('a self-signed test certificate served from a PayPal URL fails the subject and chain checks (no user trust)', async () => {
    const { keyPem, certPem } = testPair();
    const s = signPaypalWebhook({ body, webhookId: 'W', key: keyPem, certUrl, now: () => now });
    const r = await verifyPaypalWebhook(body, s.headers, { webhookId: 'W', loadCert: async () => certPem, now });
    expect(failed(r)).toEqual(['cert_subject', 'cert_chain']);
    expect(check(r, 'cert_chain')!.detail).toBe('issued by "O=fbpay test only - not PayPal, CN=fbpay local test certificate", which is not PayPal\u2019s CA');
  });

  it('a PayPal-named certificate from another CA never ends in a plain verdict: exit-1 failure, or trusted because of --cert / --ca', async () => {
    const chain = testChain(now);
    const s = signPaypalWebhook({ body, webhookId: 'W', key: chain.leafKeyPem, certUrl, now: () => now });
    const fetched = await verifyPaypalWebhook(body, s.headers, { webhookId: 'W', loadCert: async () => chain.leafPem, now });
    expect(fetched.valid).toBe(false);
    expect(failed(fetched)).toEqual(['cert_chain']);
    const cert = await verifyPaypalWebhook(body, s.headers, { webhookId: 'W', certPem: chain.leafPem, now });
    expect(cert).toMatchObject({ valid: true, trust: '--cert' });
    const ca = await verifyPaypalWebhook(body, s.headers, { webhookId: 'W', loadCert: async () => chain.leafPem, caPem: chain.caPem, now });
    expect(ca).toMatchObject({ valid: true, trust: '--ca' });
    expect(check(ca, 'cert_chain')).toMatchObject({ ok: true, warning: true, detail: 'issued by fbpay Test Intermediate CA, which you passed with --ca; it does not chain to PayPal\u2019s CA' });
  });

  it('a leaf issued by a test CA: chain ok with the CA, failing for a different CA', async () => {
    const chain = testChain(now);
    const s = signPaypalWebhook({ body, webhookId: 'W', key: chain.leafKeyPem, certUrl, now: () => now });
    const ok = await verifyPaypalWebhook(body, s.headers, { webhookId: 'W', loadCert: async () => chain.leafPem, caPem: chain.caPem, now, strictChain: true });
    expect(failed(ok)).toEqual([]);
    expect(ok.valid).toBe(true);
    const other = testChain(now);
    const bad = await verifyPaypalWebhook(body, s.headers, { webhookId: 'W', loadCert: async () => chain.leafPem, caPem: other.caPem, now });
    expect(failed(bad)).toEqual(['cert_chain']);
    // The same CA sent inside the fetched bundle is not a trust anchor: it must chain to PayPal's CA.
    const selfVouched = await verifyPaypalWebhook(body, s.headers, { webhookId: 'W', loadCert: async () => chain.leafPem + chain.caPem, now });
    expect(failed(selfVouched)).toEqual(['cert_chain']);
    expect(check(selfVouched, 'cert_chain')!.detail).toContain('does not chain to PayPal\u2019s CA');
  });

  it('each header missing fails the headers check and stops before any fetch', async () => {
    const { keyPem } = testPair();
    const s = signPaypalWebhook({ body, webhookId: 'W', key: keyPem, certUrl, now: () => now });
    for (const name of Object.keys(s.headers)) {
      const h: Record<string, string> = { ...s.headers };
      delete h[name];
      let fetched = false;
      const r = await verifyPaypalWebhook(body, h, { webhookId: 'W', loadCert: async () => ((fetched = true), ''), now });
      expect(r.valid).toBe(false);
      expect(check(r, 'headers')).toMatchObject({ ok: false, detail: expect.stringContaining(name) });
      expect(fetched).toBe(false);
    }
  });

  it('with an explicit --cert a missing PAYPAL-CERT-URL is only a warning; any other missing header still fails', async () => {
    const { keyPem, certPem } = testPair();
    const s = signPaypalWebhook({ body, webhookId: 'W', key: keyPem, certUrl, now: () => now });
    const { 'PAYPAL-CERT-URL': _u, ...noUrl } = s.headers;
    const r = await verifyPaypalWebhook(body, noUrl, { webhookId: 'W', certPem, now });
    expect(r.valid).toBe(true);
    expect(check(r, 'headers')).toMatchObject({ ok: true, warning: true });
    const { 'PAYPAL-TRANSMISSION-TIME': _t, ...noTime } = s.headers;
    expect(failed(await verifyPaypalWebhook(body, noTime, { webhookId: 'W', certPem, now }))).toEqual(['headers']);
  });

  it('unsupported algorithm, stale and future times, bad signature encoding, wrong key, wrong webhook id', async () => {
    const { keyPem, certPem } = testPair();
    const s = signPaypalWebhook({ body, webhookId: 'W', key: keyPem, certUrl, now: () => now });
    const v = (h: Record<string, string>, o: Partial<Parameters<typeof verifyPaypalWebhook>[2]> = {}) => verifyPaypalWebhook(body, h, { webhookId: 'W', certPem, now, ...o });
    expect(failed(await v({ ...s.headers, 'PAYPAL-AUTH-ALGO': 'SHA1withRSA' }))).toEqual(['auth_algo', 'signature']);
    // A retry 3 days after the first attempt (PayPal retries for 3 days) is not refused by default; 5 days is.
    const retry = signPaypalWebhook({ body, webhookId: 'W', key: keyPem, certUrl, now: () => now - 3 * 86400 });
    expect(failed(await v(retry.headers))).toEqual([]);
    const stale = signPaypalWebhook({ body, webhookId: 'W', key: keyPem, certUrl, now: () => now - 5 * 86400 });
    expect(failed(await v(stale.headers))).toEqual(['transmission_time']);
    expect(check(await v(stale.headers), 'transmission_time')!.detail).toMatch(/is 5 days old \(limit 4 days\)/);
    expect(failed(await v(stale.headers, { maxAgeSeconds: 0 }))).toEqual([]);
    const future = signPaypalWebhook({ body, webhookId: 'W', key: keyPem, certUrl, now: () => now + 3600 });
    expect(check(await v(future.headers), 'transmission_time')!.detail).toContain('future');
    expect(failed(await v({ ...s.headers, 'PAYPAL-TRANSMISSION-TIME': 'yesterday' }))).toContain('transmission_time');
    expect(failed(await v({ ...s.headers, 'PAYPAL-TRANSMISSION-SIG': 'not base64!' }))).toEqual(['signature']);
    const otherKey = generateTestKeyPair({ now });
    expect(failed(await v(signPaypalWebhook({ body, webhookId: 'W', key: otherKey.keyPem, certUrl, now: () => now }).headers))).toEqual(['signature']);
    expect(failed(await v(signPaypalWebhook({ body, webhookId: 'OTHER', key: keyPem, certUrl, now: () => now }).headers))).toEqual(['signature']);
  });

  it('near misses: crc written signed or in hex by the sender', async () => {
    const { keyPem, certPem } = testPair();
    const { createSign } = await import('node:crypto');
    // find a body whose crc has the top bit set, so the signed form differs
    let b = body;
    for (let i = 0; (crc32(b) >>> 0) < 2 ** 31; i++) b = Buffer.concat([body, Buffer.from(' '.repeat(i))]);
    const crc = paypalCrc32(b);
    const headers = { 'paypal-transmission-id': 'tid', 'paypal-transmission-time': paypalTime(now), 'paypal-cert-url': certUrl, 'paypal-auth-algo': 'SHA256withRSA' };
    const sig = (s: string) => createSign('sha256').update(s).sign(keyPem, 'base64');
    const signedForm = await verifyPaypalWebhook(b, { ...headers, 'paypal-transmission-sig': sig(`tid|${paypalTime(now)}|W|${crc | 0}`) }, { webhookId: 'W', certPem, now });
    expect(signedForm.nearMisses).toEqual([expect.objectContaining({ cause: 'crc_signed', matches: true })]);
    const hex = await verifyPaypalWebhook(b, { ...headers, 'paypal-transmission-sig': sig(`tid|${paypalTime(now)}|W|${crc.toString(16)}`) }, { webhookId: 'W', certPem, now });
    expect(hex.nearMisses).toEqual([expect.objectContaining({ cause: 'crc_hex', matches: true })]);
  });

  it('a missing webhook id or unreadable --cert / --ca is bad input (UsageError, exit 2)', async () => {
    await expect(verifyPaypalWebhook(body, {}, { webhookId: '' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(verifyPaypalWebhook(body, {}, { webhookId: 'W', certPem: 'nope' })).rejects.toMatchObject({ code: 'bad_certificate', exitCode: 2 });
    await expect(verifyPaypalWebhook(body, {}, { webhookId: 'W', caPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' })).rejects.toBeInstanceOf(FbpayError);
  });
});

describe('certificate URL policy', () => {
  it.each([
    ['https://api.paypal.com/v1/notifications/certs/CERT-1', true],
    ['https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1', true],
    ['https://api-m.paypal.com/v1/notifications/certs/CERT-1', true],
    ['https://api-m.sandbox.paypal.com/x', true],
    ['https://API.PAYPAL.COM/x', true],
    ['http://api.paypal.com/x', false],
    ['https://api.paypal.com:8443/x', false],
    ['https://api.paypal.com.evil.example/x', false],
    ['https://evil.example/api.paypal.com', false],
    ['https://api.paypal.com@evil.example/x', false],
    ['https://user:pw@api.paypal.com/x', false],
    ['https://paypal.com/x', false],
    ['http://127.0.0.1:9999/cert', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
  ])('%s → %s', (url, ok) => expect(checkCertUrl(url).ok).toBe(ok));

  it('--allow-cert-host admits a host (http only on loopback)', () => {
    expect(checkCertUrl('http://127.0.0.1:9999/cert', ['127.0.0.1'])).toMatchObject({ ok: true, userAllowed: true });
    expect(checkCertUrl('http://certs.example/cert', ['certs.example']).ok).toBe(false);
    expect(checkCertUrl('https://certs.example/cert', ['certs.example']).ok).toBe(true);
  });
});

describe('headers input', () => {
  it('JSON object, any case', () => {
    expect(readTransmission(parseHeaders('{"PAYPAL-TRANSMISSION-ID":"a","Paypal-Transmission-Time":"t"}'))).toMatchObject({ transmissionId: 'a', transmissionTime: 't' });
  });
  it('raw "Name: value" lines with a request line, CRLF, values containing colons, and a body after a blank line', () => {
    const h = parseHeaders('POST /hook HTTP/1.1\r\nHost: x\r\npaypal-cert-url: https://api.paypal.com/a:b\r\nPAYPAL-AUTH-ALGO:SHA256withRSA\r\n\r\n{"id":1}');
    expect(h).toEqual({ host: 'x', 'paypal-cert-url': 'https://api.paypal.com/a:b', 'paypal-auth-algo': 'SHA256withRSA' });
  });
  it.each(['', '   ', '{"a":', '[1,2]', '{"a":{"b":1}}', 'no colon here', 'bad name: x\n'])('rejects %j with a UsageError', (text) => {
    expect(() => parseHeaders(text)).toThrow(FbpayError);
  });
});

describe('subscription info', () => {
  it('sale without billing_agreement_id explains why', () => {
    expect(paypalEventInfo('{"event_type":"PAYMENT.SALE.COMPLETED","resource":{"id":"S"}}').note).toMatch(/simulator/);
  });
  it('subscription events use resource.id; non-JSON is reported, not thrown', () => {
    expect(paypalEventInfo('{"event_type":"BILLING.SUBSCRIPTION.ACTIVATED","resource":{"id":"I-X","custom_id":"u1"}}')).toMatchObject({ subscriptionId: 'I-X', customId: 'u1' });
    expect(paypalEventInfo('nope')).toEqual({ note: 'body is not JSON' });
  });
});

describe('near miss suspicions that cannot be confirmed', () => {
  it('a body with sorted keys (and one pretty-printed with sorted keys) is not called re-serialized: no variant was found to match', async () => {
    const v = sdk[0];
    const sortKeys = (x: unknown): unknown =>
      Array.isArray(x) ? x.map(sortKeys) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys((x as Record<string, unknown>)[k])])) : x;
    const sorted = JSON.stringify(sortKeys(JSON.parse(bodyOf(v).toString())));
    for (const b of [sorted, JSON.stringify(JSON.parse(sorted), null, 1)]) {
      const r = await verifyPaypalWebhook(b, v.headers, { webhookId: v.webhook_id, certPem: v.cert_pem, now: timeOf(v) });
      expect(r.valid).toBe(false);
      // The original key order is lost, so no variant can match, and a heuristic is not a diagnosis.
      expect(r.nearMisses).toEqual([]);
    }
  });
});
