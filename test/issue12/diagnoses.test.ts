import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { explainHubMismatch } from '../../src/core/facebook/hub-signature.js';
import { signPaypalWebhook } from '../../src/core/paypal/sign.js';
import { verifyPaypalWebhook } from '../../src/core/paypal/verify.js';
import { testPair } from '../paypal/helpers.js';

// Issue 12 §3: a diagnosis names only a cause it tested and found to match.
const dir = mkdtempSync(join(tmpdir(), 'fbpay-i12-diag-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('webhook verify on a re-serialized body', () => {
  // Facebook (PHP) sends compact JSON with "\/" and "\uXXXX" escapes; here the signer pretty-printed it
  // PHP-style (4 spaces) and the user saved the JSON their framework re-serialized (compact, raw UTF-8).
  const doc = { object: 'payments', entry: [{ id: '1621702554627001', time: 1700000000, changed_fields: ['actions'], note: 'café/ü' }] };
  const php = JSON.stringify(doc, null, 4).replace(/\//g, '\\/').replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  const secret = 's3cr3t-not-hex';
  const sig = `sha256=${createHmac('sha256', secret).update(php).digest('hex')}`;
  const copy = JSON.stringify(doc);

  it('names the variant that matches; the secret-shape remark is not the diagnosis', async () => {
    const r = await runCli(['--json', 'webhook', 'verify', '--body', file('copy.json', copy), '--signature', sig, '--secret', secret]);
    expect(r.code).toBe(1);
    const check = JSON.parse(r.stdout).checks[0];
    expect(check.diagnosis).toEqual([expect.objectContaining({ cause: 'body_reserialized', matched: true, message: expect.stringMatching(/4 spaces.*PHP json_encode/) })]);
    expect(check.diagnosis.map((d: { cause: string }) => d.cause)).not.toContain('secret_unusual');
    const h = await runCli(['webhook', 'verify', '--body', file('copy2.json', copy), '--signature', sig, '--secret', secret]);
    expect(h.stdout).toMatch(/→ near miss: the body was re-serialized: the same JSON pretty-printed with 4 spaces/);
  });

  it('when nothing matches it says so and what it tried; the secret shape is a separate note', async () => {
    const other = `sha256=${createHmac('sha256', 'something else').update(php).digest('hex')}`;
    const r = await runCli(['--json', 'webhook', 'verify', '--body', file('copy3.json', copy), '--signature', other, '--secret', secret]);
    const check = JSON.parse(r.stdout).checks[0];
    expect(check.diagnosis).toEqual([expect.objectContaining({ cause: 'no_near_miss', matched: false, message: expect.stringMatching(/^no near miss matched: tried \d+ variants/) })]);
    expect(check.notes.map((n: { cause: string }) => n.cause)).toEqual(['secret_unusual']);
    const h = await runCli(['webhook', 'verify', '--body', file('copy4.json', copy), '--signature', other, '--secret', secret]);
    expect(h.stdout).toMatch(/· no near miss matched/);
    expect(h.stdout).toMatch(/note: Facebook app secrets are 32 lowercase hex characters/);
  });

  it('an app token given as the secret is found even on a re-serialized body', () => {
    const x = explainHubMismatch(JSON.stringify(JSON.parse(php), null, 2), sig, `1234567890|${secret}`);
    expect(x.nearMiss?.cause).toBe('body_reserialized+secret_is_app_token');
  });
});

describe('PayPal near miss', () => {
  const { keyPem, certPem } = testPair();
  const now = 1_700_000_000;
  const body = '{"id":"WH-7YX49823S2290830K-0JE13296W68552352","event_type":"PAYMENT.SALE.COMPLETED","resource":{"id":"S1"}}';
  const s = signPaypalWebhook({ body, webhookId: '8PT597110X687430LKGECATA', key: keyPem, certUrl: 'https://api.paypal.com/v1/notifications/certs/CERT-x', now: () => now });
  const verify = (b: string, webhookId: string) => verifyPaypalWebhook(b, s.headers, { webhookId, certPem, now });

  it('a webhook id that merely starts with WH- is not called the event id', async () => {
    const r = await verify(body, 'WH-123');
    expect(r.valid).toBe(false);
    expect(r.nearMisses.map((m) => m.cause)).not.toContain('event_id_as_webhook_id');
  });
  it('the body\'s own id given as the webhook id is named (a fact checked by equality)', async () => {
    const r = await verify(body, 'WH-7YX49823S2290830K-0JE13296W68552352');
    expect(r.nearMisses).toContainEqual(expect.objectContaining({ cause: 'event_id_as_webhook_id', detail: expect.stringMatching(/this delivery's event id/) }));
  });
  it('"re-serialized" only when a re-serialized variant matched; otherwise the CLI says no near miss matched', async () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const matched = await verify(pretty, '8PT597110X687430LKGECATA');
    expect(matched.nearMisses).toContainEqual(expect.objectContaining({ cause: 'body_reserialized', matches: true }));
    const sorted = JSON.stringify({ event_type: 'PAYMENT.SALE.COMPLETED', id: 'WH-7YX49823S2290830K-0JE13296W68552352', resource: { id: 'S1' } });
    const unmatched = await verify(sorted, '8PT597110X687430LKGECATA');
    expect(unmatched.nearMisses.filter((m) => m.cause === 'body_reserialized')).toEqual([]);
    const headers = file('h.json', JSON.stringify(s.headers));
    const cli = await runCli(['paypal', 'verify', '--body', file('sorted.json', sorted), '--headers', headers, '--webhook-id', '8PT597110X687430LKGECATA', '--cert', file('cert.pem', certPem), '--now', String(now)]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).not.toMatch(/re-serialized/);
    expect(cli.stdout).toMatch(/no near miss matched/);
  });
});

describe('decode: a shape remark is a note, not a near miss', () => {
  it('an app-id-like secret: near_miss absent, the remark under notes, the hint says no near miss matched', async () => {
    const { signSignedRequest } = await import('../../src/core/facebook/signed-request.js');
    const sr = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: 1_700_000_000, user_id: '1' }, 'the-real-secret');
    const r = await runCli(['--json', 'decode', sr, '--secret', '123456789012', '--now', '1700000000']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.near_miss).toBeUndefined();
    expect(doc.notes).toEqual([expect.objectContaining({ code: 'app_id_as_secret', matched: false })]);
    expect(doc.error.hint).toMatch(/^no near miss matched/);
  });
});
