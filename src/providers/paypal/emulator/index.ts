import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server.js';
import { loadOrCreatePki, type EmulatorPki } from './pki.js';
import { PaypalEmulatorProvider, type PaypalEmulatorOptions } from './provider.js';

export { PaypalEmulatorProvider, PAYPAL_RETRY_SCHEDULE, PAYPAL_TRIGGER_EVENTS, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TOKEN_TTL } from './provider.js';
export { loadOrCreatePki, type EmulatorPki } from './pki.js';

export interface StartPaypalEmulatorOptions extends Omit<PaypalEmulatorOptions, 'pki'>, Partial<Omit<EmulatorOptions, 'tls'>> {
  /** Keys and certificates (made, with a CA in `pkiDir` or a temporary folder, when absent). */
  pki?: EmulatorPki;
  pkiDir?: string;
  /** Serve https with a certificate from the emulator's CA. */
  tls?: boolean;
}

export interface RunningPaypalEmulator extends RunningEmulator {
  readonly paypal: PaypalEmulatorProvider;
}

/** Starts `fbpay mock paypal` in process (tests, the demo, the bench). */
export async function startPaypalEmulator(opts: StartPaypalEmulatorOptions = {}): Promise<RunningPaypalEmulator> {
  const pki = opts.pki ?? (await loadOrCreatePki({ dir: opts.pkiDir }));
  const provider = new PaypalEmulatorProvider({ ...opts, pki });
  const emu = await startEmulator(provider, {
    ...opts,
    retrySchedule: opts.retrySchedule ?? [...provider.defaultRetrySchedule],
    tls: opts.tls ? pki.tls : undefined,
  });
  return Object.assign(emu, { paypal: provider });
}
