import { describe, expect, it } from 'vitest';
import { paypalCrc32 } from '../../../src/core/paypal/signed-string.js';
import { verifyPaypalWebhook, type PaypalVerifyOptions, type PaypalVerifyResult } from '../../../src/core/paypal/verify.js';
import { anchors, CERT_URL, leafPem, NOW, sigOver, TID, TIME } from './world.js';

/**
 * When the signature fails, fbpay tries the usual mistakes and names the one under which it verifies
 * (and only one it confirmed). Each test signs what the sender really signed, then hands the
 * verifier what the user has.
 */
const opts = (o: Partial<PaypalVerifyOptions> = {}): PaypalVerifyOptions => ({ webhookId: 'WH-HOOK', now: NOW, anchors, certPem: leafPem, ...o });
const headers = (signed: string, time = TIME) => ({
  'paypal-transmission-id': TID,
  'paypal-transmission-time': time,
  'paypal-transmission-sig': sigOver(signed),
  'paypal-cert-url': CERT_URL,
  'paypal-auth-algo': 'SHA256withRSA',
});
const sigCheck = (r: PaypalVerifyResult) => r.checks.find((c) => c.check === 'signature')!;
const signedOver = (body: string | Buffer, wid = 'WH-HOOK', time = TIME) => `${TID}|${time}|${wid}|${paypalCrc32(body)}`;

/** What PayPal signed (`sent`), what the user verifies (`have`): the single near miss found. */
async function nearMiss(sent: string | Buffer, have: string | Buffer, o: Partial<PaypalVerifyOptions> = {}) {
  const r = await verifyPaypalWebhook(have, headers(signedOver(sent)), opts(o));
  expect(r.valid).toBe(false);
  return r;
}

