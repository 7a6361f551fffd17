import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { httpRequest } from '../../src/transport/http.js';
import { loadBattery, reportToJson, reportToJunit, runBattery, type Battery, type BatteryOptions, type CheckReport, type RunOptions } from '../../src/providers/webhook/check/index.js';
import { describeReply, replySnippet } from '../../src/providers/webhook/check/common.js';
import { facebookHandler, fixedHandler, midasHandler, paypalHandler, startReceiver, type Reply, type Req, type Running } from './receivers.js';

/**
 * The `webhook check` batteries driven in-process (loadBattery + runBattery) against small node:http
 * receivers on 127.0.0.1, one per reply kind (200/202/204/400/403/404/500, echo / no echo, wrong
 * token, slow), all started once for the file. Every verdict and every detail a user reads is pinned:
 * a ✓ only where the receiver really did the right thing; a refusal whose premise failed is
 * inconclusive; a 2xx to a forged delivery is a fail.
 */
const SECRET = 'battery0test0app0secret000000042';
const TOKEN = 'battery-verify-token-7';
const APPKEY = 'battery0midas0appkey000000000042';
const WEBHOOK_ID = '7BT52719EW1234567';

const same = (a: string | Buffer, b: string | Buffer) => {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
};

/** What a user reads per check, with the numbers that change from run to run (latency, challenge, port) replaced. */
const norm = (s: string) =>
  s
    .replace(/\b\d+ ms\b/g, 'N ms')
    .replace(/"\d{1,10}"/g, '"<challenge>"')
    .replace(/(127\.0\.0\.1|localhost):\d+/g, '$1:PORT');
const rows = (r: CheckReport) => r.checks.map((c) => [c.id, c.skipped ? 'skipped' : c.inconclusive ? 'inconclusive' : c.ok ? 'pass' : 'FAIL', c.status ?? null, norm(c.detail)]);
const counts = (r: CheckReport) => ({ passed: r.passed, failed: r.failed, requiredFailed: r.requiredFailed, inconclusive: r.inconclusive, requiredInconclusive: r.requiredInconclusive, skipped: r.skipped, cause: r.cause, note: r.note });

async function run(provider: 'facebook' | 'paypal' | 'midas', opts: BatteryOptions, url: string, ro: Partial<RunOptions> = {}): Promise<CheckReport> {
  const battery = await loadBattery(provider, opts);
  return runBattery(battery, { target: new URL(url), budgetMs: 2000, ...ro });
}

/** The real transport, but each reply's measured latency replaced: the budget comparison at its boundary, without a clock. */
const latencyOf = (ms: number): RunOptions['send'] => async (d, timeoutMs, signal) => ({
  ...(await httpRequest({ method: d.method, url: d.url, headers: d.headers, body: d.body, timeoutMs, signal })),
  latencyMs: ms,
});

const servers: Record<string, Running> = {};
const url = (name: string, path = '/') => servers[name].url + path;

// ---------------------------------------------------------------------------------------------
// Facebook payments webhook
// ---------------------------------------------------------------------------------------------

/** A correct receiver that verifies X-Hub-Signature only (sha1), like the older samples. */
function sha1OnlyHandler(r: Req): Reply {
  if (r.method === 'GET') return facebookHandler('correct', { secret: SECRET, verifyToken: TOKEN })(r);
  const s1 = r.headers['x-hub-signature'] ?? '';
  return same(s1, 'sha1=' + createHmac('sha1', SECRET).update(r.body).digest('hex')) ? { status: 200, body: 'ok' } : { status: 403, body: 'bad signature' };
}
/** Verifies correctly, but fails one action type with a 500 (a handler that only knows charges). */
function refund500Handler(r: Req): Reply {
  const base = facebookHandler('correct', { secret: SECRET, verifyToken: TOKEN })(r);
  if (r.method === 'POST' && base.status === 200 && r.body.toString().includes('"refund"')) return { status: 500, body: 'unknown action type refund' };
  return base;
}
/** Echoes the challenge for the right token, inside an HTML page: the handshake wants exactly the challenge; with a wrong token it echoes it too, wrapped. */
function echoWrappedHandler(r: Req): Reply {
  const challenge = r.url.searchParams.get('hub.challenge') ?? '';
  if (r.method === 'GET') return { status: 200, body: `<p>${challenge}</p>` };
  return facebookHandler('correct', { secret: SECRET, verifyToken: TOKEN })(r);
}
/** Redelivery refused with 409 the second time (a strict unique key); also refuses disputes (only knows actions). */
function dup409Handler() {
  const seen = new Set<string>();
  const correct = facebookHandler('correct', { secret: SECRET, verifyToken: TOKEN });
  return (r: Req): Reply => {
    const base = correct(r);
    if (r.method !== 'POST' || base.status !== 200) return base;
    if (r.body.toString().includes('"disputes"')) return { status: 400, body: 'no handler for disputes' };
    const key = createHash('sha256').update(r.body).digest('hex');
    if (seen.has(key)) return { status: 409, body: 'already processed' };
    seen.add(key);
    return base;
  };
}

// ---------------------------------------------------------------------------------------------
// App callbacks (deauthorize, data deletion)
// ---------------------------------------------------------------------------------------------

function verifiedUserId(body: Buffer): string | undefined {
  const sr = new URLSearchParams(body.toString('utf8')).get('signed_request') ?? '';
  const [sig, payload] = sr.split('.');
  if (!sig || !payload) return undefined;
  const expected = createHmac('sha256', SECRET).update(payload).digest();
  if (!same(Buffer.from(sig, 'base64url'), expected)) return undefined;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { user_id?: string }).user_id;
}
type CallbackMode = 'deletion' | 'deletion-new-code' | 'deletion-no-code' | 'deletion-dup500' | 'deauth' | 'deauth-204' | 'decode-only';
function callbackHandler(mode: CallbackMode) {
  let n = 0;
  const seen = new Set<string>();
  return (r: Req): Reply => {
    const user = mode === 'decode-only' ? 'anyone' : verifiedUserId(r.body);
    if (!user) return { status: 400, body: 'invalid signed_request' };
    if (mode === 'deauth') return { status: 200, body: 'ok' };
    if (mode === 'deauth-204') return { status: 204, body: '' };
    if (mode === 'deletion-dup500') {
      const key = r.body.toString();
      if (seen.has(key)) return { status: 500, body: 'already deleting' };
      seen.add(key);
    }
    const code = mode === 'deletion-new-code' ? `code${++n}` : 'abc123';
    const doc = mode === 'deletion-no-code' ? { url: 'https://example.test/deletion?id=1' } : { url: 'https://example.test/deletion?id=1', confirmation_code: code };
    return { status: 200, body: JSON.stringify(doc), headers: { 'content-type': 'application/json' } };
  };
}

// ---------------------------------------------------------------------------------------------
// PayPal
// ---------------------------------------------------------------------------------------------

/** Verifies like paypalHandler('blind-fetch'), but fetches certificates only from 127.0.0.1 (a test-mode allow list). */
function paypalStrictHandler(r: Req): Promise<Reply> | Reply {
  const certUrl = r.headers['paypal-cert-url'] ?? '';
  if (new URL(certUrl).hostname !== '127.0.0.1') return { status: 400, body: 'certificate host not allowed' };
  return paypalHandler('blind-fetch', WEBHOOK_ID)(r);
}
/** Verifies, but answers 202 to every valid delivery and 401 to the rest. */
async function paypal401Handler(r: Req): Promise<Reply> {
  const base = await paypalStrictHandler(r);
  return base.status === 200 ? { status: 202, body: '' } : { status: 401, body: 'unauthorized' };
}

