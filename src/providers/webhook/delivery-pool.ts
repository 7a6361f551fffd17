import type { Dispatcher } from 'undici';
import { InterruptedError } from '../../core/errors.js';

/**
 * Keep-alive connections for a run of deliveries, sized to its concurrency. Each worker has one
 * request in flight at a time, so it gets its own undici Client (one connection, no pipelining) for
 * the target's origin — no pool to search per request. A delivery to another origin (a fixture path
 * that is a whole URL) goes through a keep-alive Agent made when first needed. An abort destroys
 * them all, which fails whatever is in flight at once (cheaper than a combined signal per request).
 */
export interface DeliveryPool {
  dispatcherFor(worker: number, url: string): Dispatcher;
  /** Closes the connections gracefully (unless the abort already destroyed them). */
  close(): Promise<void>;
}

export async function openDeliveryPool(target: URL, concurrency: number, signal?: AbortSignal): Promise<DeliveryPool> {
  const undici = await import('undici');
  const clients: Dispatcher[] = [];
  let elsewhere: Dispatcher | undefined;
  const originPrefix = `${target.origin}/`;
  let lastUrl = '';
  let lastSame = false;
  const owned = (): Dispatcher[] => (elsewhere ? [...clients.filter(Boolean), elsewhere] : clients.filter(Boolean));
  let destroyed = false;
  const onAbort = () => {
    destroyed = true;
    for (const d of owned()) d.destroy(new InterruptedError()).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    dispatcherFor(worker, url) {
      if (url !== lastUrl) {
        lastUrl = url;
        lastSame = url.startsWith(originPrefix);
      }
      if (lastSame) return (clients[worker] ??= new undici.Client(target.origin, { pipelining: 1, keepAliveTimeout: 10_000 }));
      return (elsewhere ??= new undici.Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 }));
    },
    async close() {
      signal?.removeEventListener('abort', onAbort);
      if (!destroyed) await Promise.all(owned().map((d) => d.close().catch(() => undefined)));
    },
  };
}
