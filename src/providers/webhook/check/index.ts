import { UsageError } from '../../../core/errors.js';
import type { Provider } from '../../../core/fixtures/schema.js';
import type { Battery, BatteryOptions } from './types.js';

export { runBattery, selectChecks, type RunOptions } from './runner.js';
export { reportToJson, reportToJunit } from './report.js';
export type { Battery, BatteryOptions, Check, CheckDeps, CheckOutcome, CheckReport, CheckResult } from './types.js';

/** Builds a provider's battery, loading only that provider's code. */
export async function loadBattery(provider: Provider, opts: BatteryOptions): Promise<Battery> {
  switch (provider) {
    case 'facebook':
      if (opts.kind === 'deauthorize' || opts.kind === 'data-deletion') return (await import('./app-callbacks.js')).createAppCallbackBattery(opts.kind, opts);
      return (await import('./facebook.js')).createFacebookBattery(opts);
    case 'paypal':
      return (await import('./paypal.js')).createPaypalBattery(opts);
    case 'midas':
      return (await import('./midas.js')).createMidasBattery(opts);
    default:
      throw new UsageError('bad_provider', `unknown provider "${String(provider)}"`, { hint: 'use --provider facebook|paypal|midas' });
  }
}
