import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startBin } from '../helpers/cli.js';
import { fixedHandler, paypalHandler, startReceiver, type Running } from './receivers.js';

// `webhook listen` runs as the real binary (dist/: `npm run build:fast` first).
const WEBHOOK_ID = '1JE4291016473214C';
const ALL = ['valid-delivery', 'tampered-body', 'other-key', 'other-webhook-id', 'cert-url-off-host', 'duplicate', 'budget'];

async function check(url: string, extra: string[] = []) {
  const r = await runCli(['--json', 'webhook', 'check', '--provider', 'paypal', '--to', url, '--webhook-id', WEBHOOK_ID, ...extra]);
  let doc;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { ...r, doc, failing: (doc.checks as Array<{ id: string; ok: boolean | null }>).filter((c) => c.ok === false).map((c) => c.id) };
}

describe('webhook check --provider paypal against `fbpay webhook listen --provider paypal`', () => {
  const listeners: Array<ReturnType<typeof startBin>> = [];
  const start = async (hosts: string[]) => {
    const l = startBin(['webhook', 'listen', '--provider', 'paypal', '--port', '0', '--webhook-id', WEBHOOK_ID, ...hosts.flatMap((h) => ['--allow-cert-host', h])]);
    listeners.push(l);
    return (await l.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1];
  };
  afterAll(async () => {
    await Promise.all(listeners.map((l) => l.stop()));
  });

  it('test mode allowing only 127.0.0.1: every check passes, the off-host certificate is refused', async () => {
    const url = await start(['127.0.0.1']);
    const r = await check(url + '/paypal');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.doc.checks.map((c: { id: string }) => c.id)).toEqual(ALL);
    expect(r.failing).toEqual([]);
  });

  it('allowing localhost too: the advisory off-host check fails, the run still exits 0', async () => {
    const url = await start(['127.0.0.1', 'localhost']);
    const r = await check(url + '/paypal');
    expect(r.code).toBe(0);
    expect(r.failing).toEqual(['cert-url-off-host']);
    const off = r.doc.checks.find((c: { id: string }) => c.id === 'cert-url-off-host');
    expect(off).toMatchObject({ required: false, ok: false });
    expect(off.detail).toMatch(/accepted a delivery whose certificate is at localhost:\d+; it fetched the certificate from localhost:\d+$/);
  });
});

describe('webhook check --provider paypal against node receivers', () => {
  let careless: Running;
  let blind: Running;
  beforeAll(async () => {
    careless = await startReceiver(paypalHandler('careless', WEBHOOK_ID));
    blind = await startReceiver(paypalHandler('blind-fetch', WEBHOOK_ID));
  });
  afterAll(async () => {
    await careless.close();
    await blind.close();
  });

  it('a careless receiver fails every refusal (exit 1)', async () => {
    const r = await check(careless.url);
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['tampered-body', 'other-key', 'other-webhook-id', 'cert-url-off-host']);
  });

  it('a receiver that verifies but fetches any PAYPAL-CERT-URL fails only the advisory check', async () => {
    const r = await check(blind.url);
    expect(r.code, r.stdout).toBe(0);
    expect(r.failing).toEqual(['cert-url-off-host']);
  });

  it('the webhook id given to check must be the receiver\u2019s: otherwise the valid delivery is refused', async () => {
    const r = await runCli(['--json', 'webhook', 'check', '--provider', 'paypal', '--to', blind.url, '--webhook-id', 'WH-NOT-THE-ONE', '--only', 'valid-delivery,duplicate']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).checks.map((c: { ok: boolean }) => c.ok)).toEqual([false, false]);
  });

  it('every request 404: no refusal passes (inconclusive), exit 1, the cause is named', async () => {
    const nf = await startReceiver(fixedHandler(404));
    try {
      const r = await check(nf.url + '/paypl');
      expect(r.code).toBe(1);
      expect(r.doc.passed).toBe(0);
      expect(r.failing).toEqual(['valid-delivery', 'duplicate']);
      expect(r.doc.checks.filter((c: { result: string }) => c.result === 'inconclusive').map((c: { id: string }) => c.id)).toEqual(['tampered-body', 'other-key', 'other-webhook-id', 'cert-url-off-host', 'budget']);
      expect(r.doc.cause).toBe('every request got 404: is the path right?');
    } finally {
      await nf.close();
    }
  });

  it('202 to a forged delivery is an acceptance (fail), not a refusal', async () => {
    const acc = await startReceiver(fixedHandler(202, 'queued'));
    try {
      const r = await check(acc.url);
      expect(r.code).toBe(1);
      expect(r.failing).toEqual(['tampered-body', 'other-key', 'other-webhook-id', 'cert-url-off-host']);
    } finally {
      await acc.close();
    }
  });

  it('a missing webhook id is exit 2 naming PAYPAL_WEBHOOK_ID', async () => {
    const r = await runCli(['webhook', 'check', '--provider', 'paypal', '--to', careless.url], { env: { PAYPAL_WEBHOOK_ID: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PAYPAL_WEBHOOK_ID/);
  });
});
