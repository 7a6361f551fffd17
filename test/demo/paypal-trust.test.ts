import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { DEMO_STEPS, type DemoStep } from '../../src/providers/demo/steps.js';

/**
 * The demo's PayPal sections verify with a self-signed test certificate (section 5) and a receiver
 * trusting the emulator's local CA (section 6): neither may read as a plain "valid"/"VERIFIED"; each
 * says what the trust rests on, in text and in --json.
 */
async function onlyPaypal<T>(fn: () => Promise<T>): Promise<T> {
  const original = [...DEMO_STEPS];
  const mutable = DEMO_STEPS as DemoStep[];
  mutable.splice(0, mutable.length, ...original.filter((s) => s.id === 'paypal' || s.id === 'paypal-subscription'));
  try {
    return await fn();
  } finally {
    mutable.splice(0, mutable.length, ...original);
  }
}

describe('fbpay demo: PayPal sections say what a verification trusted', () => {
  it('text: the --cert verdict says "trusted because you passed --cert"; the receiver section names the emulator CA it trusted', async () => {
    const r = await onlyPaypal(() => runCli(['demo']));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/→ VERIFIED, trusted because you passed --cert \(a self-signed test certificate; .*\): crc32 \d+, SHA256withRSA ok; PAYMENT\.SALE\.COMPLETED for subscription I-BW452GLLEP1G/);
    expect(r.stdout).not.toMatch(/→ valid:/);
    expect(r.stdout).not.toMatch(/→ VERIFIED[:\s](?!.*trusted because)/);
    expect(r.stdout).toMatch(/accepted them because it was started trusting the emulator’s CA \(PAYPAL_CA, what --ca is to paypal verify\): a local test CA, not PayPal’s/);
  }, 60_000);

  it('--json: trusted_by "--cert" next to valid, and the receiver\u2019s trust anchor', async () => {
    const r = await onlyPaypal(() => runCli(['demo', '--json']));
    expect(r.code, r.stderr).toBe(0);
    const steps = Object.fromEntries((JSON.parse(r.stdout).steps as Array<{ id: string }>).map((s) => [s.id, s]));
    expect(steps.paypal).toMatchObject({ valid: true, trusted_by: '--cert', tampered_refused: true });
    expect(steps['paypal-subscription']).toMatchObject({ granted: true, revoked: true, receiver_trusted_by: 'PAYPAL_CA (the emulator CA, as --ca)' });
  }, 60_000);
});