beforeAll(async () => {
  const fb = (mode: Parameters<typeof facebookHandler>[0]) => facebookHandler(mode, { secret: SECRET, verifyToken: TOKEN, delayMs: 120 });
  const handlers: Record<string, (r: Req) => Reply | Promise<Reply>> = {
    fbCorrect: fb('correct'),
    fbCareless: fb('careless'),
    fbCareless202: fb('careless202'),
    fbAccept202: fb('accept202'),
    fbAccept204: fb('accept204'),
    fbEcho500: fb('echo500'),
    fbEchoAny: fb('echo-any-token'),
    fbDup500: fb('dup500'),
    fbSlow: fb('slow'),
    fbSha1Only: sha1OnlyHandler,
    fbRefund500: refund500Handler,
    fbEchoWrapped: echoWrappedHandler,
    fbDup409: dup409Handler(),
    notFound: fixedHandler(404),
    status500: fixedHandler(500, 'Internal Server Error'),
    status400: fixedHandler(400, 'bad request'),
    midasCorrect: midasHandler('correct', APPKEY),
    midasSpaced: midasHandler('spaced', APPKEY),
    midasDrops: midasHandler('drops-unknown', APPKEY),
    midasRet1: midasHandler('ret1', APPKEY),
    midasCareless: midasHandler('careless', APPKEY),
    midasHttp500: midasHandler('http500', APPKEY),
    midasNoTs: midasHandler('sdk-no-ts', APPKEY),
    midasRetString: () => ({ status: 200, body: '{"ret":"0","msg":"OK"}' }),
    midasRetString4: (r) => (midasHandler('correct', APPKEY)(r).body.includes('"ret":0') ? midasHandler('correct', APPKEY)(r) : { status: 200, body: '{"ret":"4","msg":"bad sig"}' }),
    midasRetText: (r) => (midasHandler('correct', APPKEY)(r).body.includes('"ret":0') ? midasHandler('correct', APPKEY)(r) : { status: 200, body: '{"ret":"four"}' }),
    midasRetNull: (r) => (midasHandler('correct', APPKEY)(r).body.includes('"ret":0') ? midasHandler('correct', APPKEY)(r) : { status: 200, body: 'null' }),
    cbDeletion: callbackHandler('deletion'),
    cbDeletionNewCode: callbackHandler('deletion-new-code'),
    cbDeletionNoCode: callbackHandler('deletion-no-code'),
    cbDeletionDup500: callbackHandler('deletion-dup500'),
    cbDeauth: callbackHandler('deauth'),
    cbDeauth204: callbackHandler('deauth-204'),
    cbDecodeOnly: callbackHandler('decode-only'),
    ppStrict: paypalStrictHandler,
    ppBlind: paypalHandler('blind-fetch', WEBHOOK_ID),
    ppCareless: paypalHandler('careless', WEBHOOK_ID),
    pp401: paypal401Handler,
  };
  await Promise.all(Object.entries(handlers).map(async ([name, h]) => (servers[name] = await startReceiver(h))));
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

type Row = [id: string, result: string, status: number | null, detail: string];
const P = (id: string, status: number, detail: string): Row => [id, 'pass', status, detail];
const F = (id: string, status: number | null, detail: string): Row => [id, 'FAIL', status, detail];
const I = (id: string, status: number, detail: string): Row => [id, 'inconclusive', status, detail];
/** `base` with the rows named in `changed` replaced (same order). */
const changing = (base: Row[], ...changed: Row[]) => base.map((r) => changed.find((c) => c[0] === r[0]) ?? r);
const zero = { passed: 0, failed: 0, requiredFailed: 0, inconclusive: 0, requiredInconclusive: 0, skipped: 0, cause: undefined, note: undefined };

const fbOpts: BatteryOptions = { secret: SECRET, verifyToken: TOKEN };
const FB_PASS: Row[] = [
  P('handshake', 200, '200 with the challenge'),
  P('handshake-wrong-token', 403, '403 (not echoed)'),
  P('valid-update', 200, '200 (accepted)'),
  P('missing-signature', 403, '403 (rejected)'),
  P('wrong-signature', 403, '403 (rejected)'),
  P('wrong-secret', 403, '403 (rejected)'),
  P('tampered-body', 403, '403 (rejected)'),
  P('duplicate', 200, '200, then 200 on the same delivery again'),
  P('disputes-update', 200, '200 (accepted)'),
  P('action-types', 200, 'charge 200, refund 200, chargeback 200, chargeback_reversal 200, decline 200'),
  P('budget', 200, 'N ms ≤ N ms budget (status 200)'),
  P('sha256-only', 200, '200 (accepted)'),
  P('sha1-only', 200, '200 (accepted)'),
];
/** Every delivery answered `status` (body `body`): nothing is accepted, so no refusal proves anything. */
const fbNothingAccepted = (status: number, body: string): Row[] => {
  const r = `${status} "${body}"`;
  const premise = `valid-update was not accepted (${r}: expected 200)`;
  return [
    F('handshake', status, `${r}: expected 200 with exactly "<challenge>"`),
    I('handshake-wrong-token', status, `${status} (not echoed) proves nothing: handshake was not accepted (${r}: expected 200 with exactly "<challenge>")`),
    F('valid-update', status, `${r}: expected 200`),
    ...['missing-signature', 'wrong-signature', 'wrong-secret', 'tampered-body'].map((id) => I(id, status, `${status} (rejected) proves nothing: ${premise}`)),
    F('duplicate', status, `first delivery got ${r}`),
    F('disputes-update', status, `${r}: expected 200`),
    F('action-types', status, `charge: ${r}`),
    I('budget', status, `N ms for ${r}: the time to refuse a valid delivery says nothing about the budget`),
    F('sha256-only', status, `${r}: expected 200`),
    F('sha1-only', status, `${r}: expected 200`),
  ];
};

describe('facebook payments battery, in-process against node:http receivers', () => {
  it('lists its checks with the titles, kinds and reasons a user reads (--list)', async () => {
    const b = await loadBattery('facebook', fbOpts);
    expect(b.provider).toBe('facebook');
    expect(b.kind).toBeUndefined();
    expect(b.checks.map((c) => [c.id, c.title, c.required, c.premise ?? null, c.why])).toEqual([
      ['handshake', 'handshake echoes hub.challenge', true, null, 'Facebook only subscribes an endpoint that answers the GET with exactly the challenge'],
      ['handshake-wrong-token', 'wrong verify token is not echoed', true, 'handshake', 'echoing any challenge lets anyone subscribe your endpoint to their app'],
      ['valid-update', 'valid signed update gets 200', true, null, 'Facebook retries, then disables, a webhook that does not answer 200'],
      ['missing-signature', 'missing signature rejected', true, 'valid-update', 'an unsigned POST is anyone on the internet granting themselves items'],
      ['wrong-signature', 'wrong signature rejected', true, 'valid-update', 'a receiver that only checks the header is present verifies nothing'],
      ['wrong-secret', 'signed with another secret rejected', true, 'valid-update', 'the HMAC key must be this app\u2019s secret, not any secret'],
      ['tampered-body', 'tampered body rejected', true, 'valid-update', 'the signature covers the raw body bytes; verifying a re-serialized body misses edits'],
      ['duplicate', 'same update twice gets 200 both times', true, null, 'Facebook redelivers the same update; a receiver must answer 200 again (only the replies are seen here, not whether it granted twice)'],
      ['disputes-update', 'disputes update gets 200', true, null, 'changed_fields ["disputes"] arrives too; a receiver that only handles actions drops it'],
      ['action-types', 'every action type gets 200', true, null, 'refunds, chargebacks and declines must be handled, not just charges'],
      ['budget', 'reply within budget', true, null, 'slow replies time out on Facebook\u2019s side and are retried as failures'],
      ['sha256-only', 'X-Hub-Signature-256 alone accepted', false, null, 'SHA-1 is being retired: a receiver should verify the sha256 header on its own'],
      ['sha1-only', 'X-Hub-Signature (sha1) alone accepted', false, null, 'older deliveries and proxies carry only the sha1 header'],
    ]);
    // Without a verify token the wrong-token check rests on deliveries arriving instead.
    expect((await loadBattery('facebook', { secret: SECRET })).checks[1].premise).toBe('valid-update');
  });

  it('a correct receiver: every check passes, each detail says what was observed', async () => {
    const r = await run('facebook', fbOpts, url('fbCorrect', '/webhook'));
    expect(rows(r)).toEqual(FB_PASS);
    expect(counts(r)).toEqual({ ...zero, passed: 13 });
    expect(r.target).toBe(url('fbCorrect', '/webhook'));
    // What was sent: the handshake with the token, the deliveries signed with both headers, the variants with one each.
    const reqs = servers.fbCorrect.requests;
    const hs = reqs.find((q) => q.method === 'GET')!;
    expect(hs.url.searchParams.get('hub.mode')).toBe('subscribe');
    expect(hs.url.searchParams.get('hub.verify_token')).toBe(TOKEN);
    expect(hs.url.searchParams.get('hub.challenge')).toMatch(/^[1-9]\d{0,9}$/);
    expect(hs.headers['user-agent']).toBe('facebookexternalua (fbpay check)');
    expect(reqs.filter((q) => q.method === 'GET').length).toBe(2);
    expect(reqs.filter((q) => q.method === 'POST' && q.headers['x-hub-signature'] && q.headers['x-hub-signature-256']).length).toBeGreaterThanOrEqual(10);
  });

  it('a careless receiver (200 to everything, echoes any challenge): every forgery accepted is a FAIL, never inconclusive', async () => {
    const r = await run('facebook', fbOpts, url('fbCareless'));
    const acc = (id: string, what: string) => F(id, 200, `200 "EVENT_RECEIVED": accepted ${what}`);
    expect(rows(r)).toEqual(
      changing(
        FB_PASS,
        F('handshake-wrong-token', 200, '200 "<challenge>": echoed the challenge for a wrong verify token'),
        acc('missing-signature', 'an unsigned delivery'),
        acc('wrong-signature', 'a wrong signature'),
        acc('wrong-secret', 'a delivery signed with another app secret'),
        acc('tampered-body', 'a body changed after signing'),
      ),
    );
    expect(counts(r)).toEqual({ ...zero, passed: 8, failed: 5, requiredFailed: 5 });
  });

  it('202 to every POST: a 202 to a forged delivery is an acceptance (FAIL); the 200 checks fail too', async () => {
    const r = await run('facebook', fbOpts, url('fbCareless202'));
    const acc = (id: string, what: string) => F(id, 202, `202: accepted ${what}`);
    expect(rows(r)).toEqual(
      changing(
        FB_PASS,
        F('valid-update', 202, '202: expected 200'),
        acc('missing-signature', 'an unsigned delivery'),
        acc('wrong-signature', 'a wrong signature'),
        acc('wrong-secret', 'a delivery signed with another app secret'),
        acc('tampered-body', 'a body changed after signing'),
        F('duplicate', 202, 'first delivery got 202'),
        F('disputes-update', 202, '202: expected 200'),
        F('action-types', 202, 'charge: 202'),
        P('budget', 202, 'N ms ≤ N ms budget (status 202)'),
        F('sha256-only', 202, '202: expected 200'),
        F('sha1-only', 202, '202: expected 200'),
      ),
    );
    expect(counts(r)).toEqual({ ...zero, passed: 3, failed: 10, requiredFailed: 8 });
  });

  it('verifies but answers 202 / 204: the 200 checks fail, the refusals are observed passes (the valid update was accepted)', async () => {
    for (const [name, status, body] of [['fbAccept202', 202, ' "queued"'], ['fbAccept204', 204, '']] as const) {
      const r = await run('facebook', fbOpts, url(name));
      const got = `${status}${body}`;
      expect(rows(r), name).toEqual(
        changing(
          FB_PASS,
          F('valid-update', status, `${got}: expected 200`),
          F('duplicate', status, `first delivery got ${got}`),
          F('disputes-update', status, `${got}: expected 200`),
          F('action-types', status, `charge: ${got}`),
          P('budget', status, `N ms ≤ N ms budget (status ${status})`),
          F('sha256-only', status, `${got}: expected 200`),
          F('sha1-only', status, `${got}: expected 200`),
        ),
      );
      expect(counts(r), name).toEqual({ ...zero, passed: 7, failed: 6, requiredFailed: 4 });
    }
  });

  it('the handshake needs HTTP 200 and exactly the challenge; a wrong-token echo fails whatever the status or wrapping', async () => {
    const echo500 = await run('facebook', fbOpts, url('fbEcho500'));
    expect(rows(echo500)).toEqual(
      changing(FB_PASS, F('handshake', 500, '500 "<challenge>": expected 200 with exactly "<challenge>"'), F('handshake-wrong-token', 500, '500 "<challenge>": echoed the challenge for a wrong verify token')),
    );
    expect(counts(echo500)).toEqual({ ...zero, passed: 11, failed: 2, requiredFailed: 2 });
    const wrapped = await run('facebook', fbOpts, url('fbEchoWrapped'));
    expect(rows(wrapped).slice(0, 2).map((x) => [x[1], x[2], String(x[3]).replace(/<p>\d+<\/p>/g, '<p>D</p>')])).toEqual([
      ['FAIL', 200, '200 "<p>D</p>": expected 200 with exactly "<challenge>"'],
      ['FAIL', 200, '200 "<p>D</p>": echoed the challenge for a wrong verify token'],
    ]);
    const any = await run('facebook', fbOpts, url('fbEchoAny'));
    expect(rows(any)).toEqual(changing(FB_PASS, F('handshake-wrong-token', 200, '200 "<challenge>": echoed the challenge for a wrong verify token')));
    expect(any.requiredFailed).toBe(1);
  });

  it('redelivery refused (500, 409) fails duplicate with both replies; a disputes update refused fails disputes-update', async () => {
    const dup500 = await run('facebook', fbOpts, url('fbDup500'));
    expect(rows(dup500)).toEqual(changing(FB_PASS, F('duplicate', 500, '200, then 500 "duplicate key value violates unique constraint \\"payments_pke…" on the same delivery again')));
    const dup409 = await run('facebook', fbOpts, url('fbDup409'));
    expect(rows(dup409)).toEqual(
      changing(FB_PASS, F('duplicate', 409, '200, then 409 "already processed" on the same delivery again'), F('disputes-update', 400, '400 "no handler for disputes": expected 200')),
    );
    expect(counts(dup409)).toEqual({ ...zero, passed: 11, failed: 2, requiredFailed: 2 });
  });

  it('a receiver that verifies only the sha1 header: the advisory sha256-only fails, the run has no required failure', async () => {
    const r = await run('facebook', fbOpts, url('fbSha1Only'));
    expect(rows(r)).toEqual(changing(FB_PASS, P('handshake-wrong-token', 403, '403 (not echoed)'), F('sha256-only', 403, '403 "bad signature": expected 200')));
    expect(counts(r)).toEqual({ ...zero, passed: 12, failed: 1 });
    const only256 = servers.fbSha1Only.requests.filter((q) => q.method === 'POST' && q.headers['x-hub-signature-256'] && !q.headers['x-hub-signature']);
    const only1 = servers.fbSha1Only.requests.filter((q) => q.method === 'POST' && !q.headers['x-hub-signature-256'] && q.headers['x-hub-signature']);
    expect([only256.length, only1.length]).toEqual([1, 1]);
  });

  it('one action type refused: action-types names it and what passed before', async () => {
    let posts = 0;
    const correct = facebookHandler('correct', { secret: SECRET, verifyToken: TOKEN });
    const rx = await startReceiver((q) => (q.method === 'POST' && ++posts === 2 ? { status: 500, body: 'unknown action' } : correct(q)));
    try {
      const r = await run('facebook', fbOpts, rx.url, { only: ['action-types'] });
      expect(rows(r)).toEqual([F('action-types', 500, 'refund: 500 "unknown action" (after charge 200)')]);
      posts = 0;
      const first = await startReceiver(() => ({ status: 403, body: '' }));
      const r1 = await run('facebook', fbOpts, first.url, { only: ['action-types'] });
      await first.close();
      expect(rows(r1)).toEqual([F('action-types', 403, 'charge: 403')]);
    } finally {
      await rx.close();
    }
  });

  for (const [name, status, body, cause] of [
    ['notFound', 404, 'Cannot POST /webhok', 'every request got 404: is the path right?'],
    ['status500', 500, 'Internal Server Error', 'every request got 500: the receiver\u2019s log should say why'],
    ['status400', 400, 'bad request', 'every request got 400: is this the webhook endpoint?'],
  ] as const) {
    it(`every request ${status}: nothing passes, every refusal is inconclusive, the cause is named`, async () => {
      const r = await run('facebook', fbOpts, url(name, '/webhok'));
      expect(rows(r)).toEqual(fbNothingAccepted(status, body));
      expect(counts(r)).toEqual({ ...zero, failed: 7, requiredFailed: 5, inconclusive: 6, requiredInconclusive: 6, cause });
    });
  }

  it('without a verify token: the handshake is skipped (not passed), the wrong-token check rests on valid-update', async () => {
    const ok = await run('facebook', { secret: SECRET }, url('fbCorrect'), { only: ['handshake', 'handshake-wrong-token', 'valid-update'] });
    expect(rows(ok)).toEqual([
      ['handshake', 'skipped', null, 'skipped: pass --verify-token (or FB_VERIFY_TOKEN) to check the handshake'],
      P('handshake-wrong-token', 403, '403 (not echoed)'),
      P('valid-update', 200, '200 (accepted)'),
    ]);
    expect(counts(ok)).toEqual({ ...zero, passed: 2, skipped: 1 });
    expect(ok.checks[0].ok).toBe(true);
    const down = await run('facebook', { secret: SECRET }, url('notFound'), { only: ['handshake-wrong-token'] });
    expect(rows(down)).toEqual([I('handshake-wrong-token', 404, '404 (not echoed) proves nothing: valid-update was not accepted (404 "Cannot POST /webhok": expected 200)')]);
    expect(down.cause).toBe('every request got 404: is the path right?');
  });

  it('the budget: a reply at the budget passes, one ms over fails, a refusal says nothing (inconclusive); a slow receiver fails', async () => {
    const at = await run('facebook', fbOpts, url('fbCorrect'), { only: ['budget'], budgetMs: 250, send: latencyOf(250) });
    expect(at.checks[0]).toMatchObject({ ok: true, latencyMs: 250, detail: '250 ms ≤ 250 ms budget (status 200)' });
    const under = await run('facebook', fbOpts, url('fbCorrect'), { only: ['budget'], budgetMs: 250, send: latencyOf(249.6) });
    expect(under.checks[0]).toMatchObject({ ok: true, latencyMs: 249.6, detail: '249.6 ms ≤ 250 ms budget (status 200)' });
    // Rounded, a latency just past the budget would read as the budget itself: enough decimals to tell them apart.
    const justOver = await run('facebook', fbOpts, url('fbCorrect'), { only: ['budget'], budgetMs: 250, send: latencyOf(250.4) });
    expect(justOver.checks[0]).toMatchObject({ ok: false, detail: '250.4 ms > 250 ms budget (status 200)' });
    const barelyOver = await run('facebook', fbOpts, url('fbCorrect'), { only: ['budget'], budgetMs: 250, send: latencyOf(250.004) });
    expect(barelyOver.checks[0]).toMatchObject({ ok: false, detail: '250.004 ms > 250 ms budget (status 200)' });
    const wellUnder = await run('facebook', fbOpts, url('fbCorrect'), { only: ['budget'], budgetMs: 250, send: latencyOf(240.4) });
    expect(wellUnder.checks[0]).toMatchObject({ ok: true, detail: '240 ms ≤ 250 ms budget (status 200)' });
    const over = await run('facebook', fbOpts, url('fbCorrect'), { only: ['budget'], budgetMs: 250, send: latencyOf(251) });
    expect(over.checks[0]).toMatchObject({ ok: false, latencyMs: 251, detail: '251 ms > 250 ms budget (status 200)' });
    expect(over.checks[0].inconclusive).toBeFalsy();
    expect(over.requiredFailed).toBe(1);
    const refused = await run('facebook', fbOpts, url('status500'), { only: ['budget'], budgetMs: 250, send: latencyOf(3) });
    expect(refused.checks[0]).toMatchObject({ ok: false, inconclusive: true, status: 500, detail: '3 ms for 500 "Internal Server Error": the time to refuse a valid delivery says nothing about the budget' });
    const slow = await run('facebook', fbOpts, url('fbSlow'), { only: ['budget'], budgetMs: 20 });
    expect(rows(slow)).toEqual([F('budget', 200, 'N ms > N ms budget (status 200)')]);
    expect(slow.checks[0].latencyMs).toBeGreaterThan(20);
    // The latency reported is the slower of the two replies to a redelivery, and of the five action types.
    const dup = await run('facebook', fbOpts, url('fbCorrect'), { only: ['duplicate', 'action-types'], send: latencyOf(7) });
    expect(dup.checks.map((c) => c.latencyMs)).toEqual([7, 7]);
  });

  it('a reply slower than the timeout is "no reply" for that check; the run goes on', async () => {
    const r = await run('facebook', fbOpts, url('fbSlow'), { only: ['valid-update', 'budget'], budgetMs: 10, timeoutMs: 40 });
    expect(r.checks.map((c) => [c.id, c.ok, c.inconclusive ?? false])).toEqual([
      ['valid-update', false, false],
      ['budget', false, false],
    ]);
    expect(r.checks[0].detail).toMatch(/^no reply: .*did not answer within 40 ms/);
  });
});

// ---------------------------------------------------------------------------------------------

const MIDAS_PASS: Row[] = [
  P('valid-reply', 200, '{"ret":0,"msg":"OK"}'),
  P('wrong-sig-rejected', 200, 'ret 4 (refused)'),
  P('wrong-sig-ret-4', 200, 'ret 4 (请求参数错误：(sig))'),
  P('stale-ts', 200, 'ret 4 (refused)'),
  P('extra-param', 200, '{"ret":0,"msg":"OK"}'),
  P('budget', 200, 'N ms ≤ N ms budget (status 200)'),
];
const midasOpts: BatteryOptions = { appkey: APPKEY };
const q = (s: string) => JSON.stringify(s);

describe('midas battery, in-process against node:http receivers', () => {
  it('lists its checks with the titles, kinds and reasons a user reads', async () => {
    const b = await loadBattery('midas', midasOpts);
    expect(b.provider).toBe('midas');
    expect(b.checks.map((c) => [c.id, c.title, c.required, c.premise ?? null, c.why])).toEqual([
      ['valid-reply', 'valid callback gets exactly {"ret":0,"msg":"OK"}', true, null, 'Midas treats any other reply (spaces, a newline, HTTP errors) as a failed delivery and retries'],
      ['wrong-sig-rejected', 'wrong sig refused (non-zero ret)', true, 'valid-reply', 'a receiver that does not check sig delivers goods to anyone who calls the URL'],
      ['wrong-sig-ret-4', 'wrong sig answered with ret 4', false, 'valid-reply', 'ret 4 (请求参数错误) is the documented code for a bad parameter; Midas logs it as such'],
      ['stale-ts', 'ts 20 minutes old refused', false, 'valid-reply', 'an old ts is a replayed callback; the 15-minute window is good practice, though Tencent\u2019s own SnsSigCheck does not check ts'],
      ['extra-param', 'unknown extra parameter still accepted', true, null, 'every received parameter is signed; dropping unknown ones breaks sig when Midas adds fields'],
      ['budget', 'reply within budget', true, null, 'Midas waits 2 s; a slower reply counts as a failed delivery'],
    ]);
  });

  it('a correct receiver passes every check; the extra parameter went out signed', async () => {
    const r = await run('midas', midasOpts, url('midasCorrect', '/midas/deliver'));
    expect(rows(r)).toEqual(MIDAS_PASS);
    expect(counts(r)).toEqual({ ...zero, passed: 6 });
    expect(servers.midasCorrect.requests.filter((x) => x.rawQuery.includes('fbpay_check_extra=unknown-param.v1')).length).toBe(1);
    expect(servers.midasCorrect.requests.every((x) => x.url.pathname === '/midas/deliver')).toBe(true);
  });

  it('a reply with spaces is not the exact reply: valid-reply and extra-param fail', async () => {
    const r = await run('midas', midasOpts, url('midasSpaced'));
    const spaced = `reply has whitespace — got 200 ${q('{"ret": 0, "msg": "OK"}')}`;
    expect(rows(r)).toEqual(changing(MIDAS_PASS, F('valid-reply', 200, spaced), F('extra-param', 200, spaced)));
    expect(counts(r)).toEqual({ ...zero, passed: 4, failed: 2, requiredFailed: 2 });
  });

  it('signing only the known parameters fails extra-param; ret 1 for a bad sig fails only the advisory ret-4 check', async () => {
    const drops = await run('midas', midasOpts, url('midasDrops'));
    expect(rows(drops)).toEqual(changing(MIDAS_PASS, F('extra-param', 200, `ret 4 (请求参数错误：(sig)) — got 200 ${q('{"ret":4,"msg":"请求参数错误：(sig)"}')}`)));
    const ret1 = await run('midas', midasOpts, url('midasRet1'));
    expect(rows(ret1)).toEqual(
      changing(MIDAS_PASS, P('wrong-sig-rejected', 200, 'ret 1 (refused)'), F('wrong-sig-ret-4', 200, `expected ret 4, got ret 1 (系统繁忙) — got 200 ${q('{"ret":1,"msg":"系统繁忙"}')}`)),
    );
    expect(counts(ret1)).toEqual({ ...zero, passed: 5, failed: 1 });
  });

  it('ret 0 to everything: the wrong sig and the stale ts are accepted, FAIL', async () => {
    const r = await run('midas', midasOpts, url('midasCareless'));
    const ok = q(MIDAS_OK);
    expect(rows(r)).toEqual(
      changing(
        MIDAS_PASS,
        F('wrong-sig-rejected', 200, `200 ${ok}: accepted a callback with a wrong sig`),
        F('wrong-sig-ret-4', 200, `expected ret 4, got ret 0 (OK) — got 200 ${ok}`),
        F('stale-ts', 200, `200 ${ok}: accepted a callback whose ts is 20 minutes old`),
      ),
    );
    expect(counts(r)).toEqual({ ...zero, passed: 3, failed: 3, requiredFailed: 1 });
    const sdk = await run('midas', midasOpts, url('midasNoTs'));
    expect(rows(sdk)).toEqual(changing(MIDAS_PASS, F('stale-ts', 200, `200 ${ok}: accepted a callback whose ts is 20 minutes old`)));
    expect(counts(sdk)).toEqual({ ...zero, passed: 5, failed: 1 });
  });

  it('ret as a string: "0" to everything is an acceptance (FAIL) though not the exact reply; "4" is a refusal with ret 4; no numeric ret is a refusal', async () => {
    const zeroStr = await run('midas', midasOpts, url('midasRetString'));
    const body = q('{"ret":"0","msg":"OK"}');
    const notExact = `reply must be exactly {"ret":0,"msg":"OK"}, got ${body} — got 200 ${body}`;
    expect(rows(zeroStr)).toEqual(
      changing(
        MIDAS_PASS,
        F('valid-reply', 200, notExact),
        F('wrong-sig-rejected', 200, `200 ${body}: accepted a callback with a wrong sig`),
        F('wrong-sig-ret-4', 200, `expected ret 4, got ret 0 (OK) — got 200 ${body}`),
        F('stale-ts', 200, `200 ${body}: accepted a callback whose ts is 20 minutes old`),
        F('extra-param', 200, notExact),
      ),
    );
    const four = await run('midas', midasOpts, url('midasRetString4'));
    expect(rows(four)).toEqual(changing(MIDAS_PASS, P('wrong-sig-ret-4', 200, 'ret 4 (bad sig)')));
    for (const [name, text] of [['midasRetText', '{"ret":"four"}'], ['midasRetNull', 'null']]) {
      const r = await run('midas', midasOpts, url(name));
      expect(rows(r), name).toEqual(
        changing(
          MIDAS_PASS,
          P('wrong-sig-rejected', 200, `200 ${q(text)} (refused)`),
          F('wrong-sig-ret-4', 200, `expected ret 4, reply has no ret: ${q(text)} — got 200 ${q(text)}`),
          P('stale-ts', 200, `200 ${q(text)} (refused)`),
        ),
      );
    }
  });

  it('the right JSON with HTTP 500 is not accepted: the refusals (HTTP 500 too) are inconclusive', async () => {
    const r = await run('midas', midasOpts, url('midasHttp500'));
    const ok = q(MIDAS_OK);
    const why = `HTTP 500 (Midas needs 200 with ${MIDAS_OK}) — got 500 ${ok}`;
    expect(rows(r)).toEqual([
      F('valid-reply', 500, why),
      I('wrong-sig-rejected', 500, `ret 4 (refused) proves nothing: valid-reply was not accepted (${why})`),
      I('wrong-sig-ret-4', 500, `ret 4 (请求参数错误：(sig)) proves nothing: valid-reply was not accepted (${why})`),
      I('stale-ts', 500, `ret 4 (refused) proves nothing: valid-reply was not accepted (${why})`),
      F('extra-param', 500, why),
      I('budget', 500, `N ms for 500 ${ok}: the time to refuse a valid delivery says nothing about the budget`),
    ]);
    expect(counts(r)).toEqual({ ...zero, failed: 2, requiredFailed: 2, inconclusive: 4, requiredInconclusive: 2, cause: 'every request got 500: the receiver\u2019s log should say why' });
  });

  it('every request 404: nothing passes, the cause is named', async () => {
    const r = await run('midas', midasOpts, url('notFound'));
    const nf = q('Cannot POST /webhok');
    const why = `HTTP 404 (Midas needs 200 with ${MIDAS_OK}) — got 404 ${nf}`;
    expect(rows(r)).toEqual([
      F('valid-reply', 404, why),
      I('wrong-sig-rejected', 404, `404 ${nf} (refused) proves nothing: valid-reply was not accepted (${why})`),
      F('wrong-sig-ret-4', 404, `expected ret 4, reply has no ret: ${nf} — got 404 ${nf}`),
      I('stale-ts', 404, `404 ${nf} (refused) proves nothing: valid-reply was not accepted (${why})`),
      F('extra-param', 404, why),
      I('budget', 404, `N ms for 404 ${nf}: the time to refuse a valid delivery says nothing about the budget`),
    ]);
    expect(r.cause).toBe('every request got 404: is the path right?');
  });
});
const MIDAS_OK = '{"ret":0,"msg":"OK"}';

// ---------------------------------------------------------------------------------------------

const CB_REFUSALS = ['wrong-signature', 'wrong-secret', 'tampered-payload', 'unsigned', 'no-signed-request'];
const CB_WHAT: Record<string, string> = {
  'wrong-signature': 'a signed_request with a wrong signature',
  'wrong-secret': 'a signed_request signed with another app secret',
  'tampered-payload': 'a signed_request whose payload was changed after signing',
  unsigned: 'a signed_request without a signature',
  'no-signed-request': 'a POST without a signed_request',
};
const cbPass = (status: number, valid: string, dup: string): Row[] => [
  P('valid-request', status, valid),
  ...CB_REFUSALS.map((id) => P(id, 400, '400 (rejected)')),
  P('duplicate', status, dup),
  P('budget', status, `N ms ≤ N ms budget (status ${status})`),
];
const DELETION_PASS = cbPass(200, '200 {"url","confirmation_code":"abc123"}', '200, then 200 on the same request again (the same confirmation_code)');
const DEAUTH_PASS = cbPass(200, '200 (accepted)', '200, then 200 on the same request again');
const NEEDS = 'Facebook expects {"url":"<status page>","confirmation_code":"<code>"}';

describe('app callback batteries (--kind deauthorize | data-deletion)', () => {
  it('list their checks with the titles and reasons of their kind', async () => {
    const common = (b: Battery) => b.checks.map((c) => [c.id, c.required, c.premise ?? null]);
    const deauth = await loadBattery('facebook', { secret: SECRET, kind: 'deauthorize' });
    const deletion = await loadBattery('facebook', { secret: SECRET, kind: 'data-deletion' });
    expect([deauth.provider, deauth.kind, deletion.kind]).toEqual(['facebook', 'deauthorize', 'data-deletion']);
    const premised = (id: string) => (CB_REFUSALS.includes(id) ? 'valid-request' : null);
    const ids = ['valid-request', ...CB_REFUSALS, 'duplicate', 'budget'];
    expect(common(deauth)).toEqual(ids.map((id) => [id, true, premised(id)]));
    expect(common(deletion)).toEqual(common(deauth));
    expect(deauth.checks.map((c) => [c.title, c.why])).toEqual([
      ['valid signed_request gets 2xx', 'Facebook posts here when a user removes the app; the app must learn which user_id to forget'],
      ['wrong signature refused', 'anyone can POST this URL: an unverified deauthorize request lets a stranger act for any user_id'],
      ['signed with another app secret refused', 'the HMAC key must be this app\u2019s secret, not any secret'],
      ['payload changed after signing refused', 'the signature covers the payload segment as sent; decoding without verifying it trusts any user_id'],
      ['unsigned signed_request refused', 'a signed_request with an empty signature segment is a forgery anyone can write'],
      ['POST without signed_request refused', 'an empty POST carries no user_id and no proof: answering it as a valid request acts on nothing verified'],
      ['same request twice gets 2xx both times', 'the same user can ask again and a request can arrive twice: each must get its answer (only the replies are seen here, not what the receiver did)'],
      ['reply within budget', 'acknowledge at once and do the clean-up later'],
    ]);
    expect(deletion.checks.map((c) => [c.title, c.why]).filter((x, i) => x[0] !== deauth.checks[i].title || x[1] !== deauth.checks[i].why)).toEqual([
      ['valid signed_request gets 200 with url and confirmation_code', 'Facebook shows the user the url and confirmation_code; without both the request is not acknowledged'],
      ['wrong signature refused', 'anyone can POST this URL: an unverified deletion request lets a stranger act for any user_id'],
      ['same request twice gets a valid reply both times', 'the same user can ask again and a request can arrive twice: each must get its answer (only the replies are seen here, not what the receiver did)'],
      ['reply within budget', 'answer at once with where to follow the request, and delete later'],
    ]);
  });

  it('correct receivers pass every check; the refusals really were forged the way they say', async () => {
    const deletion = await run('facebook', { secret: SECRET, kind: 'data-deletion' }, url('cbDeletion', '/deletion'));
    expect(rows(deletion)).toEqual(DELETION_PASS);
    expect(counts(deletion)).toEqual({ ...zero, passed: 8 });
    expect(deletion.kind).toBe('data-deletion');
    const sent = servers.cbDeletion.requests.map((x) => new URLSearchParams(x.body.toString()).get('signed_request'));
    expect(sent.filter((s) => s === null).length).toBe(1);
    expect(sent.filter((s) => s !== null && s.startsWith('.')).length).toBe(1);
    const unsigned = sent.find((s) => s?.startsWith('.'))!;
    expect(JSON.parse(Buffer.from(unsigned.slice(1), 'base64url').toString())).toMatchObject({ algorithm: 'HMAC-SHA256' });
    const deauth = await run('facebook', { secret: SECRET, kind: 'deauthorize' }, url('cbDeauth'));
    expect(rows(deauth)).toEqual(DEAUTH_PASS);
    const deauth204 = await run('facebook', { secret: SECRET, kind: 'deauthorize' }, url('cbDeauth204'));
    expect(rows(deauth204)).toEqual(cbPass(204, '204 (accepted)', '204, then 204 on the same request again'));
  });

  it('data deletion: a 200 without confirmation_code, a text reply or a 204 fail valid-request and duplicate; the refusals still count', async () => {
    const kind = 'data-deletion' as const;
    const noCode = await run('facebook', { secret: SECRET, kind }, url('cbDeletionNoCode'));
    const missing = `200, but the reply has no "confirmation_code" (${NEEDS})`;
    expect(rows(noCode)).toEqual(changing(DELETION_PASS, F('valid-request', 200, missing), F('duplicate', 200, `first request: ${missing}`), P('budget', 200, 'N ms ≤ N ms budget (status 200)')));
    expect(counts(noCode)).toEqual({ ...zero, passed: 6, failed: 2, requiredFailed: 2 });
    const text = await run('facebook', { secret: SECRET, kind }, url('cbDeauth'));
    expect(rows(text).slice(0, 1)).toEqual([F('valid-request', 200, `200, but the reply is not JSON (${NEEDS})`)]);
    const r204 = await run('facebook', { secret: SECRET, kind }, url('cbDeauth204'));
    expect(rows(r204)).toEqual(
      changing(
        DELETION_PASS,
        F('valid-request', 204, '204: expected 200 with {"url","confirmation_code"}'),
        F('duplicate', 204, 'first request: 204: expected 200 with {"url","confirmation_code"}'),
        P('budget', 204, 'N ms ≤ N ms budget (status 204)'),
      ),
    );
  });

  it('duplicate: a refused repeat fails with both replies; a new confirmation_code each time is said as seen', async () => {
    const d = await run('facebook', { secret: SECRET, kind: 'data-deletion' }, url('cbDeletionDup500'), { only: ['duplicate'], send: latencyOf(5) });
    expect(rows(d)).toEqual([F('duplicate', 500, '200, then on the same request again: 500 "already deleting": expected 200 with {"url","confirmation_code"}')]);
    expect(d.checks[0].latencyMs).toBe(5);
    const a = await run('facebook', { secret: SECRET, kind: 'deauthorize' }, url('cbDeletionDup500'), { only: ['duplicate'], send: latencyOf(6) });
    expect(rows(a)).toEqual([F('duplicate', 500, '200, then on the same request again: 500 "already deleting": expected 2xx')]);
    const codes = await run('facebook', { secret: SECRET, kind: 'data-deletion' }, url('cbDeletionNewCode'), { only: ['duplicate'], send: latencyOf(4) });
    expect(rows(codes)[0].slice(0, 3)).toEqual(['duplicate', 'pass', 200]);
    expect(rows(codes)[0][3]).toMatch(/^200, then 200 on the same request again \(confirmation_code code(\d+), then code(\d+)\)$/);
    expect(codes.checks[0].latencyMs).toBe(4);
  });

  it('a receiver that decodes without verifying: every refusal is an acceptance, FAIL, each saying what it accepted', async () => {
    for (const kind of ['deauthorize', 'data-deletion'] as const) {
      const r = await run('facebook', { secret: SECRET, kind }, url('cbDecodeOnly'));
      const got = `200 ${q('{"url":"https://example.test/deletion?id=1","confirmation_co…')}`;
      expect(rows(r), kind).toEqual(changing(kind === 'deauthorize' ? DEAUTH_PASS : DELETION_PASS, ...CB_REFUSALS.map((id) => F(id, 200, `${got}: accepted ${CB_WHAT[id]}`))));
      expect(counts(r), kind).toEqual({ ...zero, passed: 3, failed: 5, requiredFailed: 5 });
    }
  });

  it('every request 404: the refusals are inconclusive, the cause names the path', async () => {
    for (const [kind, expected] of [['deauthorize', 'expected 2xx'], ['data-deletion', 'expected 200 with {"url","confirmation_code"}']] as const) {
      const r = await run('facebook', { secret: SECRET, kind }, url('notFound'));
      const got = `404 "Cannot POST /webhok": ${expected}`;
      expect(rows(r), kind).toEqual([
        F('valid-request', 404, got),
        ...CB_REFUSALS.map((id) => I(id, 404, `404 (rejected) proves nothing: valid-request was not accepted (${got})`)),
        F('duplicate', 404, `first request: ${got}`),
        I('budget', 404, 'N ms for 404 "Cannot POST /webhok": the time to refuse a valid delivery says nothing about the budget'),
      ]);
      expect(counts(r), kind).toEqual({ ...zero, failed: 2, requiredFailed: 2, inconclusive: 6, requiredInconclusive: 6, cause: 'every request got 404: is the path right?' });
    }
  });
});

// ---------------------------------------------------------------------------------------------

const PP_PASS = (status = 200, refused = 400): Row[] => [
  P('valid-delivery', status, `${status} (accepted)`),
  ...['tampered-body', 'other-key', 'other-webhook-id', 'cert-url-off-host'].map((id) => P(id, refused, `${refused} (rejected)`)),
  P('duplicate', status, `${status}, then ${status} on the same delivery again`),
  P('budget', status, `N ms ≤ N ms budget (status ${status})`),
];
const PLAIN_HTTP_NOTE =
  'fbpay signed the valid delivery with a self-signed test certificate served over plain http on 127.0.0.1: a receiver that checks the chain or fetches certificates only over https refuses it whatever else it does; --https-ca <dir> issues it from a local CA your receiver can trust';

describe('paypal battery, in-process against node:http receivers', () => {
  const ppOpts: BatteryOptions = { webhookId: WEBHOOK_ID };

  it('lists its checks with the titles, kinds and reasons a user reads', async () => {
    const b = await loadBattery('paypal', ppOpts);
    expect(b.provider).toBe('paypal');
    expect(b.premiseNote).toBe(PLAIN_HTTP_NOTE);
    expect(b.checks.map((c) => [c.id, c.title, c.required, c.premise ?? null, c.why])).toEqual([
      ['valid-delivery', 'valid delivery gets 2xx', true, null, 'PayPal retries non-2xx replies for days, then marks the webhook failing'],
      ['tampered-body', 'tampered body rejected', true, 'valid-delivery', 'the signed string carries crc32 of the raw body: verify the bytes received, not a re-serialized object'],
      ['other-key', 'signature from another key rejected', true, 'valid-delivery', 'the signature must be checked against the certificate\u2019s public key, not just decoded'],
      ['other-webhook-id', 'delivery for another webhook id rejected', true, 'valid-delivery', 'the webhook id is in the signed string: it ties a delivery to your subscription'],
      ['cert-url-off-host', 'certificate URL off PayPal\u2019s hosts rejected', false, 'valid-delivery', 'fetching whatever PAYPAL-CERT-URL names lets anyone sign with their own certificate (advisory: test-mode receivers may allow loopback)'],
      ['duplicate', 'same delivery twice accepted both times', true, null, 'PayPal redelivers the same event; a receiver must answer 2xx again (only the replies are seen here, not whether it granted twice)'],
      ['budget', 'reply within budget', true, null, 'slow replies are retried as failures'],
    ]);
  });

  it('a receiver that verifies and fetches certificates from 127.0.0.1 only passes every check (202 is accepted too)', async () => {
    const r = await run('paypal', ppOpts, url('ppStrict', '/paypal'));
    expect(rows(r)).toEqual(PP_PASS());
    expect(counts(r)).toEqual({ ...zero, passed: 7 });
    // The refusals were really built as said: another webhook id in the signed string, the attacker's certificate on localhost.
    const certHosts = servers.ppStrict.requests.map((x) => new URL(x.headers['paypal-cert-url']).hostname);
    expect(certHosts.filter((h) => h === 'localhost').length).toBe(1);
    const r401 = await run('paypal', ppOpts, url('pp401'));
    expect(rows(r401)).toEqual(PP_PASS(202, 401));
  });

  it('a receiver that fetches any PAYPAL-CERT-URL fails only the advisory check, saying it fetched from the attacker host', async () => {
    const r = await run('paypal', ppOpts, url('ppBlind'));
    expect(rows(r)).toEqual(changing(PP_PASS(), F('cert-url-off-host', 200, '200 "ok": accepted a delivery whose certificate is at localhost:PORT; it fetched the certificate from localhost:PORT')));
    expect(counts(r)).toEqual({ ...zero, passed: 6, failed: 1 });
  });

  it('a careless receiver: every forgery accepted is a FAIL; it never fetched the attacker certificate, and says nothing about it', async () => {
    const r = await run('paypal', ppOpts, url('ppCareless'));
    expect(rows(r)).toEqual(
      changing(
        PP_PASS(),
        F('tampered-body', 200, '200 "ok": accepted a body changed after signing'),
        F('other-key', 200, '200 "ok": accepted a delivery signed by a key that is not the certificate\u2019s'),
        F('other-webhook-id', 200, '200 "ok": accepted a delivery signed for another webhook id'),
        F('cert-url-off-host', 200, '200 "ok": accepted a delivery whose certificate is at localhost:PORT'),
      ),
    );
    expect(counts(r)).toEqual({ ...zero, passed: 3, failed: 4, requiredFailed: 3 });
  });

  it('every request 404: the refusals are inconclusive; the note says how the valid delivery was signed', async () => {
    const r = await run('paypal', ppOpts, url('notFound'));
    const got = '404 "Cannot POST /webhok": expected 2xx';
    expect(rows(r)).toEqual([
      F('valid-delivery', 404, got),
      ...['tampered-body', 'other-key', 'other-webhook-id', 'cert-url-off-host'].map((id) => I(id, 404, `404 (rejected) proves nothing: valid-delivery was not accepted (${got})`)),
      F('duplicate', 404, 'first delivery got 404 "Cannot POST /webhok"'),
      I('budget', 404, 'N ms for 404 "Cannot POST /webhok": the time to refuse a valid delivery says nothing about the budget'),
    ]);
    expect(counts(r)).toEqual({ ...zero, failed: 2, requiredFailed: 2, inconclusive: 5, requiredInconclusive: 4, cause: 'every request got 404: is the path right?', note: PLAIN_HTTP_NOTE });
  });
});

// ---------------------------------------------------------------------------------------------

describe('what a user reads of a reply, and the reports', () => {
  it('replySnippet: the first line, cut at 60 characters with "…", control bytes shown as \\xNN', () => {
    expect(replySnippet(Buffer.from('first line\r\nsecond'))).toBe('first line');
    expect(replySnippet(Buffer.from('a\nb'))).toBe('a');
    expect(replySnippet(Buffer.from('x'.repeat(61)))).toBe('x'.repeat(61));
    expect(replySnippet(Buffer.from('x'.repeat(62)))).toBe('x'.repeat(60) + '…');
    expect(replySnippet(Buffer.from('x'.repeat(10)), 5)).toBe('xxxxx…');
    expect(replySnippet(Buffer.from('a\tb\x01c\x7f~ é'))).toBe('a\\x09b\\x01c\\x7f~ é');
    expect(replySnippet(Buffer.alloc(0))).toBe('');
    expect(describeReply({ status: 204, headers: {}, body: Buffer.alloc(0), latencyMs: 1 } as never)).toBe('204');
    expect(describeReply({ status: 403, headers: {}, body: Buffer.from('no\nmore'), latencyMs: 1 } as never)).toBe('403 "no"');
  });

  const report: CheckReport = {
    provider: 'facebook',
    kind: 'deauthorize',
    target: 'http://127.0.0.1:1/cb',
    passed: 1,
    failed: 2,
    requiredFailed: 1,
    inconclusive: 1,
    requiredInconclusive: 1,
    cause: 'every request got 404: is the path right?',
    note: 'a note',
    skipped: 1,
    elapsedMs: 1234.56,
    checks: [
      { id: 'a', title: 'A', required: true, why: 'wa', ok: true, status: 200, detail: 'fine', latencyMs: 12.345 },
      { id: 'b', title: 'B', required: true, why: 'wb', ok: false, status: 403, detail: 'bad' },
      { id: 'c', title: 'C', required: false, why: 'wc', ok: false, status: 500, detail: 'meh', latencyMs: 0.04 },
      { id: 'd', title: 'D', required: true, why: 'wd', ok: false, inconclusive: true, status: 404, detail: 'proves nothing' },
      { id: 'e', title: 'E', required: true, why: 'we', ok: true, skipped: true, detail: 'skipped: why' },
    ],
  };

  it('reportToJson: pass / fail / inconclusive / skipped as a user reads them, numbers rounded', () => {
    expect(reportToJson(report)).toEqual({
      provider: 'facebook',
      kind: 'deauthorize',
      target: 'http://127.0.0.1:1/cb',
      passed: 1,
      failed: 2,
      required_failed: 1,
      inconclusive: 1,
      required_inconclusive: 1,
      skipped: 1,
      cause: 'every request got 404: is the path right?',
      note: 'a note',
      elapsed_ms: 1235,
      checks: [
        { id: 'a', title: 'A', required: true, ok: true, result: 'pass', skipped: false, inconclusive: false, status: 200, detail: 'fine', latency_ms: 12.3 },
        { id: 'b', title: 'B', required: true, ok: false, result: 'fail', skipped: false, inconclusive: false, status: 403, detail: 'bad', latency_ms: null },
        { id: 'c', title: 'C', required: false, ok: false, result: 'fail', skipped: false, inconclusive: false, status: 500, detail: 'meh', latency_ms: 0 },
        { id: 'd', title: 'D', required: true, ok: null, result: 'inconclusive', skipped: false, inconclusive: true, status: 404, detail: 'proves nothing', latency_ms: null },
        { id: 'e', title: 'E', required: true, ok: null, result: 'skipped', skipped: true, inconclusive: false, status: null, detail: 'skipped: why', latency_ms: null },
      ],
    });
    const plain = reportToJson({ ...report, kind: undefined, cause: undefined, note: undefined, checks: [] });
    expect(plain).not.toHaveProperty('kind');
    expect(plain).not.toHaveProperty('note');
    expect(plain.cause).toBeNull();
  });

  it('reportToJunit: one testcase per check, failure typed required / advisory / inconclusive (with the likely cause), skipped for skipped', () => {
    expect(reportToJunit(report, new Date('2026-01-02T03:04:05.678Z'))).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites tests="5" failures="3" errors="0" skipped="1" time="1.235">',
        '  <testsuite name="fbpay webhook check facebook deauthorize" tests="5" failures="3" errors="0" skipped="1" time="1.235" timestamp="2026-01-02T03:04:05">',
        '    <properties>',
        '      <property name="provider" value="facebook"/>',
        '      <property name="kind" value="deauthorize"/>',
        '      <property name="target" value="http://127.0.0.1:1/cb"/>',
        '    </properties>',
        '    <testcase name="a: A" classname="fbpay.webhook-check.facebook.deauthorize" time="0.012"/>',
        '    <testcase name="b: B" classname="fbpay.webhook-check.facebook.deauthorize" time="0.000">',
        '      <failure message="bad" type="required">bad',
        'why it matters: wb</failure>',
        '    </testcase>',
        '    <testcase name="c: C" classname="fbpay.webhook-check.facebook.deauthorize.advisory" time="0.000">',
        '      <failure message="meh" type="advisory">meh',
        'why it matters: wc</failure>',
        '    </testcase>',
        '    <testcase name="d: D" classname="fbpay.webhook-check.facebook.deauthorize" time="0.000">',
        '      <failure message="proves nothing" type="inconclusive">proves nothing',
        'why it matters: wd',
        'likely cause: every request got 404: is the path right?</failure>',
        '    </testcase>',
        '    <testcase name="e: E" classname="fbpay.webhook-check.facebook.deauthorize" time="0.000">',
        '      <skipped message="skipped: why"/>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
    const plain = reportToJunit({ ...report, kind: undefined, cause: undefined }, new Date('2026-01-02T03:04:05Z'));
    expect(plain).toContain('<testsuite name="fbpay webhook check facebook" ');
    expect(plain).toContain('timestamp="2026-01-02T03:04:05"');
    expect(plain).not.toContain('name="kind"');
    expect(plain).toContain('classname="fbpay.webhook-check.facebook.advisory"');
    expect(plain).toContain('type="inconclusive">proves nothing\nwhy it matters: wd</failure>');
    expect(plain).toContain('<property name="provider" value="facebook"/>\n      <property name="target"');
  });

  it('loadBattery: an unknown provider is a usage error with the providers to use', async () => {
    const e = await loadBattery('stripe' as never, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect(e).toMatchObject({ code: 'bad_provider', message: 'unknown provider "stripe"', hint: 'use --provider facebook|paypal|midas' });
  });
});
