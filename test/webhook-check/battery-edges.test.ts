import { createHmac, timingSafeEqual, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestKeyPair } from '../../src/core/paypal/test-cert.js';
import { UsageError } from '../../src/core/errors.js';
import { httpRequest } from '../../src/transport/http.js';
import { loadBattery, runBattery, type BatteryOptions, type RunOptions } from '../../src/providers/webhook/check/index.js';
// Loaded here, outside any test, as the command loads a battery before running it: their module-level tables are then static.
import '../../src/providers/webhook/check/facebook.js';
import '../../src/providers/webhook/check/midas.js';
import '../../src/providers/webhook/check/paypal.js';
import '../../src/providers/webhook/check/app-callbacks.js';
import { facebookHandler, midasHandler, paypalHandler, startReceiver, type Req, type Running } from './receivers.js';

/**
 * Edges of the batteries that the receivers of battery.test.ts do not reach: what each refusal
 * really sends, the latency a two-delivery check reports, the PayPal premise notes, Midas ret codes
 * written as strings.
 */
const SECRET = 'edges0test0app0secret00000000042';
const TOKEN = 'edges-verify-token';
const APPKEY = 'edges0midas0appkey00000000000042';
const WEBHOOK_ID = '3EDGE5719EW123456';

const hmacOk = (header: string | undefined, algo: 'sha1' | 'sha256', body: Buffer) => {
  if (!header) return false;
  const want = Buffer.from(`${algo}=` + createHmac(algo, SECRET).update(body).digest('hex'));
  const got = Buffer.from(header);
  return got.length === want.length && timingSafeEqual(got, want);
};

/** The real transport with the n-th reply's latency set to 10·n ms (or `from` − 10·n): which reply a latency comes from, without a clock. */
const latencySeq = (from?: number): RunOptions['send'] => {
  let n = 0;
  return async (d, timeoutMs, signal) => ({
    ...(await httpRequest({ method: d.method, url: d.url, headers: d.headers, body: d.body, timeoutMs, signal })),
    latencyMs: from === undefined ? 10 * ++n : from - 10 * ++n,
  });
};
const latencyOf = (ms: number): RunOptions['send'] => async (d, timeoutMs, signal) => ({
  ...(await httpRequest({ method: d.method, url: d.url, headers: d.headers, body: d.body, timeoutMs, signal })),
  latencyMs: ms,
});

