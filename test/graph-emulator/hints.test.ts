import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../src/providers/graph/emulator/index.js';
import { runCli } from '../helpers/cli.js';

/** A Graph error's hint names what was tested for that call, never another call's cause (issue 12 §3). */
const APP_ID = '1000000000000001';
const SECRET = 'hints0test0secret';
let emu: GraphEmulator;

beforeAll(async () => {
  emu = await startGraphEmulator({ appId: APP_ID, appSecret: SECRET });
});
afterAll(async () => {
  await emu.close();
});

describe('Graph error 100 hints follow the call', () => {
  it('webhook subscribe with a callback the emulator refuses: the hint is about the subscription, not consume or user tokens', async () => {
    const r = await runCli(['webhook', 'subscribe', '--callback-url', 'https://example.com/fb/webhook', '--verify-token', 't', '--graph-url', emu.url, '--app-id', APP_ID, '--secret', SECRET]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('callback_url must be a loopback URL');
    const hint = r.stderr.split('\n').find((l) => l.startsWith('hint:'))!;
    expect(hint).toMatch(/subscription .*callback_url.*--allow-remote/);
    expect(hint).not.toMatch(/consume|user token|USER access token/i);
  });

});
