import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FbpayError, InternalError } from '../../core/errors.js';
import type { GraphEmulator } from '../graph/emulator/index.js';

/** The sample receiver's public surface (examples/facebook-receiver/server.mjs). */
export interface SampleReceiver {
  url: string;
  close(): Promise<void>;
  ledger: { toJSON(): ReceiverLedger };
}

export interface ReceiverDecision {
  key: string;
  payment_id: string;
  verdict: string;
  reason: string;
  source: string;
  applied_at: string;
}

export interface ReceiverLedger {
  decisions: ReceiverDecision[];
  purchases: { purchase_token: string; payment_id: string; product_id: string | null; consumed: boolean }[];
  duplicates: number;
}

export interface DemoServices {
  emulator: GraphEmulator;
  receiver: SampleReceiver;
  appId: string;
  appSecret: string;
  verifyToken: string;
  /** Stops both (idempotent). */
  stop(): Promise<void>;
}

const RECEIVER_PATH = join('examples', 'facebook-receiver', 'server.mjs');

/**
 * Finds the sample receiver from wherever this module runs: src/providers/demo (tests), dist/ or
 * dist/chunks (the bundle, in a clone or an installed package, which ships examples/).
 */
export function findSampleReceiver(from = fileURLToPath(import.meta.url), receiverPath = RECEIVER_PATH): string {
  let dir = dirname(from);
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, receiverPath);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new InternalError(`the sample receiver (${receiverPath}) is missing from this fbpay installation`, {
    hint: 'reinstall fbpay; package.json "files" must include examples/',
  });
}

/**
 * Starts the Graph emulator and the sample receiver on 127.0.0.1 (free ports), wired together:
 * the emulator sends its payment updates to the receiver, the receiver looks payments up and
 * consumes purchases on the emulator. Whatever started is stopped again if the other fails.
 */
export async function startDemoServices(opts: { appId: string; appSecret: string; verifyToken: string; signal?: AbortSignal }): Promise<DemoServices> {
  const receiverModule = (await import(pathToFileURL(findSampleReceiver()).href)) as {
    startReceiver(o: { port: number; host: string; appId: string; appSecret: string; verifyToken: string; graphUrl: string }): Promise<SampleReceiver>;
  };
  const { startGraphEmulator } = await import('../graph/emulator/index.js');
  // The receiver needs the emulator's URL and the emulator the receiver's: start the emulator
  // first with a late-bound webhook URL (the receiver subscribes right after it starts).
  const emulator = await startGraphEmulator({ appId: opts.appId, appSecret: opts.appSecret });
  let receiver: SampleReceiver | undefined;
  try {
    receiver = await receiverModule.startReceiver({ port: 0, host: '127.0.0.1', appId: opts.appId, appSecret: opts.appSecret, verifyToken: opts.verifyToken, graphUrl: emulator.url });
    await subscribe(emulator, `${receiver.url}/webhook`, opts.verifyToken, opts.signal);
  } catch (e) {
    await receiver?.close();
    await emulator.close();
    throw e instanceof FbpayError ? e : new InternalError(`cannot start the demo services: ${(e as Error).message}`, { cause: e });
  }
  let stopped: Promise<void> | undefined;
  const rx = receiver;
  return {
    emulator,
    receiver: rx,
    ...opts,
    stop: () => (stopped ??= Promise.allSettled([rx.close(), emulator.close()]).then(() => undefined)),
  };
}

/** POST /{app-id}/subscriptions on the emulator: it performs the hub.challenge handshake against the receiver first. */
async function subscribe(emulator: GraphEmulator, callbackUrl: string, verifyToken: string, signal?: AbortSignal): Promise<void> {
  const { httpRequest } = await import('../../transport/http.js');
  const body = new URLSearchParams({ object: 'payments', callback_url: callbackUrl, fields: 'actions,disputes', verify_token: verifyToken, access_token: emulator.appToken }).toString();
  const res = await httpRequest({ method: 'POST', url: `${emulator.url}/${emulator.appId}/subscriptions`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, timeoutMs: 5000, signal });
  if (res.status !== 200) throw new InternalError(`the emulator could not subscribe the sample receiver: ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
}
