import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, startBin } from '../helpers/cli.js';
import { signSignedRequest } from '../../src/core/facebook/signed-request.js';

// End-to-end: the real binary (bin/fbpay.js → dist/), CI=true, no TTY. `npm test` builds first.
const SECRET = 'd25da68caa30b617e2b4e3990cb91e4e';
const NOW = 1_700_000_000;
const CWD = mkdtempSync(join(tmpdir(), 'fbpay-e2e-'));
const env = { FB_APP_SECRET: undefined, FB_APP_ID: undefined };
const lite = {
  algorithm: 'HMAC-SHA256',
  amount: '1.99',
  app_id: '483436115748302',
  currency: 'USD',
  issued_at: NOW - 30,
  payment_id: '1621702554627001',
  product_id: 'test_product',
  purchase_time: NOW - 31,
  purchase_token: '2365655713542659',
  quantity: '1',
  request_id: '',
  status: 'completed',
};
const valid = signSignedRequest(lite, SECRET);
const [sig, seg] = valid.split('.');
const tampered = `${sig}.${Buffer.from(JSON.stringify({ ...lite, amount: '0.01' })).toString('base64url')}`;
const bin = (argv: string[], opts: { env?: Record<string, string | undefined>; stdin?: string } = {}) => runBin(argv, { cwd: CWD, env: { ...env, ...opts.env }, stdin: opts.stdin });
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('fbpay decode (binary)', () => {
  it('valid: verdict, kind, issued_at with age, payload, next step (human)', async () => {
    const r = await bin(['decode', valid, '--secret', SECRET, '--now', String(NOW)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✔ valid signed_request \(HMAC-SHA256\) — Payments Lite purchase/);
    expect(r.stdout).toMatch(/issued_at\s+2023-11-14T22:12:50\.000Z \(30 s ago\)/);
    expect(r.stdout).toMatch(/"payment_id": "1621702554627001"/);
    expect(r.stdout).toMatch(/consume purchase_token 2365655713542659 before the user can buy test_product again/);
    expect(r.stdout).toMatch(/fbpay consume 2365655713542659 --access-token "\$USER_TOKEN"/);
    expect(r.stderr).toBe('');
  });

  it('valid (--json): exactly one document with the documented keys', async () => {
    const r = await bin(['decode', valid, '--json', '--now', String(NOW)], { env: { FB_APP_SECRET: SECRET } });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ valid: true, payload_verified: true, algorithm: 'HMAC-SHA256', kind: 'payments_lite_purchase', issued_at: '2023-11-14T22:12:50.000Z', age_seconds: 30, warnings: [] });
    expect(doc.payload).toStrictEqual(lite);
    expect(doc.error).toBeUndefined();
    expect(doc.next_steps.join(' ')).toMatch(/consume/);
    expect(r.stderr).toBe('');
  });

  it('tampered: exit 1, INVALID verdict, payload shown as unverified (human and --json)', async () => {
    const h = await bin(['decode', tampered, '--secret', SECRET]);
    expect(h.code).toBe(1);
    expect(h.stdout).toMatch(/✘ INVALID: signature mismatch/);
    expect(h.stdout).toMatch(/payload \(UNVERIFIED/);
    expect(h.stdout).not.toMatch(/next:/);
    noStack(h.stderr);
    const j = await bin(['decode', tampered, '--secret', SECRET, '--json']);
    expect(j.code).toBe(1);
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ valid: false, payload_verified: false, error: { code: 'signature_mismatch' } });
    expect(doc.error.hint).toBeTruthy();
    expect(doc.payload.amount).toBe('0.01');
  });

  it('wrong secret: exit 1 and the near miss is named (app token given as the secret)', async () => {
    const r = await bin(['decode', valid, '--secret', `483436115748302|${SECRET}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/near miss: .*part after '\|'/);
    const j = await bin(['decode', valid, '--secret', 'not-the-secret', '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout).error.code).toBe('signature_mismatch');
    expect(j.stdout + j.stderr).not.toContain(SECRET);
  });

  it('malformed: exit 2, one-line reason and hint, no stack (human and --json)', async () => {
    const h = await bin(['decode', 'not-a-signed-request', '--secret', SECRET]);
    expect(h.code).toBe(2);
    expect(h.stderr).toMatch(/^error: no "\." in the signed_request/);
    expect(h.stderr).toMatch(/hint: /);
    expect(h.stdout).toBe('');
    noStack(h.stderr);
    const j = await bin(['decode', `${sig}.bm9!`, '--secret', SECRET, '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ error: { code: 'malformed_signed_request', message: expect.stringMatching(/not base64url/) } });
    // An altered payload that no longer decodes is not "input of the wrong kind": it is invalid (exit 1).
    const altered = await bin(['decode', `${sig}.bm90IGpzb24`, '--secret', SECRET, '--json']);
    expect(altered.code).toBe(1);
    expect(JSON.parse(altered.stdout)).toMatchObject({ valid: false, error: { code: 'signature_mismatch', message: expect.stringMatching(/not JSON/) } });
  });

  it('stale and future: exit 1 with the reason', async () => {
    const stale = await bin(['decode', valid, '--secret', SECRET, '--now', String(NOW), '--max-age', '10']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/stale: issued 30 s ago, more than --max-age 10 s/);
    const fresh = await bin(['decode', valid, '--secret', SECRET, '--now', String(NOW), '--max-age', '30']);
    expect(fresh.code).toBe(0);
    const future = await bin(['decode', valid, '--secret', SECRET, '--now', String(NOW - 1000), '--json']);
    expect(future.code).toBe(1);
    expect(JSON.parse(future.stdout).error.code).toBe('issued_in_future');
    const badAge = await bin(['decode', valid, '--secret', SECRET, '--max-age', 'soon']);
    expect(badAge.code).toBe(2);
    expect(badAge.stderr).toMatch(/--max-age must be a duration/);
  });

  it('missing secret: exit 2 naming FB_APP_SECRET (human and --json)', async () => {
    const h = await bin(['decode', valid]);
    expect(h.code).toBe(2);
    expect(h.stderr).toMatch(/missing app secret/);
    expect(h.stderr).toMatch(/FB_APP_SECRET/);
    const j = await bin(['decode', valid, '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).error.hint).toMatch(/FB_APP_SECRET/);
  });

  it('the secret may come from fbpay.config.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-e2e-cfg-'));
    writeFileSync(join(dir, 'fbpay.config.json'), JSON.stringify({ appSecret: SECRET }));
    const r = await runBin(['decode', valid], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
  });

  it('--no-verify: exit 0, loud NOT VERIFIED, valid null, works without a secret', async () => {
    const h = await bin(['decode', tampered, '--no-verify']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/NOT VERIFIED/);
    expect(h.stdout).toMatch(/payload \(UNVERIFIED/);
    const j = await bin(['decode', tampered, '--no-verify', '--json']);
    const doc = JSON.parse(j.stdout);
    expect(doc.valid).toBeNull();
    expect(doc.payload_verified).toBe(false);
    expect(doc.warnings[0]).toMatch(/NOT VERIFIED/);
  });

  it('reads the signed_request from stdin with -', async () => {
    const r = await bin(['decode', '-', '--secret', SECRET, '--json'], { stdin: valid + '\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).valid).toBe(true);
    const none = await bin(['decode', '--secret', SECRET]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no signed_request given/);
  });

  it('--help lists the options and examples', async () => {
    const r = await bin(['decode', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--no-verify/);
    expect(r.stdout).toMatch(/Examples:/);
  });
});

describe('fbpay decode --batch (binary)', () => {
  const other = signSignedRequest({ ...lite, payment_id: '2', issued_at: NOW }, SECRET);
  it('a mixed file: one NDJSON line per input line, in order, exit 1', async () => {
    const input = [valid, tampered, '', 'garbage', other, `${sig}.${seg.slice(0, -1)}`].join('\n') + '\n';
    const r = await bin(['decode', '--batch', '--secret', SECRET, '--now', String(NOW)], { stdin: input });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.line, l.valid])).toEqual([
      [1, true],
      [2, false],
      [4, false],
      [5, true],
      [6, false],
    ]);
    expect(lines[0].payload).toStrictEqual(lite);
    expect(lines[1].error.code).toBe('signature_mismatch');
    expect(lines[2].error.code).toBe('malformed_signed_request');
    expect(lines[4].error.code).toBe('signature_mismatch'); // truncated: the JSON no longer closes, so it is invalid
    expect(r.stderr).toMatch(/6 line\(s\): 2 valid, 2 invalid, 1 malformed/);
  });
  it('all valid: exit 0; --json changes nothing (NDJSON either way)', async () => {
    const input = `${valid}\r\n${other}`;
    const a = await bin(['decode', '--batch', '--secret', SECRET, '--now', String(NOW)], { stdin: input });
    const b = await bin(['decode', '--batch', '--secret', SECRET, '--now', String(NOW), '--json'], { stdin: input });
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.trim().split('\n')).toHaveLength(2);
  });
  it('nothing parseable: exit 2; empty input: exit 2', async () => {
    const r = await bin(['decode', '--batch', '--secret', SECRET], { stdin: 'x\ny\n' });
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    const e = await bin(['decode', '--batch', '--secret', SECRET], { stdin: '' });
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/no signed_request lines/);
  });
  it('Ctrl-C while stdin is still open: exit 130, the results so far, and how far it got', async () => {
    const p = startBin(['decode', '--batch', '--secret', SECRET, '--now', String(NOW)]);
    p.child.stdin.write(`${valid}\n${tampered}\n${other}\n`);
    await p.waitFor(/"line":3/);
    expect(await p.stop('SIGINT')).toBe(130);
    expect(p.stdout.trim().split('\n')).toHaveLength(3);
    expect(p.stderr).toMatch(/interrupted after 3 line\(s\): 2 valid, 1 invalid, 0 malformed/);
  });
  it('missing secret is exit 2 before reading anything', async () => {
    const r = await bin(['decode', '--batch'], { stdin: valid });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FB_APP_SECRET/);
  });
});

describe('fbpay sign (binary)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fbpay-sign-'));
    writeFileSync(join(dir, 'payload.json'), JSON.stringify({ user_id: '42', extra: { a: 1 } }));
  });
  it('--preset lite-purchase: unpadded signed_request on stdout that decodes', async () => {
    const r = await bin(['sign', '--preset', 'lite-purchase', '--secret', SECRET, '--app-id', '483436115748302', '--now', String(NOW)]);
    expect(r.code, r.stderr).toBe(0);
    const sr = r.stdout.trim();
    expect(sr).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+$/);
    const d = await bin(['decode', sr, '--secret', SECRET, '--now', String(NOW), '--json']);
    const doc = JSON.parse(d.stdout);
    expect(doc.valid).toBe(true);
    expect(doc.payload).toMatchObject({ app_id: '483436115748302', issued_at: NOW, purchase_time: NOW - 1, quantity: '1', status: 'completed' });
  });
  it('--set typed values, --padded, --json', async () => {
    const r = await bin(['sign', '--preset', 'pay-dialog', '--secret', SECRET, '--set', 'amount="9.99"', '--set', 'quantity="3"', '--set', '+meta.level=7', '--padded', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.payload).toMatchObject({ amount: '9.99', quantity: '3', meta: { level: 7 } });
    expect(typeof doc.payload.payment_id).toBe('number');
    expect(doc.signed_request.split('.').every((s: string) => s.length % 4 === 0)).toBe(true);
  });
  it('a payload file (or stdin) merges onto the preset', async () => {
    const r = await runBin(['sign', 'payload.json', '--preset', 'login', '--json'], { cwd: dir, env: { ...env, FB_APP_SECRET: SECRET } });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.payload).toMatchObject({ user_id: '42', extra: { a: 1 }, algorithm: 'HMAC-SHA256' });
    expect(doc.payload.oauth_token).toMatch(/^EAA/);
    const s = await bin(['sign', '-', '--secret', SECRET, '--json'], { stdin: '{"x":1}' });
    expect(JSON.parse(s.stdout).payload).toStrictEqual({ algorithm: 'HMAC-SHA256', x: 1 });
  });
  it('errors: nothing to sign, bad preset, bad JSON, missing secret (exit 2)', async () => {
    const nothing = await bin(['sign', '--secret', SECRET]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to sign/);
    const preset = await bin(['sign', '--preset', 'bogus', '--secret', SECRET]);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toMatch(/lite-purchase/);
    const json = await bin(['sign', '-', '--secret', SECRET], { stdin: '{nope' });
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/not JSON/);
    const secret = await bin(['sign', '--preset', 'login', '--json']);
    expect(secret.code).toBe(2);
    expect(JSON.parse(secret.stdout).error.hint).toMatch(/FB_APP_SECRET/);
    for (const r of [nothing, preset, json]) noStack(r.stderr);
  });
});
