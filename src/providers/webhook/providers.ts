import { UsageError } from '../../core/errors.js';
import type { AdapterOptions, Provider, Receiver, ReplayAdapter } from './adapter.js';

/** Loads a provider's adapter lazily: a Facebook replay never loads the PayPal code. */
export async function loadReplayAdapter(provider: Provider, opts: AdapterOptions): Promise<ReplayAdapter> {
  switch (provider) {
    case 'facebook':
      return (await import('../facebook/webhook-adapter.js')).createReplayAdapter(opts);
    case 'paypal':
      return (await import('../paypal/webhook-adapter.js')).createReplayAdapter(opts);
    case 'midas':
      return (await import('../midas/webhook-adapter.js')).createReplayAdapter(opts);
    default:
      throw new UsageError('bad_provider', `unknown provider "${String(provider)}"`, { hint: 'use --provider facebook|paypal|midas' });
  }
}

export async function loadReceiver(provider: Provider, opts: AdapterOptions): Promise<Receiver> {
  switch (provider) {
    case 'facebook':
      return (await import('../facebook/webhook-adapter.js')).createReceiver(opts);
    case 'paypal':
      return (await import('../paypal/webhook-adapter.js')).createReceiver(opts);
    case 'midas':
      return (await import('../midas/webhook-adapter.js')).createReceiver(opts);
    default:
      throw new UsageError('bad_provider', `unknown provider "${String(provider)}"`, { hint: 'use --provider facebook|paypal|midas' });
  }
}
