/**
 * Issue 7 — secrets never appear unmasked: every command that takes a secret, run through the real
 * binary with distinctive secrets, on success and failure paths, with --verbose and --json, plus
 * `config show` and `webhook listen --record` files (unmasked only with --record-secrets).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSignedRequest } from '../../src/core/facebook/signed-request.js';
import { hubSignature } from '../../src/core/facebook/hub-signature.js';
import { runBin, type CliResult } from '../helpers/cli.js';
import { send, startGraph, startListen, type Running } from './helpers/servers.js';

const APP_ID = '1000000000000001';
const S = {
  appSecret: 'AppSecretQ7x9Zk2mWv4pL8rT',
  accessToken: 'EAAGuserTokenN3bV6cX1zM5kJ0hG',
  verifyToken: 'VerifyTokRr8Yq2Wd6Fs0Lp',
  midasAppkey: 'MidasKeyHh5Jj7Kk9Ll1Zz3',
  paypalClientSecret: 'PpClientSecEe4Tt6Uu8Ii0Oo',
} as const;
const ALL = Object.values(S);
const APP_TOKEN = `${APP_ID}|${S.appSecret}`;

/** A leak is the whole secret or its masked-away middle (maskSecret keeps 4 leading and 2 trailing chars). */
function leaks(text: string): string[] {
  return ALL.filter((s) => text.includes(s) || text.includes(s.slice(4, -2)));
}
function assertNoLeak(what: string, r: CliResult | string) {
  const text = typeof r === 'string' ? r : `${r.stdout}\n${r.stderr}`;
  expect(leaks(text), `${what} leaked a secret:\n${text.slice(0, 3000)}`).toEqual([]);
}

const dir = mkdtempSync(join(tmpdir(), 'fbpay-secrets-'));
const running: Running[] = [];
let graph = '';
let paymentId = '';
let deadUrl = '';

beforeAll(async () => {
  const g = await startGraph(['--app-id', APP_ID, '--app-secret', S.appSecret]);
  running.push(g.p);
  graph = g.url;
  const created = await send(`${graph}/_fbpay/payments`, { body: '{}', headers: { 'content-type': 'application/json' } });
  paymentId = JSON.parse(created.body).id;
  // A port that was free a moment ago: connection refused.
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  deadUrl = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
  await new Promise((r) => srv.close(r));
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
});

/** Runs argv with and without --verbose and --json (global options go first), returns every result. */
const N = 3; // shapes per command, below
async function variants(argv: string[], opts: { env?: Record<string, string>; stdin?: string; cwd?: string } = {}): Promise<Array<[string, CliResult]>> {
  const shapes = [[], ['--verbose'], ['--json', '--verbose']];
  return Promise.all(shapes.map(async (pre) => [[...pre, ...argv].join(' '), await runBin([...pre, ...argv], { ...opts, timeoutMs: 120_000 })] as [string, CliResult]));
}

