import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { explainHubMismatch } from '../../../src/core/facebook/hub-signature.js';

/** What `fbpay webhook verify` says when X-Hub-Signature-256 does not match: the near miss it tested, and what it tried. */
const SECRET = '0123456789abcdef0123456789abcdef';
const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const KINDS = ['the trimmed secret', 'the part after "|"', 'trailing newline/whitespace', 'CRLF', 'compact, pretty-printed (2, 4, tab) and spaced JSON', 'sorted keys', 'PHP escaping (\\/ and \\uXXXX)'];
const OTHER = sign('something else entirely');

describe('explainHubMismatch', () => {
  it('a header it cannot read gives nothing tried and no notes', () => {
    expect(explainHubMismatch('{}', 'not a signature', SECRET)).toEqual({ tried: { count: 0, kinds: [] }, notes: [] });
  });

  it('counts what it tried and lists the kinds, when nothing matches', () => {
    // A body that is not JSON and a 32-hex secret: only the body with a newline added is worth a try.
    expect(explainHubMismatch('abc', OTHER, SECRET)).toEqual({ tried: { count: 1, kinds: KINDS }, notes: [] });
    // A secret ending in "|" has no part after it to try.
    const r = explainHubMismatch('abc', OTHER, '123456|');
    expect(r.tried.count).toBe(1);
    expect(r.notes).toEqual([]);
    // APP_ID|SECRET adds the part after "|": once alone, once with each body variant.
    expect(explainHubMismatch('abc', OTHER, `123456|${SECRET}`).tried.count).toBe(3);
  });

  it('a near miss comes with what was tried up to it, and no notes', () => {
    const body = '{"object":"payments","entry":[{"id":"1"}]}';
    expect(explainHubMismatch(`${body}\n`, sign(body), SECRET)).toEqual({
      nearMiss: { cause: 'body_trailing_newline', matched: true, message: 'the body has a trailing newline that was not signed: that version matches the signature — verify the raw request bytes, before any parsing' },
      tried: { count: 1, kinds: KINDS },
      notes: [],
    });
  });

  it('finds a body that was signed pretty-printed with tabs', () => {
    const value = { object: 'payments', entry: [{ id: '1', changed_fields: ['actions'] }] };
    const r = explainHubMismatch(JSON.stringify(value), sign(JSON.stringify(value, null, '\t')), SECRET);
    expect(r.nearMiss).toEqual({ cause: 'body_reserialized', matched: true, message: 'the body was re-serialized: the same JSON pretty-printed with tabs: that version matches the signature — verify the raw request bytes, before any parsing' });
  });

  it('finds a body signed with only non-ASCII escaped, or only "/" escaped', () => {
    const value = { url: 'https://example.com/café' };
    const compact = JSON.stringify(value);
    const unicodeOnly = compact.replace('é', '\\u00e9');
    const slashOnly = compact.replace(/\//g, '\\/');
    expect(explainHubMismatch(compact, sign(unicodeOnly), SECRET).nearMiss?.message).toBe(
      'the body was re-serialized: the compact JSON form with non-ASCII as \\uXXXX: that version matches the signature — verify the raw request bytes, before any parsing',
    );
    expect(explainHubMismatch(compact, sign(slashOnly), SECRET).nearMiss?.message).toBe(
      'the body was re-serialized: the compact JSON form with "/" escaped as \\/: that version matches the signature — verify the raw request bytes, before any parsing',
    );
    const both = compact.replace(/\//g, '\\/').replace('é', '\\u00e9');
    expect(explainHubMismatch(compact, sign(both), SECRET).nearMiss?.message).toBe(
      'the body was re-serialized: the compact JSON form with Facebook-style escaping (\\/ and \\uXXXX, as PHP json_encode writes): that version matches the signature — verify the raw request bytes, before any parsing',
    );
  });

  it('escapes characters from U+007F up as \\uXXXX, lowercase hex with four digits', () => {
    const value = { s: 'a\u007fb€' };
    const compact = JSON.stringify(value);
    const escaped = '{"s":"a\\u007fb\\u20ac"}';
    expect(explainHubMismatch(compact, sign(escaped), SECRET).nearMiss?.cause).toBe('body_reserialized');
    expect(explainHubMismatch(compact, sign('{"s":"a\\u007Fb\\u20AC"}'), SECRET).nearMiss).toBeUndefined();
  });
});
