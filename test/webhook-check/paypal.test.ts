import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestKeyPair } from '../../src/core/paypal/test-cert.js';
import { runCli, startBin, startNode } from '../helpers/cli.js';
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

/** Starts test/webhook-check/node/paypal-https-receiver.mjs with its own environment (NODE_EXTRA_CA_CERTS…). */
async function startNodeReceiver(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const rx = startNode(fileURLToPath(new URL('./node/paypal-https-receiver.mjs', import.meta.url)), [], { env: { PATH: process.env.PATH ?? '', ...env } });
  const [, url] = await rx.waitFor(/listening on (\S+)/, 15_000);
  return { url, child: rx.child, stderr: () => rx.stderr };
}

describe('webhook check --provider paypal against a real Node receiver that fetches certificates over https only', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fbpay-https-ca-'));
  });
  afterAll(() => {
    for (const c of children) c.kill('SIGTERM');
  });

  it('--https-ca writes a local CA and prints how to trust it; a receiver started with NODE_EXTRA_CA_CERTS passes every check', async () => {
    const ca = join(dir, 'ca');
    const list = await runCli(['webhook', 'check', '--provider', 'paypal', '--https-ca', ca, '--list']);
    expect(list.code, list.stderr).toBe(0);
    const caFile = join(ca, 'fbpay-local-ca.pem');
    expect(existsSync(caFile)).toBe(true);
    expect(list.stderr).toContain(`wrote a local CA: ${caFile}`);
    expect(list.stderr).toContain(`NODE_EXTRA_CA_CERTS=${caFile} node`);
    expect(list.stderr).toContain(`curl --cacert ${caFile}`);

    const rx = await startNodeReceiver({ NODE_EXTRA_CA_CERTS: caFile, WEBHOOK_ID, ALLOWED_CERT_HOSTS: '127.0.0.1' });
    children.push(rx.child);
    const r = await check(rx.url + '/paypal', ['--https-ca', ca]);
    expect(r.code, r.stdout + r.stderr + rx.stderr()).toBe(0);
    expect(r.failing).toEqual([]);
    expect(r.doc.checks.map((c: { result: string }) => c.result)).toEqual(ALL.map(() => 'pass'));
    expect(r.stderr).toContain(`local CA: ${caFile}`);
    expect(r.stderr).not.toContain('wrote a local CA');
  });

  it('the same receiver, without https (the plain-http certificate fbpay served before): the valid delivery fails and no refusal passes', async () => {
    const rx = await startNodeReceiver({ WEBHOOK_ID, ALLOWED_CERT_HOSTS: '127.0.0.1' });
    children.push(rx.child);
    const r = await check(rx.url + '/paypal');
    expect(r.code).toBe(1);
    expect(r.doc.checks[0].detail).toMatch(/^400 "not verified: refusing http: certificate URL": expected 2xx$/);
    expect(r.doc.checks.filter((c: { result: string }) => c.result === 'pass')).toEqual([]);
    expect(r.doc.cause).toBe('every request got 400: is this the webhook endpoint?');
  });

  it('--key/--cert sign with the user\u2019s pair; --cert-url points at a certificate served elsewhere; bad combinations are exit 2', async () => {
    const pair = generateTestKeyPair();
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'c.pem');
    writeFileSync(key, pair.keyPem);
    writeFileSync(cert, pair.certPem);
    const rx = await startReceiver(paypalHandler('blind-fetch', WEBHOOK_ID));
    try {
      const own = await check(rx.url, ['--key', key, '--cert', cert, '--only', 'valid-delivery']);
      expect(own.code, own.stderr).toBe(0);
      const served = await fetch(rx.requests.at(-1)!.headers['paypal-cert-url']).catch(() => undefined);
      expect(served).toBeUndefined(); // the loopback certificate server is gone after the run
      const elsewhere = await startReceiver(() => ({ status: 200, body: pair.certPem }));
      try {
        const viaUrl = await check(rx.url, ['--key', key, '--cert-url', `${elsewhere.url}/my-cert.pem`, '--only', 'valid-delivery,other-key']);
        expect(viaUrl.code, viaUrl.stderr).toBe(0);
        expect(rx.requests.at(-1)!.headers['paypal-cert-url']).toBe(`${elsewhere.url}/my-cert.pem`);
      } finally {
        await elsewhere.close();
      }
      const noKey = await runCli(['webhook', 'check', '--provider', 'paypal', '--to', rx.url, '--webhook-id', WEBHOOK_ID, '--cert', cert]);
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toMatch(/--cert needs the matching --key/);
      const wrongProvider = await runCli(['webhook', 'check', '--to', rx.url, '--secret', 's', '--key', key]);
      expect(wrongProvider.code).toBe(2);
      expect(wrongProvider.stderr).toMatch(/--key is for --provider paypal/);
    } finally {
      await rx.close();
    }
  });
});
