import { describe, expect, it } from 'vitest';
import { extractSignedRequest } from '../../../src/core/facebook/signed-request-input.js';

/** What `fbpay decode` takes out of a pasted form body or FB.ui response, and the note it prints about it. */
describe('extractSignedRequest', () => {
  const SR = 'c2lnbmF0dXJl.eyJhIjoxfQ';

  it('a bare signed_request is returned as given (untrimmed), with no note', () => {
    expect(extractSignedRequest(SR)).toStrictEqual({ signedRequest: SR });
    expect(extractSignedRequest(` ${SR}\n`)).toStrictEqual({ signedRequest: ` ${SR}\n` });
    expect(extractSignedRequest('')).toStrictEqual({ signedRequest: '' });
  });

  it('the Pay Dialog (FB.ui) response JSON: its signed_request, and the unsigned fields named', () => {
    const input = ` ${JSON.stringify({ payment_id: 123, amount: '1.00', currency: 'USD', quantity: '1', status: 'completed', signed_request: SR })}\n`;
    expect(extractSignedRequest(input)).toStrictEqual({
      signedRequest: SR,
      note: 'decoded the "signed_request" field of the Pay Dialog (FB.ui) response JSON (other fields, not signed: payment_id, amount, currency, quantity, status)',
    });
  });

  it('other JSON holding a signed_request; no other fields, no list', () => {
    expect(extractSignedRequest(JSON.stringify({ signed_request: SR }))).toStrictEqual({ signedRequest: SR, note: 'decoded the "signed_request" field of the JSON' });
    expect(extractSignedRequest(JSON.stringify({ user: 1, signed_request: SR }))).toStrictEqual({ signedRequest: SR, note: 'decoded the "signed_request" field of the JSON (other fields, not signed: user)' });
  });

  it('lists at most 6 other fields, then an ellipsis', () => {
    const six = { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, signed_request: SR };
    expect(extractSignedRequest(JSON.stringify(six)).note).toBe('decoded the "signed_request" field of the JSON (other fields, not signed: a, b, c, d, e, f)');
    expect(extractSignedRequest(JSON.stringify({ ...six, g: 7 })).note).toBe('decoded the "signed_request" field of the JSON (other fields, not signed: a, b, c, d, e, f, …)');
    const form = 'a=1&b=2&c=3&d=4&e=5&f=6&signed_request=' + SR;
    expect(extractSignedRequest(form).note).toBe('decoded the "signed_request" field of the form body (other fields, not signed: a, b, c, d, e, f)');
    expect(extractSignedRequest(form + '&g=7').note).toBe('decoded the "signed_request" field of the form body (other fields, not signed: a, b, c, d, e, f, …)');
  });

  it('JSON that does not parse, or whose signed_request is not a string, is returned unchanged', () => {
    for (const input of ['{not json', `{"signed_request":123}`, `{"signed_request":null}`, `{"signed_request":{"a":"b"}}`, '{}', `[{"signed_request":"${SR}"}]`]) {
      expect(extractSignedRequest(input), input).toStrictEqual({ signedRequest: input });
    }
  });

  it('a form body (Canvas POST, Credits callback): the field, URL-decoded, with the other field names once each', () => {
    expect(extractSignedRequest(`signed_request=${SR}`)).toStrictEqual({ signedRequest: SR, note: 'decoded the "signed_request" field of the form body' });
    expect(extractSignedRequest(` method=payments_get_items&signed_request=${SR}%3D&method=x&order_id=1\n`)).toStrictEqual({
      signedRequest: `${SR}=`,
      note: 'decoded the "signed_request" field of the form body (other fields, not signed: method, order_id)',
    });
  });

  it('only a field named exactly signed_request counts', () => {
    for (const input of [`xsigned_request=${SR}`, `a=1&my_signed_request=${SR}`, `signed_request${SR}`, `a=signed_request=${SR}`]) {
      expect(extractSignedRequest(input), input).toStrictEqual({ signedRequest: input });
    }
  });
});
