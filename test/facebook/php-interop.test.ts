import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { NO_PHP, startPhp } from '../helpers/php.js';
import { runBin, runCli } from '../helpers/cli.js';
import { PRESET_NAMES } from '../../src/core/facebook/presets.js';

const DIR = fileURLToPath(new URL('./php/', import.meta.url));
const SECRET = 'd25da68caa30b617e2b4e3990cb91e4e';

describe.skipIf(NO_PHP)('PHP interoperability (hash_hmac, like the published PHP samples)', () => {
  let php: Awaited<ReturnType<typeof startPhp>>;
  beforeAll(async () => {
    php = await startPhp(DIR, 'router.php', { APP_SECRET: SECRET });
  });
  afterAll(() => php?.stop());

  const phpParse = async (sr: string) => {
    const res = await fetch(`${php.url}/parse`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ signed_request: sr }).toString() });
    return { status: res.status, body: (await res.json()) as { valid: boolean; payload?: Record<string, unknown>; error?: string } };
  };
  const phpSign = async (payload: unknown, padded = false) => {
    const res = await fetch(`${php.url}/sign${padded ? '?padded=1' : ''}`, { method: 'POST', body: JSON.stringify(payload) });
    return ((await res.json()) as { signed_request: string }).signed_request;
  };

  for (const preset of PRESET_NAMES) {
    it(`PHP accepts what fbpay sign --preset ${preset} makes (padded and not)`, async () => {
      for (const padded of [false, true]) {
        const r = await runCli(['sign', '--preset', preset, '--json', ...(padded ? ['--padded'] : [])], { env: { FB_APP_SECRET: SECRET } });
        expect(r.code, r.stderr).toBe(0);
        const doc = JSON.parse(r.stdout);
        const got = await phpParse(doc.signed_request);
        expect(got.status, got.body.error).toBe(200);
        expect(got.body.payload).toStrictEqual(doc.payload);
      }
    });
  }

  it('PHP refuses what fbpay signs with another secret, and a tampered payload', async () => {
    const r = await runCli(['sign', '--preset', 'lite-purchase', '--secret', 'another-secret'], {});
    expect((await phpParse(r.stdout.trim())).body).toMatchObject({ valid: false, error: 'bad signature' });
    const good = (await runCli(['sign', '--preset', 'lite-purchase', '--secret', SECRET])).stdout.trim();
    const [sig, seg] = good.split('.');
    const tampered = `${sig}.${Buffer.from(Buffer.from(seg, 'base64url').toString().replace('"1.99"', '"0.01"')).toString('base64url')}`;
    expect((await phpParse(tampered)).body.valid).toBe(false);
    expect((await runCli(['decode', tampered, '--secret', SECRET])).code).toBe(1);
  });

  it('fbpay accepts what PHP signs (json_encode escapes slashes and unicode; padded SDK style too)', async () => {
    const payload = { algorithm: 'HMAC-SHA256', issued_at: Math.floor(Date.now() / 1000), user_id: '2905623', url: 'https://example.com/a/b', name: 'Zoë 米大师', amount: '1.99', quantity: 3, nested: { list: [1, 'two', true, null] } };
    for (const padded of [false, true]) {
      const sr = await phpSign(payload, padded);
      if (padded) expect(sr.split('.').every((s) => s.length % 4 === 0)).toBe(true);
      else expect(sr).not.toContain('=');
      const r = await runCli(['decode', sr, '--secret', SECRET, '--json']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.valid).toBe(true);
      expect(doc.payload).toStrictEqual(payload);
      const wrong = await runCli(['decode', sr, '--secret', SECRET.replace('d', 'e'), '--json']);
      expect(wrong.code).toBe(1);
      expect(JSON.parse(wrong.stdout).valid).toBe(false);
    }
  });

  it('round trip through the real binary: fbpay sign → PHP → PHP signs → fbpay decode', async () => {
    const signed = await runBin(['sign', '--preset', 'pay-dialog', '--json'], { env: { FB_APP_SECRET: SECRET } });
    expect(signed.code, signed.stderr).toBe(0);
    const doc = JSON.parse(signed.stdout);
    expect(typeof doc.payload.payment_id).toBe('number');
    const parsed = await phpParse(doc.signed_request);
    expect(parsed.body.valid).toBe(true);
    const back = await phpSign(parsed.body.payload);
    const decoded = await runBin(['decode', back, '--json'], { env: { FB_APP_SECRET: SECRET } });
    expect(decoded.code, decoded.stdout + decoded.stderr).toBe(0);
    expect(JSON.parse(decoded.stdout).payload).toStrictEqual(doc.payload);
  });
});
