import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { parseHeaders, PAYPAL_HEADERS, readTransmission, REQUIRED_PAYPAL_HEADERS } from '../../../src/core/paypal/headers.js';

/** `--headers` input as users paste it: a JSON object, or a request dump. */
const usage = (input: string | Uint8Array) => {
  try {
    parseHeaders(input);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const u = e as UsageError;
    expect(u.code).toBe('bad_headers');
    return { message: u.message, hint: u.hint };
  }
  throw new Error('expected a UsageError');
};

describe('parseHeaders: JSON', () => {
  it('strings, numbers, booleans and string arrays; names lower-cased; a BOM and bytes accepted', () => {
    expect(parseHeaders('\uFEFF {"PAYPAL-TRANSMISSION-ID":"a","Content-Length":12,"X-Flag":true,"Accept":["a","b"]} ')).toEqual({
      'paypal-transmission-id': 'a',
      'content-length': '12',
      'x-flag': 'true',
      accept: 'a, b',
    });
    expect(parseHeaders(Buffer.from('{"A":"1"}'))).toEqual({ a: '1' });
    expect(parseHeaders(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('{"B":"2"}')]))).toEqual({ b: '2' });
  });

  it('refusals: invalid JSON, values that are not strings', () => {
    const bad = usage('{"a":');
    expect(bad.message).toMatch(/^headers are not valid JSON: .+/);
    expect(bad.hint).toBe('pass a JSON object {"PAYPAL-TRANSMISSION-ID": "…"} or raw "Name: value" lines');
    for (const v of ['null', '{"b":1}', '[1]', '["a",2]']) {
      expect(usage(`{"X-Name":${v}}`), v).toEqual({ message: 'header "X-Name" must be a string', hint: 'header values are strings' });
    }
    expect(usage(`{"${'n'.repeat(80)}":null}`).message).toBe(`header "${'n'.repeat(60)}" must be a string`);
  });

  it('text is taken as given: only a leading BOM is dropped, and lone surrogates are not rewritten', () => {
    expect(parseHeaders('{"X":"a\uFEFFb","Y":"\uD800"}')).toEqual({ x: 'a\uFEFFb', y: '\uD800' });
    expect(parseHeaders('X: a\uFEFFb')).toEqual({ x: 'a\uFEFFb' });
  });

  it('an empty array is an empty value', () => {
    expect(parseHeaders('{"X":[]}')).toEqual({ x: '' });
  });
});

describe('parseHeaders: lines', () => {
  it('a dump: request line, CRLF, spaces around name and value, colons in values, body after the blank line', () => {
    expect(parseHeaders('\n\r\nPOST /hooks/paypal HTTP/2\r\nPAYPAL-AUTH-ALGO :  SHA256withRSA \r\nX-Url: https://a:b@c/d\r\n\r\nBody: not a header\n')).toEqual({
      'paypal-auth-algo': 'SHA256withRSA',
      'x-url': 'https://a:b@c/d',
    });
    expect(parseHeaders('GET / HTTP/1.1\nA: 1')).toEqual({ a: '1' });
  });

  it('a blank line of spaces ends the headers too', () => {
    expect(parseHeaders('A: 1\n   \t\nnot: a header\n')).toEqual({ a: '1' });
  });

  it('only a whole request line is skipped', () => {
    expect(usage('x GET / HTTP/1.1\nA: 1').message).toBe('not a "Name: value" header line: "x GET / HTTP/1.1"');
    expect(usage('GET / HTTP/1.1x\nA: 1').message).toBe('not a "Name: value" header line: "GET / HTTP/1.1x"');
  });

  it('a request line after the headers is not a header', () => {
    expect(usage('A: 1\nGET / HTTP/1.1')).toEqual({ message: 'not a "Name: value" header line: "GET / HTTP/1.1"', hint: 'pass a JSON object or one "Name: value" header per line' });
  });

  it('refusals say which line', () => {
    expect(usage(': no name')).toEqual({ message: 'not a "Name: value" header line: ": no name"', hint: 'pass a JSON object or one "Name: value" header per line' });
    expect(usage(`${'x'.repeat(100)}`).message).toBe(`not a "Name: value" header line: "${'x'.repeat(60)}"`);
    expect(usage('bad name: v').message).toBe('invalid header name "bad name"');
    expect(usage(`${'é'.repeat(70)}: v`).message).toBe(`invalid header name "${'é'.repeat(60)}"`);
    expect(usage('POST / HTTP/1.1\n\n')).toEqual({ message: 'no headers found', hint: 'pass a JSON object or "Name: value" lines' });
  });

  it('every token character is allowed in a name', () => {
    expect(parseHeaders("!#$%&'*+.^_`|~09Az-: v")).toEqual({ "!#$%&'*+.^_`|~09az-": 'v' });
  });
});