const servers: Record<string, Running> = {};
beforeAll(async () => {
  const correct = facebookHandler('correct', { secret: SECRET, verifyToken: TOKEN });
  let posts = 0;
  servers.fb = await startReceiver(correct);
  // Accepts the first POST, refuses the next ones: duplicate fails on the second delivery.
  servers.fbOnce = await startReceiver((r) => (r.method === 'POST' && ++posts > 1 ? { status: 500, body: 'again?' } : correct(r)));
  servers.midasMinus = await startReceiver((r: Req) => {
    const base = midasHandler('correct', APPKEY)(r);
    return base.body.includes('"ret":0') ? base : { status: 200, body: '{"ret":"-1","msg":"busy"}' };
  });
  servers.midasSpacedRet = await startReceiver((r: Req) => {
    const base = midasHandler('correct', APPKEY)(r);
    return base.body.includes('"ret":0') ? base : { status: 200, body: '{"ret":" 4"}' };
  });
  servers.midasRet4NoMsg = await startReceiver((r: Req) => {
    const base = midasHandler('correct', APPKEY)(r);
    return base.body.includes('"ret":0') ? base : { status: 200, body: '{"ret":4}' };
  });
  servers.midas = await startReceiver(midasHandler('correct', APPKEY));
  for (const [name, body] of [['midasRet10', '{"ret":"10"}'], ['midasRet4x', '{"ret":"4x"}'], ['midasRetList', '{"ret":[4]}']]) {
    servers[name] = await startReceiver((r: Req) => {
      const base = midasHandler('correct', APPKEY)(r);
      return base.body.includes('"ret":0') ? base : { status: 200, body };
    });
  }
  servers.pp = await startReceiver(paypalHandler('blind-fetch', WEBHOOK_ID));
  // Also checks the certificate's validity period, as PayPal's SDKs do.
  servers.ppDated = await startReceiver(async (r: Req) => {
    const pem = await (await fetch(r.headers['paypal-cert-url'])).text();
    const cert = new X509Certificate(pem);
    const now = Date.now();
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return { status: 400, body: 'certificate not valid now' };
    return paypalHandler('blind-fetch', WEBHOOK_ID)(r);
  });
  servers.s299 = await startReceiver(() => ({ status: 299, body: '' }));
  servers.s300 = await startReceiver(() => ({ status: 300, body: '' }));
  servers.ok = await startReceiver(() => ({ status: 200, body: 'ok' }));
  let cb = 0;
  servers.cbOnce = await startReceiver(() => (++cb % 2 === 1 ? { status: 200, body: 'ok' } : { status: 500, body: 'again?' }));
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

describe('facebook: what each delivery really carries', () => {
  it('no secret: a usage error before anything is sent', async () => {
    const e = await loadBattery('facebook', { verifyToken: TOKEN }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
  });

  it('the valid ones are signed with both headers; missing-signature has neither; the forged ones carry both, wrong', async () => {
    servers.fb.requests.length = 0;
    const only = ['valid-update', 'missing-signature', 'wrong-signature', 'wrong-secret', 'tampered-body', 'sha256-only', 'sha1-only'];
    const r = await runBattery(await loadBattery('facebook', { secret: SECRET }), { target: new URL(servers.fb.url), only });
    expect(r.passed).toBe(7);
    // Only the signature headers are taken off the unsigned one.
    expect(servers.fb.requests.map((q) => q.headers['content-type'])).toEqual(Array(7).fill('application/json'));
    const kinds = servers.fb.requests.map((q) => {
      const s1 = q.headers['x-hub-signature'];
      const s256 = q.headers['x-hub-signature-256'];
      return `${s1 === undefined ? '-' : hmacOk(s1, 'sha1', q.body) ? 'sha1 ok' : 'sha1 bad'} / ${s256 === undefined ? '-' : hmacOk(s256, 'sha256', q.body) ? 'sha256 ok' : 'sha256 bad'}`;
    });
    expect(kinds).toEqual([
      'sha1 ok / sha256 ok', // valid-update
      '- / -', // missing-signature
      'sha1 bad / sha256 bad', // wrong-signature
      'sha1 bad / sha256 bad', // wrong-secret
      'sha1 bad / sha256 bad', // tampered-body
      '- / sha256 ok', // sha256-only
      'sha1 ok / -', // sha1-only
    ]);
    // The wrong signature is the right one altered, the wrong secret a different valid-looking HMAC: both 40/64 hex digits.
    for (const q of servers.fb.requests.slice(2, 5)) {
      expect(q.headers['x-hub-signature']).toMatch(/^sha1=[0-9a-f]{40}$/);
      expect(q.headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    }
  });

  it('the wrong-token handshake sends a token of its own, never empty, with a fresh challenge', async () => {
    servers.fb.requests.length = 0;
    await runBattery(await loadBattery('facebook', { secret: SECRET, verifyToken: TOKEN }), { target: new URL(servers.fb.url), only: ['handshake', 'handshake-wrong-token'] });
    const gets = servers.fb.requests.map((q) => [q.url.searchParams.get('hub.verify_token'), q.url.searchParams.get('hub.challenge')]);
    expect(gets[0][0]).toBe(TOKEN);
    expect(gets[1][0]).toMatch(/^fbpay-wrong-token-[0-9a-f]{24}$/);
    expect(gets[1][1]).not.toBe(gets[0][1]);
  });

  it('a wrong-token reply longer than fbpay reads cannot show it is not echoed: inconclusive, never a pass', async () => {
    const correct = facebookHandler('correct', { secret: SECRET, verifyToken: TOKEN });
    // The right token gets the challenge; a wrong one gets 70 KB of page and then the challenge (past the 64 KiB fbpay reads).
    const long = await startReceiver((q) => {
      const token = q.url.searchParams.get('hub.verify_token');
      return q.method === 'GET' && token !== TOKEN ? { status: 403, body: `${'x'.repeat(70_000)}${q.url.searchParams.get('hub.challenge')}` } : correct(q);
    });
    try {
      const r = await runBattery(await loadBattery('facebook', { secret: SECRET, verifyToken: TOKEN }), { target: new URL(long.url), only: ['handshake', 'handshake-wrong-token'] });
      expect(r.checks.map((c) => [c.id, c.ok, c.inconclusive ?? false])).toEqual([
        ['handshake', true, false],
        ['handshake-wrong-token', false, true],
      ]);
      expect(r.checks[1].detail).toBe('403 with a reply longer than the 64 KiB fbpay reads, and no challenge in them: whether it echoes the challenge further on is unknown');
      expect(r.inconclusive).toBe(1);
    } finally {
      await long.close();
    }
  });

  it('action-types names every type that passed before the one refused', async () => {
    let n = 0;
    const correct = facebookHandler('correct', { secret: SECRET, verifyToken: TOKEN });
    const third = await startReceiver((q) => (++n === 3 ? { status: 400, body: 'chargeback?' } : correct(q)));
    try {
      const r = await runBattery(await loadBattery('facebook', { secret: SECRET }), { target: new URL(third.url), only: ['action-types'] });
      expect(r.checks.map((c) => [c.ok, c.detail])).toEqual([[false, 'chargeback: 400 "chargeback?" (after charge 200, refund 200)']]);
    } finally {
      await third.close();
    }
  });

  it('duplicate and action-types report the slowest of their replies; a failed second delivery reports its own', async () => {
    const ok = await runBattery(await loadBattery('facebook', { secret: SECRET }), { target: new URL(servers.fb.url), only: ['duplicate', 'action-types'], send: latencySeq() });
    expect(ok.checks.map((c) => [c.id, c.ok, c.latencyMs])).toEqual([
      ['duplicate', true, 20],
      ['action-types', true, 70],
    ]);
    const again = await runBattery(await loadBattery('facebook', { secret: SECRET }), { target: new URL(servers.fbOnce.url), only: ['duplicate'], send: latencySeq() });
    expect(again.checks.map((c) => [c.ok, c.status, c.latencyMs, c.detail])).toEqual([[false, 500, 20, '200, then 500 "again?" on the same delivery again']]);
    const first = await runBattery(await loadBattery('facebook', { secret: SECRET }), { target: new URL(servers.fbOnce.url), only: ['duplicate'], send: latencySeq() });
    expect(first.checks.map((c) => [c.ok, c.status, c.latencyMs, c.detail])).toEqual([[false, 500, 10, 'first delivery got 500 "again?"']]);
  });
});

describe('2xx means 200 to 299', () => {
  it('a 299 is an acceptance (the valid request passes, a forgery answered 299 fails); a 300 is neither', async () => {
    const run = async (url: string, only: string[]) => (await runBattery(await loadBattery('facebook', { secret: SECRET, kind: 'deauthorize' }), { target: new URL(url), only })).checks.map((c) => [c.id, c.ok, c.inconclusive ?? false, c.detail]);
    expect(await run(servers.s299.url, ['valid-request', 'wrong-signature'])).toEqual([
      ['valid-request', true, false, '299 (accepted)'],
      ['wrong-signature', false, false, '299: accepted a signed_request with a wrong signature'],
    ]);
    expect(await run(servers.s300.url, ['valid-request', 'wrong-signature'])).toEqual([
      ['valid-request', false, false, '300: expected 2xx'],
      ['wrong-signature', false, true, '300 (rejected) proves nothing: valid-request was not accepted (300: expected 2xx)'],
    ]);
  });
});

describe('app callbacks: duplicate reports the slower of its two replies', () => {
  it('whichever came first', async () => {
    for (const [from, want] of [[undefined, 20], [100, 90]] as const) {
      const r = await runBattery(await loadBattery('facebook', { secret: SECRET, kind: 'deauthorize' }), { target: new URL(servers.ok.url), only: ['duplicate'], send: latencySeq(from) });
      expect(r.checks.map((c) => [c.ok, c.latencyMs])).toEqual([[true, want]]);
      const bad = await runBattery(await loadBattery('facebook', { secret: SECRET, kind: 'deauthorize' }), { target: new URL(servers.cbOnce.url), only: ['duplicate'], send: latencySeq(from) });
      expect(bad.checks.map((c) => [c.ok, c.latencyMs, c.detail])).toEqual([[false, want, '200, then on the same request again: 500 "again?": expected 2xx']]);
    }
  });
});

describe('midas: a ret given as a string', () => {
  it('"10" is ret 10; "4x" and [4] are no ret at all (the reply is quoted instead)', async () => {
    const detail = async (name: string) => (await runBattery(await loadBattery('midas', { appkey: APPKEY }), { target: new URL(servers[name].url), only: ['wrong-sig-rejected'] })).checks.map((c) => [c.ok, c.detail]);
    expect(await detail('midasRet10')).toEqual([[true, 'ret 10 (refused)']]);
    expect(await detail('midasRet4x')).toEqual([[true, '200 "{\\"ret\\":\\"4x\\"}" (refused)']]);
    expect(await detail('midasRetList')).toEqual([[true, '200 "{\\"ret\\":[4]}" (refused)']]);
  });

  it('"-1" is read as ret -1 (a refusal); " 4" is no ret at all', async () => {
    const minus = await runBattery(await loadBattery('midas', { appkey: APPKEY }), { target: new URL(servers.midasMinus.url), only: ['wrong-sig-rejected'] });
    expect(minus.checks.map((c) => [c.ok, c.detail])).toEqual([[true, 'ret -1 (refused)']]);
    const spaced = await runBattery(await loadBattery('midas', { appkey: APPKEY }), { target: new URL(servers.midasSpacedRet.url), only: ['wrong-sig-rejected'] });
    expect(spaced.checks.map((c) => [c.ok, c.detail])).toEqual([[true, '200 "{\\"ret\\":\\" 4\\"}" (refused)']]);
  });
});

describe('midas: the exact reply is judged apart from the budget, ret 4 without msg', () => {
  it('a slow exact reply still passes valid-reply; only the budget check judges the time', async () => {
    const r = await runBattery(await loadBattery('midas', { appkey: APPKEY }), { target: new URL(servers.midas.url), only: ['valid-reply', 'extra-param', 'budget'], budgetMs: 6000, send: latencyOf(5000) });
    expect(r.checks.map((c) => [c.id, c.ok, c.detail])).toEqual([
      ['valid-reply', true, '{"ret":0,"msg":"OK"}'],
      ['extra-param', true, '{"ret":0,"msg":"OK"}'],
      ['budget', true, '5000 ms ≤ 6000 ms budget (status 200)'],
    ]);
  });
  it('ret 4 without a msg is said as just "ret 4"', async () => {
    const r = await runBattery(await loadBattery('midas', { appkey: APPKEY }), { target: new URL(servers.midasRet4NoMsg.url), only: ['wrong-sig-ret-4'] });
    expect(r.checks.map((c) => [c.ok, c.detail])).toEqual([[true, 'ret 4']]);
  });
});

describe('paypal: the certificate the refusals point at, and the premise notes', () => {
  it('other-key and other-webhook-id use the valid delivery\u2019s certificate URL; only the off-host one points elsewhere', async () => {
    servers.pp.requests.length = 0;
    const r = await runBattery(await loadBattery('paypal', { webhookId: WEBHOOK_ID }), { target: new URL(servers.pp.url), only: ['valid-delivery', 'other-key', 'other-webhook-id', 'cert-url-off-host'] });
    expect(r.checks.map((c) => [c.id, c.ok])).toEqual([
      ['valid-delivery', true],
      ['other-key', true],
      ['other-webhook-id', true],
      ['cert-url-off-host', false],
    ]);
    const urls = servers.pp.requests.map((q) => q.headers['paypal-cert-url']);
    expect(urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(urls.slice(0, 3)).toEqual([urls[0], urls[0], urls[0]]);
    expect(urls[3]).toMatch(/^http:\/\/localhost:\d+\//);
    expect(new URL(urls[3]).port).not.toBe(new URL(urls[0]).port);
  });

  it('the test certificates are valid now: a receiver that checks the validity period accepts the valid delivery', async () => {
    const r = await runBattery(await loadBattery('paypal', { webhookId: WEBHOOK_ID }), { target: new URL(servers.ppDated.url), only: ['valid-delivery', 'other-key'] });
    expect(r.checks.map((c) => [c.id, c.ok, c.detail])).toEqual([
      ['valid-delivery', true, '200 (accepted)'],
      ['other-key', true, '400 (rejected)'],
    ]);
  });

  it('--key/--cert: the delivery is signed with that pair and its certificate is the one served; close() stops serving it', async () => {
    const pair = generateTestKeyPair();
    let served = '';
    const pinned = await startReceiver(async (q: Req) => {
      served = await (await fetch(q.headers['paypal-cert-url'])).text();
      return served === pair.certPem ? paypalHandler('blind-fetch', WEBHOOK_ID)(q) : { status: 400, body: 'not the pinned certificate' };
    });
    try {
      const b = await loadBattery('paypal', { webhookId: WEBHOOK_ID, keyPem: pair.keyPem, certPem: pair.certPem });
      const r = await runBattery(b, { target: new URL(pinned.url), only: ['valid-delivery', 'cert-url-off-host'] });
      // This receiver fetches any certificate before comparing it: refused, but the detail says it fetched it.
      expect(r.checks.map((c) => [c.id, c.ok, c.detail.replace(/:\d+$/, ':PORT')])).toEqual([
        ['valid-delivery', true, '200 (accepted)'],
        ['cert-url-off-host', true, '400 (rejected); it fetched the certificate from localhost:PORT'],
      ]);
      const urls = pinned.requests.map((q) => q.headers['paypal-cert-url']);
      await expect(fetch(urls[0])).rejects.toThrow();
      await expect(fetch(urls[1].replace('//localhost:', '//127.0.0.1:'))).rejects.toThrow();
    } finally {
      await pinned.close();
    }
  });

  it('--cert, --cert-url or --key alone: a usage error before anything is sent (never a fresh test pair instead)', async () => {
    const pair = generateTestKeyPair();
    const err = (o: Partial<BatteryOptions>) => loadBattery('paypal', { webhookId: WEBHOOK_ID, ...o }).then(() => 'no error', (e: { code?: string }) => e.code);
    expect(await err({ certPem: pair.certPem })).toBe('missing_key');
    expect(await err({ certUrl: 'https://example.test/cert.pem' })).toBe('missing_key');
    expect(await err({ keyPem: pair.keyPem })).toBe('missing_cert');
  });

  it('the note on a failed premise follows how the certificate was served', async () => {
    const pair = generateTestKeyPair();
    const tls = { certPem: pair.certPem, keyPem: pair.keyPem };
    const note = async (o: Partial<BatteryOptions>) => (await loadBattery('paypal', { webhookId: WEBHOOK_ID, ...o })).premiseNote;
    expect(await note({ keyPem: pair.keyPem, certPem: pair.certPem })).toBeUndefined();
    expect(await note({ keyPem: pair.keyPem, certUrl: 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1' })).toBeUndefined();
    expect(await note({ certServerTls: tls })).toBe(
      'the certificate was served over https by a server the local CA issued, and the CA issued it too: the receiver must have been started trusting that CA (the lines printed above)',
    );
    expect(await note({ certServerTls: tls, keyPem: pair.keyPem, certPem: pair.certPem })).toBe(
      'the certificate was served over https by a server the local CA issued: the receiver must have been started trusting that CA (the lines printed above)',
    );
    expect(await note({ certServerTls: tls, keyPem: pair.keyPem, certUrl: 'https://example.test/c.pem' })).toBeUndefined();
  });
});