describe('secrets: never printed unmasked', () => {
  it('decode / sign: valid, wrong secret, malformed, secret from env', async () => {
    const good = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: Math.floor(Date.now() / 1000), user_id: '1' }, S.appSecret);
    const other = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: 1, user_id: '1' }, 'some-other-secret-value');
    const runs = [
      ...(await variants(['decode', good, '--secret', S.appSecret])),
      ...(await variants(['decode', other, '--secret', S.appSecret])),
      ...(await variants(['decode', 'not.a.signed_request', '--secret', S.appSecret])),
      ...(await variants(['decode', good], { env: { FB_APP_SECRET: S.appSecret } })),
      ...(await variants(['sign', '--preset', 'lite-purchase', '--secret', S.appSecret, '--app-id', APP_ID])),
      ...(await variants(['sign', '--preset', 'no-such-preset', '--secret', S.appSecret])),
    ];
    expect(runs[0 * N][1].code).toBe(0);
    expect(runs[1 * N][1].code).toBe(1);
    for (const [what, r] of runs) assertNoLeak(what, r);
  }, 300_000);

  it('webhook sign / verify / challenge: success, wrong secret, bad input, unreachable', async () => {
    const body = join(dir, 'body.json');
    writeFileSync(body, '{"object":"payments","entry":[]}');
    const sig = hubSignature(readFileSync(body), S.appSecret);
    const runs = [
      ...(await variants(['webhook', 'sign', '--body', body, '--secret', S.appSecret, '--curl', 'http://127.0.0.1:9/webhook'])),
      ...(await variants(['webhook', 'verify', '--body', body, '--signature', sig, '--secret', S.appSecret])),
      ...(await variants(['webhook', 'verify', '--body', body, '--signature', hubSignature('x', 'y'), '--secret', S.appSecret])),
      ...(await variants(['webhook', 'verify', '--body', body, '--signature', 'garbage', '--secret', S.appSecret])),
      ...(await variants(['webhook', 'challenge', '--to', `${deadUrl}/webhook`, '--verify-token', S.verifyToken, '--timeout', '2000'])),
    ];
    expect(runs[1 * N][1].code).toBe(0);
    expect(runs[2 * N][1].code).toBe(1);
    expect(runs[4 * N][1].code).toBe(3);
    for (const [what, r] of runs) assertNoLeak(what, r);
  }, 300_000);

  it('Graph commands: success, Graph errors, unreachable, --appsecret-proof, tokens from env', async () => {
    const g = ['--graph-url', graph, '--app-id', APP_ID];
    const runs = [
      ...(await variants(['payment', 'get', paymentId, ...g, '--secret', S.appSecret])),
      ...(await variants(['payment', 'get', paymentId, ...g, '--secret', S.appSecret, '--appsecret-proof'])),
      ...(await variants(['payment', 'get', paymentId, ...g, '--access-token', APP_TOKEN])),
      ...(await variants(['payment', 'get', '999999999', ...g, '--secret', S.appSecret])),
      ...(await variants(['payment', 'get', paymentId, ...g, '--access-token', S.accessToken])),
      ...(await variants(['payment', 'get', paymentId, '--graph-url', deadUrl, '--app-id', APP_ID, '--secret', S.appSecret, '--timeout', '2000'])),
      ...(await variants(['payment', 'refund', paymentId, ...g, '--secret', S.appSecret, '--amount', '99999', '--currency', 'USD', '--yes'])),
      ...(await variants(['purchases', '--graph-url', graph, '--access-token', S.accessToken, '--secret', S.appSecret, '--appsecret-proof'])),
      ...(await variants(['consume', '123456', '--graph-url', graph, '--access-token', S.accessToken])),
      ...(await variants(['payment', 'get', paymentId, '--graph-url', graph], { env: { FB_APP_ID: APP_ID, FB_APP_SECRET: S.appSecret } })),
      ...(await variants(['purchases', '--graph-url', deadUrl, '--timeout', '2000'], { env: { FB_ACCESS_TOKEN: S.accessToken } })),
    ];
    expect(runs[0 * N][1].code).toBe(0);
    expect(runs[3 * N][1].code).not.toBe(0);
    expect(runs[5 * N][1].code).toBe(3);
    for (const [what, r] of runs) assertNoLeak(what, r);
  }, 300_000);

  it('Midas and PayPal: appkey and client secret on success and failure paths', async () => {
    const body = join(dir, 'pp.json');
    writeFileSync(body, '{"id":"WH-1","event_type":"PAYMENT.SALE.COMPLETED"}');
    const headers = join(dir, 'pp-headers.txt');
    writeFileSync(headers, 'PAYPAL-TRANSMISSION-ID: 1\nPAYPAL-TRANSMISSION-TIME: 2024-01-01T00:00:00Z\nPAYPAL-TRANSMISSION-SIG: AAAA\nPAYPAL-CERT-URL: https://api.paypal.com/c.pem\nPAYPAL-AUTH-ALGO: SHA256withRSA\n');
    const runs = [
      ...(await variants(['midas', 'sign', '--path', '/v3/user/get_info', '--appkey', S.midasAppkey, '--explain', 'openid=1', 'ts=1'])),
      ...(await variants(['midas', 'verify', '--path', '/cb', '--query', 'openid=1&ts=1&sig=abc', '--appkey', S.midasAppkey, '--now', '1'])),
      ...(await variants(['midas', 'verify', '--path', '/cb', '--query', '%zz', '--appkey', S.midasAppkey])),
      ...(await variants(['midas', 'order', '--appid', '1450000000', '--appkey', S.midasAppkey, '--openid', 'O', '--openkey', 'K', '--pf', 'qq_m_qq-2001-android', '--pfkey', 'P', '--zoneid', '1', '--payitem', 'gold*10*1', '--goodsmeta', 'g*d', '--goodsurl', 'http://x/y.png', '--appmode', '1', '--amt', '10', '--login', 'qq', '--base-url', deadUrl, '--send', '--timeout', '2000'])),
      ...(await variants(['midas', 'sign', '--path', '/p', 'a=1'], { env: { MIDAS_APPKEY: S.midasAppkey } })),
      ...(await variants(['paypal', 'verify-online', '--body', body, '--headers', headers, '--webhook-id', 'WH-1', '--client-id', 'cid-1', '--client-secret', S.paypalClientSecret, '--api-url', deadUrl, '--timeout', '2000'])),
      ...(await variants(['paypal', 'verify-online', '--body', body, '--headers', headers, '--webhook-id', 'WH-1', '--api-url', deadUrl, '--timeout', '2000'], { env: { PAYPAL_CLIENT_ID: 'cid-1', PAYPAL_CLIENT_SECRET: S.paypalClientSecret } })),
    ];
    expect(runs[0 * N][1].code).toBe(0);
    expect(runs[1 * N][1].code).toBe(1);
    for (const [what, r] of runs) assertNoLeak(what, r);
  }, 300_000);

  it('webhook replay and webhook check: secrets in flags and env, against a live and a dead endpoint', async () => {
    const { p, url } = await startListen(S.appSecret, ['--verify-token', S.verifyToken]);
    running.push(p);
    const runs = [
      ...(await variants(['webhook', 'replay', 'fb-payment-charge', '--to', `${url}/`, '--secret', S.appSecret, '--header', `Authorization: Bearer ${S.accessToken}`])),
      ...(await variants(['webhook', 'replay', 'fb-payment-charge', '--to', `${deadUrl}/`, '--secret', S.appSecret, '--timeout', '2000'])),
      ...(await variants(['webhook', 'replay', 'fb-payment-charge', '--to', `${url}/`, '--tamper', 'signature'], { env: { FB_APP_SECRET: S.appSecret } })),
      ...(await variants(['webhook', 'check', '--to', `${url}/`, '--secret', S.appSecret, '--verify-token', S.verifyToken])),
      ...(await variants(['webhook', 'check', '--to', `${deadUrl}/`, '--secret', S.appSecret, '--verify-token', S.verifyToken, '--timeout', '2000'])),
      ...(await variants(['webhook', 'check', '--provider', 'midas', '--to', `${deadUrl}/midas`, '--appkey', S.midasAppkey, '--timeout', '2000'])),
    ];
    expect(runs[0 * N][1].code).toBe(0);
    expect(runs[1 * N][1].code).toBe(3);
    for (const [what, r] of runs) assertNoLeak(what, r);
    await p.stop('SIGINT');
    assertNoLeak('webhook listen (its own output)', p.stdout + p.stderr);
  }, 120_000);

  it('config show: env and config-file secrets are masked; a git-tracked config with secrets gets a warning', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'fbpay-secrets-repo-'));
    writeFileSync(join(repo, 'fbpay.config.json'), JSON.stringify({ appId: APP_ID, appSecret: S.appSecret, midasAppkey: S.midasAppkey, profiles: { staging: { accessToken: S.accessToken } } }));
    const env = { FB_VERIFY_TOKEN: S.verifyToken, PAYPAL_CLIENT_SECRET: S.paypalClientSecret };
    const runs = [...(await variants(['config', 'show'], { env, cwd: repo })), ...(await variants(['config', 'show', '--profile', 'staging'], { env, cwd: repo }))];
    for (const [what, r] of runs) {
      expect(r.code, what).toBe(0);
      assertNoLeak(what, r);
    }
    expect(runs[0][1].stdout).toMatch(/AppS…rT \(25 chars\)/);
    expect(runs[0][1].stderr).not.toMatch(/git/i); // not in a repo yet: no warning
    let hasGit = true;
    try {
      execFileSync('git', ['init', '-q', repo]);
    } catch {
      hasGit = false;
    }
    if (hasGit) {
      const tracked = await runBin(['config', 'show'], { env, cwd: repo });
      assertNoLeak('config show (git repo)', tracked);
      expect(tracked.stderr, tracked.stderr).toMatch(/holds secrets and git would commit it/);
    }
  }, 300_000);
});

