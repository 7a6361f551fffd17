import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { NO_PHP, startPhp } from '../helpers/php.js';
import { FixtureLibrary } from '../../src/providers/fixtures.js';
import { createReplayAdapter } from '../../src/providers/facebook/webhook-adapter.js';
import { httpRequest } from '../../src/transport/http.js';
import { runCli } from '../helpers/cli.js';

const SECRET = 'php-side-app-secret-0123456789';
const DIR = fileURLToPath(new URL('./php/', import.meta.url));
const UPDATES = ['fb-payment-charge', 'fb-payment-refund', 'fb-payment-chargeback', 'fb-payment-chargeback-reversal', 'fb-payment-decline', 'fb-payment-dispute'];

describe.skipIf(NO_PHP)('an independent PHP receiver (hash_hmac sha1, like the Facebook samples)', () => {
  let php: Awaited<ReturnType<typeof startPhp>>;
  const lib = new FixtureLibrary();
  beforeAll(async () => {
    php = await startPhp(DIR, 'router.php', { FB_APP_SECRET: SECRET, FB_VERIFY_TOKEN: 'php-token' });
  });
  afterAll(() => php?.stop());

  for (const name of UPDATES) {
    it(`accepts ${name} as built by the adapter and rejects each tampered version`, async () => {
      const adapter = createReplayAdapter({ secret: SECRET });
      const [fx] = lib.render(name);
      const target = new URL(php.url + '/webhook');
      const d = await adapter.build(fx, { target, now: () => Math.floor(Date.now() / 1000) });
      const res = await httpRequest({ method: d.method, url: d.url, headers: d.headers, body: d.body });
      expect(res.status, res.body.toString()).toBe(200);
      const reply = JSON.parse(res.body.toString());
      expect(reply).toEqual({ ok: true, payment_id: (fx.payment as any).id, changed_fields: (fx.body as any).entry[0].changed_fields });
      for (const tamper of ['body', 'signature'] as const) {
        const t = await adapter.build(fx, { target, now: () => Math.floor(Date.now() / 1000), tamper });
        const tr = await httpRequest({ method: t.method, url: t.url, headers: t.headers, body: t.body });
        expect(tr.status, `${tamper}: ${tr.body}`).toBe(403);
      }
      // with only X-Hub-Signature-256, this sha1-only receiver has nothing to check: rejected
      const only256 = await createReplayAdapter({ secret: SECRET, signatureHeader: 'sha256' }).build(fx, { target, now: () => 0 });
      expect((await httpRequest({ method: 'POST', url: only256.url, headers: only256.headers, body: only256.body })).status).toBe(403);
    });
  }

  it('a wrong app secret is rejected', async () => {
    const d = await createReplayAdapter({ secret: SECRET + 'x' }).build(lib.render('fb-payment-charge')[0], { target: new URL(php.url), now: () => 0 });
    expect((await httpRequest({ method: 'POST', url: d.url, headers: d.headers, body: d.body })).status).toBe(403);
  });

  it('`fbpay webhook challenge` passes against it with the right token and fails (exit 1) with the wrong one', async () => {
    const ok = await runCli(['webhook', 'challenge', '--to', php.url + '/webhook', '--verify-token', 'php-token']);
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await runCli(['webhook', 'challenge', '--to', php.url + '/webhook', '--verify-token', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/status 403/);
  });

  it('`fbpay webhook sign --curl` headers are what PHP accepts', async () => {
    const body = '{"object":"payments","entry":[{"id":"1","time":1,"changed_fields":["actions"]}]}';
    const r = await runCli(['--json', 'webhook', 'sign', '--body', '-', '--secret', SECRET], { stdin: body });
    const { headers } = JSON.parse(r.stdout);
    const res = await httpRequest({ method: 'POST', url: php.url, headers: { ...headers, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
  });
});
