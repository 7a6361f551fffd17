import { createVerify, generateKeyPairSync } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PAYPAL_AUTH_ALGO, paypalTime, readPrivateKey, signPaypalWebhook } from '../../../src/core/paypal/sign.js';
import { paypalCrc32, paypalSignedString } from '../../../src/core/paypal/signed-string.js';
import { paypalEventInfo } from '../../../src/core/paypal/subscription.js';
import { CERT_URL, keys, NOW } from './world.js';
import { usageError as usage } from '../../helpers/usage-error.js';

const keyPem = keys.leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const pkcs1 = keys.leaf.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const verifies = (signed: string, sig: string) => createVerify('sha256').update(signed, 'utf8').verify(keys.leaf.publicKey, sig, 'base64');

describe('crc32 and the signed string', () => {
  it('crc32 of the UTF-8 bytes, unsigned decimal, the same for a string and its bytes', () => {
    expect(paypalCrc32('')).toBe(0);
    expect(paypalCrc32('Zoë')).toBe(crc32(Buffer.from('Zoë', 'utf8')) >>> 0);
    expect(paypalCrc32(Buffer.from('Zoë', 'utf8'))).toBe(paypalCrc32('Zoë'));
    // "The quick brown fox…" check value, top bit set: printed unsigned, never negative.
    expect(paypalCrc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
    expect(paypalCrc32('123456789')).toBe(0xcbf43926);
    expect(paypalSignedString({ transmissionId: 'T', transmissionTime: '2024-01-01T00:00:00Z', webhookId: 'W', body: '123456789' })).toEqual({
      crc: 3421780262,
      signedString: 'T|2024-01-01T00:00:00Z|W|3421780262',
    });
  });
});

describe('paypalTime', () => {
  it('ISO, seconds precision, Z', () => {
    expect(paypalTime(NOW)).toBe('2027-01-15T08:00:00Z');
    expect(paypalTime(NOW + 0.25)).toBe('2027-01-15T08:00:00Z');
    expect(paypalTime(0)).toBe('1970-01-01T00:00:00Z');
  });
});

describe('signPaypalWebhook', () => {
  const body = '{"id":"WH-S"}';

  it('signs id|time|webhook id|crc with RSA-SHA256 and returns the five headers', () => {
    const s = signPaypalWebhook({ body, webhookId: 'WH-HOOK', key: keyPem, certUrl: CERT_URL, transmissionId: 'tid-1', transmissionTime: '2027-01-15T07:00:00Z' });
    const signed = `tid-1|2027-01-15T07:00:00Z|WH-HOOK|${paypalCrc32(body)}`;
    expect(s.signedString).toBe(signed);
    expect(s.crc).toBe(paypalCrc32(body));
    expect(Object.keys(s.headers)).toEqual(['PAYPAL-TRANSMISSION-ID', 'PAYPAL-TRANSMISSION-TIME', 'PAYPAL-TRANSMISSION-SIG', 'PAYPAL-CERT-URL', 'PAYPAL-AUTH-ALGO']);
    expect(s.headers).toMatchObject({ 'PAYPAL-TRANSMISSION-ID': 'tid-1', 'PAYPAL-TRANSMISSION-TIME': '2027-01-15T07:00:00Z', 'PAYPAL-CERT-URL': CERT_URL, 'PAYPAL-AUTH-ALGO': 'SHA256withRSA' });
    expect(PAYPAL_AUTH_ALGO).toBe('SHA256withRSA');
    expect(verifies(signed, s.headers['PAYPAL-TRANSMISSION-SIG'])).toBe(true);
  });

  it('id and time default to the injected uuid and clock, else a random UUID and the real clock', () => {
    const s = signPaypalWebhook({ body, webhookId: 'W', key: keys.leaf.privateKey, certUrl: CERT_URL, uuid: () => 'fixed-id', now: () => NOW });
    expect(s.headers['PAYPAL-TRANSMISSION-ID']).toBe('fixed-id');
    expect(s.headers['PAYPAL-TRANSMISSION-TIME']).toBe('2027-01-15T08:00:00Z');
    const before = Math.floor(Date.now() / 1000);
    const d = signPaypalWebhook({ body, webhookId: 'W', key: pkcs1, certUrl: CERT_URL });
    expect(d.headers['PAYPAL-TRANSMISSION-ID']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const t = Date.parse(d.headers['PAYPAL-TRANSMISSION-TIME']) / 1000;
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(verifies(d.signedString, d.headers['PAYPAL-TRANSMISSION-SIG'])).toBe(true);
  });

  it('refuses what would make the signed string ambiguous', () => {
    const base = { body, key: keyPem, certUrl: CERT_URL, now: () => NOW };
    expect(usage(() => signPaypalWebhook({ ...base, webhookId: '' }))).toMatchObject({ code: 'missing_webhook_id', message: 'a webhook id is needed to sign', hint: 'pass --webhook-id or set PAYPAL_WEBHOOK_ID' });
    for (const webhookId of ['a|b', 'a\nb', 'a\rb']) expect(usage(() => signPaypalWebhook({ ...base, webhookId }))).toMatchObject({ code: 'bad_webhook_id', message: 'the webhook id must not contain "|" or line breaks' });
    for (const transmissionId of ['', 'a|b', 'a\nb', 'a\rb']) {
      expect(usage(() => signPaypalWebhook({ ...base, webhookId: 'W', transmissionId })), JSON.stringify(transmissionId)).toMatchObject({
        code: 'bad_option',
        message: 'the transmission id must be non-empty, without "|" or line breaks',
      });
    }
    for (const transmissionTime of ['', '2027|01', 'x\n']) {
      expect(usage(() => signPaypalWebhook({ ...base, webhookId: 'W', transmissionTime }))).toMatchObject({ code: 'bad_option', message: 'the transmission time must be non-empty, without "|" or line breaks' });
    }
  });
});

describe('readPrivateKey', () => {
  it('PEM RSA keys (PKCS#8, PKCS#1) and KeyObjects are read', () => {
    expect(readPrivateKey(keyPem).asymmetricKeyType).toBe('rsa');
    expect(readPrivateKey(pkcs1).asymmetricKeyType).toBe('rsa');
    expect(readPrivateKey(keys.leaf.privateKey)).toBe(keys.leaf.privateKey);
  });

  it('anything else is bad input with a hint to make one', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(usage(() => readPrivateKey(ec))).toMatchObject({ code: 'bad_key', message: 'not an RSA private key in PEM form (ec key)', hint: 'make one with `fbpay paypal keygen`' });
    const garbage = usage(() => readPrivateKey('not a key'));
    expect(garbage.message).toMatch(/^not an RSA private key in PEM form \(.{1,80}\)$/);
    expect(usage(() => signPaypalWebhook({ body: '', webhookId: 'W', key: ec, certUrl: CERT_URL })).code).toBe('bad_key');
  });
});

describe('paypalEventInfo', () => {
  it('subscription events: resource.id is the subscription', () => {
    expect(paypalEventInfo('{"id":"WH-1","event_type":"BILLING.SUBSCRIPTION.ACTIVATED","resource_type":"subscription","resource_version":"2.0","resource":{"id":"I-1","custom_id":"u1"}}')).toEqual({
      eventId: 'WH-1',
      eventType: 'BILLING.SUBSCRIPTION.ACTIVATED',
      resourceType: 'subscription',
      resourceVersion: '2.0',
      resourceId: 'I-1',
      customId: 'u1',
      subscriptionId: 'I-1',
      subscriptionSource: 'resource.id',
    });
    expect(paypalEventInfo({ event_type: 'BILLING.SUBSCRIPTION.CANCELLED', resource: { id: '' } })).toMatchObject({ note: 'subscription event without resource.id' });
    expect(paypalEventInfo({ event_type: 'BILLING.SUBSCRIPTION.CANCELLED', resource: { id: '' } }).subscriptionId).toBeUndefined();
  });

  it('sale events: billing_agreement_id, or a note saying why there is none', () => {
    expect(paypalEventInfo(Buffer.from('{"event_type":"PAYMENT.SALE.COMPLETED","resource":{"id":"S","billing_agreement_id":"I-2","custom":"legacy"}}'))).toMatchObject({
      resourceId: 'S',
      subscriptionId: 'I-2',
      subscriptionSource: 'resource.billing_agreement_id',
      customId: 'legacy',
    });
    expect(paypalEventInfo({ event_type: 'PAYMENT.SALE.REFUNDED', resource: { billing_agreement_id: 7 } })).toEqual({
      eventType: 'PAYMENT.SALE.REFUNDED',
      note: 'no resource.billing_agreement_id: a one-off sale (not a subscription payment), or a simulator event (simulator sales lack it)',
    });
  });

  it('empty strings are absent, and text is read as given (a lone surrogate stays)', () => {
    expect(paypalEventInfo({ id: '', event_type: 'BILLING.SUBSCRIPTION.CANCELLED', resource: { id: '', custom_id: '', custom: 'c' } })).toEqual({
      eventType: 'BILLING.SUBSCRIPTION.CANCELLED',
      customId: 'c',
      note: 'subscription event without resource.id',
    });
    expect(paypalEventInfo('{"id":"\uD800"}').eventId).toBe('\uD800');
  });

  it('other events carry no subscription and no note; odd shapes are reported, not thrown', () => {
    expect(paypalEventInfo({ event_type: 'CHECKOUT.ORDER.APPROVED', resource: { id: 'O', billing_agreement_id: 'I-3', custom_id: 'c' } })).toEqual({ eventType: 'CHECKOUT.ORDER.APPROVED', resourceId: 'O', customId: 'c' });
    expect(paypalEventInfo({ event_type: 'PAYMENT.SALE.COMPLETED', resource: 'nope' })).toMatchObject({ note: expect.stringMatching(/^no resource\.billing_agreement_id/) });
    expect(paypalEventInfo({ id: 5, event_type: ['x'] })).toEqual({});
    expect(paypalEventInfo({ resource: null })).toEqual({});
    expect(paypalEventInfo('nope')).toEqual({ note: 'body is not JSON' });
    expect(paypalEventInfo(new Uint8Array([0xff]))).toEqual({ note: 'body is not JSON' });
    for (const b of ['[]', 'null', '"s"', '1']) expect(paypalEventInfo(b), b).toEqual({ note: 'body is not a JSON object' });
    expect(paypalEventInfo(null)).toEqual({ note: 'body is not a JSON object' });
  });
});
