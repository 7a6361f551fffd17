import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../src/providers/graph/emulator/index.js';
import { runCli, startBin } from '../helpers/cli.js';
import { PHP, startPhp } from '../helpers/php.js';
import { nodeReceiver, PHP_RECEIVER, spawnMockGraph } from './receivers.js';

/**
 * Webhook subscriptions as Facebook runs them, over real HTTP on 127.0.0.1: the emulator performs
 * the hub.challenge handshake before saving, refuses with Facebook's errors, sends signed updates
 * for subscribed fields only, and retries a failing callback.
 */

const APP_ID = '1000000000000077';
const SECRET = 'subscriptions-test-secret';
const TOKEN = 'receiver-verify-token';
const graph = (emu: GraphEmulator) => ['--graph-url', emu.url, '--app-id', APP_ID, '--secret', SECRET];

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function emulator(opts: Parameters<typeof startGraphEmulator>[0] = {}): Promise<GraphEmulator> {
  const emu = await startGraphEmulator({ appId: APP_ID, appSecret: SECRET, ...opts });
  cleanups.push(() => emu.close());
  return emu;
}

async function receiver(opts: { plan?: number[]; secret?: string } = {}) {
  const rx = await nodeReceiver({ verifyToken: TOKEN, secret: opts.secret ?? SECRET, plan: opts.plan });
  cleanups.push(() => rx.close());
  return rx;
}

describe('fbpay webhook subscribe | subscriptions | unsubscribe against the emulator', () => {
  it('subscribes after the handshake with the receiver, lists it, and removes it', async () => {
    const emu = await emulator();
    const rx = await receiver();
    const sub = await runCli(['webhook', 'subscribe', '--callback-url', rx.url, '--verify-token', TOKEN, ...graph(emu)]);
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stdout).toContain(`subscribed ${rx.url} to payments (actions, disputes)`);
    const handshake = new URL(rx.hits[0].url, 'http://x');
    expect(rx.hits[0].method).toBe('GET');
    expect(handshake.searchParams.get('hub.mode')).toBe('subscribe');
    expect(handshake.searchParams.get('hub.verify_token')).toBe(TOKEN);
    expect(handshake.searchParams.get('hub.challenge')).toMatch(/^\d+$/);

    const list = await runCli(['--json', 'webhook', 'subscriptions', ...graph(emu)]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).subscriptions).toEqual([
      { object: 'payments', callback_url: rx.url, active: true, fields: [{ name: 'actions', version: 'v21.0' }, { name: 'disputes', version: 'v21.0' }] },
    ]);

    const partial = await runCli(['webhook', 'unsubscribe', '--object', 'payments', '--fields', 'disputes', ...graph(emu)]);
    expect(partial.code, partial.stderr).toBe(0);
    expect(emu.state.subscriptions[0].fields).toEqual(['actions']);
    const all = await runCli(['webhook', 'unsubscribe', ...graph(emu)]);
    expect(all.code).toBe(0);
    expect(emu.state.subscriptions).toEqual([]);
    const empty = await runCli(['webhook', 'subscriptions', ...graph(emu)]);
    expect(empty.stdout).toContain('no webhook subscriptions');
  });

  it("refuses a wrong verify token with Facebook's error 2200 (exit 3, hint), saving nothing", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const r = await runCli(['webhook', 'subscribe', '--callback-url', rx.url, '--verify-token', 'not-the-receivers', ...graph(emu)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Graph error 2200 OAuthException: (#2200) Callback verification failed with the following errors: HTTP Status Code = 403; HTTP Message = Forbidden');
    expect(r.stderr).toContain('hub.challenge');
    expect(r.stderr).not.toContain('not-the-receivers');
    expect(emu.state.subscriptions).toEqual([]);
  });

  it('refuses a callback that answers 200 without the challenge (2201) and one that is down (2200, curl error)', async () => {
    const emu = await emulator();
    const form = (cb: string) => new URLSearchParams({ object: 'payments', callback_url: cb, fields: 'actions', verify_token: TOKEN, access_token: `${APP_ID}|${SECRET}` });
    const { createServer } = await import('node:http');
    const liar = createServer((_req, res) => res.end('OK'));
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => liar.close(r)));
    const liarUrl = `http://127.0.0.1:${(liar.address() as { port: number }).port}/cb`;
    const a = await (await fetch(`${emu.url}/v21.0/${APP_ID}/subscriptions`, { method: 'POST', body: form(liarUrl) })).json() as any;
    expect(a.error).toMatchObject({ code: 2201, type: 'OAuthException' });
    expect(a.error.message).toMatch(/^\(#2201\) response does not match challenge, expected value="\d+", received="OK"$/);
    const b = await (await fetch(`${emu.url}/${APP_ID}/subscriptions`, { method: 'POST', body: form('http://127.0.0.1:9/cb') })).json() as any;
    expect(b.error.code).toBe(2200);
    expect(b.error.message).toContain('curl_errno = 7');
    expect(emu.state.subscriptions).toEqual([]);
  });

  it('validates object and fields like Graph (code 100) before calling the callback', async () => {
    const emu = await emulator();
    const rx = await receiver();
    const post = async (extra: Record<string, string>) =>
      (await (await fetch(`${emu.url}/${APP_ID}/subscriptions`, { method: 'POST', body: new URLSearchParams({ callback_url: rx.url, verify_token: TOKEN, access_token: `${APP_ID}|${SECRET}`, ...extra }) })).json() as any).error;
    expect(await post({ object: 'payments' })).toMatchObject({ code: 100, message: '(#100) The parameter fields is required' });
    expect((await post({ object: 'payments', fields: 'actions,refunds' })).message).toContain('got "refunds"');
    expect((await post({ object: 'nope', fields: 'actions' })).message).toContain('Param object must be one of');
    expect((await post({ fields: 'actions' })).message).toBe('(#100) The parameter object is required');
    expect(rx.hits).toHaveLength(0);
    const cli = await runCli(['webhook', 'subscribe', '--callback-url', rx.url, '--verify-token', TOKEN, '--fields', 'actions,,x', ...graph(emu)]);
    expect(cli.code).toBe(2);
  });
});

