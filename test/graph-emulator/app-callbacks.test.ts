import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDataDeletionReply } from '../../src/core/facebook/app-callbacks.js';
import { runCli } from '../helpers/cli.js';
// @ts-expect-error -- the reference receiver is plain JS, imported exactly as shipped
import { startReceiver } from '../../examples/facebook-receiver/server.mjs';

/** The Deauthorize and Data Deletion Request callbacks: presets, decode, fixtures, replay's reply check, the reference receiver. */

const SECRET = 'app-callbacks-secret';
let rx: { url: string; close(): Promise<void> };
let stub: Server;
let stubUrl = '';
let stubReply = '';

beforeAll(async () => {
  rx = await startReceiver({ port: 0, host: '127.0.0.1', appId: '1000000000000042', appSecret: SECRET, verifyToken: 'v', graphUrl: 'http://127.0.0.1:9', log: () => undefined });
  stub = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(stubReply));
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await rx?.close();
  await new Promise((r) => stub?.close(r));
});

describe('sign --preset deauthorize | data-deletion, and decode', () => {
  it.each(['deauthorize', 'data-deletion'])('%s: a signed_request with only the user_id, named by decode with what to reply', async (preset) => {
    const signed = await runCli(['sign', '--preset', preset, '--secret', SECRET]);
    expect(signed.code, signed.stderr).toBe(0);
    const decoded = await runCli(['decode', signed.stdout.trim(), '--secret', SECRET]);
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toContain('Deauthorize or Data Deletion Request callback');
    expect(decoded.stdout).toContain('confirmation_code');
    const json = JSON.parse((await runCli(['--json', 'decode', signed.stdout.trim(), '--secret', SECRET])).stdout);
    expect(json.kind).toBe('app_callback');
    expect(Object.keys(json.payload).sort()).toEqual(preset === 'deauthorize' ? ['algorithm', 'issued_at', 'user_id'] : ['algorithm', 'expires', 'issued_at', 'user_id']);
  });
  it('a login signed_request (code, oauth_token) is still login', async () => {
    const signed = await runCli(['sign', '--preset', 'login', '--secret', SECRET]);
    expect(JSON.parse((await runCli(['--json', 'decode', signed.stdout.trim(), '--secret', SECRET])).stdout).kind).toBe('login');
  });
});

describe('replay fb-deauthorize | fb-data-deletion', () => {
  it('the reference receiver acknowledges both; the data-deletion reply passes the reply check', async () => {
    const d = await runCli(['--json', 'webhook', 'replay', 'fb-deauthorize', '--to', rx.url, '--secret', SECRET]);
    expect(d.code, d.stdout).toBe(0);
    const del = await runCli(['--json', 'webhook', 'replay', 'fb-data-deletion', '--to', rx.url, '--secret', SECRET]);
    expect(del.code, del.stdout).toBe(0);
    const ledger = (await (await fetch(`${rx.url}/ledger`)).json()) as { deauthorized: unknown[]; deletions: Array<{ confirmation_code: string }> };
    expect(ledger.deauthorized).toHaveLength(1);
    expect(ledger.deletions).toHaveLength(1);
    const status = await fetch(`${rx.url}/deletion?code=${ledger.deletions[0].confirmation_code}`);
    expect(status.status).toBe(200);
    const forged = await runCli(['webhook', 'replay', 'fb-data-deletion', '--to', rx.url, '--secret', SECRET, '--tamper', 'signature', '--expect', '4xx']);
    expect(forged.code).toBe(0);
  });
  it('a data-deletion reply without confirmation_code or url fails (exit 1), naming the field', async () => {
    stubReply = JSON.stringify({ url: 'https://example.com/deletion?id=1' });
    const noCode = await runCli(['webhook', 'replay', 'fb-data-deletion', '--to', stubUrl, '--secret', SECRET]);
    expect(noCode.code).toBe(1);
    expect(noCode.stdout + noCode.stderr).toContain('data-deletion reply: the reply has no "confirmation_code"');
    stubReply = JSON.stringify({ confirmation_code: 'abc123' });
    const noUrl = await runCli(['webhook', 'replay', 'fb-data-deletion', '--to', stubUrl, '--secret', SECRET]);
    expect(noUrl.code).toBe(1);
    expect(noUrl.stdout + noUrl.stderr).toContain('the reply has no "url"');
    stubReply = 'OK';
    expect((await runCli(['webhook', 'replay', 'fb-deauthorize', '--to', stubUrl, '--secret', SECRET])).code).toBe(0); // deauthorize needs only a 2xx
  });
});

describe('validateDataDeletionReply', () => {
  it('accepts any http(s) url with an alphanumeric code, and names the field that is missing', () => {
    fc.assert(
      fc.property(fc.webUrl(), fc.stringMatching(/^[A-Za-z0-9]{1,40}$/), fc.constantFrom('url', 'confirmation_code'), (url, code, drop) => {
        expect(validateDataDeletionReply(JSON.stringify({ url, confirmation_code: code }))).toEqual({ ok: true, url, confirmation_code: code });
        const partial: Record<string, string> = { url, confirmation_code: code };
        delete partial[drop];
        const v = validateDataDeletionReply(JSON.stringify(partial));
        expect(v.ok).toBe(false);
        expect(v.ok === false && v.missing).toBe(drop);
      }),
    );
    expect(validateDataDeletionReply('[]').ok).toBe(false);
    expect(validateDataDeletionReply('{"url":"ftp://x","confirmation_code":"a"}').ok).toBe(false);
    expect(validateDataDeletionReply('{"url":"https://x","confirmation_code":"a b"}').ok).toBe(false);
  });
});

describe('sign --preset instant-games-purchase, and decode', () => {
  it('has the Instant Games field set (is_consumed, developer_payload, no app_id) and decodes as an Instant Games purchase', async () => {
    const signed = await runCli(['sign', '--preset', 'instant-games-purchase', '--secret', SECRET]);
    expect(signed.code).toBe(0);
    const doc = JSON.parse((await runCli(['--json', 'decode', signed.stdout.trim(), '--secret', SECRET])).stdout);
    expect(doc.kind).toBe('instant_games_purchase');
    expect(Object.keys(doc.payload)).toEqual(['algorithm', 'developer_payload', 'is_consumed', 'issued_at', 'payment_action_type', 'payment_id', 'product_id', 'purchase_price', 'purchase_time', 'purchase_token']);
    expect(doc.payload.app_id).toBeUndefined();
    const human = await runCli(['decode', signed.stdout.trim(), '--secret', SECRET]);
    expect(human.stdout).toContain('Instant Games purchase');
    expect(human.stdout).toContain('consumePurchaseAsync');
    // Facebook's documented example carries app_id too: still Instant Games. A Payments Lite purchase (status) stays one, even with is_consumed set.
    const withAppId = await runCli(['sign', '--preset', 'instant-games-purchase', '--set', '+app_id="1"', '--secret', SECRET]);
    expect(JSON.parse((await runCli(['--json', 'decode', withAppId.stdout.trim(), '--secret', SECRET])).stdout).kind).toBe('instant_games_purchase');
    const lite = await runCli(['sign', '--preset', 'lite-purchase', '--set', '+is_consumed=false', '--secret', SECRET]);
    expect(JSON.parse((await runCli(['--json', 'decode', lite.stdout.trim(), '--secret', SECRET])).stdout).kind).toBe('payments_lite_purchase');
  });
});
