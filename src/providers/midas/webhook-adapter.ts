import { UsageError } from '../../core/errors.js';
import type { AdapterOptions, Receiver, ReplayAdapter } from '../webhook/adapter.js';

// Placeholder until the midas webhook adapter lands.
export function createReplayAdapter(_opts: AdapterOptions): ReplayAdapter {
  throw new UsageError('not_implemented', 'midas webhooks are not built yet');
}

export function createReceiver(_opts: AdapterOptions): Receiver {
  throw new UsageError('not_implemented', 'midas webhooks are not built yet');
}
