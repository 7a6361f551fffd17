import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestKeyPair } from '../../src/core/paypal/test-cert.js';
import { loadOrCreatePki } from '../../src/providers/paypal/emulator/index.js';
import { runBin, runCli, startBin, startNode } from '../helpers/cli.js';

/**
 * examples/paypal-receiver run exactly as its README says (`node server.mjs` with environment variables),
 * checking the certificate chain for real: it trusts a local test CA through PAYPAL_CA or
 * NODE_EXTRA_CA_CERTS, and there is no mode that skips the chain. `fbpay webhook check --https-ca` and
 * `fbpay mock paypal --tls` sign with certificates issued by the CA the receiver trusts.
 */

const SERVER = fileURLToPath(new URL('../../examples/paypal-receiver/server.mjs', import.meta.url));
const WEBHOOK_ID = 'WHTRUSTTEST000001';
const ALL = ['valid-delivery', 'tampered-body', 'other-key', 'other-webhook-id', 'cert-url-off-host', 'duplicate', 'budget'];

interface Rx {
  url: string;
  log: () => string;
  child: ChildProcess;
}
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

async function startReceiver(env: Record<string, string>): Promise<Rx> {
  const rx = startNode(SERVER, [], { env: { PATH: process.env.PATH ?? '', PORT: '0', PAYPAL_WEBHOOK_ID: WEBHOOK_ID, ...env } });
  children.push(rx.child);
  const [, url] = await rx.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/paypal\/webhook)/, 15_000);
  return { url, child: rx.child, log: () => rx.stderr };
}

async function check(url: string, extra: string[]) {
  const r = await runCli(['--json', 'webhook', 'check', '--provider', 'paypal', '--to', url, '--webhook-id', WEBHOOK_ID, ...extra]);
  const doc = JSON.parse(r.stdout) as { checks: Array<{ id: string; result: string; detail: string }>; cause?: string };
  return { ...r, doc, results: Object.fromEntries(doc.checks.map((c) => [c.id, c.result])) };
}

describe('webhook check --provider paypal --https-ca against examples/paypal-receiver checking the chain', () => {
  let dir: string;
  let caFile: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fbpay-rx-trust-'));
    const list = await runCli(['webhook', 'check', '--provider', 'paypal', '--https-ca', join(dir, 'ca'), '--list']);
    expect(list.code, list.stderr).toBe(0);
    caFile = join(dir, 'ca', 'fbpay-local-ca.pem');
    expect(list.stderr).toContain(`PAYPAL_CERT_HOSTS=127.0.0.1 PAYPAL_CA=${caFile} node server.mjs`);
  });

  it('the receiver trusting the CA with PAYPAL_CA: every check passes', async () => {
    const rx = await startReceiver({ PAYPAL_CERT_HOSTS: '127.0.0.1', PAYPAL_CA: caFile });
    const r = await check(rx.url, ['--https-ca', join(dir, 'ca')]);
    expect(r.code, r.stdout + r.stderr + rx.log()).toBe(0);
    expect(r.doc.checks.map((c) => c.id)).toEqual(ALL);
    expect(Object.values(r.results)).toEqual(ALL.map(() => 'pass'));
    expect(r.doc).not.toHaveProperty('note');
    // The off-host certificate chains to the same CA: it is refused for its host, not its chain.
    expect(rx.log()).toMatch(/rejected: certificate host localhost:\d+ is not allowed/);
    expect(rx.log()).not.toMatch(/chain/);
  });

  it('the receiver trusting the CA with NODE_EXTRA_CA_CERTS only: every check passes', async () => {
    const rx = await startReceiver({ PAYPAL_CERT_HOSTS: '127.0.0.1', NODE_EXTRA_CA_CERTS: caFile });
    const r = await check(rx.url, ['--https-ca', join(dir, 'ca')]);
    expect(r.code, r.stdout + r.stderr + rx.log()).toBe(0);
    expect(Object.values(r.results)).toEqual(ALL.map(() => 'pass'));
  });

  it('the same receiver refuses a delivery whose certificate does not chain to the CA it trusts (served over https by that CA\u2019s server)', async () => {
    const rx = await startReceiver({ PAYPAL_CERT_HOSTS: '127.0.0.1', PAYPAL_CA: caFile });
    const pair = generateTestKeyPair();
    writeFileSync(join(dir, 'self-key.pem'), pair.keyPem);
    writeFileSync(join(dir, 'self-cert.pem'), pair.certPem);
    const r = await check(rx.url, ['--https-ca', join(dir, 'ca'), '--key', join(dir, 'self-key.pem'), '--cert', join(dir, 'self-cert.pem'), '--only', 'valid-delivery,tampered-body']);
    expect(r.code).toBe(1);
    expect(r.results).toEqual({ 'valid-delivery': 'fail', 'tampered-body': 'inconclusive' });
    expect(r.doc.checks[0].detail).toMatch(/^400 "\{\\"error\\":\\"not a genuine PayPal delivery/);
    expect(rx.log()).toMatch(/rejected: certificate does not chain to a trusted CA/);
    expect((r.doc as { note?: string }).note).toMatch(/^the certificate was served over https by a server the local CA issued: the receiver must have been started trusting that CA/);
  });

  it('webhook replay --https-ca (the README\u2019s PayPal replay line) is accepted; without it, refused for the chain', async () => {
    const rx = await startReceiver({ PAYPAL_CERT_HOSTS: '127.0.0.1', PAYPAL_CA: caFile });
    const ok = await runCli(['--json', 'webhook', 'replay', 'paypal-subscription-lifecycle', '--to', rx.url, '--webhook-id', WEBHOOK_ID, '--https-ca', join(dir, 'ca')]);
    expect(ok.code, ok.stdout + ok.stderr + rx.log()).toBe(0);
    expect(JSON.parse(ok.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'summary', sent: 6, ok: 6 });
    const plain = await runCli(['--json', 'webhook', 'replay', 'paypal-sale-completed', '--to', rx.url, '--webhook-id', WEBHOOK_ID]);
    expect(plain.code).toBe(1);
    expect(rx.log()).toMatch(/rejected: certificate does not chain to a trusted CA/);
    const both = await runCli(['webhook', 'replay', 'paypal-sale-completed', '--to', rx.url, '--webhook-id', WEBHOOK_ID, '--https-ca', join(dir, 'ca'), '--cert-url', 'https://127.0.0.1/x']);
    expect(both.code).toBe(2);
  });

  it('no test mode: allowing 127.0.0.1 without trusting a CA, fbpay\u2019s self-signed loopback certificate is refused', async () => {
    const rx = await startReceiver({ PAYPAL_CERT_HOSTS: '127.0.0.1' });
    const r = await check(rx.url, ['--only', 'valid-delivery,tampered-body']);
    expect(r.code).toBe(1);
    expect(r.results['valid-delivery']).toBe('fail');
    expect(rx.log()).toMatch(/rejected: certificate does not chain to a trusted CA/);
    // The setup fact is a note beside the likely cause, not a diagnosis.
    expect((r.doc as { note?: string }).note).toMatch(/self-signed test certificate served over plain http on 127\.0\.0\.1: .* --https-ca <dir> issues it from a local CA/);
    const text = await runCli(['webhook', 'check', '--provider', 'paypal', '--to', rx.url, '--webhook-id', WEBHOOK_ID, '--only', 'valid-delivery,tampered-body']);
    expect(text.stdout).toMatch(/\nnote: fbpay signed the valid delivery with a self-signed test certificate/);
  });
});