describe('updates', () => {
  it('go to the subscribed callback for subscribed fields only, signed with the app secret', async () => {
    const emu = await emulator();
    const rx = await receiver();
    expect((await runCli(['webhook', 'subscribe', '--callback-url', rx.url, '--verify-token', TOKEN, '--fields', 'actions', ...graph(emu)])).code).toBe(0);
    const dispute = await runCli(['--json', 'trigger', 'fb-dispute', '--emulator', emu.url]);
    expect(dispute.code).toBe(0);
    expect(JSON.parse(dispute.stdout).deliveries).toEqual([]);
    const refund = await runCli(['--json', 'trigger', 'fb-refund', '--emulator', emu.url]);
    expect(refund.code).toBe(0);
    const doc = JSON.parse(refund.stdout);
    expect(doc.deliveries).toEqual([{ event_type: 'payments.actions', url: rx.url, status: 200, ok: true, attempts: 1, reason: null, reply: 'EVENT_RECEIVED' }]);
    expect(rx.updates).toHaveLength(1);
    expect(rx.updates[0].body).toMatchObject({ object: 'payments', entry: [{ id: doc.ids.payment, changed_fields: ['actions'] }] });
    // A receiver holding another secret refuses the same update: the signature is really checked.
    const other = await receiver({ secret: 'another-secret' });
    expect((await runCli(['webhook', 'subscribe', '--callback-url', other.url, '--verify-token', TOKEN, ...graph(emu)])).code).toBe(0);
    const refused = await runCli(['trigger', 'fb-dispute', '--emulator', emu.url]);
    expect(refused.code).toBe(1);
    // Facebook's retry shape, scaled down: the first attempt and four retries.
    expect(other.updates.map((u) => u.status)).toEqual([403, 403, 403, 403, 403]);
  });

  it('are retried: a receiver that fails twice gets the same bytes three times, every attempt in /_fbpay/deliveries', async () => {
    const emu = await emulator();
    const rx = await receiver({ plan: [500, 503] });
    expect((await runCli(['webhook', 'subscribe', '--callback-url', rx.url, '--verify-token', TOKEN, ...graph(emu)])).code).toBe(0);
    const r = await runCli(['--json', 'trigger', 'fb-chargeback', '--emulator', emu.url]);
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout).deliveries[0]).toMatchObject({ ok: true, status: 200, attempts: 3 });
    const posts = rx.hits.filter((h) => h.method === 'POST');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => p.body.toString('hex'))).size).toBe(1);
    expect(new Set(posts.map((p) => p.headers['x-hub-signature'])).size).toBe(1);
    const log = (await (await fetch(`${emu.url}/_fbpay/deliveries`)).json()) as { data: Array<{ url: string; attempts: Array<{ status: number; ok: boolean }> }> };
    expect(log.data.at(-1)!.attempts.map((a) => [a.status, a.ok])).toEqual([
      [500, false],
      [503, false],
      [200, true],
    ]);
  });
});

