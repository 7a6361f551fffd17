import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ROOT, runBin, runCli, startBin } from '../helpers/cli.js';
import { runDemo } from '../../src/providers/demo/run.js';
import type { DemoStep } from '../../src/providers/demo/steps.js';
import { findSampleReceiver } from '../../src/providers/demo/services.js';

const SECTIONS = [
  '1. Payments Lite: sign and decode a purchase',
  '2. The 1383001 repurchase failure, and its fix',
  '3. Payments webhooks: charge, dispute, chargeback, reversal',
  '4. fbpay trigger: a chargeback and its reversal reach the subscribed receiver',
  '5. PayPal: sign a delivery with a test key, verify it',
  '6. PayPal: a subscription on `fbpay mock paypal`, delivered to the reference receiver',
  '7. Midas: sign a delivery callback with the callback rule, verify it',
  '8. Midas: order on the emulator, pay, the signed delivery to the reference receiver',
  '9. webhook check: the conformance battery against the sample receiver',
];

/** Resolves true when something accepts a TCP connection at url's host:port. */
function listening(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = connect({ host: u.hostname, port: Number(u.port) });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const urlsIn = (text: string) => [...text.matchAll(/(?:Graph emulator|sample receiver)\s+(http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]);


describe('fbpay demo (the binary, offline)', () => {
  it('exits 0, prints every section, no ANSI codes when piped, and leaves no listening port behind', async () => {
    // No FORCE_COLOR either way: colour must be off because stdout is a pipe.
    const r = await runBin(['demo'], { env: { FORCE_COLOR: undefined }, timeoutMs: 120_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const s of SECTIONS) expect(r.stdout).toContain(s);
    expect(r.stdout).toContain('9/9 sections did what they should');
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(r.stdout).not.toContain('✘');
    // What each section is there to show.
    expect(r.stdout).toMatch(/400 error 1383001/);
    expect(r.stdout).toMatch(/refused before any request \(exit 2\)/);
    expect(r.stdout).toMatch(/fulfil\s+\d+:charge:completed#1/);
    expect(r.stdout).toMatch(/revoke\s+\d+:chargeback:completed#1/);
    expect(r.stdout).toMatch(/valid \(rule: callback\)/);
    expect(r.stdout).toMatch(/PAYMENT\.SALE\.COMPLETED for subscription I-BW452GLLEP1G/);
    expect(r.stdout).toMatch(/handshake\s+required\s+✓ pass/);
    expect(r.stdout).toMatch(/✓ delivery -APPDJ\S+ → HTTP 200 \{"ret":0,"msg":"OK"\}/);
    expect(r.stdout).toMatch(/PLAYER1 now has gold × 10/);
    expect(r.stdout).toMatch(/✗ delivery not accepted after 3 attempt\(s\): msg must be "OK", got "ok"/);
    // The demo's own secret is never printed whole.
    expect(r.stdout + r.stderr).not.toContain('fbpay-demo-app-secret-0000');
    const urls = urlsIn(r.stdout);
    expect(urls).toHaveLength(2);
    for (const u of urls) expect(await listening(u), u).toBe(false);
  }, 150_000);

  it('--json prints one document summarising every step', async () => {
    const r = await runBin(['demo', '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, passed: 9, failed: 0, failed_steps: [], stopped: true });
    expect(doc.steps.map((s: { id: string }) => s.id)).toEqual(['lite-purchase', 'repurchase-1383001', 'payment-webhooks', 'graph-trigger', 'paypal', 'paypal-subscription', 'midas', 'midas-flow', 'webhook-check']);
    expect(doc.steps.every((s: { ok: boolean }) => s.ok)).toBe(true);
    const byId = Object.fromEntries(doc.steps.map((s: { id: string }) => [s.id, s]));
    expect(byId['repurchase-1383001']).toMatchObject({ repurchase_error: 1383001, app_token_consume_exit_code: 2, graph_error_for_app_token: 100, receiver_consumed: true, repurchase_after_consume: 200 });
    expect(byId['payment-webhooks'].decisions.map((d: { verdict: string }) => d.verdict).filter((v: string) => v !== 'dispute')).toEqual(['fulfil', 'revoke', 'restore']);
    expect(byId.midas.rule).toBe('callback');
    expect(byId['midas-flow']).toMatchObject({ delivered: true, granted: { gold: 10 }, sloppy_attempts: 3 });
    expect(byId['midas-flow'].sloppy_reason).toMatch(/msg must be "OK"/);
    expect(byId['webhook-check'].failed).toBe(0);
    expect(JSON.stringify(doc)).not.toContain('fbpay-demo-app-secret-0000');
    for (const u of [doc.graph_url, doc.receiver_url]) expect(await listening(u)).toBe(false);
  }, 150_000);

  it('Ctrl-C stops everything it started and exits 130', async () => {
    const p = startBin(['demo']);
    await p.waitFor(/sample receiver\s+http:\/\/127\.0\.0\.1:\d+/, 20_000);
    const urls = urlsIn(p.stdout);
    const code = await p.stop('SIGINT');
    expect(code).toBe(130);
    for (const u of urls) expect(await listening(u), u).toBe(false);
  }, 120_000);
});

describe('runDemo (in-process)', () => {
  const never = new AbortController().signal;
  const noCli = async () => ({ code: 0, stdout: '', stderr: '' });

  it('a failing or throwing step fails the report, naming it; the other steps still run; services stop', async () => {
    let graphUrl = '';
    const steps: DemoStep[] = [
      { id: 'boom', title: 'throws', run: async () => { throw new Error('kaput'); } },
      { id: 'bad', title: 'fails a check', run: async (_env, rec) => void rec.check(false, 'nope') },
      { id: 'good', title: 'fine', run: async (env, rec) => { graphUrl = env.services.emulator.url; rec.say('hi'); } },
    ];
    const report = await runDemo({ cli: noCli, human: true, signal: never, steps });
    expect(report.ok).toBe(false);
    expect(report.failedSteps).toEqual(['boom', 'bad']);
    expect(report.steps[0].failures[0]).toContain('kaput');
    expect(report.steps[2].ok).toBe(true);
    expect(await listening(graphUrl)).toBe(false);
    expect(await listening(report.receiverUrl)).toBe(false);
  });

  it('an abort during a step stops the services and throws InterruptedError (exit 130)', async () => {
    const ac = new AbortController();
    let urls: string[] = [];
    const steps: DemoStep[] = [
      {
        id: 'slow',
        title: 'waits',
        run: async (env) => {
          urls = [env.services.emulator.url, env.services.receiver.url];
          ac.abort();
          await new Promise((r) => setTimeout(r, 50));
        },
      },
    ];
    await expect(runDemo({ cli: noCli, human: true, signal: ac.signal, steps })).rejects.toMatchObject({ exitCode: 130 });
    for (const u of urls) expect(await listening(u)).toBe(false);
  });

  it('the command exits 1 and names the failed section when a step fails (in-process, one section)', async () => {
    const { DEMO_STEPS } = await import('../../src/providers/demo/steps.js');
    const original = [...DEMO_STEPS];
    const mutable = DEMO_STEPS as DemoStep[];
    mutable.splice(0, mutable.length, { id: 'broken', title: 'a section that fails', run: async (_e, rec) => void rec.check(false, 'it did not do what it should') });
    try {
      const r = await runCli(['demo']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('✘ failed: it did not do what it should');
      expect(r.stderr).toContain('demo section(s) failed: broken');
      const j = await runCli(['demo', '--json']);
      expect(j.code).toBe(1);
      expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, failed_steps: ['broken'] });
    } finally {
      mutable.splice(0, mutable.length, ...original);
    }
  });

  it('finds the sample receiver from src/ and from a bundled chunk path', () => {
    expect(findSampleReceiver()).toMatch(/examples\/facebook-receiver\/server\.mjs$/);
    expect(findSampleReceiver(`${ROOT}dist/chunks/x.js`)).toMatch(/examples\/facebook-receiver\/server\.mjs$/);
    expect(() => findSampleReceiver('/nonexistent/a/b/c.js')).toThrow(/sample receiver/);
  });
});

// The installed package runs the demo too: test/packaging/pack.test.ts (one install of the tarball).
