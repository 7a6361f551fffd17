import { NetworkError, UsageError } from '../../core/errors.js';
import { httpRequest } from '../../transport/http.js';
import type { ProviderName } from './server.js';

/** `fbpay trigger`'s side of the emulators' `/_fbpay/trigger/{event}` route. */

export interface TriggerDelivery {
  event_type: string;
  url: string;
  status: number | null;
  ok: boolean;
  attempts: number;
  reason: string | null;
  reply?: string;
}

export interface TriggerResult {
  event: string;
  ids: Record<string, unknown>;
  deliveries: TriggerDelivery[];
  [extra: string]: unknown;
}

const PREFIXES: Record<string, ProviderName> = { fb: 'facebook', paypal: 'paypal', midas: 'midas' };

/** The provider an event name belongs to (`fb-refund` → facebook), or undefined. */
export function providerOfEvent(event: string): ProviderName | undefined {
  return PREFIXES[event.split('-')[0]];
}

export interface TriggerOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Asks the emulator who it is, checks the event belongs to it, then makes the change. */
export async function triggerEvent(emulatorUrl: string, event: string, params: Record<string, string>, opts: TriggerOptions): Promise<TriggerResult> {
  const provider = providerOfEvent(event);
  if (!provider) throw new UsageError('unknown_event', `"${event}" is not an event name`, { hint: 'events start with fb-, paypal- or midas- (e.g. fb-refund); see fbpay trigger --help' });
  const base = emulatorUrl.replace(/\/+$/, '');
  const info = await httpRequest({ method: 'GET', url: `${base}/_fbpay/info`, timeoutMs: Math.min(opts.timeoutMs, 10_000), signal: opts.signal });
  let who: { provider?: string; trigger_events?: string[] } | undefined;
  try {
    who = info.status === 200 ? (JSON.parse(info.body.toString('utf8')) as typeof who) : undefined;
  } catch {
    who = undefined;
  }
  if (!who?.provider) {
    throw new NetworkError('not_an_emulator', `${base} is not an fbpay emulator (GET /_fbpay/info answered HTTP ${info.status})`, {
      hint: 'start one with fbpay mock graph|paypal|midas --port 0 and pass the URL it prints',
    });
  }
  if (who.provider !== provider) {
    throw new UsageError('wrong_emulator', `${event} is a ${provider} event, but ${base} is the ${who.provider} emulator`, {
      hint: `start fbpay mock ${provider === 'facebook' ? 'graph' : provider} and point --emulator at it`,
    });
  }
  if (Array.isArray(who.trigger_events) && !who.trigger_events.includes(event)) {
    throw new UsageError('unknown_event', `the ${provider} emulator has no event "${event}"`, { hint: `events: ${who.trigger_events.join(', ')}` });
  }
  const res = await httpRequest({
    method: 'POST',
    url: `${base}/_fbpay/trigger/${encodeURIComponent(event)}`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
  let doc: { error?: { code?: string; message?: string; hint?: string } } & Partial<TriggerResult>;
  try {
    doc = JSON.parse(res.body.toString('utf8')) as typeof doc;
  } catch {
    throw new NetworkError('bad_reply', `the emulator answered HTTP ${res.status} with a body that is not JSON`, { hint: 'is --emulator an fbpay emulator?' });
  }
  if (res.status === 400 && doc.error) throw new UsageError(doc.error.code ?? 'bad_trigger', doc.error.message ?? 'refused', { hint: doc.error.hint ?? 'see fbpay trigger --help' });
  if (res.status !== 200 || !doc.ids || !Array.isArray(doc.deliveries)) {
    throw new NetworkError('trigger_failed', `the emulator refused ${event}: ${doc.error?.message ?? `HTTP ${res.status}`}`, { hint: doc.error?.hint ?? 'see the emulator\'s output' });
  }
  return doc as TriggerResult;
}
