import { describe, expect, it } from 'vitest';
import { runCli, startBin } from '../helpers/cli.js';
import { encodeMidasQuery, midasSign } from '../../src/core/midas/signature.js';
import { splitCallbackUrl, verifyReceivedCallback } from '../../src/core/midas/verify-input.js';

// Issue 12 §4: `midas verify` and `webhook listen` take what users actually have.
const APPKEY = '12345f9a47df4d1eaeb3bad9a7e54b2c';
const PATH = '/cgi-bin/deliver';
const TS = 1_700_000_000;
const params = { openid: '0FC2B2C4', appid: '1450000000', ts: String(TS), payitem: 'gold*10*1', billno: '-APPD-1', appmeta: 'a b' };
const sig = midasSign({ method: 'GET', path: PATH, params, appkey: APPKEY, rule: 'callback' }).sig;
const query = encodeMidasQuery({ ...params, sig });

describe('midas verify', () => {
  it('accepts a full callback URL in --query and takes the path from it', async () => {
    const r = await runCli(['--json', 'midas', 'verify', '--query', `https://game.example.com${PATH}?${query}`, '--appkey', APPKEY, '--now', String(TS)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, rule: 'callback', path: PATH, notes: [`path ${PATH} taken from the URL`] });
    expect(splitCallbackUrl(`${PATH}?a=1`)).toEqual({ path: PATH, query: 'a=1' });
    const none = await runCli(['midas', 'verify', '--query', query, '--appkey', APPKEY]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing --path/);
  });
  it('tries "+" as a space when the plain reading fails, and says that is what matched', async () => {
    const plusQuery = query.replace('appmeta=a%20b', 'appmeta=a+b');
    expect(plusQuery).toContain('appmeta=a+b');
    const r = await runCli(['midas', 'verify', '--path', PATH, '--query', plusQuery, '--appkey', APPKEY, '--now', String(TS)]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/note: matched only with "\+" read as a space/);
  });
  it('notes an appkey given with its "&" already appended (and verifies with it removed)', async () => {
    const r = await runCli(['midas', 'verify', '--path', PATH, '--query', query, '--appkey', `${APPKEY}&`, '--now', String(TS)]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/note: the appkey was given with a trailing "&": fbpay appends the "&" itself/);
    expect(r.stdout).toMatch(/matched with the trailing "&" removed/);
  });
  it('a stale ts mentions --now', () => {
    const r = verifyReceivedCallback({ query, path: PATH, appkey: APPKEY, now: TS + 86_400 });
    expect(r.valid).toBe(false);
    expect(r.signature_ok).toBe(true);
    expect(r.problems.join(' ')).toMatch(new RegExp(`pass --now ${TS}`));
  });
});

describe('webhook listen --now', () => {
  it('checks timestamps as of the given time, so a historical delivery verifies', async () => {
    const run = async (extra: string[]) => {
      const p = startBin(['--json', 'webhook', 'listen', '--provider', 'midas', '--port', '0', '--appkey', APPKEY, ...extra]);
      try {
        const url = JSON.parse((await p.waitFor(/\{"type":"listening"[^\n]*\}/))[0]).url as string;
        const res = await fetch(`${url}${PATH}?${query}`);
        const reply = await res.text();
        await p.waitFor(/"type":"delivery"/);
        return { reply, out: p.stdout };
      } finally {
        await p.stop();
      }
    };
    const today = await run([]);
    expect(today.reply).toMatch(/"ret":4/);
    expect(today.out).toMatch(/--now/);
    const then = await run(['--now', String(TS)]);
    expect(then.reply).toBe('{"ret":0,"msg":"OK"}');
    expect(then.out).toMatch(/"verified":true/);
  });
});