describe('fbpay mock paypal --tls to examples/paypal-receiver checking the chain against the emulator CA', () => {
  let pkiDir: string;
  let caPath: string;
  let otherCa: string;
  beforeAll(async () => {
    pkiDir = mkdtempSync(join(tmpdir(), 'fbpay-emu-pki-'));
    caPath = (await loadOrCreatePki({ dir: pkiDir })).caPath;
    otherCa = (await loadOrCreatePki()).caPath;
  });

  /** Starts `fbpay mock paypal --tls` delivering to `rx`, creates a subscription, returns the trigger's deliveries. */
  async function createSubscription(rx: Rx) {
    const emu = startBin(['--json', 'mock', 'paypal', '--tls', '--port', '0', '--pki-dir', pkiDir, '--webhook-url', rx.url, '--webhook-id', WEBHOOK_ID, '--retry-schedule', '0']);
    try {
      const url = (await emu.waitFor(/"url":"(https:\/\/127\.0\.0\.1:\d+)"/, 20_000))[1];
      const r = await runBin(['--json', 'trigger', 'paypal-subscription-create', '--emulator', url], { env: { NODE_EXTRA_CA_CERTS: caPath } });
      return { ...r, doc: JSON.parse(r.stdout) as { deliveries: Array<{ event_type: string; status: number | null; ok: boolean }> } };
    } finally {
      await emu.stop('SIGTERM');
    }
  }

  it('the "try:" line `mock paypal --tls` prints carries NODE_EXTRA_CA_CERTS and runs as printed', async () => {
    const emu = startBin(['mock', 'paypal', '--tls', '--port', '0', '--pki-dir', pkiDir]);
    try {
      const line = (await emu.waitFor(/try: (.*)\n/, 20_000))[1];
      const m = /^NODE_EXTRA_CA_CERTS=(\S+) fbpay (.*)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(m![1]).toBe(caPath);
      const r = await runBin(m![2].split(' '), { env: { NODE_EXTRA_CA_CERTS: m![1] } });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/subscription: I-/);
      expect(emu.stdout + emu.stderr).toMatch(/verify one: NODE_EXTRA_CA_CERTS=\S+ fbpay paypal verify .* --allow-cert-host 127\.0\.0\.1 --ca \S+ {3}# trusted because you pass --allow-cert-host and --ca/);
    } finally {
      await emu.stop('SIGTERM');
    }
  });

  it('trusting the emulator CA with PAYPAL_CA: the delivery (certificate fetched over https) is accepted', async () => {
    const rx = await startReceiver({ PAYPAL_CERT_HOSTS: '127.0.0.1', PAYPAL_CA: caPath });
    const r = await createSubscription(rx);
    expect(r.code, r.stdout + r.stderr + rx.log()).toBe(0);
    expect(r.doc.deliveries).toEqual([expect.objectContaining({ event_type: 'BILLING.SUBSCRIPTION.CREATED', status: 200, ok: true })]);
  });

  it('trusting it with NODE_EXTRA_CA_CERTS: accepted', async () => {
    const rx = await startReceiver({ PAYPAL_CERT_HOSTS: '127.0.0.1', NODE_EXTRA_CA_CERTS: caPath });
    const r = await createSubscription(rx);
    expect(r.code, r.stdout + r.stderr + rx.log()).toBe(0);
    expect(r.doc.deliveries[0]).toMatchObject({ status: 200, ok: true });
  });

  it('the https fetch trusted but the chain anchored at another CA: refused (400), exit 1', async () => {
    const rx = await startReceiver({ PAYPAL_CERT_HOSTS: '127.0.0.1', NODE_EXTRA_CA_CERTS: caPath, PAYPAL_CA: otherCa });
    const r = await createSubscription(rx);
    expect(r.code).toBe(1);
    expect(r.doc.deliveries[0]).toMatchObject({ status: 400, ok: false });
    expect(rx.log()).toMatch(/rejected: certificate does not chain to a trusted CA/);
  });
});