describe('secrets: the servers own output', () => {
  it('mock graph started with the app secret never prints it (start banner, request log, stop)', async () => {
    const g = running[0];
    await send(`${graph}/${paymentId}?access_token=${encodeURIComponent(APP_TOKEN)}`, { method: 'GET' });
    await send(`${graph}/${paymentId}?access_token=${encodeURIComponent(S.accessToken)}`, { method: 'GET' });
    expect(await g.stop('SIGINT')).toBe(130);
    expect(g.stdout + g.stderr).toMatch(/app token/);
    assertNoLeak('mock graph output', g.stdout + g.stderr);
  });
});

describe('secrets: webhook listen --record', () => {
  async function recordRun(recordSecrets: boolean) {
    const file = join(dir, `rec-${recordSecrets}.ndjson`);
    const { p, url } = await startListen(S.appSecret, ['--verify-token', S.verifyToken, '--record', file, ...(recordSecrets ? ['--record-secrets'] : [])]);
    running.push(p);
    // A handshake (token in the query), a signed delivery with credentials in headers, a bad one.
    await send(`${url}/?hub.mode=subscribe&hub.verify_token=${S.verifyToken}&hub.challenge=42`, { method: 'GET' });
    const body = Buffer.from('{"object":"payments","entry":[{"id":"1","time":1,"changed_fields":["actions"]}]}');
    const h = { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(body, S.appSecret), authorization: `Bearer ${S.accessToken}`, cookie: `session=${S.paypalClientSecret}` };
    expect((await send(`${url}/?access_token=${S.accessToken}`, { body, headers: h })).status).toBe(200);
    await send(`${url}/`, { body, headers: { ...h, 'x-hub-signature-256': hubSignature(body, 'wrong') } });
    await p.stop('SIGINT');
    return { file: readFileSync(file, 'utf8'), out: p.stdout + p.stderr };
  }

  it('record files hold no secret without --record-secrets (and listen prints none)', async () => {
    const { file, out } = await recordRun(false);
    expect(file.trim().split('\n').length).toBeGreaterThanOrEqual(2);
    assertNoLeak('record file', file);
    assertNoLeak('listen output', out);
  }, 120_000);

  it('with --record-secrets the credentials are recorded as sent (the control: the check can fail)', async () => {
    const { file, out } = await recordRun(true);
    expect(leaks(file)).toEqual(expect.arrayContaining([S.accessToken]));
    assertNoLeak('listen output with --record-secrets', out);
  }, 120_000);
});
