import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';
import { readVector } from '../helpers/vectors.js';

// End to end through bin/fbpay.js (dist/, built by `npm test` or `npm run build:fast`).
describe('fbpay binary: fixtures and webhook sign/verify', () => {
  it('finds the shipped fixtures from dist/', async () => {
    const r = await runBin(['--json', 'fixtures', 'list', '--provider', 'facebook']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((x: any) => x.name)).toContain('fb-dispute-lifecycle');
  });
  it('signs stdin bytes exactly and verifies them back', async () => {
    const v = readVector('facebook.json').hub_signatures[0];
    const s = await runBin(['webhook', 'sign', '--body', '-'], { stdin: v.body, env: { FB_APP_SECRET: v.secret } });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toBe(`X-Hub-Signature: ${v.x_hub_signature}\nX-Hub-Signature-256: ${v.x_hub_signature_256}\n`);
    const ok = await runBin(['webhook', 'verify', '--body', '-', '--signature', v.x_hub_signature_256], { stdin: v.body, env: { FB_APP_SECRET: v.secret } });
    expect(ok.code).toBe(0);
    const bad = await runBin(['webhook', 'verify', '--body', '-', '--signature', v.x_hub_signature_256], { stdin: v.body + '\n', env: { FB_APP_SECRET: v.secret } });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/trailing newline/);
  });
});
