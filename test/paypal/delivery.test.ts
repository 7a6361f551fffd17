import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeMidasQuery, midasSign } from '../../src/core/midas/signature.js';
import { runCli } from '../helpers/cli.js';
import { sim, timeOf } from './helpers.js';

/** `--delivery capture.ndjson:N` reads a `webhook listen --record` line in every verify command. */
const APPKEY = 'delivery0test0midas0appkey000042';
const TS = 1_764_000_000;

describe('verify --delivery: paypal verify and midas verify read a recorded line; webhook verify points to them', () => {
  let dir: string;
  let cap: string;
  let certFile: string;
  const pp = sim.deliveries[0];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fbpay-delivery-'));
    cap = join(dir, 'capture.ndjson');
    certFile = join(dir, 'leaf.pem');
    writeFileSync(certFile, sim.certs[pp.cert_url]);
    const params: Record<string, string> = { openid: 'ABCDEF0123', appid: '1450000000', ts: String(TS), payitem: 'G1*10*1', billno: '-APPDJ-1', amt: '100' };
    const { sig } = midasSign({ method: 'GET', path: '/midas/deliver', params, appkey: APPKEY, rule: 'callback' });
    const lines = [
      { received_at: new Date(timeOf(pp) * 1000).toISOString(), method: 'POST', path: '/paypal', headers: pp.headers, body_b64: pp.body_b64, verified: true },
      { received_at: new Date(TS * 1000).toISOString(), method: 'GET', path: `/midas/deliver?${encodeMidasQuery({ ...params, sig })}`, headers: { host: '127.0.0.1' }, body_b64: '', verified: true },
    ];
    writeFileSync(cap, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  });

  it('paypal verify --delivery capture.ndjson:1 verifies the recorded body and headers', async () => {
    const r = await runCli(['--json', 'paypal', 'verify', '--delivery', `${cap}:1`, '--webhook-id', 'WEBHOOK_ID', '--cert', certFile, '--now', String(timeOf(pp))]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, crc32: pp.expect.crc, signed_string: pp.expect.signed_string });
    const both = await runCli(['paypal', 'verify', '--delivery', `${cap}:1`, '--body', certFile, '--webhook-id', 'WEBHOOK_ID']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--delivery carries its own body and headers/);
    const none = await runCli(['paypal', 'verify', '--webhook-id', 'WEBHOOK_ID']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing --body[\s\S]*--delivery capture\.ndjson:N/);
  });

  it('midas verify --delivery capture.ndjson:2 takes the query, path and method from the line', async () => {
    const r = await runCli(['--json', 'midas', 'verify', '--delivery', `${cap}:2`, '--appkey', APPKEY, '--now', String(TS)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, rule: 'callback' });
    const other = await runCli(['--json', 'midas', 'verify', '--delivery', `${cap}:2`, '--appkey', APPKEY, '--now', String(TS), '--path', '/elsewhere']);
    expect(other.code).toBe(1);
  });

  it('webhook verify --delivery on a PayPal or Midas line names the command that verifies it, and that command parses and runs', async () => {
    for (const [n, cmd] of [[1, 'paypal'], [2, 'midas']] as const) {
      const r = await runCli(['webhook', 'verify', '--delivery', `${cap}:${n}`, '--secret', 'x'.repeat(32)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`is a ${cmd === 'paypal' ? 'PayPal' : 'Midas'} delivery`));
      const line = /hint: run: (fbpay .*)$/m.exec(r.stderr)?.[1];
      expect(line).toBe(`fbpay ${cmd} verify --delivery ${cap}:${n}`);
      const extra = cmd === 'paypal' ? ['--webhook-id', 'WEBHOOK_ID', '--cert', certFile, '--now', String(timeOf(pp))] : ['--appkey', APPKEY, '--now', String(TS)];
      const again = await runCli([...line!.split(' ').slice(1), ...extra]);
      expect(again.code, again.stderr).toBe(0);
    }
  });
});