describe('mock graph --webhook-url (the real binary)', () => {
  it('subscribes at start through the handshake, then every trigger reaches the callback', async () => {
    const rx = await receiver();
    const mock = await spawnMockGraph(['--app-id', APP_ID, '--app-secret', SECRET, '--webhook-url', rx.url, '--verify-token', TOKEN]);
    cleanups.push(() => mock.stop());
    expect(mock.listening).toMatchObject({ type: 'listening', provider: 'facebook', app_id: APP_ID, subscriptions: [{ object: 'payments', callback_url: rx.url, fields: ['actions', 'disputes'] }], retry_schedule_ms: [10, 100, 500, 1500] });
    expect(rx.hits[0].method).toBe('GET');
    const r = await runCli(['trigger', 'fb-charge', '--emulator', mock.url]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓/);
    const { code, stdout } = await mock.stop();
    expect(code).toBe(130);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.type === 'webhook' && l.ok === true && l.url === rx.url)).toBe(true);
    expect(lines.some((l) => l.type === 'request' && l.path === '/_fbpay/trigger/fb-charge')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'stopped', webhooks_sent: 1 });
  });

  it('prints one human line per request and per webhook attempt with --verbose (as on a terminal); -q silences them', async () => {
    const rx = await receiver({ plan: [500] });
    const loud = startBin(['mock', 'graph', '--port', '0', '--verbose', '--app-id', APP_ID, '--app-secret', SECRET, '--webhook-url', rx.url, '--verify-token', TOKEN, '--seed', 'fixtures/facebook/fb-payment-charge.json']);
    cleanups.push(() => loud.stop());
    const url = (await loud.waitFor(/listening on (http:\/\/\S+)/))[1];
    await loud.waitFor(/seeded payment \d+/);
    expect((await runCli(['trigger', 'fb-charge', '--emulator', url])).code).toBe(0);
    await loud.waitFor(/POST \/_fbpay\/trigger\/fb-charge 200/);
    await loud.waitFor(/✓ webhook payments\.actions → \S+ 200 attempt 2/);
    expect(loud.stderr).toMatch(/✗ webhook payments\.actions → \S+ 500 attempt 1 HTTP 500 \(retry in 10 ms\)/);
    expect(await loud.stop()).toBe(130);
    expect(loud.stderr).toMatch(/stopped \(\d+ Graph request\(s\), \d+ request\(s\) in all, 1 webhook\(s\) sent in 2 attempt\(s\)\)/);

    const quiet = startBin(['-q', 'mock', 'graph', '--port', '0', '--verbose']);
    cleanups.push(() => quiet.stop());
    const qurl = (await quiet.waitFor(/listening on (http:\/\/\S+)/))[1];
    expect((await runCli(['trigger', 'fb-charge', '--emulator', qurl])).code).toBe(0);
    await quiet.stop();
    expect(quiet.stderr).not.toContain('/_fbpay/trigger');
  });

  it('fails to start (exit 2) when the callback refuses the handshake, naming the refusal', async () => {
    const rx = await receiver();
    await expect(spawnMockGraph(['--webhook-url', rx.url, '--verify-token', 'wrong'])).rejects.toMatchObject({
      code: 2,
      stdout: expect.stringContaining('Callback verification failed with the following errors: HTTP Status Code = 403'),
    });
  });
});

describe.skipIf(!PHP)('an independent PHP receiver (php -S)', () => {
  it('answers the handshake with its own token and accepts only updates whose X-Hub-Signature it recomputes with hash_hmac', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-php-rx-'));
    writeFileSync(join(dir, 'router.php'), PHP_RECEIVER);
    const php = await startPhp(dir, 'router.php', { FB_APP_SECRET: SECRET, FB_VERIFY_TOKEN: 'php-own-token' });
    cleanups.push(() => php.stop());
    const cb = `${php.url}/fb/webhook`;
    const emu = await emulator();
    const wrong = await runCli(['webhook', 'subscribe', '--callback-url', cb, '--verify-token', TOKEN, ...graph(emu)]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('2200');
    const ok = await runCli(['webhook', 'subscribe', '--callback-url', cb, '--verify-token', 'php-own-token', ...graph(emu)]);
    expect(ok.code, ok.stderr).toBe(0);
    const r = await runCli(['--json', 'trigger', 'fb-refund', '--emulator', emu.url]);
    expect(r.code, r.stdout).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.deliveries[0]).toMatchObject({ status: 200, ok: true, reply: 'EVENT_RECEIVED' });
    const got = readFileSync(join(dir, 'received.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(got).toEqual([{ object: 'payments', entry: [{ id: doc.ids.payment, time: expect.any(Number), changed_fields: ['actions'] }] }]);

    // The same receiver behind an emulator with another app secret: every attempt refused.
    const stranger = await startGraphEmulator({ appId: APP_ID, appSecret: 'not-the-php-secret', retrySchedule: [5] });
    cleanups.push(() => stranger.close());
    expect((await runCli(['webhook', 'subscribe', '--callback-url', cb, '--verify-token', 'php-own-token', '--graph-url', stranger.url, '--app-id', APP_ID, '--secret', 'not-the-php-secret'])).code).toBe(0);
    const refused = await runCli(['--json', 'trigger', 'fb-dispute', '--emulator', stranger.url]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).deliveries[0]).toMatchObject({ status: 403, ok: false, attempts: 2, reply: 'bad signature' });
    expect(readFileSync(join(dir, 'received.ndjson'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'received.ndjson'))).toBe(true);
  });
});