describe('body variants', () => {
  const compact = '{"id":"WH-1","event_type":"PAYMENT.SALE.COMPLETED","resource":{"links":[{"href":"https://api.paypal.com/v1/a/b"}],"name":"Zoë"}}';

  it('trailing whitespace added (all of it is removed, not one character)', async () => {
    const r = await nearMiss(compact, `${compact}\r\n\n \n`);
    expect(r.nearMisses).toEqual([{ cause: 'body_reserialized', matches: true, detail: 'the body was changed after PayPal signed it: it verifies with the trailing whitespace/newline removed; verify the raw request bytes, not a re-serialized body' }]);
    expect(sigCheck(r).detail).toBe(`does not verify as given — ${r.nearMisses[0].detail}`);
  });

  it('trailing whitespace after a body that has its own spaces: only the trailing run is removed', async () => {
    const sent = '{"a": 1, "b": [1, 2]}';
    const r = await nearMiss(sent, `${sent} \n`);
    expect(r.nearMisses.map((m) => m.detail)).toEqual([expect.stringContaining('it verifies with the trailing whitespace/newline removed;')]);
  });

  it('CRLF line ends (every one of them) where PayPal sent LF', async () => {
    const sent = '{\n"a": 1,\n"b": 2\n}';
    const r = await nearMiss(sent, sent.replace(/\n/g, '\r\n'));
    expect(r.nearMisses.map((m) => m.detail)).toEqual([expect.stringContaining('it verifies with CRLF line ends turned into LF;')]);
  });

  it('pretty-printed copy of a compact body', async () => {
    const r = await nearMiss(compact, JSON.stringify(JSON.parse(compact), null, 2));
    expect(r.nearMisses.map((m) => m.detail)).toEqual([expect.stringContaining('it verifies with the compact JSON PayPal sends (your copy was re-serialized: whitespace);')]);
  });

  it('"/" escaped as "\\/" by PHP: every slash', async () => {
    const sent = compact.replace(/\//g, '\\/');
    const r = await nearMiss(sent, compact);
    expect(r.nearMisses.map((m) => m.detail)).toEqual([expect.stringContaining('it verifies with "/" escaped as "\\/" (PHP json_encode style);')]);
  });

  it('"\\/" unescaped in a copy that keeps its own layout', async () => {
    const pretty = JSON.stringify(JSON.parse(compact), null, 1);
    const r = await nearMiss(pretty, pretty.replace(/\//g, '\\/'));
    expect(r.nearMisses.map((m) => m.detail)).toEqual([expect.stringContaining('it verifies with "\\/" unescaped;')]);
  });

  it('non-ASCII characters escaped as \\uXXXX (four hex digits)', async () => {
    const sent = compact.replace('ë', '\\u00eb').replace('"Zo', '"\u007f\u20acZo'.replace('\u007f\u20ac', '\\u007f\\u20ac'));
    const have = JSON.stringify(JSON.parse(sent));
    expect(have).toContain('\u007f\u20acZoë');
    const r = await nearMiss(sent, have);
    expect(r.nearMisses.map((m) => m.detail)).toEqual([expect.stringContaining('it verifies with non-ASCII escaped as \\uXXXX;')]);
  });

  it('a body that is not JSON, or differs otherwise: no near miss, no crash', async () => {
    expect((await nearMiss('plain text', 'plain text!')).nearMisses).toEqual([]);
    expect((await nearMiss('{"a":1}', '{"a":2}')).nearMisses).toEqual([]);
    expect(sigCheck(await nearMiss('{"a":1}', '{"a":2}')).detail).toMatch(/^does not verify over /);
  });

  it('diagnose: false skips the near misses', async () => {
    const r = await nearMiss(compact, `${compact}\n`, { diagnose: false });
    expect(r.nearMisses).toEqual([]);
    expect(sigCheck(r).detail).toBe(`does not verify over ${r.signedString}`);
  });
});

describe('webhook id mistakes', () => {
  const body = '{"id":"WH-EVT-9","event_type":"PAYMENT.SALE.COMPLETED"}';

  it('surrounding whitespace around the webhook id', async () => {
    const r = await verifyPaypalWebhook(body, headers(signedOver(body)), opts({ webhookId: ' WH-HOOK\n' }));
    expect(r.nearMisses).toEqual([{ cause: 'webhook_id_whitespace', matches: true, detail: 'the webhook id has surrounding whitespace: it verifies once trimmed' }]);
  });

  it('a simulator delivery checked with a padded WEBHOOK_ID is named once, as a simulator delivery', async () => {
    const r = await verifyPaypalWebhook(body, headers(signedOver(body, 'WEBHOOK_ID')), opts({ webhookId: ' WEBHOOK_ID' }));
    expect(r.nearMisses.map((m) => m.cause)).toEqual(['simulator_webhook_id']);
    expect(r.nearMisses[0].detail).toBe("a simulator delivery: it verifies with webhook id WEBHOOK_ID (simulator events are signed with that literal, and PayPal's verify API rejects them)");
  });

  it('the event id (padded) given as webhook id: an unconfirmed suspicion, matches false', async () => {
    const r = await verifyPaypalWebhook(body, headers(signedOver(body)), opts({ webhookId: 'WH-EVT-9 ' }));
    expect(r.nearMisses).toEqual([
      {
        cause: 'event_id_as_webhook_id',
        matches: false,
        detail: '"WH-EVT-9" is this delivery\'s event id (the body\'s "id"), not your webhook\'s id: use the webhook id from the developer dashboard (or WEBHOOK_ID for the simulator)',
      },
    ]);
    expect(sigCheck(r).detail).toBe(`does not verify over ${r.signedString}`);
    // A made-up id that merely looks like an event id is not named.
    expect((await verifyPaypalWebhook(body, headers(signedOver(body)), opts({ webhookId: 'WH-OTHER' }))).nearMisses).toEqual([]);
  });
});

describe('crc written the wrong way', () => {
  // A body whose crc32 has the top bit set and whose hex form has fewer than 8 digits is found by search.
  const find = (pred: (crc: number) => boolean) => {
    for (let i = 0; ; i++) {
      const b = `{"n":${i}}`;
      if (pred(paypalCrc32(b))) return b;
    }
  };
  const highBit = find((c) => c >= 2 ** 31 && /[a-f]/.test(c.toString(16)));
  const short = find((c) => c < 2 ** 28 && /[a-f]/.test(c.toString(16)));

  it('as a signed int32', async () => {
    const crc = paypalCrc32(highBit);
    const r = await verifyPaypalWebhook(highBit, headers(`${TID}|${TIME}|WH-HOOK|${crc | 0}`), opts());
    expect(r.nearMisses).toEqual([{ cause: 'crc_signed', matches: true, detail: `the sender wrote crc32 as a signed integer (${crc | 0}); PayPal uses the unsigned decimal ${crc}` }]);
  });

  it.each([
    ['lower case', (c: number) => c.toString(16)],
    ['padded', (c: number) => c.toString(16).padStart(8, '0')],
    ['upper case', (c: number) => c.toString(16).toUpperCase()],
    ['padded upper case', (c: number) => c.toString(16).padStart(8, '0').toUpperCase()],
  ])('in hex, %s', async (_n, hex) => {
    const crc = paypalCrc32(short);
    const r = await verifyPaypalWebhook(short, headers(`${TID}|${TIME}|WH-HOOK|${hex(crc)}`), opts());
    expect(r.nearMisses).toEqual([{ cause: 'crc_hex', matches: true, detail: `the sender wrote crc32 in hex (${hex(crc)}); PayPal uses the unsigned decimal ${crc}` }]);
  });
});

describe('transmission time altered', () => {
  const body = '{"id":"WH-T","create_time":"2027-01-15T07:58:59.123Z"}';
  const signedWith = (signedTime: string, headerTime: string) => verifyPaypalWebhook(body, headers(`${TID}|${signedTime}|WH-HOOK|${paypalCrc32(body)}`, headerTime), opts());

  it.each([
    ['milliseconds added by a date library', '2027-01-15T07:59:00.000Z', '2027-01-15T07:59:00Z'],
    ['seconds precision, Z', '2027-01-15T07:59:00Z', '2027-01-15T07:59:00.000Z'],
    ['+00:00 instead of Z', '2027-01-15T07:59:00+00:00', '2027-01-15T07:59:00Z'],
    ['unix seconds', '1799999940', '2027-01-15T07:59:00Z'],
    ["the event's create_time", '2027-01-15T07:58:59.123Z', '2027-01-15T07:59:00Z'],
  ])('%s', async (label, signed, header) => {
    const r = await signedWith(signed, header);
    expect(r.nearMisses).toEqual([
      { cause: 'transmission_time_altered', matches: true, detail: `the transmission time was altered: it verifies with "${signed}" (${label}) instead of "${header}"; pass the header exactly as received` },
    ]);
  });

  it('a create_time that is not a string is not tried', async () => {
    const b = '{"id":"WH-T","create_time":1234}';
    const r = await verifyPaypalWebhook(b, headers(`${TID}|1234|WH-HOOK|${paypalCrc32(b)}`), opts());
    expect(r.nearMisses).toEqual([]);
  });

  it('an unparseable time with a bad signature: no time variants, no crash', async () => {
    const r = await signedWith('2027-01-15T07:58:59.123Z', 'yesterday');
    // Only the body's create_time is tried (and it matches); nothing derived from "yesterday".
    expect(r.nearMisses.map((m) => m.detail)).toEqual([expect.stringContaining("(the event's create_time)")]);
    const nonJson = await verifyPaypalWebhook('not json', headers('x', 'soon'), opts());
    expect(nonJson.nearMisses).toEqual([]);
  });
});
