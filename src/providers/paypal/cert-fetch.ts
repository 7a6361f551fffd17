import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { NetworkError, VerificationError } from '../../core/errors.js';
import { checkCertUrl } from '../../core/paypal/cert-policy.js';
import { httpRequest } from '../../transport/http.js';

/** Certificates fetched in this process, by URL. */
const memoryCache = new Map<string, string>();

export interface CertLoaderOptions {
  /** Hosts allowed besides PayPal's (the policy is enforced again here, before any request). */
  allowCertHosts?: readonly string[];
  /** When set, certificates are also cached on disk here (`--cache`). */
  cacheDir?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Told where each certificate came from (verbose output, tests). */
  onLoad?: (url: string, from: 'memory' | 'disk' | 'network') => void;
}

/** The user's cache directory for fbpay (XDG_CACHE_HOME, ~/Library/Caches, %LOCALAPPDATA%). */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'fbpay');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'fbpay');
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'fbpay', 'Cache');
  return join(home, '.cache', 'fbpay');
}

/**
 * Returns a `loadCert(url)` for the verifier: refuses URLs outside the policy (VerificationError,
 * no request made), then answers from memory, the disk cache (with `cacheDir`), or one GET.
 * A failed fetch is a NetworkError (exit 3).
 */
export function createCertLoader(opts: CertLoaderOptions = {}): (url: string) => Promise<string> {
  return async (url: string) => {
    const policy = checkCertUrl(url, opts.allowCertHosts);
    if (!policy.ok) throw new VerificationError('cert_url_refused', policy.detail, { hint: 'only PayPal hosts are fetched; pass --cert <pem> or --allow-cert-host <host> for test certificates' });
    const hit = memoryCache.get(url);
    if (hit) {
      opts.onLoad?.(url, 'memory');
      return hit;
    }
    const file = opts.cacheDir ? join(opts.cacheDir, 'paypal-certs', createHash('sha256').update(url).digest('hex').slice(0, 32) + '.pem') : undefined;
    if (file) {
      const pem = await readFile(file, 'utf8').catch(() => undefined);
      if (pem && pem.includes('-----BEGIN CERTIFICATE-----')) {
        memoryCache.set(url, pem);
        opts.onLoad?.(url, 'disk');
        return pem;
      }
    }
    const res = await httpRequest({ method: 'GET', url, signal: opts.signal, timeoutMs: opts.timeoutMs ?? 10_000, dispatcher: opts.dispatcher, maxResponseBytes: 256 * 1024 }).catch((e: unknown) => {
      if (e instanceof NetworkError) throw new NetworkError('cert_fetch_failed', `fetching the certificate failed: ${e.message}`, { hint: e.hint ? `${e.hint}; or pass the certificate with --cert <pem>` : 'pass the certificate with --cert <pem>', cause: e });
      throw e;
    });
    if (res.status !== 200) {
      throw new NetworkError('cert_fetch_failed', `fetching the certificate at ${url} failed: HTTP ${res.status}`, { hint: 'check PAYPAL-CERT-URL, or pass the certificate with --cert <pem>' });
    }
    const pem = res.body.toString('utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new NetworkError('cert_fetch_failed', `${url} did not return a PEM certificate`, { hint: 'pass the certificate with --cert <pem>' });
    }
    memoryCache.set(url, pem);
    opts.onLoad?.(url, 'network');
    if (file) {
      // Best effort: a cache that cannot be written only costs a fetch next time.
      await mkdir(join(opts.cacheDir!, 'paypal-certs'), { recursive: true })
        .then(() => writeFile(file + '.tmp', pem))
        .then(() => rename(file + '.tmp', file))
        .catch(() => undefined);
    }
    return pem;
  };
}

/** Forgets the certificates fetched in this process (tests). */
export function clearCertMemoryCache(): void {
  memoryCache.clear();
}