describe('parseHeaders: size and emptiness', () => {
  it('256 KiB is the limit', () => {
    const pad = (n: number) => `A: ${'v'.repeat(n - 3)}`;
    expect(Object.keys(parseHeaders(pad(256 * 1024)))).toEqual(['a']);
    expect(usage(pad(256 * 1024 + 1))).toEqual({ message: 'headers input is larger than 256 KiB', hint: 'pass only the request headers' });
  });

  it('empty or blank input', () => {
    for (const t of ['', ' \r\n\t']) expect(usage(t)).toEqual({ message: 'headers input is empty', hint: 'pass a JSON object or "Name: value" lines' });
  });
});

describe('parseHeaders: a name given twice', () => {
  it('same spelling: the last value, one lower-cased name', () => {
    expect(parseHeaders('X-A: 1\nX-A: 2')).toEqual({ 'x-a': '2' });
    expect(parseHeaders('x-a: 1\nx-a: 2')).toEqual({ 'x-a': '2' });
  });

  it('different case: both spellings kept as given, in order, and the verifier reads the last', () => {
    const h = parseHeaders('PAYPAL-TRANSMISSION-ID: first\npaypal-transmission-id: second');
    expect(Object.entries(h)).toEqual([
      ['PAYPAL-TRANSMISSION-ID', 'first'],
      ['paypal-transmission-id', 'second'],
    ]);
    expect(readTransmission(h).transmissionId).toBe('second');
    const j = parseHeaders('{"X-A":"1","x-A":"2"}');
    expect(Object.entries(j)).toEqual([
      ['X-A', '1'],
      ['x-A', '2'],
    ]);
    // A spelling given again moves to the end: the value given last is the one read, whatever the order.
    const again = parseHeaders('PAYPAL-TRANSMISSION-ID: 1\npaypal-transmission-id: 2\nPAYPAL-TRANSMISSION-ID: 3');
    expect(Object.entries(again)).toEqual([
      ['paypal-transmission-id', '2'],
      ['PAYPAL-TRANSMISSION-ID', '3'],
    ]);
    expect(readTransmission(again).transmissionId).toBe('3');
    expect(Object.entries(parseHeaders('X-A: 1\nx-a: 2\nX-A: 3'))).toEqual([
      ['x-a', '2'],
      ['X-A', '3'],
    ]);
  });
});

describe('readTransmission', () => {
  it('the five PAYPAL-* values, any case; undefined values ignored', () => {
    expect(REQUIRED_PAYPAL_HEADERS).toEqual(['paypal-transmission-id', 'paypal-transmission-time', 'paypal-transmission-sig', 'paypal-cert-url', 'paypal-auth-algo']);
    expect(PAYPAL_HEADERS.certUrl).toBe('paypal-cert-url');
    expect(
      readTransmission({ 'Paypal-Transmission-Id': 'i', 'PAYPAL-TRANSMISSION-TIME': 't', 'paypal-transmission-sig': 's', 'PAYPAL-CERT-URL': 'u', 'paypal-auth-algo': 'a', 'PAYPAL-AUTH-ALGO': undefined }),
    ).toEqual({ transmissionId: 'i', transmissionTime: 't', transmissionSig: 's', certUrl: 'u', authAlgo: 'a' });
    expect(readTransmission({})).toEqual({});
  });
});
