import { describe, expect, it } from 'vitest';
import { validateDataDeletionReply } from '../../../src/core/facebook/app-callbacks.js';

/** What `webhook check --kind data-deletion` / `webhook replay fb-data-deletion` tell a user about the app's reply. */
const EXPECTED = 'Facebook expects {"url":"<status page>","confirmation_code":"<code>"}';
const reply = (o: unknown) => validateDataDeletionReply(JSON.stringify(o));

describe('Data Deletion Request callback reply', () => {
  it('accepts an http or https status page with an alphanumeric code, and hands both back', () => {
    expect(reply({ url: 'https://app.example/deletion?id=abc', confirmation_code: 'abc123XYZ' })).toEqual({ ok: true, url: 'https://app.example/deletion?id=abc', confirmation_code: 'abc123XYZ' });
    expect(reply({ url: 'http://localhost:8080/d', confirmation_code: '7' })).toEqual({ ok: true, url: 'http://localhost:8080/d', confirmation_code: '7' });
  });

  it.each(['OK', '', '{"url":'])('a body that is not JSON (%j) says so and what Facebook expects', (text) => {
    expect(validateDataDeletionReply(text)).toEqual({ ok: false, reason: `the reply is not JSON (${EXPECTED})` });
  });

  it.each(['null', '0', 'false', '[]', '[{"url":"https://x"}]', '"https://x"', '42', 'true'])('JSON that is not an object (%s) is refused as such', (text) => {
    expect(validateDataDeletionReply(text)).toEqual({ ok: false, reason: `the reply is not a JSON object (${EXPECTED})` });
  });

  it.each([{}, { url: null }, { url: '' }, { confirmation_code: 'abc' }])('a missing or empty url (%j) names "url" as missing', (o) => {
    expect(reply(o)).toEqual({ ok: false, missing: 'url', reason: `the reply has no "url" (${EXPECTED})` });
  });

  it.each([
    [{ url: 5, confirmation_code: 'a' }, '"url" is not an http(s) URL: 5'],
    [{ url: 'ftp://files.example/x', confirmation_code: 'a' }, '"url" is not an http(s) URL: "ftp://files.example/x"'],
    [{ url: 'status page', confirmation_code: 'a' }, '"url" is not an http(s) URL: "status page"'],
    [{ url: '/relative/path', confirmation_code: 'a' }, '"url" is not an http(s) URL: "/relative/path"'],
    [{ url: ['https://x'], confirmation_code: 'a' }, '"url" is not an http(s) URL: ["https://x"]'],
  ])('a url that is not an http(s) URL (%j) is refused, quoting it', (o, reason) => {
    expect(reply(o)).toEqual({ ok: false, reason });
  });

  it('quotes at most 80 characters of a long wrong url', () => {
    const url = 'x'.repeat(200);
    expect(reply({ url, confirmation_code: 'a' })).toEqual({ ok: false, reason: `"url" is not an http(s) URL: "${'x'.repeat(79)}` });
  });

  it.each([{ url: 'https://x' }, { url: 'https://x', confirmation_code: null }, { url: 'https://x', confirmation_code: '' }])('a missing or empty code (%j) names "confirmation_code" as missing', (o) => {
    expect(reply(o)).toEqual({ ok: false, missing: 'confirmation_code', reason: `the reply has no "confirmation_code" (${EXPECTED})` });
  });

  it.each([
    [123, '123'],
    ['a b', '"a b"'],
    ['abc-123', '"abc-123"'],
    ['!abc', '"!abc"'],
    ['abc!', '"abc!"'],
    [{ code: 'a' }, '{"code":"a"}'],
  ])('a code that is not an alphanumeric string (%j) is refused, quoting it', (code, shown) => {
    expect(reply({ url: 'https://x', confirmation_code: code })).toEqual({ ok: false, reason: `"confirmation_code" must be an alphanumeric string, got ${shown}` });
  });

  it('quotes at most 60 characters of a long wrong code', () => {
    const code = `${'a'.repeat(100)}!`;
    expect(reply({ url: 'https://x', confirmation_code: code })).toEqual({ ok: false, reason: `"confirmation_code" must be an alphanumeric string, got "${'a'.repeat(59)}` });
  });
});
