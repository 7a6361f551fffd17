import { describe, expect, it } from 'vitest';
import { encodeMidasQuery, midasSign, midasVerify, parseMidasQuery, type MidasParams } from '../../../src/core/midas/signature.js';
import { splitCallbackUrl, verifyReceivedCallback } from '../../../src/core/midas/verify-input.js';
import { usageError as usage } from '../../helpers/usage-error.js';


const NOW = 1_700_000_000;
const PARAMS: MidasParams = { openid: 'O1', billno: 'B-1', payitem: 'i*1*1', token: 'T', ts: String(NOW) };
/** A query as a sender writes it: every value rawurlencoded, sig appended. */
const signed = (params: MidasParams, appkey = 'key', path = '/cb') => encodeMidasQuery({ ...params, sig: midasSign({ method: 'GET', path, params, appkey, rule: 'callback' }).sig });

describe('splitCallbackUrl: what a user pastes as --query', () => {
  it('a whole URL (http or https, any case): its path, and the raw query up to the fragment', () => {
    expect(splitCallbackUrl('https://game.example/cgi-bin/deliver?a=%2B&b=1')).toEqual({ path: '/cgi-bin/deliver', query: 'a=%2B&b=1' });
    expect(splitCallbackUrl('  http://h:8080/cb?a=1  ')).toEqual({ path: '/cb', query: 'a=1' });
    expect(splitCallbackUrl('HTTPS://H/cb?a=1')).toEqual({ path: '/cb', query: 'a=1' });
    expect(splitCallbackUrl('https://h/cb?a=1#frag')).toEqual({ path: '/cb', query: 'a=1' });
    expect(splitCallbackUrl('https://h/cb?a=1&b=x#frag?c=2')).toEqual({ path: '/cb', query: 'a=1&b=x' });
    expect(splitCallbackUrl('https://h/cb')).toEqual({ path: '/cb', query: '' });
    expect(splitCallbackUrl('https://h')).toEqual({ path: '/', query: '' });
    // a "?" inside the fragment is not a query
    expect(splitCallbackUrl('https://h/cb#x?y=1')).toEqual({ path: '/cb', query: '' });
  });

  it('a URL that does not parse is a usage error quoting at most 80 characters', () => {
    const e = usage(() => splitCallbackUrl('http://bad host/cb?a=1'));
    expect([e.code, e.message, e.hint]).toEqual(['midas_bad_query', '--query looks like a URL but does not parse: "http://bad host/cb?a=1"', 'pass the whole callback URL, or only its query string']);
    const long = 'http://[' + 'x'.repeat(100);
    expect(usage(() => splitCallbackUrl(long)).message).toBe(`--query looks like a URL but does not parse: "${long.slice(0, 80)}"`);
  });

  it('a path with a query splits at the first "?"; anything else is the query itself', () => {
    expect(splitCallbackUrl('/cgi-bin/deliver?a=1&b=?')).toEqual({ path: '/cgi-bin/deliver', query: 'a=1&b=?' });
    expect(splitCallbackUrl('/cb')).toEqual({ query: '/cb' });
    expect(splitCallbackUrl('a=1?b=2')).toEqual({ query: 'a=1?b=2' });
    expect(splitCallbackUrl(' a=1&b=2 ')).toEqual({ query: 'a=1&b=2' });
    // a URL inside a value is not a URL to split
    expect(splitCallbackUrl('goodsurl=http://x/y.png&a=1')).toEqual({ query: 'goodsurl=http://x/y.png&a=1' });
    expect(splitCallbackUrl('ftp://h/cb?a=1')).toEqual({ query: 'ftp://h/cb?a=1' });
  });
});

