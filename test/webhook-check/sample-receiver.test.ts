import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../src/providers/graph/emulator/index.js';
// @ts-expect-error: a plain ESM example with JSDoc types, no declaration file
import { startReceiver } from '../../examples/facebook-receiver/server.mjs';
import { runCli } from '../helpers/cli.js';

// The reference receiver users copy (examples/facebook-receiver) must pass the battery, with its
// payment lookups answered by the offline Graph emulator that `--graph-url` seeds.
const APP_ID = '1000000000000001';
const SECRET = 'sample0receiver0secret0000000042';
const VERIFY = 'sample-verify-token';

interface Decision {
  payment_id: string;
  verdict: string;
}
interface Sample {
  url: string;
  close(): Promise<void>;
  ledger: { toJSON(): { decisions: Decision[]; duplicates: number } };
}

describe('webhook check passes the sample receiver (examples/facebook-receiver)', () => {
  let emu: GraphEmulator;
  let rx: Sample;
  beforeAll(async () => {
    emu = await startGraphEmulator({ appId: APP_ID, appSecret: SECRET });
    rx = (await startReceiver({ port: 0, appId: APP_ID, appSecret: SECRET, verifyToken: VERIFY, graphUrl: emu.url, log: () => undefined })) as Sample;
  });
  afterAll(async () => {
    await rx?.close();
    await emu?.close();
  });

  it('every check passes with payments seeded into the emulator, and the receiver really decided', async () => {
    const r = await runCli(['--json', 'webhook', 'check', '--to', `${rx.url}/webhook`, '--secret', SECRET, '--verify-token', VERIFY, '--graph-url', emu.url], { env: { FB_APP_ID: APP_ID } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.checks.filter((c: { ok: boolean | null }) => c.ok !== true).map((c: { id: string }) => c.id)).toEqual([]);
    const ledger = rx.ledger.toJSON();
    const verdicts = new Set(ledger.decisions.map((d) => d.verdict));
    for (const v of ['fulfil', 'revoke', 'restore', 'dispute']) expect(verdicts, v).toContain(v);
    expect(ledger.duplicates).toBeGreaterThanOrEqual(1);
  });

  it('without --graph-url (as `fbpay demo` runs it) it passes too: unknown payments get 200 and change nothing', async () => {
    const before = rx.ledger.toJSON().decisions.length;
    const r = await runCli(['webhook', 'check', '--to', `${rx.url}/webhook`, '--secret', SECRET, '--verify-token', VERIFY]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ facebook .*: 13 passed in/);
    expect(rx.ledger.toJSON().decisions.length).toBe(before);
  });
});