describe('verifyReceivedCallback: the plain reading first, then the readings users get wrong', () => {
  it('a genuine callback from a bare query and --path: valid, no notes', () => {
    const r = verifyReceivedCallback({ query: signed(PARAMS), path: '/cb', appkey: 'key', now: NOW });
    expect(r).toMatchObject({ valid: true, rule: 'callback', path: '/cb', duplicates: [], notes: [] });
    expect(r.sig).toBe(midasSign({ method: 'GET', path: '/cb', params: PARAMS, appkey: 'key', rule: 'callback' }).sig);
  });

  it('the path comes from the URL when --path is absent, and the note says so', () => {
    const r = verifyReceivedCallback({ query: `https://game.example/cb?${signed(PARAMS)}`, appkey: 'key', now: NOW });
    expect(r).toMatchObject({ valid: true, path: '/cb', notes: ['path /cb taken from the URL'] });
    expect(verifyReceivedCallback({ query: `/cb?${signed(PARAMS)}`, appkey: 'key', now: NOW })).toMatchObject({ valid: true, path: '/cb', notes: ['path /cb taken from the URL'] });
  });

  it('--path wins over the URL\'s path, with a note only when they differ', () => {
    const other = verifyReceivedCallback({ query: `https://h/other?${signed(PARAMS)}`, path: '/cb', appkey: 'key', now: NOW });
    expect(other).toMatchObject({ valid: true, path: '/cb', notes: ['--path /cb is used; the URL\'s path is /other'] });
    const same = verifyReceivedCallback({ query: `https://h/cb?${signed(PARAMS)}`, path: '/cb', appkey: 'key', now: NOW });
    expect(same).toMatchObject({ valid: true, path: '/cb', notes: [] });
  });

  it('no path anywhere: a usage error that says how to give one', () => {
    const e = usage(() => verifyReceivedCallback({ query: signed(PARAMS), appkey: 'key', now: NOW }));
    expect([e.code, e.message, e.hint]).toEqual(['midas_missing_path', 'missing --path: the URL path the sender signed', 'pass --path /your/callback/path, or the whole callback URL as --query']);
  });

  it('method, now and maxSkew reach the verdict', () => {
    const post = encodeMidasQuery({ ...PARAMS, sig: midasSign({ method: 'POST', path: '/cb', params: PARAMS, appkey: 'key', rule: 'callback' }).sig });
    expect(verifyReceivedCallback({ query: post, path: '/cb', method: 'POST', appkey: 'key', now: NOW }).valid).toBe(true);
    expect(verifyReceivedCallback({ query: post, path: '/cb', method: 'GET', appkey: 'key', now: NOW }).valid).toBe(false);
    const late = verifyReceivedCallback({ query: signed(PARAMS), path: '/cb', appkey: 'key', now: NOW + 100, maxSkew: 50 });
    expect(late).toMatchObject({ valid: false, signature_ok: true, skew_seconds: -100 });
    expect(late.problems).toEqual([expect.stringMatching(/^ts is 100 s old \(more than 50 s from now\)/)]);
    expect(verifyReceivedCallback({ query: signed(PARAMS), path: '/cb', appkey: 'key', now: NOW + 100 }).valid).toBe(true);
  });

  it('duplicates and the received sig are reported from the query as read', () => {
    const q = `openid=first&${signed(PARAMS)}`;
    const r = verifyReceivedCallback({ query: q, path: '/cb', appkey: 'key', now: NOW });
    expect(r).toMatchObject({ valid: true, duplicates: ['openid'] });
    expect(verifyReceivedCallback({ query: 'a=1&a=2&sig=S%2B', path: '/cb', appkey: 'key', now: NOW })).toMatchObject({ valid: false, duplicates: ['a'], sig: 'S+' });
  });

  it('"+" read as a space: tried only after the plain reading fails, and the note says which matched', () => {
    const spaced = { ...PARAMS, openid: 'a b' };
    const sig = midasSign({ method: 'GET', path: '/cb', params: spaced, appkey: 'key', rule: 'callback' }).sig;
    const q = `openid=a+b&billno=B-1&payitem=i*1*1&token=T&ts=${NOW}&sig=${encodeURIComponent(sig)}`;
    const r = verifyReceivedCallback({ query: q, path: '/cb', appkey: 'key', now: NOW });
    expect(r).toMatchObject({ valid: true, rule: 'callback', sig });
    expect(r.notes).toEqual(['matched only with "+" read as a space (as a PHP server reads a query string): the sender signed the decoded value; pass --form-encoded to read it that way']);
    // asked for: no note
    expect(verifyReceivedCallback({ query: q, path: '/cb', appkey: 'key', now: NOW, formEncoded: true })).toMatchObject({ valid: true, notes: [] });
    // a literal "+" the sender signed as "+" matches on the plain reading
    const plus = { ...PARAMS, openid: 'a+b' };
    expect(verifyReceivedCallback({ query: signed(plus).replace('a%2Bb', 'a+b'), path: '/cb', appkey: 'key', now: NOW })).toMatchObject({ valid: true, notes: [] });
  });

  it('"+" in a query that matches no reading: the verdict is the plain reading\'s, and the note says the other was tried', () => {
    const q = `openid=a+b&ts=${NOW}&sig=AAAA`;
    const r = verifyReceivedCallback({ query: q, path: '/cb', appkey: 'key', now: NOW });
    const plain = parseMidasQuery(q);
    expect(r).toMatchObject({ valid: false, signature_ok: false, sig: 'AAAA', duplicates: [] });
    expect(r.source_string).toBe(midasVerify({ path: '/cb', params: plain.params, sig: plain.sig, appkey: 'key', now: NOW }).source_string);
    expect(r.source_string).toContain('a%252Bb');
    expect(r.notes).toEqual(['also tried "+" as a space: no match either']);
    // with --form-encoded only that reading is tried
    const f = verifyReceivedCallback({ query: q, path: '/cb', appkey: 'key', now: NOW, formEncoded: true });
    expect(f.notes).toEqual([]);
    expect(f.source_string).toContain('a%2520b');
    // no "+": nothing else to try
    expect(verifyReceivedCallback({ query: `openid=ab&sig=AAAA`, path: '/cb', appkey: 'key', now: NOW }).notes).toEqual([]);
  });

  it('an appkey pasted with its trailing "&": tried without it, and the notes say so', () => {
    const r = verifyReceivedCallback({ query: signed(PARAMS), path: '/cb', appkey: 'key&', now: NOW });
    expect(r).toMatchObject({ valid: true, rule: 'callback' });
    expect(r.notes).toEqual(['the appkey was given with a trailing "&": fbpay appends the "&" itself (the HMAC key is appkey + "&")', 'matched with the trailing "&" removed from the appkey: pass the appkey alone']);
    // signed with "key&" as the appkey itself: the plain reading matches, only the first note
    const own = verifyReceivedCallback({ query: signed(PARAMS, 'key&'), path: '/cb', appkey: 'key&', now: NOW });
    expect(own).toMatchObject({ valid: true });
    expect(own.notes).toEqual(['the appkey was given with a trailing "&": fbpay appends the "&" itself (the HMAC key is appkey + "&")']);
    // neither matches: the verdict is the given appkey's, and both tries are named
    const wrong = verifyReceivedCallback({ query: signed(PARAMS, 'other'), path: '/cb', appkey: 'key&', now: NOW });
    expect(wrong.valid).toBe(false);
    expect(wrong.tried[0].sig).toBe(midasSign({ method: 'GET', path: '/cb', params: PARAMS, appkey: 'key&', rule: 'callback' }).sig);
    expect(wrong.notes).toEqual(['the appkey was given with a trailing "&": fbpay appends the "&" itself (the HMAC key is appkey + "&")', 'also tried the appkey without its trailing "&": no match either']);
    // "&" alone is the appkey, not an appkey with a trailing "&"
    const amp = verifyReceivedCallback({ query: signed(PARAMS, 'other'), path: '/cb', appkey: '&', now: NOW });
    expect(amp).toMatchObject({ valid: false, notes: [] });
    expect(verifyReceivedCallback({ query: signed(PARAMS, '&'), path: '/cb', appkey: '&', now: NOW })).toMatchObject({ valid: true, notes: [] });
  });

  it('both readings at once: "+" as a space with the "&" removed', () => {
    const spaced = { ...PARAMS, openid: 'a b' };
    const sig = midasSign({ method: 'GET', path: '/cb', params: spaced, appkey: 'key', rule: 'callback' }).sig;
    const q = `openid=a+b&billno=B-1&payitem=i*1*1&token=T&ts=${NOW}&sig=${encodeURIComponent(sig)}`;
    const r = verifyReceivedCallback({ query: q, path: '/cb', appkey: 'key&', now: NOW });
    expect(r.valid).toBe(true);
    expect(r.notes).toEqual([
      'the appkey was given with a trailing "&": fbpay appends the "&" itself (the HMAC key is appkey + "&")',
      'matched only with "+" read as a space (as a PHP server reads a query string): the sender signed the decoded value; pass --form-encoded to read it that way',
      'matched with the trailing "&" removed from the appkey: pass the appkey alone',
    ]);
    const none = verifyReceivedCallback({ query: q.replace(/sig=.*/, 'sig=AAAA'), path: '/cb', appkey: 'key&', now: NOW });
    expect(none.notes).toEqual([
      'the appkey was given with a trailing "&": fbpay appends the "&" itself (the HMAC key is appkey + "&")',
      'also tried "+" as a space: no match either',
      'also tried the appkey without its trailing "&": no match either',
    ]);
  });
});
